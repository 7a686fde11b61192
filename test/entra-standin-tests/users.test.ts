import assert from 'node:assert/strict';
import { call, graphClient, newUser, useStandIn } from './support.ts';

describe('entra stand-in: Graph authentication and users', () => {
  const standIn = useStandIn();

  describe('authentication and error shape', () => {
    it('answers 401 InvalidAuthenticationToken without a token, with an expired one, or for another audience', async () => {
      const missing = await call(standIn(), 'GET', '/v1.0/users', { token: null });
      assert.deepEqual([missing.status, missing.body.error.code], [401, 'InvalidAuthenticationToken']);
      const expired = await call(standIn(), 'GET', '/v1.0/users', { token: await standIn().control.issueAccessToken({ lifetimeSeconds: -600 }) });
      assert.deepEqual([expired.status, expired.body.error.code], [401, 'InvalidAuthenticationToken']);
      const otherAudience = await call(standIn(), 'GET', '/v1.0/users', {
        token: await standIn().control.issueAccessToken({ audience: 'https://vault.azure.net' }),
      });
      assert.equal(otherAudience.status, 401);
      assert.match(otherAudience.body.error.message, /Invalid audience/);
    });

    it('answers 403 Authorization_RequestDenied when the token lacks the permission', async () => {
      const token = await standIn().control.issueAccessToken({ roles: ['User.Read.All'] });
      const response = await call(standIn(), 'POST', '/v1.0/users', { token, body: newUser() });
      assert.equal(response.status, 403);
      assert.equal(response.body.error.code, 'Authorization_RequestDenied');
      assert.equal(response.body.error.message, 'Insufficient privileges to complete the operation.');
    });

    it('shapes every error like Graph: code, message, innerError with request ids, and a request-id header', async () => {
      const response = await call(standIn(), 'GET', `/v1.0/users/${crypto.randomUUID()}`, { headers: { 'client-request-id': 'abc-123' } });
      assert.equal(response.status, 404);
      assert.equal(response.body.error.code, 'Request_ResourceNotFound');
      assert.equal(response.body.error.innerError['request-id'], response.headers.get('request-id'));
      assert.equal(response.body.error.innerError['client-request-id'], 'abc-123');
      assert.match(response.body.error.innerError.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    });
  });

  describe('create, read, update', () => {
    it('creates a user and returns the default property set, which excludes onPremises*', async () => {
      const created = await graphClient(standIn())
        .api('/users')
        .post(newUser({ onPremisesImmutableId: 'AAECAwQFBgcICQoLDA0ODw==' }));
      assert.match(created.id, /^[0-9a-f-]{36}$/);
      assert.match(created['@odata.context'], /\$metadata#users\/\$entity$/);
      assert.equal('onPremisesImmutableId' in created, false);
      assert.deepEqual(created.businessPhones, []);
      const selected = await graphClient(standIn())
        .api(`/users/${created.id}`)
        .select('onPremisesImmutableId,createdDateTime,onPremisesSyncEnabled')
        .get();
      assert.equal(selected.onPremisesImmutableId, 'AAECAwQFBgcICQoLDA0ODw==');
      assert.equal(selected.onPremisesSyncEnabled, null);
      assert.ok(Date.parse(selected.createdDateTime) > 0);
    });

    for (const property of ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName', 'passwordProfile']) {
      it(`requires ${property} on create`, async () => {
        const body = newUser();
        delete body[property];
        const response = await call(standIn(), 'POST', '/v1.0/users', { body });
        assert.equal(response.status, 400);
        assert.equal(response.body.error.message, `A value is required for property '${property}' of resource 'User'.`);
      });
    }

    it('rejects duplicates of userPrincipalName, onPremisesImmutableId, mail (proxyAddresses) and mailNickname', async () => {
      const first = newUser({ onPremisesImmutableId: 'dup+immutable/id==', mail: 'dup.mail@corp.example.test' });
      assert.equal((await call(standIn(), 'POST', '/v1.0/users', { body: first })).status, 201);
      const cases: [string, Record<string, unknown>][] = [
        ['userPrincipalName', { userPrincipalName: String(first.userPrincipalName).toUpperCase() }],
        ['onPremisesImmutableId', { onPremisesImmutableId: 'dup+immutable/id==' }],
        ['proxyAddresses', { mail: 'DUP.mail@corp.example.test' }],
        ['mailNickname', { mailNickname: first.mailNickname }],
      ];
      for (const [property, override] of cases) {
        const response = await call(standIn(), 'POST', '/v1.0/users', { body: newUser(override) });
        assert.equal(response.status, 400, property);
        assert.equal(response.body.error.message, `Another object with the same value for property ${property} already exists.`);
      }
    });

    it('rejects $ and _ in onPremisesImmutableId', async () => {
      for (const immutableId of ['abc$def', 'abc_def']) {
        const response = await call(standIn(), 'POST', '/v1.0/users', { body: newUser({ onPremisesImmutableId: immutableId }) });
        assert.equal(response.status, 400);
        assert.equal(response.body.error.message, "Invalid value specified for property 'onPremisesImmutableId' of resource 'User'.");
      }
    });

    it('accepts only UPN suffixes that are verified domains of the tenant', async () => {
      const body = newUser({ userPrincipalName: `someone${Date.now()}@corp.local` });
      const refused = await call(standIn(), 'POST', '/v1.0/users', { body });
      assert.equal(refused.status, 400);
      assert.match(refused.body.error.message, /domain portion of the userPrincipalName property is invalid/);
      standIn().control.addVerifiedDomain('corp.local');
      assert.equal((await call(standIn(), 'POST', '/v1.0/users', { body })).status, 201);
      const onInitial = newUser({ userPrincipalName: `cloud${Date.now()}@${standIn().initialDomain}` });
      assert.equal((await call(standIn(), 'POST', '/v1.0/users', { body: onInitial })).status, 201);
    });

    it('enforces password complexity', async () => {
      const response = await call(standIn(), 'POST', '/v1.0/users', { body: newUser({ passwordProfile: { password: 'password' } }) });
      assert.equal(response.status, 400);
      assert.match(response.body.error.message, /does not comply with password complexity requirements/);
    });

    it('rejects read-only properties on write: onPremisesSyncEnabled on create, proxyAddresses on update', async () => {
      const create = await call(standIn(), 'POST', '/v1.0/users', { body: newUser({ onPremisesSyncEnabled: true }) });
      assert.deepEqual([create.status, create.body.error.message], [400, "Property 'onPremisesSyncEnabled' is read-only and cannot be set."]);
      const user = (await call(standIn(), 'POST', '/v1.0/users', { body: newUser() })).body;
      const update = await call(standIn(), 'PATCH', `/v1.0/users/${user.id}`, { body: { proxyAddresses: ['SMTP:x@corp.example.test'] } });
      assert.deepEqual([update.status, update.body.error.message], [400, "Property 'proxyAddresses' is read-only and cannot be set."]);
      const unknown = await call(standIn(), 'PATCH', `/v1.0/users/${user.id}`, { body: { shoeSize: 44 } });
      assert.equal(unknown.body.error.message, "Property 'shoeSize' does not exist as a declared property or extension property.");
    });

    it('derives proxyAddresses from mail, updates with PATCH (204) and finds users by UPN', async () => {
      const body = newUser();
      const user = (await call(standIn(), 'POST', '/v1.0/users', { body })).body;
      const patched = await call(standIn(), 'PATCH', `/v1.0/users/${user.id}`, { body: { mail: 'derived@corp.example.test', jobTitle: 'Engineer' } });
      assert.equal(patched.status, 204);
      const read = await call(
        standIn(),
        'GET',
        `/v1.0/users/${encodeURIComponent(String(body.userPrincipalName))}?$select=mail,proxyAddresses,jobTitle`,
      );
      assert.deepEqual(
        [read.body.mail, read.body.proxyAddresses, read.body.jobTitle],
        ['derived@corp.example.test', ['SMTP:derived@corp.example.test'], 'Engineer'],
      );
    });

    it('refuses changes to users synced by another tool, and to administrators', async () => {
      const { users } = standIn().control.seed({
        users: [{ userPrincipalName: `synced${Date.now()}@corp.example.test`, onPremisesSyncEnabled: true, onPremisesImmutableId: 'c3luY2Vk' }],
      });
      const synced = await call(standIn(), 'PATCH', `/v1.0/users/${users[0]!.id}`, { body: { jobTitle: 'x' } });
      assert.equal(synced.status, 400);
      assert.match(synced.body.error.message, /on-premises mastered Directory Sync objects/);
      const admin = await call(standIn(), 'DELETE', `/v1.0/users/${standIn().administrator.id}`);
      assert.equal(admin.status, 403);
      const roles = await call(standIn(), 'GET', `/v1.0/users/${standIn().administrator.id}/memberOf`);
      assert.equal(roles.body.value[0]['@odata.type'], '#microsoft.graph.directoryRole');
      assert.equal(roles.body.value[0].displayName, 'Global Administrator');
    });
  });

  describe('delete and deleted items', () => {
    it('soft-deletes users for 30 days, frees the UPN, keeps the immutable id reserved, and restores', async () => {
      const body = newUser({ onPremisesImmutableId: `kept${Date.now()}` });
      const user = (await call(standIn(), 'POST', '/v1.0/users', { body })).body;
      assert.equal((await call(standIn(), 'DELETE', `/v1.0/users/${user.id}`)).status, 204);
      assert.equal((await call(standIn(), 'GET', `/v1.0/users/${user.id}`)).status, 404);
      const deleted = await call(standIn(), 'GET', `/v1.0/directory/deletedItems/${user.id}?$select=id,deletedDateTime,userPrincipalName`);
      assert.ok(Date.parse(deleted.body.deletedDateTime) > 0);
      assert.equal(deleted.body.userPrincipalName, `${user.id.replaceAll('-', '')}${body.userPrincipalName}`);
      const listed = await call(standIn(), 'GET', '/v1.0/directory/deletedItems/microsoft.graph.user');
      assert.ok(listed.body.value.some((item: { id: string }) => item.id === user.id));

      const sameImmutableId = await call(standIn(), 'POST', '/v1.0/users', { body: newUser({ onPremisesImmutableId: body.onPremisesImmutableId }) });
      assert.equal(sameImmutableId.body.error?.message, 'Another object with the same value for property onPremisesImmutableId already exists.');

      const restored = await call(standIn(), 'POST', `/v1.0/directory/deletedItems/${user.id}/restore`);
      assert.equal(restored.status, 200);
      assert.equal(restored.body.userPrincipalName, body.userPrincipalName);
      assert.equal((await call(standIn(), 'GET', `/v1.0/users/${user.id}`)).status, 200);
    });

    it('purges deleted users after 30 days', async () => {
      const user = (await call(standIn(), 'POST', '/v1.0/users', { body: newUser() })).body;
      await call(standIn(), 'DELETE', `/v1.0/users/${user.id}`);
      standIn().control.advanceClock(31 * 24 * 3600 * 1000);
      assert.equal((await call(standIn(), 'GET', `/v1.0/directory/deletedItems/${user.id}`)).status, 404);
    });
  });
});
