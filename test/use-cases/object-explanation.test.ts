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
