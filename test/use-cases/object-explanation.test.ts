// Explain's plain-data stages: the attribute table, drift, the history's "linked since", and the next cycle's requests.
import assert from 'node:assert/strict';
import type { PlannedOperation } from '../../src/engine/sync-cycle.ts';
import type { HistoryEntry } from '../../src/report/object-page.ts';
import { attributeRows, driftOf, linkedSince, nextCycleRequests } from '../../src/use-cases/object-explanation.ts';

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
    assert.deepEqual(driftOf(rows, true, true), [{ target: 'displayName', exported: 'Anna', cloud: 'Anna B.' }]);
    assert.deepEqual(driftOf(rows, false, true), [], 'no drift for an object DirSync never exported');
    assert.deepEqual(driftOf(rows, true, false), [], 'nor when the cloud was not read');
  });

  it('dates the link from the oldest create or join since the object was last deleted', () => {
    assert.equal(linkedSince([entry(9, 'updated'), entry(7, 'error'), entry(5, 'added'), entry(4, 'deleted'), entry(2, 'added')]), 5);
    assert.equal(linkedSince([entry(3, 'error')]), null);
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
