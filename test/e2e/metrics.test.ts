// The service's metrics and health endpoint, scraped during and after real cycles (Samba AD DC + Entra stand-in):
// the values must be what happened — the stand-in's own request log and directory are the other witness.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Attribute, Change, type Client } from 'ldapts';
import { FIXTURE, type TestDomain } from '../support/ad/index.ts';
import { startTestBed, type TestBed } from '../support/test-bed.ts';
import type { EntraStandIn } from '../entra-standin/stand-in.ts';
import { collect, dirsync, startDirsync, type CliResult } from './dirsync-cli.ts';

/** Prometheus text exposition → sample name with labels (as printed) → value. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const split = line.lastIndexOf(' ');
    samples.set(line.slice(0, split), Number(line.slice(split + 1)));
  }
  return samples;
}

describe('service metrics and health (Samba AD DC + Entra stand-in)', function () {
  this.timeout(240_000);
  let bed: TestBed;
  let domain: TestDomain;
  let standIn: EntraStandIn;
  let admin: Client;
  let path: string;

  interface RunningService {
    child: ChildProcess;
    result: Promise<CliResult>;
    base: string;
  }

  /** Starts the service with its endpoint on a port the system chooses, and learns the port from its verbose log. */
  async function startService(...extra: string[]): Promise<RunningService> {
    const child = startDirsync(['service', '--path', path, '--interval-minutes', '1', '--metrics-listen', '127.0.0.1:0', '--verbose', ...extra]);
    let stderr = '';
    const base = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (chunk) => {
        stderr += chunk;
        const match = /Metrics on (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      child.on('exit', () => reject(new Error(`the service ended before listening: ${stderr}`)));
    });
    return { child, result: collect(child), base };
  }

  async function stopService(service: RunningService): Promise<CliResult> {
    service.child.kill('SIGTERM');
    return service.result;
  }

  async function scrape(service: RunningService): Promise<Map<string, number>> {
    const response = await fetch(`${service.base}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return parseExposition(await response.text());
  }

  async function health(service: RunningService): Promise<{ status: number; body: any }> {
    const response = await fetch(`${service.base}/healthz`);
    return { status: response.status, body: await response.json() };
  }

  /** Scrapes until the cycle in flight has ended (and `runs` cycles have ended in all). */
  async function afterCycles(service: RunningService, runs: number): Promise<Map<string, number>> {
    for (;;) {
      const samples = await scrape(service);
      const ended = [...samples].filter(([name]) => name.startsWith('dirsync_runs_total{')).reduce((sum, [, value]) => sum + value, 0);
      if (ended >= runs && samples.get('dirsync_cycle_in_progress') === 0) return samples;
      await sleep(200);
    }
  }

  function graphRequestsLogged(): number {
    return standIn.control.requests().filter((entry) => !entry.inBatch && /^\/(v1\.0|beta)\//.test(entry.path)).length;
  }

  before(async () => {
    // About 1,600 writes at 400 per 2 s: a first cycle of a few seconds, long enough to scrape during it.
    bed = await startTestBed({ includeOus: [FIXTURE.ous.crowd], serviceAccount: false, writeBudget: '400/2' });
    ({ domain, standIn, admin, path } = bed);
  });
  after(() => bed?.stop());

  it('refuses a non-loopback address unless asked explicitly, and a malformed one', async () => {
    standIn.control.clearRequests();
    const remote = await dirsync(['service', '--path', path, '--cycles', '1', '--metrics-listen', '0.0.0.0:0']);
    assert.equal(remote.code, 2, remote.stderr);
    assert.match(remote.stderr, /\[Service\.metrics-address-not-loopback\].*0\.0\.0\.0/);
    assert.match(remote.stderr, /--metrics-allow-remote/);
    const malformed = await dirsync(['service', '--path', path, '--cycles', '1', '--metrics-listen', '9464']);
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /\[Parameters\.invalid\].*host:port/);
    assert.equal(standIn.control.requests().filter((entry) => entry.method !== 'GET').length, 0, 'no cycle ran');
  });

  it('counts a first cycle live while it runs, then its outcome: objects, Graph requests and 429s as the stand-in saw them', async () => {
    standIn.control.clearRequests();
    // Tighter than the service's pacing: Graph (the stand-in) answers some writes 429.
    standIn.control.setThrottle({ writes: 300, windowSeconds: 2 });
    const service = await startService();
    try {
      while (standIn.control.snapshot().counts.users < 200) await sleep(50);
      const during = await scrape(service);
      assert.equal(during.get('dirsync_cycle_in_progress'), 1);
      assert.ok(during.get('dirsync_graph_requests_total')! > 0, 'Graph requests are counted while the cycle runs');
      assert.ok(during.get('dirsync_graph_writes_total')! >= 150);
      assert.equal(during.get('dirsync_runs_total{status="success"}') ?? 0, 0);
      const healthDuring = await health(service);
      assert.equal(healthDuring.status, 200, 'a service just started is healthy');
      assert.equal(healthDuring.body.cycleInProgress, true);

      const after = await afterCycles(service, 1);
      const { counts } = standIn.control.snapshot();
      assert.equal(counts.users - 1 /* the tenant's administrator */, FIXTURE.crowd.users.length);
      assert.equal(after.get('dirsync_runs_total{status="success"}'), 1);
      assert.equal(after.get('dirsync_objects_total{change="added"}'), counts.users - 1 + counts.groups, 'every object the stand-in holds');
      assert.equal(after.get('dirsync_objects_total{change="updated"}'), 0);
      assert.equal(after.get('dirsync_objects_total{change="deleted"}'), 0);
      assert.equal(after.get('dirsync_graph_requests_total'), graphRequestsLogged(), 'Graph requests: what the stand-in answered');
      const throttled = standIn.control.requests().filter((entry) => entry.status === 429).length;
      assert.ok(throttled > 0, 'the stand-in throttled some writes');
      assert.equal(after.get('dirsync_graph_throttled_total'), throttled, '429s: what the stand-in sent');
      assert.equal(after.get('dirsync_run_duration_seconds_count'), 1);
      assert.ok(after.get('dirsync_run_duration_seconds_sum')! > 1);
      const lastSuccess = after.get('dirsync_last_success_timestamp_seconds')!;
      assert.ok(Math.abs(Date.now() / 1000 - lastSuccess) < 30, `last success ${lastSuccess} is now`);
      assert.equal(after.get('dirsync_retry_queue_objects'), 0);
      assert.equal(after.get('dirsync_deletes_withheld'), 0);
      assert.equal(after.get('dirsync_deletion_threshold_tripped'), 0);
      assert.equal(after.get('dirsync_graph_write_budget_writes'), 400);
      const budgetUse = after.get('dirsync_graph_write_budget_use_ratio')!;
      assert.ok(budgetUse > 0.3 && budgetUse <= 1.05, `the export ran near its budget (${budgetUse})`);
      const healthAfter = await health(service);
      assert.equal(healthAfter.status, 200);
      assert.equal(healthAfter.body.lastRunStatus, 'success');
    } finally {
      standIn.control.setThrottle(undefined);
      const stopped = await stopService(service);
      assert.equal(stopped.code, 0, stopped.stderr);
    }
  });

  it('after a cycle with export errors and a tripped threshold: errors by code, the retry queue, withheld deletes, the last success kept', async () => {
    assert.equal((await dirsync(['deletion-threshold', '--path', path, '--enable', '--threshold', '2'])).code, 0);
    for (const user of FIXTURE.crowd.users.slice(0, 3)) await admin.del(user.dn);
    for (const user of FIXTURE.crowd.users.slice(3, 5)) {
      await admin.modify(user.dn, [
        new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Metrics Witness'] }) }),
      ]);
    }
    standIn.control.addFault({ method: 'PATCH', path: '^/v1\\.0/users/', count: 2, action: { kind: 'status', status: 400 } });
    const previousSuccess = (await dirsync(['status', '--path', path, '--last', '1', '--json'])).json.endedAt;
    const service = await startService();
    try {
      const seeded = await scrape(service);
      assert.equal(
        seeded.get('dirsync_last_success_timestamp_seconds'),
        Math.floor(Date.parse(previousSuccess)) / 1000,
        'a restarted service knows its last success from the history',
      );
      const after = await afterCycles(service, 1);
      assert.equal(after.get('dirsync_runs_total{status="stopped-deletion-threshold-exceeded"}'), 1);
      assert.equal(after.get('dirsync_deletion_threshold_tripped'), 1);
      assert.equal(after.get('dirsync_deletes_withheld'), 3);
      assert.equal(after.get('dirsync_objects_total{change="deleted"}'), 0);
      assert.equal(after.get('dirsync_object_errors_total{code="BadRequest"}'), 2);
      assert.equal(after.get('dirsync_retry_queue_objects'), 2);
      assert.equal(
        after.get('dirsync_last_success_timestamp_seconds'),
        Math.floor(Date.parse(previousSuccess)) / 1000,
        'a stopped cycle is not a success',
      );
      assert.equal((await health(service)).status, 200, 'a tripped threshold is alerted on, not a failed service');
    } finally {
      await stopService(service);
    }
  });

  it('/healthz answers 503 once a cycle fails, saying why', async () => {
    await domain.stop();
    const service = await startService();
    try {
      await afterCycles(service, 1);
      const answer = await health(service);
      assert.equal(answer.status, 503);
      assert.equal(answer.body.status, 'unhealthy');
      assert.match(answer.body.problem, /the last cycle ended stopped-server-down/);
      const samples = await scrape(service);
      assert.equal(samples.get('dirsync_runs_total{status="stopped-server-down"}'), 1);
    } finally {
      await stopService(service);
    }
  });
});
