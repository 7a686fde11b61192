// A process competing for the run lock, driven by test/install/run-lock.test.ts through its standard streams.
//
// once DIRECTORY [--now]: prints "ready", waits for a line "go" (unless --now), tries once and prints one JSON
//   line ({ won: true } | { busy: ownerPid } | { error }); a winner holds the lock until its input closes.
// cycle DIRECTORY DEAD_PID MS: for MS milliseconds, acquires again and again. While holding, it creates
//   `holder` exclusively (failing means two processes hold the lock at once), and then either releases the
//   lock or abandons it as a crashed process would, leaving a lock that names DEAD_PID. Prints the counts.
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout } from 'node:timers/promises';
import { acquireRunLock, LOCK_FILE } from '../../src/install/run-lock.ts';
import { DirSyncError } from '../../src/core/errors.ts';

const [mode, directory, ...rest] = process.argv.slice(2);
if (directory === undefined) throw new Error('usage: run-lock-contender.ts once|cycle DIRECTORY ...');

if (mode === 'once') {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  console.log('ready');
  if (rest[0] !== '--now') await lines.next();
  try {
    const lock = await acquireRunLock(directory);
    console.log(JSON.stringify({ won: true }));
    while (!(await lines.next()).done);
    await lock.release();
  } catch (error) {
    console.log(JSON.stringify(isBusy(error) ? { busy: Number(/process (\d+)/.exec((error as Error).message)?.[1]) } : { error: String(error) }));
  }
} else {
  const [deadPid, milliseconds] = rest.map(Number) as [number, number];
  const counts = { won: 0, busy: 0, abandoned: 0, overlaps: 0, errors: [] as string[] };
  const holder = join(directory, 'holder');
  const deadline = Date.now() + milliseconds;
  while (Date.now() < deadline) {
    try {
      const lock = await acquireRunLock(directory);
      counts.won++;
      try {
        await writeFile(holder, String(process.pid), { flag: 'wx' });
      } catch {
        counts.overlaps++;
      }
      await setTimeout(1);
      await rm(holder, { force: true });
      if (Math.random() < 0.5) {
        await lock.release();
      } else {
        const crashed = join(directory, `crashed-${randomBytes(6).toString('hex')}`);
        await writeFile(
          crashed,
          JSON.stringify({ pid: deadPid, startTime: '1', bootId: null, host: undefined, nonce: randomBytes(6).toString('hex') }),
        );
        await rename(crashed, join(directory, LOCK_FILE));
        counts.abandoned++;
      }
    } catch (error) {
      if (isBusy(error)) counts.busy++;
      else counts.errors.push(String(error));
    }
    await setTimeout(Math.random() * 2);
  }
  console.log(JSON.stringify(counts));
}
process.exit(0);

/** The lock is held by another process (by `pid`, when given): Sync.already-running naming it. */
function isBusy(error: unknown, pid?: number): boolean {
  return error instanceof DirSyncError && error.code === 'Sync.already-running' && (pid === undefined || error.message.includes(`process ${pid}`));
}
