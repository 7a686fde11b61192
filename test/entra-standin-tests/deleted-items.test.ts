import assert from 'node:assert/strict';
import { call, newUser, useStandIn } from './support.ts';

describe('entra stand-in: deleted items', () => {
  const standIn = useStandIn();
  const day = 24 * 3600 * 1000;
  const createUser = async (overrides: Record<string, unknown> = {}) =>
    (await call(standIn(), 'POST', '/v1.0/users', { body: newUser(overrides) })).body as { id: string; userPrincipalName: string };
  const createGroup = async (name: string, extra: Record<string, unknown> = {}) =>
    (
      await call(standIn(), 'POST', '/v1.0/groups', {
        body: { displayName: name, mailEnabled: false, mailNickname: name, securityEnabled: true, ...extra },
      })
    ).body as { id: string };
  const addMember = (groupId: string, memberId: string) =>
    call(standIn(), 'POST', `/v1.0/groups/${groupId}/members/$ref`, {
      body: { '@odata.id': `${standIn().graphEndpoint}/v1.0/directoryObjects/${memberId}` },
    });
  const memberIds = async (groupId: string) =>
    (await call(standIn(), 'GET', `/v1.0/groups/${groupId}/members`)).body.value.map((member: { id: string }) => member.id);
  const restore = (id: string, body?: unknown) =>
    call(standIn(), 'POST', `/v1.0/directory/deletedItems/${id}/restore`, body === undefined ? {} : { body });

  it('restores a user whose UPN a live user took under newUserPrincipalName: same id and anchor, the new UPN', async () => {
    const anchor = `anchor${Date.now()}`;
    const user = await createUser({ onPremisesImmutableId: anchor });
    await call(standIn(), 'DELETE', `/v1.0/users/${user.id}`);
    await createUser({ userPrincipalName: user.userPrincipalName });
    const taken = await restore(user.id);
    assert.deepEqual([taken.status, taken.body.error.details[0].code], [400, 'ObjectConflict']);

    const unverified = await restore(user.id, { newUserPrincipalName: `moved${Date.now()}@not-verified.example` });
    assert.equal(unverified.status, 400);
    const renamed = `returned${Date.now()}@corp.example.test`;
    const restored = await restore(user.id, { newUserPrincipalName: renamed });
    assert.deepEqual(
      [restored.status, restored.body['@odata.type'], restored.body.id, restored.body.userPrincipalName],
      [200, '#microsoft.graph.user', user.id, renamed],
    );
    const reread = await call(standIn(), 'GET', `/v1.0/users/${user.id}?$select=userPrincipalName,onPremisesImmutableId`);
    assert.deepEqual([reread.body.userPrincipalName, reread.body.onPremisesImmutableId], [renamed, anchor]);
  });

  it('a restored user rejoins the groups it belonged to that still exist', async () => {
    const user = await createUser();
    const [kept, dropped] = [await createGroup('KeptGroup'), await createGroup('DroppedGroup')];
    for (const group of [kept, dropped]) assert.equal((await addMember(group.id, user.id)).status, 204);
    await call(standIn(), 'DELETE', `/v1.0/users/${user.id}`);
    assert.deepEqual(await memberIds(kept.id), [], 'a deleted user leaves its groups');
    await call(standIn(), 'DELETE', `/v1.0/groups/${dropped.id}`);
    assert.equal((await restore(user.id)).status, 200);
    assert.deepEqual(await memberIds(kept.id), [user.id]);
  });

  it('a restored user keeps its manager link only while the manager exists', async () => {
    const [kept, lost, manager, deletedManager] = [await createUser(), await createUser(), await createUser(), await createUser()];
    const setManager = (id: string, managerId: string) =>
      call(standIn(), 'PUT', `/v1.0/users/${id}/manager/$ref`, { body: { '@odata.id': `${standIn().graphEndpoint}/v1.0/users/${managerId}` } });
    await setManager(kept.id, manager.id);
    await setManager(lost.id, deletedManager.id);
    for (const id of [kept.id, lost.id, deletedManager.id]) await call(standIn(), 'DELETE', `/v1.0/users/${id}`);
    for (const id of [kept.id, lost.id]) assert.equal((await restore(id)).status, 200);
    assert.equal((await call(standIn(), 'GET', `/v1.0/users/${kept.id}/manager`)).body.id, manager.id);
    const restoredLost = standIn()
      .control.snapshot()
      .users.find((user) => user.id === lost.id)!;
    assert.equal(restoredLost.manager, undefined, 'no link to a deleted manager');
  });

  it('restores a Microsoft 365 group with its members', async () => {
    const member = await createUser();
    const group = await createGroup('UnifiedRestore', { mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'] });
    await addMember(group.id, member.id);
    await call(standIn(), 'DELETE', `/v1.0/groups/${group.id}`);
    const listed = await call(standIn(), 'GET', '/v1.0/directory/deletedItems/microsoft.graph.group');
    assert.ok(listed.body.value.some((item: { id: string }) => item.id === group.id));
    const restored = await restore(group.id);
    assert.deepEqual([restored.status, restored.body['@odata.type'], restored.body.id], [200, '#microsoft.graph.group', group.id]);
    assert.deepEqual(await memberIds(group.id), [member.id]);
  });

  it('answers 404 for unknown and live ids, and for items purged by DELETE or by age (30 days)', async () => {
    const live = await createUser();
    for (const id of [crypto.randomUUID(), live.id]) {
      for (const [method, path] of [
        ['GET', `/v1.0/directory/deletedItems/${id}`],
        ['POST', `/v1.0/directory/deletedItems/${id}/restore`],
        ['DELETE', `/v1.0/directory/deletedItems/${id}`],
      ] as const) {
        const response = await call(standIn(), method, path);
        assert.deepEqual([response.status, response.body.error.code], [404, 'Request_ResourceNotFound'], `${method} ${path}`);
      }
    }

    const purged = await createUser();
    await call(standIn(), 'DELETE', `/v1.0/users/${purged.id}`);
    assert.equal((await call(standIn(), 'DELETE', `/v1.0/directory/deletedItems/${purged.id}`)).status, 204);
    assert.equal((await call(standIn(), 'GET', `/v1.0/directory/deletedItems/${purged.id}`)).status, 404);
    assert.equal((await restore(purged.id)).status, 404);
    assert.equal((await call(standIn(), 'DELETE', `/v1.0/directory/deletedItems/${purged.id}`)).status, 404);

    const aged = await createUser();
    await call(standIn(), 'DELETE', `/v1.0/users/${aged.id}`);
    standIn().control.advanceClock(29 * day);
    assert.equal((await call(standIn(), 'GET', `/v1.0/directory/deletedItems/${aged.id}`)).status, 200, 'still there after 29 days');
    standIn().control.advanceClock(2 * day);
    assert.equal((await restore(aged.id)).status, 404, 'gone after 30 days');
    const listed = await call(standIn(), 'GET', '/v1.0/directory/deletedItems/microsoft.graph.user');
    assert.ok(!listed.body.value.some((item: { id: string }) => item.id === aged.id));
    assert.equal((await createUser({ userPrincipalName: aged.userPrincipalName })).userPrincipalName, aged.userPrincipalName);
  });
});
