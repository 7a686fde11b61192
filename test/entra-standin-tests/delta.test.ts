import assert from 'node:assert/strict';
import { call, newUser, useStandIn } from './support.ts';

describe('entra stand-in: delta queries', () => {
  const standIn = useStandIn();
  const day = 24 * 3600 * 1000;
  const relative = (url: string) => url.slice(standIn().graphEndpoint.length);

  /** Follows nextLinks to the deltaLink; no page may carry both. */
  async function drain(start: string, headers: Record<string, string> = {}): Promise<{ items: any[]; deltaLink: string; pages: number }> {
    const items: any[] = [];
    let url = start;
    for (let pages = 1; ; pages += 1) {
      const response = await call(standIn(), 'GET', url, { headers: { Prefer: 'odata.maxpagesize=2', ...headers } });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const { '@odata.nextLink': next, '@odata.deltaLink': delta } = response.body;
      assert.ok((next === undefined) !== (delta === undefined), 'exactly one of nextLink and deltaLink');
      items.push(...response.body.value);
      if (delta) return { items, deltaLink: relative(delta), pages };
      url = relative(next);
    }
  }
  const itemOf = (round: { items: any[] }, id: string) => round.items.find((item) => item.id === id);
  const createUser = async (overrides: Record<string, unknown> = {}) =>
    (await call(standIn(), 'POST', '/v1.0/users', { body: newUser(overrides) })).body as { id: string; displayName: string };
  const createGroup = async (name: string) =>
    (
      await call(standIn(), 'POST', '/v1.0/groups', {
        body: { displayName: name, mailEnabled: false, mailNickname: name, securityEnabled: true },
      })
    ).body as { id: string };
  const reference = (id: string) => ({ '@odata.id': `${standIn().graphEndpoint}/v1.0/directoryObjects/${id}` });
  const userReference = (id: string, removed = false) => ({
    '@odata.type': '#microsoft.graph.user',
    id,
    ...(removed ? { '@removed': { reason: 'deleted' } } : {}),
  });

  it('returns every live user over nextLink pages, then a deltaLink; objects deleted before are not reported', async () => {
    const users = [await createUser(), await createUser(), await createUser()];
    await call(standIn(), 'DELETE', `/v1.0/users/${users[2]!.id}`);
    const first = await drain('/v1.0/users/delta?$select=displayName,jobTitle');
    assert.equal(first.items.length, standIn().control.snapshot().counts.users);
    assert.ok(first.pages >= 2);
    assert.equal(itemOf(first, users[0]!.id).displayName, users[0]!.displayName);
    assert.equal(itemOf(first, users[2]!.id), undefined);
    assert.ok(first.items.every((item) => !('@removed' in item)));
    assert.deepEqual((await drain(first.deltaLink)).items, []);
  });

  it('tracks only the $select-ed properties, returns all of them by default, and leaves out those never set', async () => {
    const user = await createUser({ jobTitle: 'Clerk' });
    const first = await drain('/v1.0/users/delta?$select=displayName,jobTitle,mobilePhone');
    assert.deepEqual(itemOf(first, user.id), { id: user.id, displayName: user.displayName, jobTitle: 'Clerk' });

    await call(standIn(), 'PATCH', `/v1.0/users/${user.id}`, { body: { officeLocation: 'Building 2' } });
    const unselected = await drain(first.deltaLink);
    assert.equal(itemOf(unselected, user.id), undefined, 'a change to a property not selected is not reported');

    await call(standIn(), 'PATCH', `/v1.0/users/${user.id}`, { body: { jobTitle: 'Manager' } });
    const selected = await drain(unselected.deltaLink);
    assert.deepEqual(selected.items, [{ id: user.id, displayName: user.displayName, jobTitle: 'Manager' }]);
  });

  it('with Prefer: return=minimal returns only the properties that changed, a cleared one as null', async () => {
    const user = await createUser({ jobTitle: 'Clerk', mobilePhone: '+1 555 0100' });
    const first = await drain('/v1.0/users/delta?$select=displayName,jobTitle,mobilePhone');
    await call(standIn(), 'PATCH', `/v1.0/users/${user.id}`, { body: { jobTitle: 'Lead', mobilePhone: null } });
    const minimal = await drain(first.deltaLink, { Prefer: 'odata.maxpagesize=2, return=minimal' });
    assert.deepEqual(minimal.items, [{ id: user.id, jobTitle: 'Lead', mobilePhone: null }]);
  });

  it('reports a create whole, a soft delete as @removed "changed", a purge as "deleted", a restore with no annotation', async () => {
    const first = await drain('/v1.0/users/delta?$select=displayName');
    const created = await createUser();
    const deleted = await createUser();
    await call(standIn(), 'DELETE', `/v1.0/users/${deleted.id}`);
    const second = await drain(first.deltaLink);
    assert.deepEqual(itemOf(second, created.id), { id: created.id, displayName: created.displayName });
    assert.deepEqual(itemOf(second, deleted.id), { id: deleted.id, '@removed': { reason: 'changed' } });

    assert.equal((await call(standIn(), 'POST', `/v1.0/directory/deletedItems/${deleted.id}/restore`)).status, 200);
    const restored = await drain(second.deltaLink);
    assert.deepEqual(restored.items, [{ id: deleted.id, displayName: deleted.displayName }]);

    await call(standIn(), 'DELETE', `/v1.0/users/${deleted.id}`);
    const softDeleted = await drain(restored.deltaLink);
    assert.equal((await call(standIn(), 'DELETE', `/v1.0/directory/deletedItems/${deleted.id}`)).status, 204);
    const purged = await drain(softDeleted.deltaLink);
    assert.deepEqual(purged.items, [{ id: deleted.id, '@removed': { reason: 'deleted' } }]);
  });

  it('reports membership as members@delta, a removed or deleted member with @removed, and only when members are tracked', async () => {
    const group = await createGroup('DeltaMembers');
    const [first, second] = [await createUser(), await createUser()];
    await call(standIn(), 'POST', `/v1.0/groups/${group.id}/members/$ref`, { body: reference(first.id) });
    const tracked = await drain('/v1.0/groups/delta?$select=displayName,members');
    const untracked = await drain('/v1.0/groups/delta?$select=displayName');
    assert.deepEqual(itemOf(tracked, group.id)['members@delta'], [userReference(first.id)]);
    assert.equal(itemOf(untracked, group.id)['members@delta'], undefined);

    await call(standIn(), 'POST', `/v1.0/groups/${group.id}/members/$ref`, { body: reference(second.id) });
    await call(standIn(), 'DELETE', `/v1.0/groups/${group.id}/members/${first.id}/$ref`);
    const changed = await drain(tracked.deltaLink);
    assert.deepEqual(itemOf(changed, group.id), {
      id: group.id,
      displayName: 'DeltaMembers',
      'members@delta': [userReference(second.id), userReference(first.id, true)],
    });
    assert.equal(itemOf(await drain(untracked.deltaLink), group.id), undefined, 'membership is not tracked without members');

    await call(standIn(), 'DELETE', `/v1.0/users/${second.id}`);
    const memberDeleted = await drain(changed.deltaLink);
    assert.deepEqual(itemOf(memberDeleted, group.id)['members@delta'], [userReference(second.id, true)]);
    await call(standIn(), 'POST', `/v1.0/directory/deletedItems/${second.id}/restore`);
    const memberRestored = await drain(memberDeleted.deltaLink);
    assert.deepEqual(itemOf(memberRestored, group.id)['members@delta'], [userReference(second.id)], 'the restored user rejoins');
  });

  it('includes members@delta by default, and with $expand=members', async () => {
    const group = await createGroup('DeltaDefault');
    const member = await createUser();
    await call(standIn(), 'POST', `/v1.0/groups/${group.id}/members/$ref`, { body: reference(member.id) });
    for (const query of ['', '?$select=displayName&$expand=members']) {
      const round = await drain(`/v1.0/groups/delta${query}`);
      assert.deepEqual(itemOf(round, group.id)['members@delta'], [userReference(member.id)], query);
    }
  });

  it('reports the manager as manager@delta when $select names it: set, replaced, removed', async () => {
    const [report, boss, nextBoss] = [await createUser(), await createUser(), await createUser()];
    const setManager = (id: string) =>
      call(standIn(), 'PUT', `/v1.0/users/${report.id}/manager/$ref`, { body: { '@odata.id': `${standIn().graphEndpoint}/v1.0/users/${id}` } });
    await setManager(boss.id);
    const tracked = await drain('/v1.0/users/delta?$select=displayName,manager');
    const untracked = await drain('/v1.0/users/delta?$select=displayName');
    assert.deepEqual(itemOf(tracked, report.id)['manager@delta'], [userReference(boss.id)]);
    assert.equal(itemOf(tracked, boss.id)['manager@delta'], undefined);

    await setManager(nextBoss.id);
    const replaced = await drain(tracked.deltaLink);
    assert.deepEqual(replaced.items, [{ id: report.id, displayName: report.displayName, 'manager@delta': [userReference(nextBoss.id)] }]);
    await call(standIn(), 'DELETE', `/v1.0/users/${report.id}/manager/$ref`);
    const removed = await drain(replaced.deltaLink);
    assert.deepEqual(removed.items[0]['manager@delta'], [userReference(nextBoss.id, true)]);
    assert.deepEqual((await drain(untracked.deltaLink)).items, [], 'manager changes are not tracked without manager');
  });

  it('answers $deltaToken=latest with no data and a deltaLink that sees what follows', async () => {
    const latest = await call(standIn(), 'GET', '/v1.0/users/delta?$select=displayName&$deltaToken=latest');
    assert.deepEqual([latest.status, latest.body.value, latest.body['@odata.nextLink']], [200, [], undefined]);
    const user = await createUser();
    assert.deepEqual((await drain(relative(latest.body['@odata.deltaLink']))).items, [{ id: user.id, displayName: user.displayName }]);
  });

  it('reports the app’s own $batch writes like any other change', async () => {
    const user = await createUser();
    const first = await drain('/v1.0/users/delta?$select=displayName,department');
    const batch = await call(standIn(), 'POST', '/v1.0/$batch', {
      body: {
        requests: [
          { id: '1', method: 'PATCH', url: `/users/${user.id}`, headers: { 'Content-Type': 'application/json' }, body: { department: 'Ops' } },
        ],
      },
    });
    assert.equal(batch.body.responses[0].status, 204);
    assert.deepEqual((await drain(first.deltaLink)).items, [{ id: user.id, displayName: user.displayName, department: 'Ops' }]);
  });

  it('scopes a cycle with $filter=id eq … or id eq … (at most 50 ids) and refuses any other filter', async () => {
    const [a, b, c] = [await createUser(), await createUser(), await createUser()];
    const scoped = (expression: string) => `/v1.0/users/delta?$select=displayName&$filter=${encodeURIComponent(expression)}`;
    const first = await drain(scoped(`id eq '${a.id}' or id eq '${b.id}'`));
    assert.deepEqual(first.items.map((item) => item.id).sort(), [a.id, b.id].sort());
    for (const user of [a, c]) await call(standIn(), 'PATCH', `/v1.0/users/${user.id}`, { body: { displayName: `${user.displayName}!` } });
    assert.deepEqual((await drain(first.deltaLink)).items, [{ id: a.id, displayName: `${a.displayName}!` }]);

    const fiftyOne = Array.from({ length: 51 }, () => `id eq '${crypto.randomUUID()}'`).join(' or ');
    for (const expression of [`displayName eq '${a.displayName}'`, fiftyOne]) {
      const refused = await call(standIn(), 'GET', scoped(expression));
      assert.deepEqual([refused.status, refused.body.error.code], [400, 'Request_UnsupportedQuery']);
    }
  });

  it('answers a delta link older than seven days, or one it never issued, with 400 syncStateNotFound', async () => {
    const expired = {
      code: 'syncStateNotFound',
      message: 'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
    };
    const first = await drain('/v1.0/users/delta?$select=displayName');
    standIn().control.advanceClock(6 * day);
    const second = await drain(first.deltaLink); // six days old: still valid
    standIn().control.advanceClock(7 * day + 60_000);
    for (const link of [first.deltaLink, second.deltaLink, '/v1.0/users/delta?$deltatoken=garbage']) {
      const response = await call(standIn(), 'GET', link);
      assert.deepEqual([response.status, response.body.error.code, response.body.error.message], [400, expired.code, expired.message], link);
    }
    const fresh = await drain('/v1.0/users/delta');
    const otherType = await call(standIn(), 'GET', fresh.deltaLink.replace('/users/', '/groups/'));
    assert.deepEqual([otherType.status, otherType.body.error.code], [400, expired.code], 'a users token is no groups token');
  });

  it('after a sync-state reset answers every earlier link with 410 Gone and a Location that starts over', async () => {
    const firstPage = await call(standIn(), 'GET', '/v1.0/users/delta?$select=displayName,jobTitle', { headers: { Prefer: 'odata.maxpagesize=1' } });
    const nextLink = relative(firstPage.body['@odata.nextLink']);
    const { deltaLink } = await drain('/v1.0/users/delta?$select=displayName,jobTitle');
    standIn().control.resetDeltaSyncState();
    const restart = `${standIn().graphEndpoint}/v1.0/users/delta?$select=displayName%2CjobTitle&$deltatoken=`;
    for (const link of [nextLink, deltaLink]) {
      const gone = await call(standIn(), 'GET', link);
      assert.deepEqual([gone.status, gone.body.error.code, gone.headers.get('location')], [410, 'resyncRequired', restart], link);
    }
    const again = await drain(relative(restart));
    assert.equal(again.items.length, standIn().control.snapshot().counts.users);
    assert.ok(
      again.items.every((item) => 'displayName' in item && !('userPrincipalName' in item)),
      'the restart keeps the $select',
    );

    const reset = await fetch(`${standIn().graphEndpoint}/_standin/delta/reset`, { method: 'POST' });
    assert.equal(reset.status, 204);
    assert.equal((await call(standIn(), 'GET', again.deltaLink)).status, 410);

    // Emptying the directory leaves nothing a delta link could be served from: it answers 410 too.
    const beforeReset = await drain('/v1.0/users/delta');
    standIn().control.reset();
    assert.equal((await call(standIn(), 'GET', beforeReset.deltaLink)).status, 410);
  });
});
