// The service's metrics and health rules without servers: the listen address, loopback, health, and the sums.
import assert from 'node:assert/strict';
import { isLoopback, parseListenAddress, startMetricsEndpoint } from '../../src/service/metrics-endpoint.ts';
import { ServiceMetrics } from '../../src/service/service-metrics.ts';
import { newGraphCounters } from '../../src/connectors/entra/graph-counters.ts';
import type { CycleResult } from '../../src/engine/sync-cycle.ts';

function run(status: CycleResult['status'], endedAt: Date, overrides: Partial<CycleResult> = {}): CycleResult {
  return {
    runId: 1,
    mode: 'delta',
    status,
    counts: { added: 2, updated: 1, deleted: 0, unchanged: 5, errors: 0, notExportable: 0, reverted: 0, restored: 0 },
    errors: [],
    plan: [],
    withheld: [],
    upnClashes: [],
    reverted: [],
    drift: [],
    startedAt: endedAt,
    endedAt,
    message: null,
    ...overrides,
  };
}

async function samples(metrics: ServiceMetrics): Promise<string> {
  return metrics.registry.metrics();
}

describe('service metrics', () => {
  it('parses host:port, IPv6 in brackets, and refuses anything else', () => {
    assert.deepEqual(parseListenAddress('127.0.0.1:9464'), { host: '127.0.0.1', port: 9464 });
    assert.deepEqual(parseListenAddress('[::1]:9464'), { host: '::1', port: 9464 });
    assert.deepEqual(parseListenAddress('localhost:0'), { host: 'localhost', port: 0 });
    for (const wrong of ['9464', '127.0.0.1', '::1:9464', '127.0.0.1:70000', 'host:port'])
      assert.throws(() => parseListenAddress(wrong), /host:port/, wrong);
  });

  it('knows loopback from the rest', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopback(host), host);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'dirsync.corp.example.com', '128.0.0.1']) assert.ok(!isLoopback(host), host);
  });

  it('counts notifications by channel and outcome, the ones waiting, and says whether the installation is a standby', async () => {
    const standby = new ServiceMetrics({ intervalMinutes: 60, writeBudget: { writes: 100, windowSeconds: 10 }, standby: true });
    standby.notified({
      deliveries: [
        { channel: 'mail', delivered: false },
        { channel: 'webhook', delivered: true },
      ],
      pending: 1,
    });
    standby.notified({ deliveries: [{ channel: 'mail', delivered: true }], pending: 0 });
    const text = await samples(standby);
    assert.match(text, /^dirsync_standby 1$/m);
    assert.match(text, /^dirsync_notifications_total\{channel="mail",outcome="failed"\} 1$/m);
    assert.match(text, /^dirsync_notifications_total\{channel="mail",outcome="delivered"\} 1$/m);
    assert.match(text, /^dirsync_notifications_total\{channel="webhook",outcome="delivered"\} 1$/m);
    assert.match(text, /^dirsync_notifications_pending 0$/m);
    assert.match(await samples(new ServiceMetrics({ intervalMinutes: 60, writeBudget: { writes: 100, windowSeconds: 10 } })), /^dirsync_standby 0$/m);
  });

  it('adds the Graph counters of ended cycles to the live ones of the cycle in flight', async () => {
    const metrics = new ServiceMetrics({ intervalMinutes: 60, writeBudget: { writes: 100, windowSeconds: 10 } });
    const first = newGraphCounters();
    metrics.cycleStarted(0);
    metrics.connected(first);
    first.requests = 7;
    first.writes = 50;
    metrics.cycleEnded({ run: run('success', new Date()) }, 0, 5_000);
    const second = newGraphCounters();
    metrics.cycleStarted(10_000);
    metrics.connected(second);
    second.requests = 3;
    const text = await samples(metrics);
    assert.match(text, /^dirsync_graph_requests_total 10$/m);
    assert.match(text, /^dirsync_cycle_in_progress 1$/m);
    // 50 writes in 5 s with 100 per 10 s allowed: half the budget of one window.
    assert.match(text, /^dirsync_graph_write_budget_use_ratio 0\.5$/m);
    assert.match(text, /^dirsync_objects_total\{change="added"\} 2$/m);
  });

  it('is unhealthy after a failed cycle, and when nothing completed for two intervals', () => {
    const start = new Date('2026-12-01T00:00:00Z');
    const metrics = new ServiceMetrics({ intervalMinutes: 10, writeBudget: { writes: 100, windowSeconds: 10 }, now: start });
    assert.equal(metrics.health(new Date(start.getTime() + 19 * 60_000)).healthy, true);
    assert.match(metrics.health(new Date(start.getTime() + 21 * 60_000)).problem!, /more than two intervals \(20 minutes\)/);
    metrics.cycleEnded({ run: run('success', new Date(start.getTime() + 20 * 60_000)) }, 0);
    assert.equal(metrics.health(new Date(start.getTime() + 21 * 60_000)).healthy, true);
    metrics.cycleEnded({ status: 'stopped-server-down' }, undefined);
    assert.match(metrics.health(new Date(start.getTime() + 22 * 60_000)).problem!, /stopped-server-down/);
    metrics.cycleEnded({ run: run('stopped-deletion-threshold-exceeded', new Date(start.getTime() + 30 * 60_000)) }, 0);
    assert.equal(metrics.health(new Date(start.getTime() + 31 * 60_000)).healthy, true, 'a tripped threshold is alerted on, not unhealthy');
    assert.equal(metrics.health(new Date(start.getTime() + 41 * 60_000)).healthy, false, 'the stopped cycle did not complete');
  });

  it('listens on loopback, elsewhere only when allowed, and answers /metrics, /healthz and nothing else', async () => {
    const metrics = new ServiceMetrics({ intervalMinutes: 60, writeBudget: { writes: 100, windowSeconds: 10 } });
    await assert.rejects(
      startMetricsEndpoint({ host: '0.0.0.0', port: 0 }, metrics, { allowRemote: false }),
      (error: { code?: string }) => error.code === 'Service.metrics-address-not-loopback',
    );
    const remote = await startMetricsEndpoint({ host: '0.0.0.0', port: 0 }, metrics, { allowRemote: true });
    await remote.close();
    const endpoint = await startMetricsEndpoint({ host: '127.0.0.1', port: 0 }, metrics, { allowRemote: false });
    try {
      const base = `http://127.0.0.1:${endpoint.address.port}`;
      const scraped = await fetch(`${base}/metrics`);
      assert.equal(scraped.status, 200);
      assert.match(await scraped.text(), /^dirsync_graph_write_budget_writes 100$/m);
      const health = await fetch(`${base}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(((await health.json()) as { status: string }).status, 'ok');
      assert.equal((await fetch(`${base}/other`)).status, 404);
      assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405);
      await assert.rejects(
        startMetricsEndpoint({ host: '127.0.0.1', port: endpoint.address.port }, metrics, { allowRemote: false }),
        (error: { code?: string }) => error.code === 'Service.metrics-listen-failed',
      );
    } finally {
      await endpoint.close();
    }
  });

  it('shows forests side by side: readable or not, objects by forest; a forest not read makes the service unhealthy, naming it', async () => {
    const metrics = new ServiceMetrics({ intervalMinutes: 60, writeBudget: { writes: 100, windowSeconds: 10 } });
    const counts = (added: number) => ({ added, updated: 0, deleted: 0, unchanged: 0, errors: 0, notExportable: 0, reverted: 0, restored: 0 });
    metrics.cycleStarted(0);
    metrics.cycleEnded(
      {
        run: run('completed-forest-errors', new Date(), {
          parts: [
            { name: 'corp.example.test', status: 'read', error: null, counts: counts(3), notices: [] },
            {
              name: 'fabrikam.example.test',
              status: 'unreadable',
              error: { code: 'ActiveDirectory.unreachable', message: 'down' },
              counts: counts(0),
              notices: [],
            },
          ],
        }),
      },
      0,
      1_000,
    );
    const text = await samples(metrics);
    assert.match(text, /^dirsync_forest_readable\{forest="corp.example.test"\} 1$/m);
    assert.match(text, /^dirsync_forest_readable\{forest="fabrikam.example.test"\} 0$/m);
    assert.match(text, /^dirsync_forest_objects_total\{forest="corp.example.test",change="added"\} 3$/m);
    const health = metrics.health();
    assert.equal(health.healthy, false);
    assert.match(health.problem ?? '', /could not read fabrikam\.example\.test/);
  });
});
