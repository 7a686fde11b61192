// The engine's planning rules, with a real SQLite store and an in-memory cloud (the integration tests run the
// same cycle against Samba and the Entra stand-in).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentReporter, type Reporter } from '../../src/core/reporter.ts';
import type { SourceObject } from '../../src/engine/model.ts';
import { ledgerAsInCloud } from '../../src/engine/cycle/cloud-values.ts';
import { forecastObjects } from '../../src/engine/object-forecast.ts';
import type { OperationSink } from '../../src/engine/ports.ts';
import { restoreRun } from '../../src/engine/restore.ts';
import { resolveRunMode } from '../../src/engine/run-mode.ts';
import { MAPPING_APPLIED, runSyncCycle, type CycleOptions } from '../../src/engine/sync-cycle.ts';
import { DEFAULT_ATTRIBUTE_MAPPING, effectiveMapping } from '../../src/engine/mapping/attribute-mapping.ts';
import type { CloudOperation } from '../../src/engine/operations.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';

import { group, MemoryCloud, ScriptedDirectory, user } from './fakes.ts';

describe('the sync cycle', () => {
  let directory: string;
  let store: SqliteStore;
  let ad: ScriptedDirectory;
  let cloud: MemoryCloud;
  const guard = { enabled: true, threshold: 500, sharePercent: 20 };
  const defaults: CycleOptions = {
    mode: 'delta',
    runMode: resolveRunMode({ kind: 'live' }),
    acceptDeletes: false,
    deletionGuard: guard,
    softMatch: 'smtp-then-upn',
    deltaDeletions: 'tombstones',
    cloudDrift: 'revert',
    mapping: DEFAULT_ATTRIBUTE_MAPPING,
  };
  const cycle = (options: Partial<CycleOptions> = {}) =>
    runSyncCycle({ ...defaults, ...options }, { store, source: ad, target: cloud, exporter: cloud, reporter: silentReporter });

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dirsync-engine-'));
    store = new SqliteStore(join(directory, 'state.db'));
    await store.migrate();
    ad = new ScriptedDirectory();
    cloud = new MemoryCloud();
  });
  afterEach(async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('runs a full import first, creates users and groups, then adds memberships once every member exists', async () => {
    ad.put(user('AAAA', 'alice'));
    ad.put(user('BBBB', 'bob'));
    ad.put(group('GGGG', 'sales', ['AAAA', 'BBBB', 'NOT-IN-SCOPE']));
    const result = await cycle();
    assert.equal(result.mode, 'full');
    assert.equal(result.status, 'success');
    assert.deepEqual({ added: result.counts.added, errors: result.counts.errors }, { added: 3, errors: 0 });
    const actions = cloud.writes().map((operation) => operation.action);
    assert.ok(actions.lastIndexOf('create') < actions.indexOf('add-members'), 'members are added after the objects are created');
    const groupId = [...cloud.objects].find(([, object]) => object.type === 'group')![0];
    assert.equal(cloud.members.get(groupId)?.size, 2);
    assert.equal(await store.getWatermark('active-directory'), '1');
  });

  it('sends nothing when nothing changed', async () => {
    ad.put(user('AAAA', 'alice'));
    ad.put(group('GGGG', 'sales', ['AAAA']));
    await cycle();
    cloud.writes();
    const second = await cycle({ mode: 'full' });
    assert.deepEqual(cloud.writes(), []);
    assert.equal(second.counts.unchanged, 2);
    const third = await cycle();
    assert.deepEqual(cloud.writes(), []);
    assert.equal(third.counts.unchanged, 0);
  });

  it('updates only the attributes that changed', async () => {
    ad.put(user('AAAA', 'alice', { title: ['Engineer'] }));
    await cycle();
    cloud.writes();
    ad.put(user('AAAA', 'alice', { title: ['Architect'] }));
    const result = await cycle();
    const [update] = cloud.writes();
    assert.equal(result.counts.updated, 1);
    assert.deepEqual(update?.action === 'update' && update.body, { jobTitle: 'Architect' });
  });

  it('records what each run changed, attribute by attribute (old → new), and never the password', async () => {
    ad.put(user('AAAA', 'alice', { title: ['Engineer'] }));
    const first = await cycle();
    const [added] = await store.getObjectChanges(first.runId);
    assert.equal(added?.action, 'added');
    assert.ok(added?.attributes.some((change) => change.name === 'jobTitle' && change.old === null && change.new === 'Engineer'));
    assert.ok(
      added?.attributes.every((change) => !change.name.startsWith('passwordProfile')),
      JSON.stringify(added),
    );
    assert.ok(
      added?.attributes.every((change) => change.new !== null),
      'an add lists the values it set, not the empty ones',
    );
    ad.put(user('AAAA', 'alice', { title: ['Architect'] }));
    const second = await cycle();
    assert.deepEqual(await store.getObjectChanges(second.runId), [
      {
        anchor: 'AAAA',
        dn: added!.dn,
        kind: 'user',
        action: 'updated',
        attributes: [{ name: 'jobTitle', old: 'Engineer', new: 'Architect' }],
        reason: null,
      },
    ]);
  });

  it('lands a user whose UPN another cloud object holds under a placeholder, and moves it once the UPN is free', async () => {
    cloud.objects.set('someone-else', { type: 'user', attributes: { userPrincipalName: 'alice@corp.example.test', onPremisesImmutableId: 'OTHER' } });
    ad.put(user('AAAA', 'alice'));
    const first = await cycle();
    assert.equal(first.counts.errors, 0);
    assert.equal(first.counts.added, 1);
    assert.equal(first.upnClashes.length, 1);
    const placeholder = first.upnClashes[0]!.placeholder;
    assert.match(placeholder, /^alice\d{4}@contoso\.onmicrosoft\.com$/);
    assert.equal(cloud.byAnchor('AAAA')?.attributes.userPrincipalName, placeholder);
    assert.deepEqual(cloud.objects.get('someone-else')?.attributes, { userPrincipalName: 'alice@corp.example.test', onPremisesImmutableId: 'OTHER' });

    cloud.writes();
    const held = await cycle();
    assert.deepEqual(cloud.writes(), [], 'nothing is sent while the UPN is held');
    assert.deepEqual(
      held.upnClashes.map((clash) => clash.dn),
      [first.upnClashes[0]!.dn],
    );
    assert.equal((await store.getObjectChanges(held.runId)).filter((change) => change.action === 'upn-placeholder').length, 1);

    cloud.objects.delete('someone-else');
    const moved = await cycle();
    assert.deepEqual(moved.upnClashes, []);
    assert.equal(cloud.byAnchor('AAAA')?.attributes.userPrincipalName, 'alice@corp.example.test');
    cloud.writes();
    await cycle();
    assert.deepEqual(cloud.writes(), [], 'settled: off the retry queue, nothing more to send');
  });

  it('reconciles membership changes of an otherwise unchanged group and counts it as updated', async () => {
    ad.put(user('AAAA', 'alice'));
    ad.put(user('BBBB', 'bob'));
    ad.put(group('GGGG', 'sales', ['AAAA']));
    await cycle();
    cloud.writes();
    ad.put(group('GGGG', 'sales', ['BBBB']));
    const result = await cycle();
    const actions = cloud
      .writes()
      .map((operation) => operation.action)
      .sort();
    assert.deepEqual(actions, ['add-members', 'remove-member']);
    assert.deepEqual({ updated: result.counts.updated, unchanged: result.counts.unchanged }, { updated: 1, unchanged: 0 });
  });

  it("applies a delta's membership increments to the members last exported, writing only those members", async () => {
    for (const name of ['alice', 'bob', 'carol']) ad.put(user(name.toUpperCase(), name));
    ad.put(group('GGGG', 'sales', ['ALICE', 'BOB']));
    await cycle();
    cloud.writes();
    const increments = (added: string[], removed: string[]): SourceObject => ({
      ...group('GGGG', 'sales', []),
      references: { memberChanges: { added, removed } },
    });
    // BOB comes as added though already a member (a replayed cookie): nothing to write for him.
    ad.pendingChanges.push({ op: 'upsert', object: increments(['CAROL', 'BOB'], ['ALICE']) });
    const result = await cycle();
    const writes = cloud.writes();
    assert.deepEqual(writes.map((operation) => operation.action).sort(), ['add-members', 'remove-member']);
    const added = writes.find((operation) => operation.action === 'add-members');
    assert.deepEqual(added?.action === 'add-members' && added.members.map((member) => member.anchor), ['CAROL']);
    assert.deepEqual(await store.getMembersAmong('GGGG', ['ALICE', 'BOB', 'CAROL']), new Set(['BOB', 'CAROL']));
    assert.equal(result.counts.updated, 1);
  });

  it('reads a group whole when a delta brings increments of a membership never exported', async () => {
    ad.put(user('ALICE', 'alice'));
    ad.put(user('BOB', 'bob'));
    await cycle();
    ad.objects.set('GGGG', group('GGGG', 'sales', ['ALICE', 'BOB']));
    ad.pendingChanges.push({
      op: 'upsert',
      object: { ...group('GGGG', 'sales', []), references: { memberChanges: { added: ['BOB'], removed: [] } } },
    });
    await cycle();
    assert.deepEqual(await store.getMembersAmong('GGGG', ['ALICE', 'BOB']), new Set(['ALICE', 'BOB']));
    assert.equal(cloud.members.get(cloud.idOf('GGGG')!)?.size, 2);
  });

  it('sets managers once both users exist, changes them by delta, and sends nothing when they did not change', async () => {
    ad.put(user('BOSS', 'boss'));
    const report = user('REPO', 'report');
    ad.put({ ...report, references: { manager: 'BOSS' } });
    await cycle();
    const idOf = (anchor: string) => [...cloud.objects].find(([, object]) => object.attributes.onPremisesImmutableId === anchor)![0];
    assert.equal(cloud.managers.get(idOf('REPO')), idOf('BOSS'));
    cloud.writes();
    assert.equal((await cycle({ mode: 'full' })).counts.unchanged, 2);
    assert.deepEqual(cloud.writes(), []);
    ad.put({ ...report, references: { manager: null } });
    const removed = await cycle();
    assert.equal(cloud.managers.get(idOf('REPO')), null);
    assert.deepEqual({ updated: removed.counts.updated, unchanged: removed.counts.unchanged }, { updated: 1, unchanged: 0 });
  });

  it('deletes in the cloud what was deleted in AD, and forgets it', async () => {
    ad.put(user('AAAA', 'alice'));
    await cycle();
    ad.remove('AAAA');
    const result = await cycle();
    assert.equal(result.counts.deleted, 1);
    assert.equal(cloud.objects.size, 0);
    assert.equal((await store.getLinks(['AAAA'])).size, 0);
  });

  it('deletes an object whose create reached the cloud just before a crash, once it is deleted in AD', async () => {
    ad.put(user('AAAA', 'alice'));
    await cycle();
    ad.put(user('NEW1', 'newcomer'));
    cloud.crashAfterApplying = true;
    await assert.rejects(cycle(), /the process died/);
    cloud.crashAfterApplying = false;
    assert.ok(cloud.byAnchor('NEW1'), 'the create reached the cloud, its outcome was never recorded');
    ad.remove('NEW1');
    const result = await cycle();
    assert.equal(result.counts.deleted, 1);
    assert.equal(cloud.byAnchor('NEW1'), undefined);
    assert.equal((await store.getLinks(['NEW1'])).size, 0);
  });

  it('finds by a full import what vanished while deltas were not looking (the sweep)', async () => {
    ad.put(user('AAAA', 'alice'));
    ad.put(user('BBBB', 'bob'));
    await cycle();
    ad.objects.delete('BBBB'); // no delta change recorded: e.g. the cookie expired meanwhile
    ad.rejectWatermark = true;
    const result = await cycle();
    assert.equal(result.mode, 'full');
    assert.equal(result.counts.deleted, 1);
    assert.equal(cloud.byAnchor('BBBB'), undefined);
    assert.ok(cloud.byAnchor('AAAA'));
  });

  it('withholds every delete above the threshold, keeps the watermark, and exports them on override', async () => {
    for (let index = 0; index < 5; index++) ad.put(user(`U${index}`, `user${index}`));
    await cycle();
    for (let index = 0; index < 5; index++) ad.remove(`U${index}`);
    const watermarkBefore = await store.getWatermark('active-directory');
    const stopped = await cycle({ deletionGuard: { ...guard, threshold: 3 } });
    assert.equal(stopped.status, 'stopped-deletion-threshold-exceeded');
    assert.equal(stopped.counts.deleted, 0);
    assert.equal(cloud.objects.size, 5);
    assert.deepEqual(stopped.withheld.map((entry) => entry.anchor).sort(), ['U0', 'U1', 'U2', 'U3', 'U4'], 'the withheld deletes are listed');
    assert.equal(await store.getWatermark('active-directory'), watermarkBefore);
    // The same changes again (the watermark did not move), this time accepted.
    for (let index = 0; index < 5; index++) ad.pendingChanges.push({ op: 'delete', anchor: `U${index}`, dn: '', reason: 'deleted-in-ad' });
    const accepted = await cycle({ deletionGuard: { ...guard, threshold: 3 }, acceptDeletes: true });
    assert.equal(accepted.status, 'success');
    assert.equal(accepted.counts.deleted, 5);
    assert.equal(cloud.objects.size, 0);
  });

  it('plans in preview without sending anything or moving the watermark', async () => {
    ad.put(user('AAAA', 'alice'));
    const sink: OperationSink = {
      apply: () => {
        throw new Error('preview must not use the exporter');
      },
    };
    const result = await runSyncCycle(
      { ...defaults, runMode: resolveRunMode({ kind: 'preview' }) },
      { store, source: ad, target: cloud, exporter: sink, reporter: silentReporter },
    );
    assert.equal(result.mode, 'preview-full');
    assert.deepEqual(
      result.plan.map((operation) => [operation.action, operation.anchor]),
      [['create', 'AAAA']],
    );
    assert.equal(cloud.objects.size, 0);
    assert.equal(await store.getWatermark('active-directory'), undefined);
    assert.equal((await store.getLinks(['AAAA'])).size, 0);
  });

  it('plans in preview the memberships and managers of objects it would create, exactly as the real cycle sends them', async () => {
    ad.put(user('AAAA', 'alice'));
    ad.put({ ...user('BBBB', 'bob'), references: { manager: 'AAAA' } });
    ad.put(group('GGGG', 'sales', ['AAAA', 'BBBB']));
    const preview = await runSyncCycle(
      { ...defaults, runMode: resolveRunMode({ kind: 'preview' }) },
      { store, source: ad, target: cloud, exporter: cloud, reporter: silentReporter },
    );
    assert.deepEqual(await store.getMemberships(['GGGG']), new Map([['GGGG', new Set()]]), 'the store holds nothing of the preview');
    assert.equal(await store.countLinks(), 0);
    const real = await cycle();
    const shape = (plan: readonly { action: string; anchor: string }[]) => plan.map((operation) => `${operation.action} ${operation.anchor}`).sort();
    const sent = cloud
      .writes()
      .map((operation) => `${operation.action} ${operation.anchor}`)
      .sort();
    assert.deepEqual(shape(preview.plan), sent);
    assert.ok(sent.includes('add-members GGGG') && sent.includes('set-manager BBBB'));
    assert.deepEqual(preview.counts, real.counts);
  });

  it('a standby defers its creates and joins them by anchor in the next cycle, once the active one created them', async () => {
    ad.put(user('AAAA', 'alice'));
    const standby = (options: Partial<CycleOptions> = {}) =>
      runSyncCycle(
        { ...defaults, runMode: resolveRunMode({ kind: 'standby' }), ...options },
        { store, source: ad, target: cloud, exporter: cloud, reporter: silentReporter },
      );
    const planned = await standby();
    assert.deepEqual(
      planned.plan.map((operation) => [operation.action, operation.anchor]),
      [['create', 'AAAA']],
    );
    assert.equal(cloud.objects.size, 0, 'nothing was sent');
    assert.deepEqual(await store.listRetries(10), ['AAAA'], 'the deferred create waits for the next cycle');
    const again = await standby();
    assert.deepEqual(
      again.plan.map((operation) => operation.action),
      ['create'],
      'still not created by anyone: planned again',
    );
    cloud.objects.set('made-by-active', { type: 'user', attributes: { onPremisesImmutableId: 'AAAA', displayName: 'alice' } });
    const joined = await standby();
    assert.deepEqual(
      joined.plan.map((operation) => operation.action),
      ['update'],
    );
    assert.equal((await store.getLinks(['AAAA'])).get('AAAA')?.cloudId, 'made-by-active');
    assert.deepEqual(await store.listRetries(10), []);
    assert.deepEqual((await standby()).plan, [], 'in step');
  });

  it('hard-matches a cloud object that already carries the anchor instead of creating a duplicate', async () => {
    cloud.objects.set('existing', { type: 'user', attributes: { onPremisesImmutableId: 'AAAA', displayName: 'old' } });
    ad.put(user('AAAA', 'alice'));
    const result = await cycle();
    assert.equal(cloud.objects.size, 1);
    assert.equal(cloud.objects.get('existing')?.attributes.displayName, 'alice');
    assert.equal(result.counts.added, 0);
    assert.equal(result.counts.updated, 1);
  });

  it('soft-matches an unanchored cloud user by primary SMTP address and anchors it', async () => {
    cloud.objects.set('cloud-only', { type: 'user', attributes: { mail: 'alice@corp.example.test' } });
    ad.put(user('AAAA', 'alice', { mail: ['alice@corp.example.test'], proxyaddresses: ['SMTP:alice@corp.example.test'] }));
    await cycle();
    assert.equal(cloud.objects.size, 1);
    assert.equal(cloud.objects.get('cloud-only')?.attributes.onPremisesImmutableId, 'AAAA');
  });

  it('records a failing object, goes on with the others, and retries it next cycle though it did not change', async () => {
    ad.put(user('AAAA', 'alice'));
    ad.put(user('BAD1', 'broken'));
    cloud.failAnchors.add('BAD1');
    const result = await cycle();
    assert.equal(result.status, 'completed-export-errors');
    assert.equal(result.counts.added, 1);
    assert.deepEqual(
      result.errors.map((error) => [error.anchor, error.code]),
      [['BAD1', 'Request_BadRequest']],
    );
    assert.deepEqual(
      (await store.getRunErrors(result.runId)).map((error) => error.anchor),
      ['BAD1'],
    );
    assert.deepEqual(await store.listRetries(10), ['BAD1']);

    const stillFailing = await cycle();
    assert.equal(stillFailing.status, 'completed-export-errors', 'retried (and failed again) without any AD change');
    cloud.failAnchors.clear();
    const fixed = await cycle();
    assert.equal(fixed.status, 'success');
    assert.equal(fixed.counts.added, 1);
    assert.ok(cloud.byAnchor('BAD1'));
    assert.deepEqual(await store.listRetries(10), []);
    cloud.writes();
    await cycle();
    assert.deepEqual(cloud.writes(), [], 'nothing left to retry');
  });

  it('adds a member to its groups once its create, failed before, goes through (the group is retried with it)', async () => {
    ad.put(user('AAAA', 'alice'));
    ad.put(user('BAD1', 'broken'));
    ad.put(group('GGGG', 'sales', ['AAAA', 'BAD1']));
    cloud.failAnchors.add('BAD1');
    await cycle();
    const groupId = [...cloud.objects].find(([, object]) => object.type === 'group')![0];
    assert.equal(cloud.members.get(groupId)?.size, 1);
    cloud.failAnchors.clear();
    const fixed = await cycle();
    assert.equal(fixed.status, 'success');
    assert.equal(cloud.members.get(groupId)?.size, 2, 'the member created late joined its group');
    assert.deepEqual(await store.listRetries(10), []);
  });

  it('reports contacts and distribution groups as not exportable without failing the cycle', async () => {
    ad.put({ anchor: 'CCCC', kind: 'contact', dn: 'CN=c,DC=corp,DC=example,DC=test', attributes: { mail: ['c@example.org'] }, references: {} });
    ad.put({ anchor: 'DDDD', kind: 'group', dn: 'CN=d,DC=corp,DC=example,DC=test', attributes: { grouptype: ['2'] }, references: { members: [] } });
    const result = await cycle();
    assert.equal(result.status, 'success');
    assert.equal(result.counts.notExportable, 2);
    assert.deepEqual(cloud.writes(), []);
  });

  it('stops after the batch in flight when asked to, and records the run as stopped', async () => {
    for (let index = 0; index < 1200; index++) ad.put(user(`U${index}`, `user${index}`));
    const stop = new AbortController();
    const reporter: Reporter = {
      ...silentReporter,
      progress: (event) => {
        if ((event.current ?? 0) >= 500) stop.abort();
      },
    };
    const result = await runSyncCycle(defaults, { store, source: ad, target: cloud, exporter: cloud, reporter, signal: stop.signal });
    assert.equal(result.status, 'stopped-by-request');
    assert.ok(cloud.objects.size > 0 && cloud.objects.size < 1200, `exported ${cloud.objects.size}`);
    assert.equal(await store.getWatermark('active-directory'), undefined);
  });

  describe('a custom attribute mapping', () => {
    const bodyOf = (operation: CloudOperation | undefined) => (operation && 'body' in operation ? operation.body : undefined);

    it('sends onCreate targets with the create only, and never compares them afterwards', async () => {
      const mapping = effectiveMapping({
        user: {
          department: { expression: 'Append([department], " (at hire)")', apply: 'onCreate' },
          'employeeOrgData.costCenter': '[extensionAttribute3]',
        },
      });
      ad.put(user('AAAA', 'alice', { department: ['Sales'], extensionattribute3: ['CC-1'] }));
      await cycle({ mapping });
      const created = bodyOf(cloud.writes()[0]);
      assert.equal(created?.department, 'Sales (at hire)');
      assert.deepEqual(created?.employeeOrgData, { costCenter: 'CC-1' });
      assert.equal((await store.getLinks(['AAAA'])).get('AAAA')?.exported.department, undefined, 'not recorded as managed');

      ad.put(user('AAAA', 'alice', { department: ['Marketing'], extensionattribute3: ['CC-2'] }));
      const second = await cycle({ mapping });
      const updated = bodyOf(cloud.writes()[0]);
      assert.deepEqual(updated?.employeeOrgData, { costCenter: 'CC-2' });
      assert.equal(updated?.department, undefined, 'the onCreate target is not sent again');
      ad.put(user('AAAA', 'alice', { department: ['Support'], extensionattribute3: ['CC-2'] }));
      const third = await cycle({ mapping });
      assert.deepEqual(cloud.writes(), [], 'a change of what only an onCreate target reads is no change');
      assert.deepEqual([second.counts.updated, third.counts.unchanged], [1, 1]);
    });

    it('fails one object on Error("…"), naming the target, exports the others, and keeps a linked object as last exported', async () => {
      const mapping = effectiveMapping({ user: { usageLocation: 'IIF(IsPresent([c]), [c], Error("every user needs a country (c)"))' } });
      ad.put(user('AAAA', 'alice', { c: ['se'] }));
      ad.put(user('BBBB', 'bob'));
      const result = await cycle({ mapping });
      assert.equal(result.status, 'completed-export-errors');
      assert.deepEqual(
        result.errors.map((error) => [error.anchor, error.code, error.message]),
        [['BBBB', 'Mapping.expression-failed', 'user.usageLocation: every user needs a country (c)']],
      );
      assert.equal(cloud.byAnchor('AAAA')?.attributes.usageLocation, 'SE');
      assert.equal(cloud.byAnchor('BBBB'), undefined);
      assert.deepEqual(await store.listRetries(10), ['BBBB']);

      ad.put(user('AAAA', 'alice', { title: ['Lead'] }));
      const later = await cycle({ mapping, mode: 'full' });
      assert.deepEqual(
        later.errors.map((error) => error.anchor),
        ['AAAA', 'BBBB'],
      );
      assert.equal(later.counts.deleted, 0, 'an object the mapping fails on is never deleted');
      assert.equal(cloud.byAnchor('AAAA')?.attributes.jobTitle, null, 'kept as last exported');
      ad.put(user('BBBB', 'bob', { c: ['fr'] }));
      const fixed = await cycle({ mapping });
      assert.equal(cloud.byAnchor('BBBB')?.attributes.usageLocation, 'FR');
      assert.equal(fixed.errors.length, 1, 'alice still has no country');
    });

    it("refuses a value its target cannot take as that object's error (Mapping.value-refused)", async () => {
      const mapping = effectiveMapping({ user: { accountEnabled: '[extensionAttribute1]' } });
      ad.put(user('AAAA', 'alice', { extensionattribute1: ['True'] }));
      ad.put(user('BBBB', 'bob', { extensionattribute1: ['maybe'] }));
      const result = await cycle({ mapping });
      assert.equal(cloud.byAnchor('AAAA')?.attributes.accountEnabled, true);
      assert.deepEqual(
        result.errors.map((error) => [error.anchor, error.code, error.message]),
        [['BBBB', 'Mapping.value-refused', 'user.accountEnabled: the value must be True or False, not "maybe"']],
      );
    });

    it('re-evaluates every object after a mapping change (a full import), and a preview lists exactly those that change', async () => {
      ad.put(user('AAAA', 'alice', { department: ['Sales'], company: ['Example'] }));
      ad.put(user('BBBB', 'bob', { department: ['Sales'] }));
      ad.put(user('CCCC', 'carol'));
      await cycle();
      cloud.writes();
      const mapping = effectiveMapping({ user: { department: 'Join(" / ", [company], [department])' } });

      const preview = await runSyncCycle(
        { ...defaults, mapping, runMode: resolveRunMode({ kind: 'preview' }) },
        { store, source: ad, target: cloud, exporter: cloud, reporter: silentReporter },
      );
      assert.equal(preview.mode, 'preview-full', 'no AD change, yet every object is read again');
      assert.deepEqual(
        preview.plan.map((planned) => [planned.action, planned.anchor, planned.values]),
        [['update', 'AAAA', [{ attribute: 'department', old: 'Sales', new: 'Example / Sales' }]]],
      );
      assert.deepEqual(cloud.writes(), []);
      assert.equal(await store.getWatermark(MAPPING_APPLIED), undefined, 'a preview applies nothing');

      const applied = await cycle({ mapping });
      assert.equal(applied.mode, 'full');
      assert.deepEqual([applied.counts.updated, applied.counts.unchanged], [1, 2]);
      assert.equal(cloud.byAnchor('AAAA')?.attributes.department, 'Example / Sales');
      assert.equal(await store.getWatermark(MAPPING_APPLIED), mapping.fingerprint);
      assert.equal((await cycle({ mapping })).mode, 'delta', 'once applied, deltas again');

      const back = await cycle();
      assert.equal(back.mode, 'full', 'going back to the default mapping is a change too');
      assert.equal(cloud.byAnchor('AAAA')?.attributes.department, 'Sales');
      assert.equal(await store.getWatermark(MAPPING_APPLIED), undefined);
    });

    it('writes extension:<name> targets under the full names the cloud resolves, in their data type', async () => {
      const mapping = effectiveMapping({ user: { 'extension:costCentre': { expression: '[extensionAttribute3]', dataType: 'Integer' } } });
      ad.put(user('AAAA', 'alice', { extensionattribute3: ['42'] }));
      ad.put(user('BBBB', 'bob', { extensionattribute3: ['forty-two'] }));
      const result = await cycle({ mapping });
      assert.deepEqual(cloud.extensionsAsked, [{ name: 'costCentre', dataType: 'Integer' }]);
      assert.equal(cloud.byAnchor('AAAA')?.attributes.extension_0123456789abcdef0123456789abcdef_costCentre, 42);
      assert.deepEqual(
        result.errors.map((error) => [error.anchor, error.code, error.message]),
        [['BBBB', 'Mapping.value-refused', 'user.extension:costCentre: "forty-two" is not a whole number in range']],
      );
    });
  });

  describe('do no harm', () => {
    const users = (count: number) => {
      for (let index = 0; index < count; index++) ad.put(user(`U${index}`, `user${index}`));
    };

    it('never deletes an object the listing misses but AD still holds in scope (hidden by ACLs): withheld and named', async () => {
      users(3);
      await cycle();
      ad.hidden.add('U1');
      const result = await cycle({ mode: 'full' });
      assert.equal(result.counts.deleted, 0);
      assert.ok(cloud.byAnchor('U1'), 'the hidden user is still in the cloud');
      assert.deepEqual(
        result.withheld.map((entry) => [entry.anchor, /denied list\/read/.test(entry.reason)]),
        [['U1', true]],
      );
      assert.equal((await store.getLinks(['U1'])).size, 1, 'and still linked');
    });

    it('never deletes an object a delta re-reads by GUID and cannot see (drift to revert): withheld, named hidden', async () => {
      users(3);
      await cycle();
      cloud.writes();
      // Edited in the portal: the delta re-reads the user from AD to revert it, but an ACL now hides it.
      cloud.portalUpdate(cloud.idOf('U1')!, { displayName: 'edited in the portal' });
      ad.unreadable.add('U1');
      const result = await cycle();
      assert.equal(result.mode, 'delta');
      assert.equal(result.counts.deleted, 0);
      assert.ok(cloud.byAnchor('U1'), 'the hidden user is still in the cloud');
      assert.deepEqual(
        result.withheld.map((entry) => [entry.anchor, /hidden from the account.*denied list\/read/.test(entry.reason)]),
        [['U1', true]],
      );
      assert.equal((await store.getLinks(['U1'])).get('U1')?.cloudId, cloud.idOf('U1'), 'still linked');
    });

    it('never deletes a retried object a delta cannot read by GUID, and deletes it once confirmed gone', async () => {
      users(3);
      await cycle();
      // Its update fails: the next cycles re-read it by GUID (the retry queue), and an ACL now hides it.
      cloud.failAnchors.add('U1');
      ad.put(user('U1', 'user1', { department: ['Sales'] }));
      await cycle();
      assert.deepEqual(await store.listRetries(10), ['U1']);
      cloud.failAnchors.delete('U1');
      ad.pendingChanges = [];
      ad.unreadable.add('U1');
      const hidden = await cycle();
      assert.equal(hidden.counts.deleted, 0);
      assert.ok(cloud.byAnchor('U1'), 'the hidden user is still in the cloud');
      assert.deepEqual(
        hidden.withheld.map((entry) => entry.anchor),
        ['U1'],
      );
      // Gone for good (no tombstone reaches the delta): the by-GUID read is confirmed, and the user deleted.
      ad.objects.delete('U1');
      const gone = await cycle();
      assert.equal(gone.mode, 'delta');
      assert.equal(gone.counts.deleted, 1);
      assert.equal(cloud.byAnchor('U1'), undefined);
    });

    it('deletes what the GUID lookup confirms gone, and what it finds out of scope', async () => {
      users(8);
      await cycle();
      ad.objects.delete('U1');
      ad.outOfScope.set('U2', { ...ad.objects.get('U2')!, dn: 'CN=user2,OU=Elsewhere,DC=corp,DC=example,DC=test' });
      ad.objects.delete('U2');
      const result = await cycle({ mode: 'full' });
      assert.equal(result.counts.deleted, 2);
      assert.equal(cloud.byAnchor('U1'), undefined);
      assert.equal(cloud.byAnchor('U2'), undefined);
      assert.deepEqual((await store.getDeletedObjects(result.runId)).map((object) => object.anchor).sort(), ['U1', 'U2'], 'kept for restore');
    });

    it('withholds the sweep under a search base that returned nothing, unless deletes are accepted', async () => {
      users(3);
      await cycle();
      ad.objects.clear(); // the OU answers empty: renamed, emptied by mistake, or unreadable
      const result = await cycle({ mode: 'full', deletionGuard: { ...guard, enabled: false } });
      assert.equal(result.counts.deleted, 0);
      assert.equal(cloud.objects.size, 3);
      assert.equal(result.withheld.length, 3);
      assert.match(result.withheld[0]!.reason, /returned no object at all/);
      const accepted = await cycle({ mode: 'full', acceptDeletes: true });
      assert.equal(accepted.counts.deleted, 3);
    });

    it('withholds a cycle deleting more than the share of the synchronized objects, though below the count threshold', async () => {
      users(10);
      await cycle();
      for (let index = 0; index < 6; index++) ad.remove(`U${index}`);
      const result = await cycle();
      assert.equal(result.status, 'stopped-deletion-threshold-exceeded');
      assert.match(result.withheld[0]!.reason, /6 object deletes of 10: more than 20 %/);
      assert.equal(cloud.objects.size, 10);
    });

    it('lets a small directory lose a few objects in one cycle (the share applies above a floor)', async () => {
      users(5);
      await cycle();
      ad.remove('U0');
      ad.remove('U1');
      const result = await cycle();
      assert.equal(result.status, 'success');
      assert.equal(result.counts.deleted, 2);
    });

    it('does not empty a cloud group whose AD members vanished at once: the removals are withheld', async () => {
      users(8);
      ad.put(group('GGGG', 'all', ['U0', 'U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7']));
      await cycle();
      ad.put(group('GGGG', 'all', []));
      const result = await cycle();
      assert.equal(result.status, 'stopped-deletion-threshold-exceeded');
      assert.ok(result.withheld.every((entry) => entry.objectType === 'membership'));
      const groupId = [...cloud.objects].find(([, object]) => object.type === 'group')![0];
      assert.equal(cloud.members.get(groupId)?.size, 8);
    });

    it('finds deletions in a delta by listing the scope when the directory hides tombstones', async () => {
      users(8);
      await cycle();
      ad.objects.delete('U3'); // no tombstone reaches the delta
      ad.pendingChanges = [];
      const blind = await cycle();
      assert.equal(blind.counts.deleted, 0, 'without the listing the delta cannot see it');
      const listed = await cycle({ deltaDeletions: 'listing' });
      assert.equal(listed.mode, 'delta');
      assert.equal(listed.counts.deleted, 1);
      assert.equal(cloud.byAnchor('U3'), undefined);
    });

    it('matches neither of two AD users claiming the same cloud user, and names the other in each error', async () => {
      cloud.objects.set('cloud-only', { type: 'user', attributes: { mail: 'shared@corp.example.test' } });
      ad.put(user('AAAA', 'alice', { mail: ['shared@corp.example.test'] }));
      ad.put(user('BBBB', 'bob', { mail: ['shared@corp.example.test'] }));
      const result = await cycle();
      assert.equal(cloud.objects.get('cloud-only')?.attributes.onPremisesImmutableId, undefined, 'not taken over');
      assert.deepEqual(result.errors.map((error) => error.anchor).sort(), ['AAAA', 'BBBB']);
      assert.ok(result.errors.every((error) => error.code === 'DirSync.MatchConflict'));
      assert.match(result.errors.find((error) => error.anchor === 'AAAA')!.message, /CN=bob/);
    });

    it('matches neither when the two claimants are read far apart (other chunks of the import, as from two forests)', async () => {
      cloud.objects.set('cloud-only', { type: 'user', attributes: { mail: 'shared@corp.example.test' } });
      ad.put(user('AAAA', 'alice', { mail: ['shared@corp.example.test'] }));
      // More than a chunk (500 objects) between the two claimants: each chunk alone sees one claim.
      for (let index = 0; index < 1_100; index++) ad.put(user(`F${String(index).padStart(4, '0')}`, `filler${index}`));
      ad.put(user('ZZZZ', 'zoe', { mail: ['shared@corp.example.test'] }));
      const result = await cycle();
      assert.equal(cloud.objects.get('cloud-only')?.attributes.onPremisesImmutableId, undefined, 'not taken over by the first read');
      assert.deepEqual(result.errors.map((error) => error.anchor).sort(), ['AAAA', 'ZZZZ']);
      assert.match(result.errors.find((error) => error.anchor === 'AAAA')!.message, /CN=zoe/);
      assert.equal(result.counts.added, 1_100, 'the others are created');
      assert.deepEqual((await store.listRetries(10)).sort(), ['AAAA', 'ZZZZ'], 'both retried');
      // One claimant leaves: the other is joined by the next cycle.
      ad.remove('ZZZZ');
      const next = await cycle();
      assert.equal(next.errors.length, 0);
      assert.equal(cloud.objects.get('cloud-only')?.attributes.onPremisesImmutableId, 'AAAA');
    });

    it('never soft-matches on a UPN DirSync had to rewrite (unverified suffix)', async () => {
      cloud.objects.set('cloud-only', { type: 'user', attributes: { userPrincipalName: 'ops@contoso.onmicrosoft.com' } });
      ad.put(user('AAAA', 'ops', { userprincipalname: ['ops@corp.local'] }));
      await cycle();
      assert.equal(cloud.objects.get('cloud-only')?.attributes.onPremisesImmutableId, undefined, 'the cloud-only account is untouched');
      assert.equal(cloud.objects.size, 2, 'a user of its own was created');
    });

    it('soft-matches on a UPN as AD has it', async () => {
      cloud.objects.set('cloud-only', { type: 'user', attributes: { userPrincipalName: 'alice@corp.example.test' } });
      ad.put(user('AAAA', 'alice'));
      await cycle();
      assert.equal(cloud.objects.get('cloud-only')?.attributes.onPremisesImmutableId, 'AAAA');
    });

    it('keeps the cloud group of a security group that becomes mail-enabled', async () => {
      ad.put(group('GGGG', 'sales', []));
      await cycle();
      const mailEnabled = group('GGGG', 'sales', []);
      mailEnabled.attributes.mail = ['sales@corp.example.test'];
      ad.put(mailEnabled);
      const delta = await cycle();
      const full = await cycle({ mode: 'full' });
      assert.equal(delta.counts.deleted + full.counts.deleted, 0);
      assert.equal(cloud.objects.size, 1);
      assert.equal(full.counts.notExportable, 1);
    });

    it('records a delta that had to become a full import as full', async () => {
      users(1);
      await cycle();
      ad.rejectWatermark = true;
      const result = await cycle();
      assert.equal(result.mode, 'full');
      assert.equal((await store.listRuns(1))[0]!.mode, 'full');
    });

    it('marks a run left in progress by a killed process as interrupted when the next one starts', async () => {
      const orphan = await store.startRun('delta', new Date());
      users(1);
      await cycle();
      const runs = await store.listRuns(5);
      assert.equal(runs.find((run) => run.id === orphan)!.status, 'interrupted');
    });

    it('restores what a run deleted: users from the deleted items, groups created again, memberships and links', async () => {
      users(8);
      ad.put(group('GGGG', 'sales', ['U0', 'U1', 'U7']));
      await cycle();
      const groupIdBefore = [...cloud.objects].find(([, object]) => object.type === 'group')![0];
      const userIds = Object.fromEntries(
        ['U0', 'U1'].map((anchor) => [anchor, [...cloud.objects].find(([, object]) => object.attributes.onPremisesImmutableId === anchor)![0]]),
      );
      ad.remove('U0');
      ad.remove('U1');
      ad.remove('GGGG');
      const bad = await cycle();
      assert.equal(bad.counts.deleted, 3);

      const preview = await restoreRun(bad.runId, { store, exporter: cloud, runMode: resolveRunMode({ kind: 'preview' }), reporter: silentReporter });
      assert.equal(preview.restored.length, 3);
      assert.equal(cloud.objects.size, 6, 'a preview restores nothing');

      const restored = await restoreRun(bad.runId, { store, exporter: cloud, runMode: resolveRunMode({ kind: 'live' }), reporter: silentReporter });
      assert.equal(restored.status, 'success');
      assert.deepEqual(restored.restored.map((object) => [object.anchor, object.how]).sort(), [
        ['GGGG', 're-created'],
        ['U0', 'restored'],
        ['U1', 'restored'],
      ]);
      assert.equal(cloud.byAnchor('U0'), cloud.objects.get(userIds.U0!), 'the user came back with its old id');
      const groupId = [...cloud.objects].find(([, object]) => object.type === 'group')![0];
      assert.notEqual(groupId, groupIdBefore);
      assert.deepEqual([...cloud.members.get(groupId)!].sort(), [userIds.U0, userIds.U1, cloud.idOf('U7')].sort(), 'the group has its members again');
      assert.equal((await store.getLinks(['U0', 'U1', 'GGGG'])).size, 3, 'linked again');
      assert.equal((await store.listRuns(1))[0]!.mode, 'restore');
      const again = await restoreRun(bad.runId, { store, exporter: cloud, runMode: resolveRunMode({ kind: 'live' }), reporter: silentReporter });
      assert.deepEqual(again.skipped.sort(), ['GGGG', 'U0', 'U1'], 'what is back is left alone');
    });
  });

  describe('an object run (sync --object, explain)', () => {
    const objectRun = (anchors: string[], options: Partial<CycleOptions> = {}) => cycle({ mode: 'object', objects: anchors, ...options });
    const sent = () => cloud.writes().map((operation) => `${operation.action} ${operation.anchor}`);

    it('creates just that user, adds it to its groups and sets its manager; nothing else is read or sent, no watermark moves', async () => {
      ad.put(user('BOSS', 'boss'));
      ad.put(user('BOB', 'bob', { title: ['Clerk'] }));
      ad.put(group('GGGG', 'sales', ['BOB']));
      await cycle();
      cloud.writes();
      const watermark = await store.getWatermark('active-directory');
      ad.put({ ...user('CARL', 'carl'), references: { manager: 'BOSS' } });
      ad.put(group('GGGG', 'sales', ['BOB', 'CARL']));
      ad.put(user('BOB', 'bob', { title: ['Manager'] }));
      const result = await objectRun(['CARL']);
      assert.equal(result.mode, 'object');
      assert.equal(result.status, 'success');
      assert.deepEqual(sent().sort(), ['add-members GGGG', 'create CARL', 'set-manager CARL']);
      const added = result.plan.find((operation) => operation.action === 'add-members');
      assert.deepEqual(added?.operation.action === 'add-members' && added.operation.members.map((member) => member.anchor), ['CARL']);
      assert.equal(await store.getWatermark('active-directory'), watermark, 'the watermark stays');
      assert.equal(cloud.byAnchor('BOB')?.attributes.jobTitle, 'Clerk', "another object's change waits for the next cycle");
      assert.equal((await store.listRuns(1))[0]!.mode, 'object');
      // The delta that follows brings the same changes again: only what the object run did not do is sent.
      assert.deepEqual(sent(), []);
      await cycle();
      assert.deepEqual(sent(), ['update BOB']);
    });

    it('takes the object out of the groups AD no longer lists it in', async () => {
      ad.put(user('ALICE', 'alice'));
      ad.put(user('BOB', 'bob'));
      ad.put(group('GGGG', 'sales', ['ALICE', 'BOB']));
      await cycle();
      cloud.writes();
      ad.put(group('GGGG', 'sales', ['BOB']));
      await objectRun(['ALICE']);
      assert.deepEqual(sent(), ['remove-member GGGG']);
      assert.deepEqual(await store.getMembersAmong('GGGG', ['ALICE', 'BOB']), new Set(['BOB']));
    });

    it('never deletes an object the account cannot read by GUID: withheld, named hidden', async () => {
      ad.put(user('U1', 'user1'));
      await cycle();
      cloud.writes();
      ad.unreadable.add('U1');
      const result = await objectRun(['U1']);
      assert.deepEqual(sent(), []);
      assert.deepEqual(
        result.withheld.map((entry) => [entry.anchor, /denied list\/read/.test(entry.reason)]),
        [['U1', true]],
      );
      assert.equal((await store.getLinks(['U1'])).get('U1')?.cloudId, cloud.idOf('U1'), 'still linked');
    });

    it('deletes an object its GUID lookup confirms gone', async () => {
      ad.put(user('U1', 'user1'));
      ad.put(user('U2', 'user2'));
      await cycle();
      cloud.writes();
      ad.objects.delete('U1');
      const result = await objectRun(['U1']);
      assert.deepEqual(sent(), [`delete U1`]);
      assert.equal(result.counts.deleted, 1);
      assert.ok(cloud.byAnchor('U2'), 'the other user is not touched');
    });

    it("takes its own object off the retry queue, and leaves the others' retries for the next cycle", async () => {
      ad.put(user('U1', 'user1'));
      ad.put(user('U2', 'user2'));
      cloud.failAnchors = new Set(['U1', 'U2']);
      await cycle();
      assert.deepEqual((await store.listRetries(10)).sort(), ['U1', 'U2']);
      cloud.failAnchors.clear();
      await objectRun(['U1']);
      assert.ok(cloud.byAnchor('U1'));
      assert.equal(cloud.byAnchor('U2'), undefined);
      assert.deepEqual(await store.listRetries(10), ['U2']);
    });

    it('in preview plans the same and records nothing but the run, as preview-object', async () => {
      ad.put(user('U1', 'user1'));
      const result = await objectRun(['U1'], { runMode: resolveRunMode({ kind: 'preview' }) });
      assert.equal(result.mode, 'preview-object');
      assert.deepEqual(
        result.plan.map((operation) => `${operation.action} ${operation.anchor}`),
        ['create U1'],
      );
      assert.equal(cloud.objects.size, 0);
      assert.equal(await store.countLinks(), 0);
    });

    it("leaves the tenant's drift to the cycle: reverts nothing, and the cloud's change round stays where it was", async () => {
      ad.put(user('U1', 'user1', { department: ['Sales'] }));
      ad.put(user('U2', 'user2', { department: ['Sales'] }));
      await cycle();
      cloud.writes();
      const round = await store.getWatermark('entra-id');
      cloud.portalUpdate(cloud.idOf('U1')!, { department: 'Helpdesk' });
      cloud.portalUpdate(cloud.idOf('U2')!, { department: 'Helpdesk' });
      const result = await objectRun(['U2']);
      assert.deepEqual(sent(), []);
      assert.deepEqual(result.drift, []);
      assert.equal(await store.getWatermark('entra-id'), round);
      const next = await cycle();
      assert.equal(next.counts.reverted, 2, 'the next cycle finds both edits');
    });

    it('forecasts the revert of drift from a ledger corrected as the drift step corrects it', async () => {
      ad.put(user('U1', 'user1', { department: ['Sales'] }));
      await cycle();
      cloud.writes();
      const link = (await store.getLinks(['U1'])).get('U1')!;
      const drift = [{ anchor: 'U1', dn: link.dn, kind: 'user' as const, attribute: 'department', cloudValue: 'Helpdesk', adValue: 'Sales' }];
      const options = {
        deletionGuard: guard,
        softMatch: 'smtp-then-upn',
        deltaDeletions: 'tombstones',
        cloudDrift: 'revert',
        mapping: DEFAULT_ATTRIBUTE_MAPPING,
      } as const;
      const dependencies = { store, source: ad, target: cloud, exporter: cloud, reporter: silentReporter };
      assert.deepEqual((await forecastObjects(['U1'], options, dependencies)).plan, [], 'with the ledger as it is, nothing to send');
      const forecast = await forecastObjects(['U1'], options, dependencies, [{ ...link, exported: ledgerAsInCloud(link.exported, drift) }]);
      assert.deepEqual(
        forecast.plan.map((operation) => [operation.action, operation.values]),
        [['update', [{ attribute: 'department', old: 'Helpdesk', new: 'Sales' }]]],
      );
      assert.equal((await store.getLinks(['U1'])).get('U1')?.exported.department, 'Sales', 'the store is as it was');
    });

    it("forecasts the next cycle's requests for an object and leaves no trace, not even a run", async () => {
      ad.put(user('U1', 'user1'));
      await cycle();
      cloud.writes();
      ad.put(user('U1', 'user1', { department: ['Sales'] }));
      ad.put(user('U2', 'user2'));
      const runs = await store.listRuns(100);
      const forecast = await forecastObjects(
        ['U1'],
        { deletionGuard: guard, softMatch: 'smtp-then-upn', deltaDeletions: 'tombstones', cloudDrift: 'revert', mapping: DEFAULT_ATTRIBUTE_MAPPING },
        {
          store,
          source: ad,
          target: cloud,
          exporter: cloud,
          reporter: silentReporter,
        },
      );
      assert.deepEqual(
        forecast.plan.map((operation) => [operation.action, operation.anchor, operation.values]),
        [['update', 'U1', [{ attribute: 'department', old: null, new: 'Sales' }]]],
      );
      assert.deepEqual(sent(), [], 'nothing sent');
      assert.deepEqual(await store.listRuns(100), runs, 'no run recorded');
      assert.equal((await store.getLinks(['U1'])).get('U1')?.exported.department, null, 'the link is as it was');
    });
  });
});
