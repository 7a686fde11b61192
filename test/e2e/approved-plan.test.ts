// Plan, approve, apply against a real Samba domain and the Entra stand-in: a saved plan holds every operation and
// no secret; applying it sends exactly those operations; a plan whose AD, configuration or store moved, or that was
// edited, is refused with exit 2 and nothing reaches the cloud.
import assert from 'node:assert/strict';
import { copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Attribute, Change, type Client } from 'ldapts';
import { FIXTURE, type TestDomain } from '../support/ad/index.ts';
import { startTestBed, type TestBed } from '../support/test-bed.ts';
import type { EntraStandIn } from '../entra-standin/stand-in.ts';
import { directoryWrites } from '../support/cloud-writes.ts';
import { dirsync } from './dirsync-cli.ts';

async function anchorOf(client: Client, dn: string): Promise<string> {
  const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] });
  return (searchEntries[0]!.objectGUID as Buffer).toString('base64');
}

describe('plan, approve, apply (Samba AD DC + Entra stand-in)', function () {
  this.timeout(180_000);
  let bed: TestBed;
  let domain: TestDomain;
  let standIn: EntraStandIn;
  let admin: Client;
  let work: string;
  let path: string;
  const plan = (name: string) => join(work, name);
  const sync = (...extra: string[]) => dirsync(['sync', '--path', path, '--json', ...extra]);
  /** Requests that change the cloud (the token endpoint and the $batch envelope aside: its items are logged alone). */
  const cloudWrites = () => directoryWrites(standIn);
  const setTitle = (dn: string, title: string) =>
    admin.modify(dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: [title] }) })]);

  async function savePlan(name: string, ...extra: string[]): Promise<any> {
    const saved = await sync('--preview', '--save-plan', plan(name), ...extra);
    assert.ok(saved.code === 0 || saved.code === 4, saved.stderr);
    return JSON.parse(await readFile(plan(name), 'utf8'));
  }

  async function refusedWithNothingSent(name: string, why: RegExp): Promise<void> {
    standIn.control.clearRequests();
    const applied = await sync('--apply-plan', plan(name));
    assert.equal(applied.code, 2, applied.stderr);
    assert.match(applied.stderr, why);
    assert.deepEqual(cloudWrites(), [], 'nothing reached the cloud');
  }

  before(async () => {
    bed = await startTestBed({ includeOus: [FIXTURE.ous.sales, FIXTURE.ous.engineering, FIXTURE.ous.groups], serviceAccount: false });
    ({ domain, standIn, admin, work, path } = bed);
  });
  after(() => bed?.stop());

  it('saves the whole first plan, with bodies and no secret, and writes nothing', async () => {
    standIn.control.clearRequests();
    const saved = await savePlan('initial.json');
    assert.equal(saved.format, 'dirsync-plan/1');
    assert.equal(saved.mode, 'full');
    assert.match(saved.digest, /^sha256:[0-9a-f]{64}$/);
    assert.match(saved.computedFrom.configuration, /^sha256:/);
    assert.ok(saved.computedFrom.watermark, 'the AD position it was computed from');
    const creates = saved.operations.filter((operation: any) => operation.action === 'create');
    const alice = creates.find((operation: any) => operation.dn === FIXTURE.users.alice.dn);
    assert.equal(alice.body.displayName, 'Alice Archer');
    assert.equal(alice.anchor, await anchorOf(admin, FIXTURE.users.alice.dn));
    assert.ok(
      saved.operations.some((operation: any) => operation.action === 'add-members' && operation.members.includes(alice.anchor)),
      'memberships by anchor',
    );
    const text = await readFile(plan('initial.json'), 'utf8');
    assert.ok(!/password/i.test(text), 'no password of any kind');
    for (const secret of [domain.adminPassword, standIn.clientSecret]) assert.ok(!text.includes(secret));
    assert.equal((await stat(plan('initial.json'))).mode & 0o777, 0o600);
    assert.deepEqual(cloudWrites(), []);
    assert.equal(standIn.control.snapshot().counts.users, 1, 'only the tenant administrator');
  });

  it('refuses an edited plan (digest mismatch), whole', async () => {
    const edited = JSON.parse(await readFile(plan('initial.json'), 'utf8'));
    edited.operations.find((operation: any) => operation.action === 'create').body.displayName = 'Mallory';
    await writeFile(plan('edited.json'), JSON.stringify(edited));
    await refusedWithNothingSent('edited.json', /\[Plan\.tampered\].*changed after it was saved/);
  });

  it('applies exactly the approved operations: every planned object and nothing else', async () => {
    const saved = JSON.parse(await readFile(plan('initial.json'), 'utf8'));
    standIn.control.clearRequests();
    const applied = await sync('--apply-plan', plan('initial.json'));
    assert.equal(applied.code, 0, applied.stderr);
    const planned = (action: string, type: string) =>
      saved.operations.filter((operation: any) => operation.action === action && operation.objectType === type);
    const snapshot = standIn.control.snapshot();
    assert.equal(snapshot.counts.users - 1, planned('create', 'user').length);
    assert.equal(snapshot.counts.groups, planned('create', 'group').length);
    assert.equal(applied.json.counts.added, planned('create', 'user').length + planned('create', 'group').length);
    for (const create of planned('create', 'user'))
      assert.equal(standIn.control.findByImmutableId(create.anchor)?.props.displayName, create.body.displayName);
    const again = await sync('--preview');
    assert.equal(again.json.plan.length, 0, 'the next cycle has nothing left to do');
  });

  it('refuses when Active Directory moved since the plan, naming what changed', async () => {
    await setTitle(FIXTURE.users.alice.dn, 'Plan Reviewer');
    const saved = await savePlan('ad-moved.json');
    assert.deepEqual(
      saved.operations.map((operation: any) => [operation.action, operation.dn]),
      [['update', FIXTURE.users.alice.dn]],
    );
    assert.equal(saved.operations[0].body.jobTitle, 'Plan Reviewer');
    await setTitle(FIXTURE.users.erin.dn, 'Moved Meanwhile');
    await refusedWithNothingSent(
      'ad-moved.json',
      /\[Plan\.outdated\].*Active Directory changed since: 1 object\(s\), CN=Erin Engel.*nothing was sent/s,
    );
  });

  it('refuses when the store moved (a cycle ran since), and when the configuration changed', async () => {
    await savePlan('store-moved.json');
    await copyFile(plan('store-moved.json'), plan('configuration-moved.json'));
    assert.equal((await sync()).code, 0);
    await refusedWithNothingSent('store-moved.json', /\[Plan\.outdated\].*the store changed since/);
    await savePlan('configuration-moved.json');
    assert.equal((await dirsync(['deletion-threshold', '--path', path, '--enable', '--threshold', '1'])).code, 0);
    await refusedWithNothingSent('configuration-moved.json', /\[Plan\.outdated\].*the configuration changed since/);
  });

  it('counts the deletes of an approved plan as accepted; a plan stopped at the threshold holds none', async () => {
    const doomed = [FIXTURE.users.zoe, FIXTURE.users.conor];
    const anchors = await Promise.all(doomed.map((user) => anchorOf(admin, user.dn)));
    for (const user of doomed) await admin.del(user.dn);
    const stopped = await savePlan('stopped.json');
    assert.equal(stopped.thresholdExceeded, true);
    assert.equal(stopped.operations.filter((operation: any) => operation.action === 'delete').length, 0);
    assert.equal(stopped.withheld.length, 2);
    const withDeletes = await savePlan('deletes.json', '--accept-deletes');
    assert.deepEqual(
      withDeletes.operations
        .filter((operation: any) => operation.action === 'delete')
        .map((operation: any) => operation.anchor)
        .sort(),
      [...anchors].sort(),
    );
    const applied = await sync('--apply-plan', plan('deletes.json'));
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(applied.json.counts.deleted, 2);
    for (const anchor of anchors) assert.equal(standIn.control.findByImmutableId(anchor), undefined);
  });

  it('takes --save-plan only with --preview, and --apply-plan alone', async () => {
    const noPreview = await sync('--save-plan', plan('x.json'));
    assert.equal(noPreview.code, 2);
    assert.match(noPreview.stderr, /--save-plan needs --preview/);
    const mixed = await sync('--apply-plan', plan('deletes.json'), '--accept-deletes');
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /--apply-plan takes no/);
  });
});
