// One active installation per tenant: two installations on one Samba domain and one Entra stand-in. The one that
// synchronized first holds the lease on DirSync's application; the other refuses to write (exit 2,
// Sync.another-active-installation, naming the holder's host, path and last cycle) — sync, an approved plan and
// restore alike — while its previews and standby runs go on; promote takes the lease over, and the old active one
// refuses from then on; a lease its holder stopped renewing is taken only with --take-over-lease, once older than
// configured.
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { FIXTURE } from '../support/ad/index.ts';
import { directoryWrites, leaseWrites } from '../support/cloud-writes.ts';
import { startTestBed, type TestBed } from '../support/test-bed.ts';
import { call } from '../entra-standin-tests/support.ts';
import { dirsync, type CliResult } from './dirsync-cli.ts';

describe('one active installation per tenant (Samba AD DC + Entra stand-in)', function () {
  this.timeout(240_000);
  let bed: TestBed;
  let first: string;
  let second: string;
  const sync = (path: string, ...extra: string[]) => dirsync(['sync', '--path', path, '--json', ...extra]);
  const leaseProperty = () => `extension_${bed.standIn.clientId.replaceAll('-', '')}_dirSyncActiveInstallation`;

  /** The lease as the tenant holds it, read through Graph as any app could. */
  async function lease(): Promise<{ id: string; host: string; path: string; at: string }> {
    const found = await call(
      bed.standIn,
      'GET',
      `/v1.0/applications?$filter=${encodeURIComponent(`appId eq '${bed.standIn.clientId}'`)}&$select=id,${leaseProperty()}`,
    );
    return JSON.parse(found.body.value[0][leaseProperty()]);
  }

  /** Ages the holder's lease as if it had not run for `hours` (written through Graph, as the holder would). */
  async function ageLease(hours: number): Promise<void> {
    const current = await lease();
    const found = await call(bed.standIn, 'GET', `/v1.0/applications?$filter=${encodeURIComponent(`appId eq '${bed.standIn.clientId}'`)}&$select=id`);
    const aged = { ...current, at: new Date(Date.now() - hours * 3_600_000).toISOString() };
    const patched = await call(bed.standIn, 'PATCH', `/v1.0/applications/${found.body.value[0].id}`, {
      body: { [leaseProperty()]: JSON.stringify(aged) },
    });
    assert.equal(patched.status, 204);
  }

  function assertRefusedFor(result: CliResult, holder: string): void {
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.json?.error?.code, 'Sync.another-active-installation', result.stdout);
    const message: string = result.json.error.message;
    assert.ok(message.includes(`${holder} on ${hostname()}`), `names the holder's path and host: ${message}`);
    assert.match(message, /last cycle \d{4}-\d\d-\d\dT[\d:.]+Z/);
    assert.match(result.json.error.recommendedAction, /promote/);
  }

  before(async () => {
    bed = await startTestBed({ includeOus: [FIXTURE.ous.sales], serviceAccount: false, install: false });
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), bed.standIn.caPem]);
    first = join(bed.work, 'first');
    second = join(bed.work, 'second');
    for (const path of [first, second]) await bed.installAndConfigure({}, path);
  });
  after(() => bed?.stop());

  it('the first installation to write takes the lease: its id, host and path, renewed each live cycle', async () => {
    const synced = await sync(first);
    assert.equal(synced.code, 0, synced.stderr);
    const held = await lease();
    const configuration = (await dirsync(['get-configuration', '--path', first, '--json'])).json;
    assert.deepEqual({ id: held.id, host: held.host, path: held.path }, { id: configuration.installationId, host: hostname(), path: first });
    const renewedBefore = held.at;
    const again = await sync(first);
    assert.equal(again.code, 0, again.stderr);
    assert.ok((await lease()).at > renewedBefore, 'renewed by the next cycle');
  });

  it('a second installation that is not a standby refuses to write: exit 2, naming the holder; the refused cycle is in its history', async () => {
    bed.standIn.control.clearRequests();
    const refused = await sync(second);
    assertRefusedFor(refused, first);
    assert.deepEqual(directoryWrites(bed.standIn), [], 'nothing written to the directory');
    assert.deepEqual(leaseWrites(bed.standIn), [], 'nor to the lease');
    const history = (await dirsync(['status', '--path', second, '--last', '1', '--json'])).json;
    assert.equal(history.status, 'failed');
    assert.match(history.message, /another installation is the active one/);
  });

  it('refuses an approved plan and a restore as well; its previews are unaffected', async () => {
    const planFile = join(bed.work, 'second.plan.json');
    const preview = await sync(second, '--preview', '--save-plan', planFile);
    assert.equal(preview.code, 0, preview.stderr);
    assert.equal(preview.json.mode, 'preview-full');
    assertRefusedFor(await sync(second, '--apply-plan', planFile), first);
    assertRefusedFor(await dirsync(['restore', '--path', second, '--run', '1', '--json']), first);
  });

  it('as a standby it runs its cycles and writes nothing', async () => {
    assert.equal((await bed.configure({ extra: ['--staging'] }, second)).code, 0);
    bed.standIn.control.clearRequests();
    const standby = await sync(second);
    assert.equal(standby.code, 0, standby.stderr);
    assert.match(standby.json.mode, /^standby-/);
    assert.deepEqual([...directoryWrites(bed.standIn), ...leaseWrites(bed.standIn)], []);
  });

  it('promote takes the lease over; the old active installation then refuses, naming the new one', async () => {
    const promoted = await dirsync(['promote', '--path', second, '--json']);
    assert.equal(promoted.code, 0, promoted.stderr);
    assert.match(promoted.stderr, new RegExp(`takes over as the tenant's active one from ${first.replaceAll('/', '\\/')} on `));
    assert.equal((await lease()).path, second);
    const synced = await sync(second);
    assert.equal(synced.code, 0, synced.stderr);
    assertRefusedFor(await sync(first), second);
  });

  it('a lease its holder stopped renewing is taken only with --take-over-lease, and only once older than configured', async () => {
    const early = await sync(first, '--take-over-lease');
    assertRefusedFor(early, second);
    assert.match(early.json.error.recommendedAction, /A lease is taken over only once older than 24 h/);
    await ageLease(30);
    const stale = await sync(first);
    assertRefusedFor(stale, second);
    assert.match(stale.json.error.recommendedAction, /not been renewed for more than 24 h.*--take-over-lease/);
    const taken = await sync(first, '--take-over-lease');
    assert.equal(taken.code, 0, taken.stderr);
    assert.match(taken.stderr, /older than 24 h/);
    assert.equal((await lease()).path, first);
    assertRefusedFor(await sync(second), first);
  });

  it('the age is configurable (configure --lease-stale-after-hours)', async () => {
    await ageLease(3);
    assertRefusedFor(await sync(second, '--take-over-lease'), first);
    assert.equal((await bed.configure({ extra: ['--lease-stale-after-hours', '2'] }, second)).code, 0);
    const taken = await sync(second, '--take-over-lease');
    assert.equal(taken.code, 0, taken.stderr);
    assert.equal((await lease()).path, second);
  });
});
