import { randomInt } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPortOpen } from './samba-process.ts';
import { isProcessAlive, isProcessUsingDirectory, waitForExit } from './processes.ts';
import { runsRoot, templatesRoot } from './locations.ts';

export interface RunDirectory {
  ip: string;
  directory: string;
}

/** Holds the pid of the test process that owns the run directory. */
export const ownerFileName = 'owner-pid';

/**
 * Picks a free loopback address in 127.77.0.0/16 and claims it by creating its run directory
 * (mkdir is atomic, so concurrent test processes never pick the same address).
 */
export async function claimRunDirectory(): Promise<RunDirectory> {
  await mkdir(runsRoot, { recursive: true });
  for (let attempt = 0; attempt < 50; attempt++) {
    const ip = `127.77.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    const directory = join(runsRoot, ip);
    try {
      await mkdir(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    await writeFile(join(directory, ownerFileName), String(process.pid));
    if (!(await isPortOpen(ip))) return { ip, directory };
    await rm(directory, { recursive: true, force: true }); // something outside the harness listens there
  }
  throw new Error(`no free loopback address found under ${runsRoot}`);
}

async function readPid(file: string): Promise<number | undefined> {
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  return pid > 0 ? pid : undefined;
}

/** Kills the Samba of a run directory (only if that pid really serves this directory) and removes it. */
export async function removeRunDirectory(directory: string): Promise<void> {
  const sambaPid = await readPid(join(directory, 'run', 'samba.pid'));
  if (sambaPid !== undefined && isProcessUsingDirectory(sambaPid, directory)) {
    process.kill(sambaPid, 'SIGKILL');
    await waitForExit(sambaPid, 10_000);
  }
  await rm(directory, { recursive: true, force: true });
}

/**
 * Removes what killed earlier runs left behind: run directories whose owning process is gone (with
 * their Samba) and half-built templates of dead builders. Directories of live processes are untouched.
 */
export async function sweepAbandoned(): Promise<void> {
  for (const name of await readdir(runsRoot).catch(() => [])) {
    const directory = join(runsRoot, name);
    const owner = await readPid(join(directory, ownerFileName));
    const ageMs = Date.now() - ((await stat(directory).catch(() => undefined))?.mtimeMs ?? 0);
    // Without an owner file the directory may have been claimed a moment ago by a live process.
    if (owner === undefined ? ageMs < 60_000 : isProcessAlive(owner)) continue;
    await removeRunDirectory(directory);
  }
  for (const name of await readdir(templatesRoot).catch(() => [])) {
    const builder = /\.partial-(\d+)$/.exec(name)?.[1];
    if (builder !== undefined && !isProcessAlive(Number(builder))) await rm(join(templatesRoot, name), { recursive: true, force: true });
  }
}
