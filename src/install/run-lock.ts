// One synchronization at a time per installation, across processes (sync, service, the module).
// The lock is a file created exclusively, holding the owner's pid; a lock whose process has died (crash,
// kill -9, power loss) is stale and is taken over, so a crash never blocks synchronization for good.
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';

export const LOCK_FILE = 'sync.lock';
const TAKEOVER_SETTLE_MS = 50;

export class RunLockBusyError extends Error {
  readonly ownerPid: number;
  constructor(ownerPid: number, file: string) {
    super(`another synchronization (process ${ownerPid}) is running for this installation (${file}); wait for it to finish`);
    this.ownerPid = ownerPid;
  }
}

export interface RunLock {
  release(): Promise<void>;
}

export async function acquireRunLock(installationPath: string): Promise<RunLock> {
  const file = join(installationPath, LOCK_FILE);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(JSON.stringify({ pid: process.pid, acquiredAt: new Date().toISOString() }));
      await handle.close();
      // Two processes taking over the same stale lock at once: the second one's removal can hit the first
      // one's fresh lock. Looking again a moment later tells whether this process still holds it.
      await setTimeout(TAKEOVER_SETTLE_MS);
      if ((await lockOwner(file)) === process.pid) return { release: () => releaseIfOurs(file) };
      continue;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await lockOwner(file);
    if (owner !== undefined && isAlive(owner)) throw new RunLockBusyError(owner, file);
    await rm(file, { force: true }); // stale: its owner is gone
  }
  throw new Error(`could not acquire ${file}: it keeps reappearing; another process is competing for it`);
}

/** The synchronization running now for this installation, if any (for status: "is a sync running?"). */
export async function runningSync(installationPath: string): Promise<{ pid: number; acquiredAt: string | undefined } | undefined> {
  const file = join(installationPath, LOCK_FILE);
  const pid = await lockOwner(file);
  if (pid === undefined || !isAlive(pid)) return undefined;
  try {
    const { acquiredAt } = JSON.parse(await readFile(file, 'utf8')) as { acquiredAt?: string };
    return { pid, acquiredAt };
  } catch {
    return { pid, acquiredAt: undefined };
  }
}

async function lockOwner(file: string): Promise<number | undefined> {
  try {
    const { pid } = JSON.parse(await readFile(file, 'utf8')) as { pid?: unknown };
    return typeof pid === 'number' ? pid : undefined;
  } catch {
    return undefined; // unreadable or half-written by a process that died while writing it
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function releaseIfOurs(file: string): Promise<void> {
  if ((await lockOwner(file)) === process.pid) await rm(file, { force: true });
}
