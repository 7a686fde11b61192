import assert from 'node:assert/strict';
import { call, newUser, useStandIn } from './support.ts';

describe('entra stand-in: groups, contacts, directory objects, organization', () => {
  const standIn = useStandIn();
  let counter = 0;
  const securityGroup = (overrides: Record<string, unknown> = {}) => {
    counter += 1;
    return { displayName: `Group ${counter}`, mailEnabled: false, mailNickname: `group${counter}`, securityEnabled: true, ...overrides };
  };
  const createUsers = async (count: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) ids.push((await call(standIn(), 'POST', '/v1.0/users', { body: newUser() })).body.id);
    return ids;
  };
  const bind = (ids: string[]) => ids.map((id) => `${standIn().graphEndpoint}/v1.0/directoryObjects/${id}`);

  it('creates security groups and requires displayName, mailEnabled, mailNickname, securityEnabled', async () => {
    const created = await call(standIn(), 'POST', '/v1.0/groups', { body: securityGroup() });
    assert.equal(created.status, 201);
    assert.equal(created.body.securityEnabled, true);
    for (const property of ['displayName', 'mailEnabled', 'mailNickname', 'securityEnabled']) {
      const body: Record<string, unknown> = securityGroup();
      delete body[property];
      const response = await call(standIn(), 'POST', '/v1.0/groups', { body });
      assert.equal(response.body.error.message, `A value is required for property '${property}' of resource 'Group'.`);
    }
  });

  it('refuses mail-enabled security groups and distribution groups, but creates Microsoft 365 groups', async () => {
    for (const kind of [
      { mailEnabled: true, securityEnabled: true },
      { mailEnabled: true, securityEnabled: false },
    ]) {
      const response = await call(standIn(), 'POST', '/v1.0/groups', { body: securityGroup(kind) });
      assert.equal(response.status, 400);
      assert.match(response.body.error.message, /does not currently support writes of mail-enabled groups/);
    }
    const unified = await call(standIn(), 'POST', '/v1.0/groups', {
      body: securityGroup({ mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'] }),
    });
    assert.equal(unified.status, 201);
    assert.equal(unified.body.mail, `${unified.body.mailNickname}@${standIn().initialDomain}`);
  });

  it('adds members with members/$ref, refuses a duplicate, and removes them', async () => {
    const [userId] = await createUsers(1);
    const group = (await call(standIn(), 'POST', '/v1.0/groups', { body: securityGroup() })).body;
    const reference = { '@odata.id': bind([userId!])[0] };
    assert.equal((await call(standIn(), 'POST', `/v1.0/groups/${group.id}/members/$ref`, { body: reference })).status, 204);
    const duplicate = await call(standIn(), 'POST', `/v1.0/groups/${group.id}/members/$ref`, { body: reference });
    assert.equal(duplicate.status, 400);
    assert.match(duplicate.body.error.message, /One or more added object references already exist/);
    const members = await call(standIn(), 'GET', `/v1.0/groups/${group.id}/members`);
    assert.deepEqual(
      members.body.value.map((member: { id: string; '@odata.type': string }) => [member.id, member['@odata.type']]),
      [[userId, '#microsoft.graph.user']],
    );
    assert.equal((await call(standIn(), 'DELETE', `/v1.0/groups/${group.id}/members/${userId}/$ref`)).status, 204);
    assert.equal((await call(standIn(), 'DELETE', `/v1.0/groups/${group.id}/members/${userId}/$ref`)).status, 404);
  });

  it('takes up to 20 members@odata.bind on create and update, not 21', async () => {
    const ids = await createUsers(21);
    const tooMany = await call(standIn(), 'POST', '/v1.0/groups', { body: securityGroup({ 'members@odata.bind': bind(ids) }) });
    assert.deepEqual([tooMany.status, tooMany.body.error.message], [400, 'A resource cannot contain more than 20 link changes.']);
    const group = (await call(standIn(), 'POST', '/v1.0/groups', { body: securityGroup({ 'members@odata.bind': bind(ids.slice(0, 20)) }) })).body;
    assert.equal(
      standIn()
        .control.snapshot()
        .groups.find((candidate) => candidate.id === group.id)!.members.length,
      20,
    );
    assert.equal((await call(standIn(), 'PATCH', `/v1.0/groups/${group.id}`, { body: { 'members@odata.bind': bind(ids.slice(20)) } })).status, 204);
    assert.equal(
      standIn()
        .control.snapshot()
        .groups.find((candidate) => candidate.id === group.id)!.members.length,
      21,
    );
  });

  it('deletes security groups permanently and Microsoft 365 groups softly', async () => {
    const security = (await call(standIn(), 'POST', '/v1.0/groups', { body: securityGroup() })).body;
    const unified = (
      await call(standIn(), 'POST', '/v1.0/groups', { body: securityGroup({ mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'] }) })
    ).body;
    await call(standIn(), 'DELETE', `/v1.0/groups/${security.id}`);
    await call(standIn(), 'DELETE', `/v1.0/groups/${unified.id}`);
    assert.equal((await call(standIn(), 'GET', `/v1.0/directory/deletedItems/${security.id}`)).status, 404);
    assert.equal((await call(standIn(), 'GET', `/v1.0/directory/deletedItems/${unified.id}`)).status, 200);
  });

  it('serves contacts read-only: list and get work, POST, PATCH and DELETE get 405', async () => {
    const { contacts } = standIn().control.seed({ contacts: [{ displayName: 'Partner', mail: 'partner@example.test' }] });
    const listed = await call(standIn(), 'GET', '/v1.0/contacts');
    assert.deepEqual(
      listed.body.value.map((contact: { mail: string }) => contact.mail),
      ['partner@example.test'],
    );
    assert.equal((await call(standIn(), 'GET', `/v1.0/contacts/${contacts[0]!.id}`)).body.displayName, 'Partner');
    assert.equal((await call(standIn(), 'POST', '/v1.0/contacts', { body: { displayName: 'x' } })).status, 405);
    assert.equal((await call(standIn(), 'PATCH', `/v1.0/contacts/${contacts[0]!.id}`, { body: { displayName: 'x' } })).status, 405);
    assert.equal((await call(standIn(), 'DELETE', `/v1.0/contacts/${contacts[0]!.id}`)).status, 405);
  });

  it('gets directory objects by id and with getByIds, each with its @odata.type', async () => {
    const [userId] = await createUsers(1);
    const group = (await call(standIn(), 'POST', '/v1.0/groups', { body: securityGroup() })).body;
    const single = await call(standIn(), 'GET', `/v1.0/directoryObjects/${group.id}`);
    assert.equal(single.body['@odata.type'], '#microsoft.graph.group');
    const many = await call(standIn(), 'POST', '/v1.0/directoryObjects/getByIds', {
      body: { ids: [userId, group.id, crypto.randomUUID()], types: ['user'] },
    });
    assert.deepEqual(
      many.body.value.map((object: { id: string; '@odata.type': string }) => [object.id, object['@odata.type']]),
      [[userId, '#microsoft.graph.user']],
    );
  });

  it('lists the organization with its verified domains, including the initial onmicrosoft.com domain', async () => {
    const organization = (await call(standIn(), 'GET', '/v1.0/organization')).body.value[0];
    assert.equal(organization.id, standIn().tenantId);
    const initial = organization.verifiedDomains.find((domain: { isInitial: boolean }) => domain.isInitial);
    assert.equal(initial.name, standIn().initialDomain);
    assert.match(initial.name, /\.onmicrosoft\.com$/);
    const domains = (await call(standIn(), 'GET', '/v1.0/domains')).body.value.map((domain: { id: string }) => domain.id);
    assert.ok(domains.includes('corp.example.test'));
    assert.equal((await call(standIn(), 'GET', '/v1.0/domains/corp.example.test')).body.isVerified, true);
  });
});
