// AD is the authority (issue 18), on the engine with a real SQLite store and an in-memory tenant that tracks its
// changes as Graph's delta query does: what someone changes in the cloud is sent back, what someone deletes comes
// back as the same object, and a UPN freed by a delete serves a create in the same cycle.
import { DEFAULT_ATTRIBUTE_MAPPING, effectiveMapping } from '../../src/engine/mapping/attribute-mapping.ts';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirSyncError } from '../../src/core/errors.ts';
import { silentReporter } from '../../src/core/reporter.ts';
import { resolveRunMode } from '../../src/engine/run-mode.ts';
import { runSyncCycle, type CycleOptions } from '../../src/engine/sync-cycle.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { group, MemoryCloud, ScriptedDirectory, user } from './fakes.ts';

describe('AD is the authority: cloud drift, deleted and returning objects', () => {
  let directory: string;
  let store: SqliteStore;
  let ad: ScriptedDirectory;
  let cloud: MemoryCloud;
  const defaults: CycleOptions = {
    mode: 'delta',
    runMode: resolveRunMode({ kind: 'live' }),
    acceptDeletes: false,
    deletionGuard: { enabled: true, threshold: 500, sharePercent: 100 },
    softMatch: 'smtp-then-upn',
    deltaDeletions: 'tombstones',
    cloudDrift: 'revert',
    mapping: DEFAULT_ATTRIBUTE_MAPPING,
  };
  const cycle = (options: Partial<CycleOptions> = {}) =>
    runSyncCycle({ ...defaults, ...options }, { store, source: ad, target: cloud, exporter: cloud, reporter: silentReporter });

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dirsync-drift-'));
    store = new SqliteStore(join(directory, 'state.db'));
    await store.migrate();
    ad = new ScriptedDirectory();
    cloud = new MemoryCloud();
    ad.put(user('AAAA', 'alice', { department: ['Sales'] }));
    ad.put(user('BBBB', 'bob', { department: ['Sales'] }));
    ad.put(user('CCCC', 'carol'));
    ad.put(group('GGGG', 'sales', ['AAAA', 'BBBB']));
    ad.put(group('PPPP', 'parents', ['GGGG']));
    assert.equal((await cycle()).status, 'success');
    cloud.writes();
  });
  afterEach(async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('sends nothing and reverts nothing when only its own writes come back', async () => {
    ad.put(user('AAAA', 'alice', { department: ['Marketing'] }));
    assert.equal((await cycle()).counts.updated, 1);
    cloud.writes();
    const next = await cycle();
    assert.deepEqual(cloud.writes(), [], 'DirSync recognises its own update in the cloud changes');
    assert.deepEqual({ reverted: next.counts.reverted, drift: next.drift }, { reverted: 0, drift: [] });
  });

  it('reverts a portal edit of managed attributes to AD, lists each one, and does not touch the others', async () => {
    const alice = cloud.idOf('AAAA')!;
    cloud.portalUpdate(alice, { displayName: 'Alice (helpdesk)', department: 'Helpdesk', jobTitle: 'Boss' });
    const result = await cycle();
    assert.equal(result.status, 'success');
    assert.equal(result.counts.reverted, 1);
    assert.deepEqual(result.reverted.map((entry) => [entry.attribute, entry.cloudValue, entry.adValue]).sort(), [
      ['department', 'Helpdesk', 'Sales'],
      ['displayName', 'Alice (helpdesk)', 'alice'],
      ['jobTitle', 'Boss', null],
    ]);
    assert.deepEqual(
      cloud.writes().map((operation) => [operation.action, operation.anchor]),
      [['update', 'AAAA']],
    );
    const attributes = cloud.objects.get(alice)!.attributes;
    assert.deepEqual([attributes.displayName, attributes.department, attributes.jobTitle], ['alice', 'Sales', null]);
    assert.deepEqual((await store.getObjectChanges(result.runId)).filter((change) => change.action === 'reverted').length, 1);
    const quiet = await cycle();
    assert.equal(quiet.counts.reverted, 0, 'its own revert is not drift in the next cycle');
    assert.deepEqual(cloud.writes(), []);
  });

  it("is no drift on a target the mapping writes only on create, or no longer manages: those are not DirSync's to revert", async () => {
    const mapping = effectiveMapping({
      user: { department: { expression: '[department]', apply: 'onCreate' }, 'onPremisesExtensionAttributes.extensionAttribute2': null },
    });
    const applied = await cycle({ mapping });
    assert.equal(applied.mode, 'full', 'a mapping change re-evaluates every object');
    cloud.writes();
    const alice = cloud.idOf('AAAA')!;
    cloud.portalUpdate(alice, {
      department: 'Helpdesk',
      onPremisesExtensionAttributes: {
        ...(cloud.objects.get(alice)!.attributes.onPremisesExtensionAttributes as object),
        extensionAttribute2: 'portal',
      },
    });
    const result = await cycle({ mapping });
    assert.deepEqual({ reverted: result.counts.reverted, drift: result.drift }, { reverted: 0, drift: [] });
    assert.deepEqual(cloud.writes(), []);
    cloud.portalUpdate(alice, { displayName: 'Alice (helpdesk)' });
    const reverted = await cycle({ mapping });
    assert.deepEqual(
      reverted.reverted.map((entry) => entry.attribute),
      ['displayName'],
      'an always target still is',
    );
  });

  it('with the report policy lists the drift and writes nothing', async () => {
    const alice = cloud.idOf('AAAA')!;
    cloud.portalUpdate(alice, { department: 'Helpdesk' });
    const result = await cycle({ cloudDrift: 'report' });
    assert.deepEqual(cloud.writes(), []);
    assert.equal(result.counts.reverted, 0);
    assert.deepEqual(
      result.drift.map((entry) => [entry.anchor, entry.attribute, entry.cloudValue, entry.adValue]),
      [['AAAA', 'department', 'Helpdesk', 'Sales']],
    );
    assert.equal(cloud.objects.get(alice)!.attributes.department, 'Helpdesk');
  });

  it('a full cycle compares with the cloud itself, even when its change tracking expired', async () => {
    const bob = cloud.idOf('BBBB')!;
    cloud.portalUpdate(bob, { department: 'Helpdesk' });
    cloud.expireDeltaLinks();
    const result = await cycle();
    assert.equal(
      cloud.rounds.complete,
      1,
      'only the round after the links expired lists everything: the first sync, owning nothing yet, started from now',
    );
    assert.deepEqual(
      result.reverted.map((entry) => [entry.anchor, entry.attribute]),
      [['BBBB', 'department']],
    );
    assert.equal(cloud.objects.get(bob)!.attributes.department, 'Sales');
  });

  it('reverts members added and removed in the portal, a cloud-only user included, and a manager changed there', async () => {
    ad.put({ ...user('CCCC', 'carol'), references: { manager: 'AAAA' } });
    await cycle();
    cloud.writes();
    const [groupId, alice, bob, carol] = ['GGGG', 'AAAA', 'BBBB', 'CCCC'].map((anchor) => cloud.idOf(anchor)!) as [string, string, string, string];
    const stranger = cloud.portalCreateUser({ displayName: 'stranger', userPrincipalName: 'stranger@corp.example.test' });
    cloud.portalMembers(groupId, { add: [stranger, carol], remove: [bob] });
    cloud.portalManager(carol, bob);
    const result = await cycle();
    assert.equal(result.status, 'success');
    assert.deepEqual([...cloud.members.get(groupId)!].sort(), [alice, bob].sort(), 'the group has exactly its AD members again');
    assert.equal(cloud.managers.get(carol), alice, 'carol reports to alice again');
    assert.deepEqual(result.reverted.map((entry) => entry.attribute).sort(), ['manager', 'members', 'members', 'members']);
    assert.equal(result.counts.reverted, 2);
  });

  it('restores a user deleted in the portal from the deleted items: same id, AD values, and says so', async () => {
    const alice = cloud.idOf('AAAA')!;
    cloud.portalUpdate(alice, { department: 'Helpdesk' });
    cloud.portalDelete(alice);
    const result = await cycle();
    assert.equal(result.status, 'success');
    assert.equal(result.counts.restored, 1);
    assert.equal(result.counts.added, 0, 'nothing new was created');
    assert.equal(cloud.idOf('AAAA'), alice, 'the same cloud object is back');
    assert.equal(cloud.objects.get(alice)!.attributes.department, 'Sales', 'then brought in line with AD');
    assert.ok(result.reverted.some((entry) => entry.anchor === 'AAAA' && entry.attribute === 'deleted'));
    assert.equal((await store.getLinks(['AAAA'])).get('AAAA')!.cloudId, alice);
    assert.deepEqual((await cycle()).counts, { ...(await cycle()).counts }, 'and stays quiet afterwards');
  });

  it('creates the user again only when it is no longer in the deleted items (purged)', async () => {
    const alice = cloud.idOf('AAAA')!;
    cloud.portalDelete(alice);
    cloud.purge(alice);
    const result = await cycle();
    assert.equal(result.status, 'success');
    const again = cloud.idOf('AAAA');
    assert.ok(again && again !== alice, 'a new cloud user carries the anchor');
    assert.equal((await store.getLinks(['AAAA'])).get('AAAA')!.cloudId, again);
  });

  it('creates a security group deleted in the cloud again, with its members, back in the groups it belonged to', async () => {
    const before = cloud.idOf('GGGG')!;
    cloud.portalDelete(before);
    const result = await cycle();
    assert.equal(result.status, 'success');
    const after = cloud.idOf('GGGG')!;
    assert.ok(after && after !== before);
    assert.deepEqual([...cloud.members.get(after)!].sort(), [cloud.idOf('AAAA'), cloud.idOf('BBBB')].sort());
    assert.ok(cloud.members.get(cloud.idOf('PPPP')!)!.has(after), 'a member of its parent group again');
  });

  it('restores a user that left the scope and came back, instead of creating a new one', async () => {
    const alice = cloud.idOf('AAAA')!;
    ad.remove('AAAA');
    const left = await cycle();
    assert.equal(left.counts.deleted, 1);
    assert.equal(cloud.idOf('AAAA'), undefined);
    ad.put(user('AAAA', 'alice', { department: ['Sales'] }));
    const back = await cycle();
    assert.equal(back.status, 'success');
    assert.equal(back.counts.restored, 1);
    assert.equal(back.counts.added, 0);
    assert.equal(cloud.idOf('AAAA'), alice, 'the same cloud user, with its mailbox and licences');
    const writes = cloud.writes().map((operation) => operation.action);
    assert.ok(!writes.includes('create'), `no create was sent (${writes.join(', ')})`);
  });

  it('restores a returning user under a placeholder when a live object took its UPN meanwhile, never touching that object', async () => {
    ad.remove('AAAA');
    await cycle();
    const squatter = cloud.portalCreateUser({ displayName: 'other alice', userPrincipalName: 'alice@corp.example.test' });
    ad.put(user('AAAA', 'alice', { department: ['Sales'] }));
    const back = await cycle();
    assert.equal(back.status, 'success');
    assert.equal(back.counts.restored, 1);
    assert.deepEqual(
      back.upnClashes.map((clash) => clash.userPrincipalName),
      ['alice@corp.example.test'],
    );
    assert.match(String(cloud.byAnchor('AAAA')!.attributes.userPrincipalName), /^alice\d{4}@contoso\.onmicrosoft\.com$/);
    assert.equal(cloud.objects.get(squatter)!.attributes.userPrincipalName, 'alice@corp.example.test', 'the other object is untouched');
  });

  it('deletes first what frees the UPN a create needs: an account deleted and re-created in AD under the same UPN, one cycle, no error', async () => {
    ad.remove('BBBB');
    ad.put(user('B2B2', 'bob', { department: ['Sales'] }));
    const result = await cycle();
    assert.equal(result.status, 'success', JSON.stringify(result.errors));
    assert.deepEqual(result.upnClashes, [], 'no placeholder: the delete freed the UPN');
    assert.equal(result.counts.deleted, 1);
    assert.equal(cloud.byAnchor('B2B2')!.attributes.userPrincipalName, 'bob@corp.example.test');
    assert.equal(cloud.byAnchor('BBBB'), undefined);
  });

  it('goes on without the drift check when the tenant refuses its change tracking, and says so', async () => {
    const warnings: string[] = [];
    cloud.cloudChanges = () => {
      throw new DirSyncError('Graph.request-failed', 'Microsoft Graph answered 400 Request_UnsupportedQuery: delta is not supported here');
    };
    ad.put(user('AAAA', 'alice', { department: ['Marketing'] }));
    const result = await runSyncCycle(defaults, {
      store,
      source: ad,
      target: cloud,
      exporter: cloud,
      reporter: { ...silentReporter, warning: (message) => warnings.push(message) },
    });
    assert.equal(result.status, 'success');
    assert.equal(result.counts.updated, 1, 'the AD change still went out');
    assert.ok(
      warnings.some((warning) => /changes could not be read .*not checked this cycle/.test(warning)),
      warnings.join('\n'),
    );
  });

  it('previews the revert without writing anything or moving the change tracking', async () => {
    const alice = cloud.idOf('AAAA')!;
    cloud.portalUpdate(alice, { department: 'Helpdesk' });
    const preview = await cycle({ runMode: resolveRunMode({ kind: 'preview' }) });
    assert.deepEqual(cloud.writes(), []);
    assert.deepEqual(
      preview.plan.map((operation) => [operation.action, operation.anchor]),
      [['update', 'AAAA']],
    );
    const real = await cycle();
    assert.deepEqual(
      real.reverted.map((entry) => entry.attribute),
      ['department'],
      'the real cycle still sees the drift',
    );
  });
});
