// Explain's plain-data stages: the attribute table, drift, the history (read from a real store) and its "linked since",
// and the next cycle's requests.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlannedOperation } from '../../src/engine/sync-cycle.ts';
import type { HistoryEntry } from '../../src/report/object-page.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import type { ObjectChange } from '../../src/store/store.ts';
import { attributeRows, driftOf, lastErrors, linkedSince, nextCycleRequests, objectHistory } from '../../src/use-cases/object-explanation.ts';

const entry = (runId: number, action: HistoryEntry['action']): HistoryEntry => ({
  runId,
  mode: 'delta',
  endedAt: null,
  action,
  changes: [],
  detail: null,
});

describe("explain's stages", () => {
  it('lists each attribute desired, exported and in the cloud, nested ones key by key, and leaves out what is empty everywhere', () => {
    const rows = attributeRows(
      {
        displayName: 'Anna',
        jobTitle: null,
        businessPhones: [],
        onPremisesExtensionAttributes: { extensionAttribute1: 'x', extensionAttribute2: null },
      },
      {
        displayName: 'Anna',
        jobTitle: null,
        businessPhones: [],
        manager: 'BOSS',
        onPremisesExtensionAttributes: { extensionAttribute1: 'x', extensionAttribute2: null },
      },
      { displayName: 'Anna B.', businessPhones: [], onPremisesExtensionAttributes: { extensionAttribute1: 'x', extensionAttribute2: null } },
    );
    assert.deepEqual(rows, [
      { target: 'displayName', desired: 'Anna', exported: 'Anna', cloud: 'Anna B.' },
      { target: 'onPremisesExtensionAttributes.extensionAttribute1', desired: 'x', exported: 'x', cloud: 'x' },
    ]);
    const link = { anchor: 'A', kind: 'user' as const, cloudId: 'a', dn: 'CN=Anna', exported: { displayName: 'Anna' }, lastSeenRunId: null };
    assert.deepEqual(driftOf(rows, link), [
      { anchor: 'A', dn: 'CN=Anna', kind: 'user', attribute: 'displayName', cloudValue: 'Anna B.', adValue: 'Anna' },
    ]);
    const upn = attributeRows({ userPrincipalName: 'anna@x.test' }, { userPrincipalName: 'anna@x.test' }, { userPrincipalName: 'Anna@X.test' });
    assert.deepEqual(
      driftOf(upn, { ...link, exported: { userPrincipalName: 'anna@x.test' } }),
      [],
      'compared as the drift step does: a UPN in another case is no drift',
    );
    const added = attributeRows({ employeeId: 'E1' }, {}, { employeeId: 'E9' });
    assert.deepEqual(driftOf(added, { ...link, exported: {} }), [], 'an attribute never exported is no drift');
  });

  it('dates the link from the oldest create or join since the object was last deleted', () => {
    assert.equal(linkedSince([entry(9, 'updated'), entry(7, 'error'), entry(5, 'added'), entry(4, 'deleted'), entry(2, 'added')]), 5);
    assert.equal(linkedSince([entry(3, 'error')]), null);
  });

  it("reads the object's history newest run first, each run's changes, deletion and errors in that order, and no other object's", async () => {
    const directory = await mkdtemp(join(tmpdir(), 'dirsync-history-'));
    const store = new SqliteStore(join(directory, 'state.db'), { retainedRuns: 3 });
    try {
      await store.migrate();
      const change = (anchor: string, action: ObjectChange['action'], overrides: Partial<ObjectChange> = {}): ObjectChange => ({
        anchor,
        dn: `CN=${anchor}`,
        kind: 'user',
        action,
        attributes: [{ name: 'title', old: null, new: `title of ${anchor}` }],
        reason: null,
        ...overrides,
      });
      const pruned = await store.startRun('full', new Date('2024-06-01T07:00:00.000Z'));
      await store.recordObjectChanges(pruned, [change('A=', 'added')]);
      const first = await store.startRun('full', new Date('2024-06-01T08:00:00.000Z'));
      await store.recordObjectChanges(first, [change('B=', 'added'), change('A=', 'added')]);
      await store.recordObjectErrors(first, [{ dn: 'CN=A=', anchor: 'A=', code: 'Old', message: 'an earlier failure' }]);
      const quiet = await store.startRun('delta', new Date('2024-06-01T09:00:00.000Z'));
      await store.recordObjectChanges(quiet, [change('B=', 'updated')]);
      const last = await store.startRun('delta', new Date('2024-06-01T10:00:00.000Z'));
      await store.recordObjectErrors(last, [
        { dn: 'CN=B=', anchor: 'B=', code: 'Other', message: 'not this object' },
        { dn: 'CN=A=', anchor: 'A=', code: 'Request_BadRequest', message: 'invalid value' },
      ]);
      await store.recordDeletedObjects(last, [
        { anchor: 'A=', kind: 'user', cloudId: 'cloud-a', dn: 'CN=A=', exported: {}, members: [], memberOf: [] },
      ]);
      await store.recordObjectChanges(last, [
        change('A=', 'deleted', { attributes: [], reason: 'deleted in AD' }),
        change('A=', 'updated', { kind: 'membership', dn: 'CN=Staff', attributes: [], reason: 'member removed' }),
      ]);
      const endedAt = new Date('2024-06-01T10:05:00.000Z');
      await store.finishRun(
        last,
        'completed-export-errors',
        { added: 0, updated: 0, deleted: 1, unchanged: 0, errors: 1, notExportable: 0, reverted: 0, restored: 0 },
        endedAt,
      );

      const history = await objectHistory(store, 'A=');
      const of =
        (runId: number, mode: string, ended: Date | null) =>
        (action: HistoryEntry['action'], changes: HistoryEntry['changes'], detail: string | null) => ({
          runId,
          mode,
          endedAt: ended,
          action,
          changes,
          detail,
        });
      const inLast = of(last, 'delta', endedAt);
      assert.deepEqual(history.entries, [
        inLast('deleted', [], 'deleted in AD'),
        inLast('updated', [], 'CN=Staff: member removed'),
        inLast('deleted', [], 'cloud user cloud-a'),
        inLast('error', [], 'Request_BadRequest: invalid value'),
        of(first, 'full', null)('added', [{ name: 'title', old: null, new: 'title of A=' }], null),
        of(first, 'full', null)('error', [], 'Old: an earlier failure'),
      ]);
      assert.deepEqual(lastErrors(history), [{ runId: last, code: 'Request_BadRequest', message: 'invalid value' }]);
      assert.deepEqual(await objectHistory(store, 'never-synced='), { entries: [], errors: new Map() });
    } finally {
      await store.close();
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("gives the next cycle's requests as the exporter sends them, and says a user create carries a password never shown", () => {
    const plan: PlannedOperation[] = [
      {
        action: 'create',
        anchor: 'A',
        dn: 'CN=A',
        objectType: 'user',
        operation: { action: 'create', objectType: 'user', anchor: 'A', body: { displayName: 'A' } },
      },
      {
        action: 'delete',
        anchor: 'B',
        dn: 'CN=B',
        objectType: 'user',
        reason: 'deleted in AD',
        operation: { action: 'delete', objectType: 'user', anchor: 'B', cloudId: 'b' },
      },
    ];
    const requests = nextCycleRequests(plan, (operation) =>
      operation.action === 'create' ? [{ method: 'POST', url: '/users', body: operation.body }] : [{ method: 'DELETE', url: '/users/b' }],
    );
    assert.deepEqual(requests, [
      { action: 'create', method: 'POST', url: '/users', body: { displayName: 'A' }, note: 'sent with a generated passwordProfile, never shown' },
      { action: 'delete', method: 'DELETE', url: '/users/b', body: null, note: 'deleted in AD' },
    ]);
  });
});
