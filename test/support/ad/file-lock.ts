import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from './processes.ts';

/**
 * Runs `work` while holding a machine-wide lock (a directory: mkdir is atomic). A lock whose holder
 * died is taken over, so a killed test run never blocks the next one.
 */
export async function withFileLock<T>(lockDirectory: string, work: () => Promise<T>, timeoutMs = 15 * 60_000): Promise<T> {
  const ownerFile = join(lockDirectory, 'owner-pid');
  const deadline = Date.now() + timeoutMs;
  await mkdir(dirname(lockDirectory), { recursive: true });
  for (;;) {
    try {
      await mkdir(lockDirectory);
      await writeFile(ownerFile, String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(await readFile(ownerFile, 'utf8').catch(() => ''));
    // No pid yet: the holder is between mkdir and writeFile; give it a moment before judging it dead.
    if (holder > 0 && !isProcessAlive(holder)) await rm(lockDirectory, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDirectory} (held by pid ${holder})`);
    else await sleep(250);
  }
  try {
    return await work();
  } finally {
    await rm(lockDirectory, { recursive: true, force: true });
  }
}
