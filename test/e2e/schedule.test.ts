// One cycle at a time, and the scheduled service: two cycles never overlap, and SIGTERM stops the service after
// the batch in flight, recording the run as stopped; the next cycle picks up where it left off.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURE } from '../support/ad/index.ts';
import { startTestBed, type TestBed } from '../support/test-bed.ts';
import { waitFor } from '../support/wait-for.ts';
import { collect, dirsync, startDirsync } from './dirsync-cli.ts';

describe('one cycle at a time, and the service (Samba AD DC + Entra stand-in)', function () {
  this.timeout(180_000);
  let bed: TestBed;
  const crowd = FIXTURE.crowd.users.length;
  // 1,600 writes at 400 per 2 s: a cycle long enough to overlap with, a few seconds in all.
  const settings = { includeOus: [FIXTURE.ous.crowd], writeBudget: '400/2' };

  /** Resolves once the stand-in has seen `count` user creates. */
  async function createsReach(count: number): Promise<void> {
    await waitFor(() => bed.standIn.control.snapshot().counts.users - 1 >= count, { what: `${count} users created`, intervalMs: 50 });
  }

  before(async () => {
    bed = await startTestBed(settings);
  });
  after(async () => {
    await bed?.stop();
  });

  it('refuses a second sync while one runs, naming the running process', async () => {
    const first = bed.startSync();
    const firstResult = collect(first);
    await createsReach(100);
    const second = await dirsync(['sync', '--path', bed.path]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`another synchronization \\(process ${first.pid}\\) is running`));
    const status = await bed.status();
    assert.match(status.stderr, new RegExp(`A synchronization is running now \\(process ${first.pid}`));
    assert.equal(status.json.status, 'in-progress');
    const { code, json } = await firstResult;
    assert.equal(code, 0);
    assert.equal(json.counts.added, crowd);
  });

  it('service: SIGTERM stops the cycle after the batch in flight, records it as stopped, and the next cycle converges', async () => {
    // A second installation over the same tenant: its first (full) cycle hard-matches the 1,600 users and
    // rewrites each of them, which gives the service a few seconds of work to be stopped in.
    const second = join(bed.work, 'second');
    await bed.installAndConfigure({}, second);
    // One active installation per tenant: the second one writes once promoted (the bed's own then refuses).
    assert.equal((await dirsync(['promote', '--path', second])).code, 0);
    bed.standIn.control.clearRequests();
    const service = startDirsync(['service', '--path', second, '--interval-minutes', '60']);
    const serviceResult = collect(service);
    const patches = () => bed.standIn.control.requests().filter((request) => request.method === 'PATCH' && request.status < 300).length;
    await waitFor(() => patches() >= 200, { what: '200 updates sent', intervalMs: 50 });
    service.kill('SIGTERM');
    const { code } = await serviceResult;
    assert.equal(code, 0, 'the service exits cleanly on SIGTERM');
    const stopped = (await dirsync(['status', '--path', second, '--last', '1', '--json'])).json;
    assert.equal(stopped.status, 'stopped-by-request');
    assert.ok(patches() < crowd, `stopped part-way (${patches()} of ${crowd} updates sent)`);

    const next = await dirsync(['sync', '--path', second, '--json']);
    assert.equal(next.code, 0, next.stderr);
    assert.equal(next.json.mode, 'full', 'no watermark was committed by the stopped cycle');
    assert.equal(bed.standIn.control.snapshot().counts.users, crowd + 1, 'no duplicate: every user once, plus the administrator');
  });
});
