// A standby server: two installations on one Samba domain and one Entra stand-in, one active and one in staging
// mode. The standby never writes (the stand-in's request log says so), its plan is what the active one then does,
// and once the active one is gone and the standby promoted, it carries on with no duplicate and no re-match.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Attribute, Change, type Client } from 'ldapts';
import { FIXTURE } from '../support/ad/index.ts';
import { startTestBed, type TestBed } from '../support/test-bed.ts';
import type { EntraStandIn } from '../entra-standin/stand-in.ts';
import { directoryWrites } from '../support/cloud-writes.ts';
import { dirsync } from './dirsync-cli.ts';

describe('staging mode: a standby installation, and its promotion (Samba AD DC + Entra stand-in)', function () {
  this.timeout(180_000);
  let bed: TestBed;
  let standIn: EntraStandIn;
  let admin: Client;
  let work: string;
  let active: string;
  let standby: string;
  const newcomerDn = `CN=Nina Newcomer,${FIXTURE.ous.sales}`;
  const sync = (path: string, ...extra: string[]) => dirsync(['sync', '--path', path, '--json', ...extra]);
  const cloudWrites = () => directoryWrites(standIn);
  const shape = (plan: { action: string; anchor: string }[]) => plan.map((operation) => `${operation.action} ${operation.anchor}`).sort();
  const setTitle = (dn: string, title: string) =>
    admin.modify(dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: [title] }) })]);

  async function standbyCycleWritesNothing(): Promise<any> {
    standIn.control.clearRequests();
    const run = await sync(standby);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(cloudWrites(), [], 'the standby sent no write');
    return run.json;
  }

  function anchoredUsers(): string[] {
    return standIn.control
      .snapshot()
      .users.map((user) => user.props.onPremisesImmutableId as string | undefined)
      .filter((anchor): anchor is string => Boolean(anchor));
  }

  before(async () => {
    bed = await startTestBed({ includeOus: [FIXTURE.ous.sales, FIXTURE.ous.engineering, FIXTURE.ous.groups], serviceAccount: false, install: false });
    ({ standIn, admin, work } = bed);
    active = join(work, 'active');
    standby = join(work, 'standby');
    for (const [path, extra] of [
      [active, []],
      [standby, ['--staging']],
    ] as const) {
      assert.equal((await dirsync(['install', '--path', path])).code, 0);
      const configured = await bed.configure({ extra: [...extra] }, path);
      assert.equal(configured.code, 0, configured.stderr);
      assert.equal(configured.json.staging, extra.length > 0);
    }
  });
  after(() => bed?.stop());

  it('learns what the active installation created by anchor, and writes nothing', async () => {
    const first = await sync(active);
    assert.equal(first.code, 0, first.stderr);
    const created = first.json.counts.added;
    const learned = await standbyCycleWritesNothing();
    assert.equal(learned.status, 'success');
    assert.equal(learned.counts.added, 0, 'nothing the active one created is planned again');
    assert.equal(learned.counts.updated, created, 'each object joined by its anchor');
    const quiet = await standbyCycleWritesNothing();
    assert.deepEqual(quiet.plan ?? [], [], 'then it is in step: nothing to do');
  });

  it('plans what the active installation then does, creates included', async () => {
    await setTitle(FIXTURE.users.alice.dn, 'Standby Witness');
    await admin.del(FIXTURE.users.conor.dn);
    await admin.add(newcomerDn, {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      sAMAccountName: 'nina.newcomer',
      userPrincipalName: 'nina.newcomer@corp.example.test',
      givenName: 'Nina',
      sn: 'Newcomer',
      displayName: 'Nina Newcomer',
    });
    const planned = await standbyCycleWritesNothing();
    assert.ok(planned.plan.length >= 3, JSON.stringify(planned.plan));
    const preview = await sync(active, '--preview');
    assert.deepEqual(shape(planned.plan), shape(preview.json.plan), 'the standby planned what the active one plans');
    standIn.control.clearRequests();
    const done = await sync(active);
    assert.equal(done.code, 0, done.stderr);
    assert.deepEqual(
      { added: done.json.counts.added, updated: done.json.counts.updated, deleted: done.json.counts.deleted },
      { added: planned.counts.added, updated: planned.counts.updated, deleted: planned.counts.deleted },
    );
    assert.ok(cloudWrites().length > 0, 'the active one wrote');
  });

  it('refuses to apply a plan while it is a standby', async () => {
    const saved = await dirsync(['sync', '--path', standby, '--preview', '--save-plan', join(work, 'standby.plan.json')]);
    assert.equal(saved.code, 0, saved.stderr);
    standIn.control.clearRequests();
    const refused = await dirsync(['sync', '--path', standby, '--apply-plan', join(work, 'standby.plan.json')]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /\[Staging\.standby\].*standby installation/);
    assert.deepEqual(cloudWrites(), []);
  });

  it('after the active installation dies, promotion converges with no duplicate and re-creates nothing', async () => {
    await standbyCycleWritesNothing(); // learns the newcomer the active one created
    await rm(active, { recursive: true, force: true }); // the active server is gone
    await setTitle(FIXTURE.users.erin.dn, 'After Failover');
    const usersBefore = standIn.control.snapshot().counts.users;
    const promoted = await dirsync(['promote', '--path', standby, '--json']);
    assert.equal(promoted.code, 0, promoted.stderr);
    assert.equal(promoted.json.staging, false);
    assert.match(promoted.stderr, /now the active installation/);
    const first = await sync(standby);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(
      { added: first.json.counts.added, deleted: first.json.counts.deleted, updated: first.json.counts.updated },
      { added: 0, deleted: 0, updated: 1 },
      'only the change made after the failover',
    );
    assert.equal(standIn.control.snapshot().counts.users, usersBefore, 'no user created');
    const anchors = anchoredUsers();
    assert.equal(new Set(anchors).size, anchors.length, 'no duplicate anchor in the tenant');
    assert.equal(standIn.control.findByImmutableId(await anchorOf(newcomerDn))?.props.displayName, 'Nina Newcomer');
    const erin = standIn.control.findByImmutableId(await anchorOf(FIXTURE.users.erin.dn));
    assert.equal(erin?.props.jobTitle, 'After Failover');
    standIn.control.clearRequests();
    const again = await sync(standby);
    assert.equal(again.code, 0);
    assert.deepEqual(cloudWrites(), [], 'and then a no-op');
  });

  async function anchorOf(dn: string): Promise<string> {
    const { searchEntries } = await admin.search(dn, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] });
    return (searchEntries[0]!.objectGUID as Buffer).toString('base64');
  }
});
