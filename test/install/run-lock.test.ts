import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { acquireRunLock, LOCK_FILE, runningSync } from '../../src/install/run-lock.ts';
import { DirSyncError } from '../../src/core/errors.ts';

const contenderScript = fileURLToPath(new URL('./run-lock-contender.ts', import.meta.url));
const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

/** Field 22 of /proc/<pid>/stat, read here independently of the code under test. */
function startTimeOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

interface Contender {
  child: ChildProcess;
  pid: number;
  nextLine(): Promise<string>;
  exited: Promise<unknown>;
}

async function startContender(...args: string[]): Promise<Contender> {
  const child = spawn(process.execPath, [contenderScript, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const contender = {
    child,
    pid: child.pid!,
    exited,
    nextLine: async () => {
      const next = await lines.next();
      if (next.done) throw new Error(`contender ${child.pid} ended without answering`);
      return next.value as string;
    },
  };
  if (args[0] === 'once') assert.equal(await contender.nextLine(), 'ready');
  return contender;
}

async function stopContender(contender: Contender): Promise<void> {
  contender.child.stdin!.end();
  await contender.exited;
}

/** The pid of a process that has just exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

async function sleeper(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  await new Promise((resolve) => child.once('spawn', resolve));
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('the run lock', function () {
  this.timeout(60_000);
  let directory: string;
  let lockFile: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dirsync-lock-'));
    lockFile = join(directory, LOCK_FILE);
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  const writeLock = (record: Record<string, unknown>) => writeFile(lockFile, JSON.stringify(record));
  const lockRecord = async () => JSON.parse(await readFile(lockFile, 'utf8')) as Record<string, unknown>;

  it('lets one holder in at a time, names the holder to the others, and leaves nothing behind', async () => {
    const lock = await acquireRunLock(directory);
    await assert.rejects(acquireRunLock(directory), (error: unknown) => isBusy(error, process.pid));
    assert.equal((await runningSync(directory))?.pid, process.pid);
    await lock.release();
    assert.deepEqual(await readdir(directory), []);
    assert.equal(await runningSync(directory), undefined);
    const again = await acquireRunLock(directory);
    await again.release();
  });

  it('names its owner by pid, process start time, boot id and host', async () => {
    const lock = await acquireRunLock(directory);
    const record = await lockRecord();
    assert.equal(record.pid, process.pid);
    assert.equal(record.startTime, startTimeOf(process.pid));
    assert.equal(record.bootId, bootId);
    assert.equal(record.host, hostname());
    assert.ok(!Number.isNaN(Date.parse(String(record.acquiredAt))));
    await lock.release();
  });

  it('takes over the lock of an owner killed while holding it (SIGKILL)', async () => {
    const owner = await startContender('once', directory, '--now');
    assert.deepEqual(JSON.parse(await owner.nextLine()), { won: true });
    await assert.rejects(acquireRunLock(directory), (error: unknown) => isBusy(error, owner.pid));
    owner.child.kill('SIGKILL');
    await owner.exited;
    assert.equal(await runningSync(directory), undefined);
    const lock = await acquireRunLock(directory);
    assert.equal((await lockRecord()).pid, process.pid);
    await lock.release();
  });

  it('takes over a lock whose pid now belongs to another process (other start time), and keeps one whose start time matches', async () => {
    const other = await sleeper();
    try {
      const identity = { pid: other.pid, bootId, host: hostname() };
      await writeLock({ ...identity, startTime: startTimeOf(other.pid!) });
      await assert.rejects(acquireRunLock(directory), (error: unknown) => isBusy(error, other.pid));
      await writeLock({ ...identity, startTime: String(Number(startTimeOf(other.pid!)) - 1) });
      assert.equal(await runningSync(directory), undefined);
      const lock = await acquireRunLock(directory);
      assert.equal((await lockRecord()).pid, process.pid);
      await lock.release();
    } finally {
      await kill(other);
    }
  });

  it('takes over a lock written before this computer restarted (other boot id), even if its pid is alive', async () => {
    await writeLock({ pid: process.pid, startTime: startTimeOf(process.pid), bootId: '00000000-0000-4000-8000-000000000000', host: hostname() });
    const lock = await acquireRunLock(directory);
    assert.equal((await lockRecord()).bootId, bootId);
    await lock.release();
  });

  it('does not take over a lock held on another computer sharing the folder, and says how to clear it', async () => {
    await writeLock({ pid: 4242, startTime: '1', bootId: '00000000-0000-4000-8000-000000000000', host: 'other-server' });
    await assert.rejects(acquireRunLock(directory), (error: unknown) => {
      assert.ok(isBusy(error, 4242));
      assert.ok(error instanceof Error);
      assert.match(error.message, /process 4242 on host other-server.*delete .*sync\.lock if nothing runs there/);
      return true;
    });
  });

  it('treats damaged or foreign lock files as stale', async () => {
    for (const content of ['', '{"pid":', 'not json', '{"acquiredAt":"2026-01-01T00:00:00Z"}', '{"pid":-3}', '[1,2]', 'null']) {
      await writeFile(lockFile, content);
      const lock = await acquireRunLock(directory);
      assert.equal((await lockRecord()).pid, process.pid, `after ${JSON.stringify(content)}`);
      await lock.release();
    }
  });

  it('judges a lock left by an earlier version (pid only) by its pid', async () => {
    const other = await sleeper();
    try {
      await writeLock({ pid: other.pid, acquiredAt: '2026-01-01T00:00:00Z' });
      await assert.rejects(acquireRunLock(directory));
    } finally {
      await kill(other);
    }
    const lock = await acquireRunLock(directory);
    await lock.release();
  });

  it('takes over a stale lock whose takeover was interrupted by the crash of the process taking it over', async () => {
    const stale = JSON.stringify({ pid: await deadPid(), startTime: '1', bootId, host: hostname(), nonce: 'a' });
    await writeFile(lockFile, stale);
    const claim = `${lockFile}.break-${createHash('sha256').update(stale).digest('hex').slice(0, 32)}`;
    await writeFile(claim, JSON.stringify({ pid: await deadPid(), startTime: '1', bootId, host: hostname(), nonce: 'b' }));
    const lock = await acquireRunLock(directory);
    assert.equal((await lockRecord()).pid, process.pid);
    await lock.release();
    assert.deepEqual(await readdir(directory), []);
  });

  it('lets exactly one of several processes starting together win, from a free, a crashed or a reused-pid lock (repeated)', async () => {
    const starts: Array<[string, () => Promise<void>]> = [
      ['free', async () => {}],
      ['crashed owner', async () => writeLock({ pid: await deadPid(), startTime: '1', bootId, host: hostname() })],
      ['reused pid', async () => writeLock({ pid: process.pid, startTime: '1', bootId, host: hostname() })],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [start, prepare] of starts) {
        await prepare();
        const contenders = await Promise.all(Array.from({ length: 5 }, () => startContender('once', directory)));
        for (const contender of contenders) contender.child.stdin!.write('go\n');
        const outcomes = (await Promise.all(contenders.map((contender) => contender.nextLine()))).map(
          (line) => JSON.parse(line) as { won?: true; busy?: number },
        );
        const winners = contenders.filter((_, index) => outcomes[index]!.won);
        const label = `round ${round}, ${start}: ${JSON.stringify(outcomes)}`;
        assert.equal(winners.length, 1, label);
        const winner = winners[0]!.pid;
        assert.equal((await lockRecord()).pid, winner, label);
        assert.ok(
          outcomes.every((outcome) => outcome.won || outcome.busy === winner),
          label,
        );
        await Promise.all(contenders.map(stopContender));
        assert.deepEqual(await readdir(directory), [], label);
      }
    }
  });

  it('never has two holders at once nor shows a half-written lock, with processes acquiring, releasing and crashing for seconds', async () => {
    const milliseconds = 3000;
    const dead = await deadPid();
    const contenders = await Promise.all(Array.from({ length: 4 }, () => startContender('cycle', directory, String(dead), String(milliseconds))));
    // Meanwhile this process reads the lock as fast as it can: every lock it sees must be whole.
    const seen = { whole: 0, absent: 0, partial: [] as string[] };
    const until = Date.now() + milliseconds;
    while (Date.now() < until) {
      let text: string;
      try {
        text = readFileSync(lockFile, 'utf8');
      } catch {
        seen.absent++;
        continue;
      }
      if (text.startsWith('{') && text.endsWith('}')) seen.whole++;
      else seen.partial.push(text);
    }
    const counts = await Promise.all(
      contenders.map(
        async (contender) =>
          JSON.parse(await contender.nextLine()) as { won: number; busy: number; abandoned: number; overlaps: number; errors: string[] },
      ),
    );
    await Promise.all(contenders.map((contender) => contender.exited));
    const total = (key: 'won' | 'busy' | 'abandoned' | 'overlaps') => counts.reduce((sum, count) => sum + count[key], 0);
    const summary = JSON.stringify({
      won: total('won'),
      busy: total('busy'),
      abandoned: total('abandoned'),
      seen: { whole: seen.whole, absent: seen.absent },
    });
    console.log(`      ${summary}`);
    assert.deepEqual(
      counts.flatMap((count) => count.errors),
      [],
    );
    assert.equal(total('overlaps'), 0, summary);
    assert.deepEqual(seen.partial, [], summary);
    assert.ok(total('won') >= 50 && total('abandoned') >= 10 && seen.whole > 0, `too little contention to tell: ${summary}`);
  });
});

/** The lock is held by another process (by `pid`, when given): Sync.already-running naming it. */
function isBusy(error: unknown, pid?: number): boolean {
  return error instanceof DirSyncError && error.code === 'Sync.already-running' && (pid === undefined || error.message.includes(`process ${pid}`));
}
