import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireRunLock, LOCK_FILE, RunLockBusyError } from '../../src/install/run-lock.ts';

describe('the run lock', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dirsync-lock-'));
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('lets one holder in at a time and names the holder to the others', async () => {
    const lock = await acquireRunLock(directory);
    await assert.rejects(acquireRunLock(directory), (error: unknown) => error instanceof RunLockBusyError && error.ownerPid === process.pid);
    await lock.release();
    const again = await acquireRunLock(directory);
    await again.release();
  });

  it('takes over a lock left by a process that died', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((resolve) => child.once('spawn', resolve));
    await writeFile(join(directory, LOCK_FILE), JSON.stringify({ pid: child.pid }));
    await assert.rejects(acquireRunLock(directory), RunLockBusyError);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const lock = await acquireRunLock(directory);
    assert.equal(JSON.parse(await readFile(join(directory, LOCK_FILE), 'utf8')).pid, process.pid);
    await lock.release();
  });

  it('treats a half-written lock file as stale', async () => {
    await writeFile(join(directory, LOCK_FILE), '{"pid":');
    const lock = await acquireRunLock(directory);
    await lock.release();
  });
});
