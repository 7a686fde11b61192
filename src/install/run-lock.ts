// One synchronization at a time per installation, across processes (sync, service, the module).
//
// The lock file names its owner: pid, process start time and boot id (Linux /proc; elsewhere the pid alone)
// and host. It is written whole to a temporary file, then hard-linked to the lock name: link() is atomic and
// fails when the name exists, so nobody ever reads a half-written lock.
// A lock whose owner is gone (crash, kill -9, reboot, its pid reused by another program) is stale and is taken
// over. Removing it is exclusive too: a process first claims `<lock>.break-<hash of the stale content>` (link
// again), checks that the lock still holds exactly that content, and only then deletes it. While the stale
// lock is in place nobody else may delete it and no new lock can be linked, so a live owner's lock is never
// deleted by a late process that judged an older one stale. A claimant that died leaves a stale claim, which
// is removed the same way.
import { createHash, randomBytes } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout } from 'node:timers/promises';

import { DirSyncError } from '../core/errors.ts';

export const LOCK_FILE = 'sync.lock';
/** How long a process keeps trying while other processes are taking over a stale lock. */
const CONTENTION_LIMIT_MS = 10_000;
/** Pause while another process removes a stale lock (that takes a few milliseconds). */
const CLAIM_WAIT_MS = 20;

/** Sync.already-running: another process holds the lock (the message names it, by pid and host). */
function runLockBusy(ownerPid: number, file: string, ownerHost?: string): DirSyncError {
  return new DirSyncError(
    'Sync.already-running',
    ownerHost === undefined
      ? `another synchronization (process ${ownerPid}) is running for this installation (${file}); wait for it to finish`
      : `another synchronization (process ${ownerPid} on host ${ownerHost}) holds this installation (${file}); ` +
          `its process cannot be checked from here: wait for it to finish, or delete ${file} if nothing runs there`,
    { target: file },
  );
}

export interface RunLock {
  release(): Promise<void>;
}

/** Who holds a lock (or a claim on a stale one): what tells this process apart from a later one with its pid. */
interface OwnerRecord {
  pid: number;
  /** Clock ticks after boot at which the process started (Linux); null where it cannot be read. */
  startTime: string | null;
  bootId: string | null;
  host: string;
  acquiredAt: string;
  /** Makes every record unique, so a claim named after a stale record's hash is never reused. */
  nonce: string;
}

/** A held lock names its owner's pid, and its host when that is another computer (whose processes cannot be checked). */
type Verdict = { stale: true } | { stale: false; pid: number; foreignHost: string | undefined };

export async function acquireRunLock(installationPath: string): Promise<RunLock> {
  const file = join(installationPath, LOCK_FILE);
  const deadline = Date.now() + CONTENTION_LIMIT_MS;
  const mine = await writeOwnerFile(installationPath);
  try {
    while (Date.now() < deadline) {
      if (await linkUnlessExists(mine.path, file)) return { release: () => removeIfUnchanged(file, mine.content) };
      const held = await readIfPresent(file);
      if (held === undefined) continue; // released in between
      const verdict = await judge(held);
      if (!verdict.stale) throw runLockBusy(verdict.pid, file, verdict.foreignHost);
      await removeStale(file, held);
    }
  } finally {
    await rm(mine.path, { force: true });
  }
  throw new Error(`could not acquire ${file} within ${CONTENTION_LIMIT_MS / 1000} s: other processes keep competing for it`);
}

/** The synchronization running now for this installation, if any (for status: "is a sync running?"). */
export async function runningSync(installationPath: string): Promise<{ pid: number; acquiredAt: string | undefined } | undefined> {
  const held = await readIfPresent(join(installationPath, LOCK_FILE));
  if (held === undefined) return undefined;
  const verdict = await judge(held);
  if (verdict.stale) return undefined;
  return { pid: verdict.pid, acquiredAt: parseRecord(held)?.acquiredAt };
}

/** Deletes `file` if it still holds `stale`, unless another process is doing just that (then waits a moment). */
async function removeStale(file: string, stale: Buffer): Promise<void> {
  const claim = `${file}.break-${createHash('sha256').update(stale).digest('hex').slice(0, 32)}`;
  const claimant = await writeOwnerFile(dirname(file));
  try {
    if (await linkUnlessExists(claimant.path, claim)) {
      try {
        if ((await readIfPresent(file))?.equals(stale)) await rm(file, { force: true });
      } finally {
        await rm(claim, { force: true });
      }
      return;
    }
  } finally {
    await rm(claimant.path, { force: true });
  }
  const claimHeld = await readIfPresent(claim);
  if (claimHeld === undefined) return; // that claimant has just finished
  if ((await judge(claimHeld)).stale) await removeStale(claim, claimHeld);
  else await setTimeout(CLAIM_WAIT_MS + Math.random() * CLAIM_WAIT_MS);
}

async function judge(content: Buffer): Promise<Verdict> {
  const record = parseRecord(content);
  // Damaged or foreign content: no process of ours can be waiting on it (locks are never written in place).
  if (record === undefined) return { stale: true };
  const self = await ownIdentity();
  const bothBootIdsKnown = typeof record.bootId === 'string' && self.bootId !== null;
  const sameBoot = bothBootIdsKnown && record.bootId === self.bootId;
  // Another host name on the same boot is this computer renamed; otherwise it is another computer sharing the folder.
  if (typeof record.host === 'string' && record.host !== self.host && !sameBoot) return { stale: false, pid: record.pid, foreignHost: record.host };
  if (bothBootIdsKnown && !sameBoot) return { stale: true }; // this computer restarted since
  const owner = await inspectProcess(record.pid);
  if (!owner.alive) return { stale: true };
  if (typeof record.startTime === 'string' && owner.startTime !== null && record.startTime !== owner.startTime) return { stale: true }; // pid reused
  return { stale: false, pid: record.pid, foreignHost: undefined };
}

/** A lock record, or (for a lock left by an earlier version) at least its pid; undefined when it names no process. */
function parseRecord(content: Buffer): (Partial<OwnerRecord> & { pid: number }) | undefined {
  try {
    const record = JSON.parse(content.toString('utf8')) as Partial<OwnerRecord> | null;
    return Number.isInteger(record?.pid) && record!.pid! > 0 ? (record as Partial<OwnerRecord> & { pid: number }) : undefined;
  } catch {
    return undefined;
  }
}

type Identity = Pick<OwnerRecord, 'pid' | 'startTime' | 'bootId' | 'host'>;
let identity: Promise<Identity> | undefined;

function ownIdentity(): Promise<Identity> {
  identity ??= (async () => ({
    pid: process.pid,
    startTime: (await inspectProcess(process.pid)).startTime,
    bootId: (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => '')).trim() || null,
    host: hostname(),
  }))();
  return identity;
}

/** Whether a process exists (a zombie does not count), and its start time where /proc tells it. */
async function inspectProcess(pid: number): Promise<{ alive: boolean; startTime: string | null }> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return { alive: pidExists(pid), startTime: null }; // no /proc (Windows, macOS), or another account's process hidden
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count from the last ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  return { alive: state !== 'Z' && state !== 'X', startTime: fields[19] ?? null }; // fields[19] is field 22, starttime
}

/** Whether a process of this pid exists (one of another account counts: it is there). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes this process's record to a new temporary file next to the lock, ready to be linked. */
async function writeOwnerFile(directory: string): Promise<{ path: string; content: Buffer }> {
  const record: OwnerRecord = { ...(await ownIdentity()), acquiredAt: new Date().toISOString(), nonce: randomBytes(12).toString('hex') };
  const content = Buffer.from(JSON.stringify(record));
  const path = join(directory, `${LOCK_FILE}.${process.pid}-${record.nonce}.tmp`);
  await writeFile(path, content, { mode: 0o600, flag: 'wx' });
  return { path, content };
}

async function linkUnlessExists(existing: string, name: string): Promise<boolean> {
  try {
    await link(existing, name);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function readIfPresent(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function removeIfUnchanged(file: string, content: Buffer): Promise<void> {
  if ((await readIfPresent(file))?.equals(content)) await rm(file, { force: true });
}
