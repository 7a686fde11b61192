// One cycle at a time, and the scheduled service: two cycles never overlap, and SIGTERM stops the service after
// the batch in flight, recording the run as stopped; the next cycle picks up where it left off.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FIXTURE, startDomain, type TestDomain } from '../support/ad/index.ts';
import { startEntraStandIn, type EntraStandIn } from '../entra-standin/stand-in.ts';
import { collect, dirsync, startDirsync } from './dirsync-cli.ts';

describe('one cycle at a time, and the service (Samba AD DC + Entra stand-in)', function () {
  this.timeout(180_000);
  let domain: TestDomain;
  let standIn: EntraStandIn;
  let work: string;
  let path: string;
  const crowd = FIXTURE.crowd.users.length;

  /** Resolves once the stand-in has seen `count` user creates. */
  async function createsReach(count: number): Promise<void> {
    while (standIn.control.snapshot().counts.users - 1 < count) await sleep(50);
  }

  async function installAndConfigure(target: string): Promise<void> {
    assert.equal((await dirsync(['install', '--path', target])).code, 0);
    const configured = await dirsync(
      [
        'configure', '--path', target, '--ad-url', domain.ldapsUrl, '--ad-user', domain.adminDn, '--ad-ca-file', domain.caFile, '--no-service-account',
        '--tenant-id', standIn.tenantId, '--client-id', standIn.clientId, '--authority-host', new URL(standIn.authority).origin,
        '--graph-endpoint', standIn.graphEndpoint, '--cloud-ca-file', standIn.caFile, '--include-ou', FIXTURE.ous.crowd,
        // 1,600 writes at 400 per 2 s: a cycle long enough to overlap with, a few seconds in all.
        '--write-budget', '400/2',
      ],
      { env: { DIRSYNC_AD_PASSWORD: domain.adminPassword, DIRSYNC_CLIENT_SECRET: standIn.clientSecret } },
    );
    assert.equal(configured.code, 0, configured.stderr);
  }

  before(async () => {
    [domain, standIn] = await Promise.all([startDomain(), startEntraStandIn()]);
    work = await mkdtemp(join(tmpdir(), 'dirsync-schedule-'));
    path = join(work, 'installation');
    await installAndConfigure(path);
  });
  after(async () => {
    await Promise.all([domain?.stop(), standIn?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('refuses a second sync while one runs, naming the running process', async () => {
    const first = startDirsync(['sync', '--path', path, '--json']);
    const firstResult = collect(first);
    await createsReach(100);
    const second = await dirsync(['sync', '--path', path]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`another synchronization \\(process ${first.pid}\\) is running`));
    const status = await dirsync(['status', '--path', path, '--last', '1', '--json']);
    assert.match(status.stderr, new RegExp(`A synchronization is running now \\(process ${first.pid}`));
    assert.equal(status.json.status, 'in-progress');
    const { code, json } = await firstResult;
    assert.equal(code, 0);
    assert.equal(json.counts.added, crowd);
  });

  it('service: SIGTERM stops the cycle after the batch in flight, records it as stopped, and the next cycle converges', async () => {
    // A second installation over the same tenant: its first (full) cycle hard-matches the 1,600 users and
    // rewrites each of them, which gives the service a few seconds of work to be stopped in.
    const second = join(work, 'second');
    await installAndConfigure(second);
    standIn.control.clearRequests();
    const service = startDirsync(['service', '--path', second, '--interval-minutes', '60']);
    const serviceResult = collect(service);
    const patches = () => standIn.control.requests().filter((request) => request.method === 'PATCH' && request.status < 300).length;
    while (patches() < 200) await sleep(50);
    service.kill('SIGTERM');
    const { code } = await serviceResult;
    assert.equal(code, 0, 'the service exits cleanly on SIGTERM');
    const stopped = (await dirsync(['status', '--path', second, '--last', '1', '--json'])).json;
    assert.equal(stopped.status, 'stopped-by-request');
    assert.ok(patches() < crowd, `stopped part-way (${patches()} of ${crowd} updates sent)`);

    const next = await dirsync(['sync', '--path', second, '--json']);
    assert.equal(next.code, 0, next.stderr);
    assert.equal(next.json.mode, 'full', 'no watermark was committed by the stopped cycle');
    assert.equal(standIn.control.snapshot().counts.users, crowd + 1, 'no duplicate: every user once, plus the administrator');
  });
});
