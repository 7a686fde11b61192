import assert from 'node:assert/strict';
import { roleAssignmentId, roleTemplates } from '../entra-standin/roles.ts';
import { call, newUser, useStandIn } from './support.ts';

const globalAdministrator = roleTemplates['Global Administrator']!;
const userAdministrator = roleTemplates['User Administrator']!;
type Listed = { id: string; '@odata.type': string } & Record<string, unknown>;
const typesAndIds = (value: Listed[]) => value.map((object) => [object['@odata.type'], object.id]).sort();

describe('entra stand-in: role-assignable groups, directory roles, role management', () => {
  const standIn = useStandIn();
  let counter = 0;
  const groupBody = (overrides: Record<string, unknown> = {}) => {
    counter += 1;
    return { displayName: `Role group ${counter}`, mailEnabled: false, mailNickname: `rolegroup${counter}`, securityEnabled: true, ...overrides };
  };
  /** A token of the pre-created app with other permissions, as an administrator would have granted them. */
  const tokenWith = (...roles: string[]) => standIn().control.issueAccessToken({ roles });
  const privileged = () => tokenWith('Group.ReadWrite.All', 'User.ReadWrite.All', 'RoleManagement.ReadWrite.Directory');
  const reference = (id: string) => ({ '@odata.id': `${standIn().graphEndpoint}/v1.0/directoryObjects/${id}` });
  const createUser = async () => (await call(standIn(), 'POST', '/v1.0/users', { body: newUser() })).body.id as string;

  beforeEach(() => standIn().control.reset());

  describe('role-assignable groups', () => {
    it('are created only with RoleManagement.ReadWrite.Directory, security-enabled, with assigned membership', async () => {
      const withoutPermission = await call(standIn(), 'POST', '/v1.0/groups', { body: groupBody({ isAssignableToRole: true }) });
      assert.deepEqual([withoutPermission.status, withoutPermission.body.error.code], [403, 'Authorization_RequestDenied']);

      const token = await privileged();
      for (const invalid of [
        { securityEnabled: false, mailEnabled: true, groupTypes: ['Unified'] },
        { groupTypes: ['DynamicMembership'], membershipRule: 'user.department -eq "x"' },
      ]) {
        const response = await call(standIn(), 'POST', '/v1.0/groups', { body: groupBody({ isAssignableToRole: true, ...invalid }), token });
        assert.equal(response.status, 400, JSON.stringify(invalid));
        assert.equal(response.body.error.details[0].target, 'isAssignableToRole');
      }
      const created = await call(standIn(), 'POST', '/v1.0/groups', { body: groupBody({ isAssignableToRole: true }), token });
      assert.equal(created.status, 201);
      assert.equal(created.body.isAssignableToRole, true);
      // A Microsoft 365 group may be role-assignable too, if security-enabled.
      const unified = await call(standIn(), 'POST', '/v1.0/groups', {
        body: groupBody({ isAssignableToRole: true, mailEnabled: true, groupTypes: ['Unified'] }),
        token,
      });
      assert.equal(unified.status, 201);
      // Without the flag nothing changes for an ordinary group.
      assert.equal((await call(standIn(), 'POST', '/v1.0/groups', { body: groupBody() })).body.isAssignableToRole, null);
    });

    it('keep isAssignableToRole as created: a PATCH naming it is refused on any group', async () => {
      const token = await privileged();
      const roleGroup = (await call(standIn(), 'POST', '/v1.0/groups', { body: groupBody({ isAssignableToRole: true }), token })).body;
      const ordinary = (await call(standIn(), 'POST', '/v1.0/groups', { body: groupBody() })).body;
      for (const [group, value] of [
        [roleGroup, false],
        [ordinary, true],
        [roleGroup, true],
      ] as const) {
        const response = await call(standIn(), 'PATCH', `/v1.0/groups/${group.id}`, { body: { isAssignableToRole: value }, token });
        assert.deepEqual([response.status, response.body.error.message], [400, "Property 'isAssignableToRole' is read-only and cannot be set."]);
      }
      assert.equal((await call(standIn(), 'GET', `/v1.0/groups/${ordinary.id}`)).body.isAssignableToRole, null);
    });

    it('take no nested group, and membership changes need RoleManagement.ReadWrite.Directory (Group.ReadWrite.All is not enough)', async () => {
      const token = await privileged();
      const roleGroup = (await call(standIn(), 'POST', '/v1.0/groups', { body: groupBody({ isAssignableToRole: true }), token })).body;
      const inner = (await call(standIn(), 'POST', '/v1.0/groups', { body: groupBody() })).body;
      const userId = await createUser();

      const nested = await call(standIn(), 'POST', `/v1.0/groups/${roleGroup.id}/members/$ref`, { body: reference(inner.id), token });
      assert.deepEqual(
        [nested.status, nested.body.error.message],
        [400, 'Nesting is currently not supported for groups that can be assigned to a role.'],
      );
      const boundNested = await call(standIn(), 'PATCH', `/v1.0/groups/${roleGroup.id}`, {
        body: { 'members@odata.bind': [reference(inner.id)['@odata.id']] },
        token,
      });
      assert.equal(boundNested.status, 400);

      const groupWriterOnly = await call(standIn(), 'POST', `/v1.0/groups/${roleGroup.id}/members/$ref`, { body: reference(userId) });
      assert.deepEqual([groupWriterOnly.status, groupWriterOnly.body.error.code], [403, 'Authorization_RequestDenied']);
      assert.equal((await call(standIn(), 'POST', `/v1.0/groups/${roleGroup.id}/members/$ref`, { body: reference(userId), token })).status, 204);
      assert.equal((await call(standIn(), 'DELETE', `/v1.0/groups/${roleGroup.id}/members/${userId}/$ref`)).status, 403);
      assert.equal((await call(standIn(), 'DELETE', `/v1.0/groups/${roleGroup.id}/members/${userId}/$ref`, { token })).status, 204);
      // An ordinary group still takes groups and Group.ReadWrite.All.
      assert.equal((await call(standIn(), 'POST', `/v1.0/groups/${inner.id}/members/$ref`, { body: reference(roleGroup.id) })).status, 204);
    });
  });

  describe('assigning directory roles', () => {
    it('adds users and role-assignable groups to a directoryRole, never an ordinary group', async () => {
      const { groups } = standIn().control.seed({ groups: [{ displayName: 'Admins', isAssignableToRole: true }, { displayName: 'Plain' }] });
      const [roleGroup, plain] = groups;
      const role = (await call(standIn(), 'GET', '/v1.0/directoryRoles')).body.value.find(
        (candidate: { roleTemplateId: string }) => candidate.roleTemplateId === globalAdministrator,
      );
      const token = await privileged();

      const refused = await call(standIn(), 'POST', `/v1.0/directoryRoles/${role.id}/members/$ref`, { body: reference(plain!.id), token });
      assert.equal(refused.status, 400);
      const readOnly = await call(standIn(), 'POST', `/v1.0/directoryRoles/${role.id}/members/$ref`, { body: reference(roleGroup!.id) });
      assert.equal(readOnly.status, 403, 'RoleManagement.Read.Directory does not write');
      assert.equal(
        (await call(standIn(), 'POST', `/v1.0/directoryRoles/${role.id}/members/$ref`, { body: reference(roleGroup!.id), token })).status,
        204,
      );
      const members = await call(standIn(), 'GET', `/v1.0/directoryRoles/${role.id}/members`);
      assert.deepEqual(
        typesAndIds(members.body.value),
        [
          ['#microsoft.graph.group', roleGroup!.id],
          ['#microsoft.graph.user', standIn().administrator.id],
        ].sort(),
      );
      assert.equal((await call(standIn(), 'DELETE', `/v1.0/directoryRoles/${role.id}/members/${roleGroup!.id}/$ref`, { token })).status, 204);
      assert.equal(standIn().control.snapshot().roleAssignments.length, 1, 'only the administrator remains');
    });

    it('creates, lists ($filter eq and in), gets and deletes roleAssignments, with the ids Entra ID gives them', async () => {
      const { groups } = standIn().control.seed({ groups: [{ displayName: 'Helpdesk', isAssignableToRole: true }, { displayName: 'Plain' }] });
      const userId = await createUser();
      const token = await privileged();
      const assign = (principalId: string, extra: Record<string, unknown> = {}) =>
        call(standIn(), 'POST', '/v1.0/roleManagement/directory/roleAssignments', {
          body: {
            '@odata.type': '#microsoft.graph.unifiedRoleAssignment',
            principalId,
            roleDefinitionId: userAdministrator,
            directoryScopeId: '/',
            ...extra,
          },
          token,
        });

      const created = await assign(groups[0]!.id);
      assert.equal(created.status, 201);
      assert.deepEqual(
        { principalId: created.body.principalId, roleDefinitionId: created.body.roleDefinitionId, directoryScopeId: created.body.directoryScopeId },
        { principalId: groups[0]!.id, roleDefinitionId: userAdministrator, directoryScopeId: '/' },
      );
      assert.equal(created.body.id, roleAssignmentId(userAdministrator, groups[0]!.id));
      assert.equal((await assign(userId)).status, 201);
      assert.equal((await assign(userId)).status, 400, 'the same assignment twice');
      assert.equal((await assign(groups[1]!.id)).status, 400, 'an ordinary group');
      assert.equal((await assign(userId, { directoryScopeId: '/administrativeUnits/x' })).status, 400, 'administrative units are not modelled');

      const byPrincipals = await call(
        standIn(),
        'GET',
        `/v1.0/roleManagement/directory/roleAssignments?$filter=${encodeURIComponent(`principalId in ('${userId}','${groups[0]!.id}')`)}`,
      );
      assert.deepEqual(
        byPrincipals.body.value.map((assignment: { principalId: string }) => assignment.principalId).sort(),
        [userId, groups[0]!.id].sort(),
      );
      const byRole = await call(
        standIn(),
        'GET',
        `/v1.0/roleManagement/directory/roleAssignments?$filter=${encodeURIComponent(`roleDefinitionId eq '${globalAdministrator}'`)}`,
      );
      assert.deepEqual(
        byRole.body.value.map((assignment: { principalId: string }) => assignment.principalId),
        [standIn().administrator.id],
      );
      const notEqual = await call(
        standIn(),
        'GET',
        `/v1.0/roleManagement/directory/roleAssignments?$filter=${encodeURIComponent(`principalId ne '${userId}'`)}`,
      );
      assert.equal(notEqual.status, 400, 'roleAssignments document eq and in only');

      assert.equal(
        (await call(standIn(), 'GET', `/v1.0/roleManagement/directory/roleAssignments/${created.body.id}`)).body.principalId,
        groups[0]!.id,
      );
      assert.equal((await call(standIn(), 'DELETE', `/v1.0/roleManagement/directory/roleAssignments/${created.body.id}`, { token })).status, 204);
      assert.equal((await call(standIn(), 'GET', `/v1.0/roleManagement/directory/roleAssignments/${created.body.id}`)).status, 404);
      // The directoryRole view shows the same facts.
      const role = (await call(standIn(), 'GET', '/v1.0/directoryRoles')).body.value.find(
        (candidate: { roleTemplateId: string }) => candidate.roleTemplateId === userAdministrator,
      );
      assert.deepEqual(
        (await call(standIn(), 'GET', `/v1.0/directoryRoles/${role.id}/members`)).body.value.map((member: Listed) => member.id),
        [userId],
      );
    });
  });

  describe('transitiveMemberOf', () => {
    it('returns the groups and the directory roles reached through a role-assignable group, typed; memberOf only the direct ones', async () => {
      const { users } = standIn().control.seed({ users: [{ userPrincipalName: 'via.group@corp.example.test' }] });
      const userId = users[0]!.id;
      const { groups } = standIn().control.seed({
        groups: [
          { displayName: 'Tier0', isAssignableToRole: true, members: [userId], roles: ['Global Administrator'] },
          { displayName: 'Inner', members: [userId] },
        ],
      });
      const {
        groups: [outer],
      } = standIn().control.seed({ groups: [{ displayName: 'Outer', members: [groups[1]!.id] }] });
      const globalRoleId = (await call(standIn(), 'GET', '/v1.0/directoryRoles')).body.value.find(
        (role: { roleTemplateId: string }) => role.roleTemplateId === globalAdministrator,
      ).id;

      const transitive = await call(standIn(), 'GET', `/v1.0/users/${userId}/transitiveMemberOf`);
      assert.equal(transitive.status, 200);
      assert.deepEqual(
        typesAndIds(transitive.body.value),
        [
          ['#microsoft.graph.directoryRole', globalRoleId],
          ['#microsoft.graph.group', groups[0]!.id],
          ['#microsoft.graph.group', groups[1]!.id],
          ['#microsoft.graph.group', outer!.id],
        ].sort(),
      );
      const role = transitive.body.value.find((object: Listed) => object['@odata.type'] === '#microsoft.graph.directoryRole');
      assert.equal(role.roleTemplateId, globalAdministrator);
      const direct = await call(standIn(), 'GET', `/v1.0/users/${userId}/memberOf`);
      assert.deepEqual(
        typesAndIds(direct.body.value),
        [
          ['#microsoft.graph.group', groups[0]!.id],
          ['#microsoft.graph.group', groups[1]!.id],
        ].sort(),
      );
      const ofGroup = await call(standIn(), 'GET', `/v1.0/groups/${groups[0]!.id}/transitiveMemberOf`);
      assert.deepEqual(typesAndIds(ofGroup.body.value), [['#microsoft.graph.directoryRole', globalRoleId]]);
    });

    it('pages with $top and @odata.nextLink, and $select keeps each type its own properties', async () => {
      const { users } = standIn().control.seed({ users: [{ userPrincipalName: 'pager@corp.example.test', roles: ['User Administrator'] }] });
      const userId = users[0]!.id;
      standIn().control.seed({ groups: [1, 2, 3].map((index) => ({ displayName: `G${index}`, members: [userId] })) });
      const seen: Listed[] = [];
      let path: string | undefined = `/v1.0/users/${userId}/transitiveMemberOf?$top=2&$select=id,displayName,roleTemplateId,securityEnabled`;
      let pages = 0;
      while (path) {
        const page = await call(standIn(), 'GET', path);
        assert.equal(page.status, 200);
        pages += 1;
        seen.push(...page.body.value);
        path = page.body['@odata.nextLink']?.slice(standIn().graphEndpoint.length);
      }
      assert.equal(pages, 2);
      assert.equal(seen.length, 4);
      const role = seen.find((object) => object['@odata.type'] === '#microsoft.graph.directoryRole')!;
      assert.deepEqual(Object.keys(role).sort(), ['@odata.type', 'displayName', 'id', 'roleTemplateId']);
      const group = seen.find((object) => object['@odata.type'] === '#microsoft.graph.group')!;
      assert.deepEqual(Object.keys(group).sort(), ['@odata.type', 'displayName', 'id', 'securityEnabled']);
      assert.equal((await call(standIn(), 'GET', `/v1.0/users/${userId}/transitiveMemberOf?$select=noSuchProperty`)).status, 400);
    });

    it('answers limited information (type and id) for the types the app may not read', async () => {
      const { users } = standIn().control.seed({ users: [{ userPrincipalName: 'limited@corp.example.test' }] });
      standIn().control.seed({
        groups: [{ displayName: 'Visible only as an id', isAssignableToRole: true, members: [users[0]!.id], roles: ['Exchange Administrator'] }],
      });
      const response = await call(standIn(), 'GET', `/v1.0/users/${users[0]!.id}/transitiveMemberOf`, { token: await tokenWith('User.Read.All') });
      assert.equal(response.status, 200);
      assert.equal(response.body.value.length, 2);
      for (const object of response.body.value) assert.deepEqual(Object.keys(object).sort(), ['@odata.type', 'id']);
      assert.equal(
        (await call(standIn(), 'GET', `/v1.0/users/${users[0]!.id}/transitiveMemberOf`, { token: await tokenWith('Organization.Read.All') })).status,
        403,
      );
    });

    it('protects a user holding a role through a group from app-only deletes', async () => {
      const { users } = standIn().control.seed({
        users: [{ userPrincipalName: 'protected@corp.example.test' }, { userPrincipalName: 'member@corp.example.test' }],
      });
      standIn().control.seed({
        groups: [{ displayName: 'Admins', isAssignableToRole: true, members: [users[0]!.id], roles: ['User Administrator'] }],
      });
      const refused = await call(standIn(), 'DELETE', `/v1.0/users/${users[0]!.id}`);
      assert.deepEqual([refused.status, refused.body.error.code], [403, 'Authorization_RequestDenied']);
      assert.equal((await call(standIn(), 'DELETE', `/v1.0/users/${users[1]!.id}`)).status, 204);
    });
  });

  describe('PIM eligibilities (roleEligibilityScheduleInstances)', () => {
    const instances = (filter: string, token?: string) =>
      call(
        standIn(),
        'GET',
        `/v1.0/roleManagement/directory/roleEligibilityScheduleInstances?$filter=${encodeURIComponent(filter)}`,
        token === undefined ? {} : { token },
      );

    it('lists the eligibilities of a principal, users and role-assignable groups alike, with $filter eq', async () => {
      const { users } = standIn().control.seed({
        users: [
          { userPrincipalName: 'eligible@corp.example.test', eligibleRoles: ['Global Administrator'] },
          { userPrincipalName: 'plain@corp.example.test' },
        ],
      });
      const { groups } = standIn().control.seed({
        groups: [{ displayName: 'Eligible group', isAssignableToRole: true, eligibleRoles: ['User Administrator'] }],
      });
      const forUser = await instances(`principalId eq '${users[0]!.id}'`);
      assert.equal(forUser.status, 200);
      assert.equal(forUser.body.value.length, 1);
      assert.deepEqual(
        {
          roleDefinitionId: forUser.body.value[0].roleDefinitionId,
          directoryScopeId: forUser.body.value[0].directoryScopeId,
          memberType: forUser.body.value[0].memberType,
          endDateTime: forUser.body.value[0].endDateTime,
        },
        { roleDefinitionId: globalAdministrator, directoryScopeId: '/', memberType: 'Direct', endDateTime: null },
      );
      assert.equal((await instances(`principalId eq '${groups[0]!.id}'`)).body.value[0].roleDefinitionId, userAdministrator);
      assert.deepEqual((await instances(`principalId eq '${users[1]!.id}'`)).body.value, []);
      assert.throws(
        () => standIn().control.seed({ groups: [{ displayName: 'Not assignable', eligibleRoles: ['User Administrator'] }] }),
        /isAssignableToRole/,
      );
    });

    it('accepts only the operators documented for each property: principalId in (…) is refused', async () => {
      const { users } = standIn().control.seed({
        users: [{ userPrincipalName: 'ops@corp.example.test', eligibleRoles: ['Helpdesk Administrator'] }],
      });
      const refused = await instances(`principalId in ('${users[0]!.id}')`);
      assert.equal(refused.status, 400);
      const negated = await instances(`principalId ne '${users[0]!.id}'`);
      assert.deepEqual(negated.body.value, []);
      assert.equal((await instances(`startswith(principalId,'a')`)).status, 400);
    });

    it('needs RoleEligibilitySchedule.Read.Directory or a RoleManagement permission: Directory.Read.All gets 403', async () => {
      const { users } = standIn().control.seed({ users: [{ userPrincipalName: 'x@corp.example.test', eligibleRoles: ['Global Administrator'] }] });
      const denied = await instances(`principalId eq '${users[0]!.id}'`, await tokenWith('Directory.Read.All', 'User.ReadWrite.All'));
      assert.deepEqual(
        [denied.status, denied.body.error.code, denied.body.error.message],
        [403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'],
      );
      const leastPrivileged = await instances(`principalId eq '${users[0]!.id}'`, await tokenWith('RoleEligibilitySchedule.Read.Directory'));
      assert.equal(leastPrivileged.body.value.length, 1);
      // roleAssignments, by contrast, are readable with Directory.Read.All.
      assert.equal(
        (await call(standIn(), 'GET', '/v1.0/roleManagement/directory/roleAssignments', { token: await tokenWith('Directory.Read.All') })).status,
        200,
      );
    });

    it('answers 400 AadPremiumLicenseRequired without Entra ID P2', async () => {
      standIn().control.setLicenses({ entraIdP2: false });
      const response = await instances(`principalId eq '${standIn().administrator.id}'`);
      assert.deepEqual([response.status, response.body.error.code], [400, 'AadPremiumLicenseRequired']);
      standIn().control.reset();
      assert.equal((await instances(`principalId eq '${standIn().administrator.id}'`)).status, 200, 'reset restores the default licences');
    });

    it('lists only eligibilities in effect now', async () => {
      const { users } = standIn().control.seed({ users: [{ userPrincipalName: 'timed@corp.example.test' }] });
      const soon = new Date(Date.now() + 3600_000).toISOString();
      standIn().control.addRoleEligibility({ principal: users[0]!.id, role: 'Global Administrator', endDateTime: soon });
      standIn().control.addRoleEligibility({ principal: users[0]!.id, role: 'User Administrator', startDateTime: soon });
      assert.deepEqual(
        (await instances(`principalId eq '${users[0]!.id}'`)).body.value.map((instance: { roleDefinitionId: string }) => instance.roleDefinitionId),
        [globalAdministrator],
      );
      standIn().control.advanceClock(2 * 3600_000);
      assert.deepEqual(
        (await instances(`principalId eq '${users[0]!.id}'`)).body.value.map((instance: { roleDefinitionId: string }) => instance.roleDefinitionId),
        [userAdministrator],
      );
    });
  });

  describe('deleted items', () => {
    it('lists soft-deleted users and Microsoft 365 groups, never security groups', async () => {
      const userId = await createUser();
      const security = (await call(standIn(), 'POST', '/v1.0/groups', { body: groupBody() })).body;
      const unified = (
        await call(standIn(), 'POST', '/v1.0/groups', { body: groupBody({ mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'] }) })
      ).body;
      for (const path of [`/v1.0/users/${userId}`, `/v1.0/groups/${security.id}`, `/v1.0/groups/${unified.id}`])
        assert.equal((await call(standIn(), 'DELETE', path)).status, 204);
      const deletedGroups = (await call(standIn(), 'GET', '/v1.0/directory/deletedItems/microsoft.graph.group')).body.value.map(
        (group: { id: string }) => group.id,
      );
      assert.deepEqual(deletedGroups, [unified.id]);
      const deletedUsers = (await call(standIn(), 'GET', '/v1.0/directory/deletedItems/microsoft.graph.user')).body.value.map(
        (user: { id: string }) => user.id,
      );
      assert.deepEqual(deletedUsers, [userId]);
      const restoreSecurity = await call(standIn(), 'POST', `/v1.0/directory/deletedItems/${security.id}/restore`);
      assert.equal(restoreSecurity.status, 404, 'a security group is gone for good');
    });

    it('soft-deletes a role-assignable group (its role assignments go) and restores it', async () => {
      const { groups } = standIn().control.seed({ groups: [{ displayName: 'Tier1', isAssignableToRole: true, roles: ['User Administrator'] }] });
      const token = await privileged();
      assert.equal((await call(standIn(), 'DELETE', `/v1.0/groups/${groups[0]!.id}`, { token })).status, 204);
      assert.equal((await call(standIn(), 'GET', `/v1.0/directory/deletedItems/${groups[0]!.id}`)).body.isAssignableToRole, true);
      assert.deepEqual(
        standIn()
          .control.snapshot()
          .roleAssignments.map((assignment) => assignment.principalId),
        [standIn().administrator.id],
      );
      const restored = await call(standIn(), 'POST', `/v1.0/directory/deletedItems/${groups[0]!.id}/restore`);
      assert.deepEqual([restored.status, restored.body['@odata.type'], restored.body.id], [200, '#microsoft.graph.group', groups[0]!.id]);
      assert.ok(
        standIn()
          .control.snapshot()
          .roleAssignments.some((assignment) => assignment.principalId === groups[0]!.id),
        'the restored group holds its role again',
      );
    });

    it('restores a user with the same id and onPremisesImmutableId, refuses while its UPN is taken, and can drop a taken proxy address', async () => {
      const immutableId = `anchor${Date.now()}`;
      const body = newUser({ onPremisesImmutableId: immutableId, mail: `restored${Date.now()}@corp.example.test` });
      const user = (await call(standIn(), 'POST', '/v1.0/users', { body })).body;
      await call(standIn(), 'DELETE', `/v1.0/users/${user.id}`);

      const squatter = (
        await call(standIn(), 'POST', '/v1.0/users', { body: newUser({ userPrincipalName: body.userPrincipalName, mail: body.mail }) })
      ).body;
      const conflict = await call(standIn(), 'POST', `/v1.0/directory/deletedItems/${user.id}/restore`);
      assert.deepEqual([conflict.status, conflict.body.error.details[0].code], [400, 'ObjectConflict']);
      assert.equal((await call(standIn(), 'GET', `/v1.0/directory/deletedItems/${user.id}`)).status, 200, 'still restorable');

      // The UPN freed, the address still taken: refused, unless the conflicting address is dropped.
      await call(standIn(), 'PATCH', `/v1.0/users/${squatter.id}`, { body: { userPrincipalName: `other${Date.now()}@corp.example.test` } });
      const addressTaken = await call(standIn(), 'POST', `/v1.0/directory/deletedItems/${user.id}/restore`);
      assert.equal(addressTaken.body.error.details[0].target, 'proxyAddresses');
      const restored = await call(standIn(), 'POST', `/v1.0/directory/deletedItems/${user.id}/restore`, {
        body: { autoReconcileProxyConflict: true },
      });
      assert.equal(restored.status, 200);
      assert.deepEqual(
        [restored.body['@odata.type'], restored.body.id, restored.body.userPrincipalName],
        ['#microsoft.graph.user', user.id, body.userPrincipalName],
      );
      const reread = await call(standIn(), 'GET', `/v1.0/users/${user.id}?$select=onPremisesImmutableId,proxyAddresses`);
      assert.deepEqual([reread.body.onPremisesImmutableId, reread.body.proxyAddresses], [immutableId, []]);
    });

    it('restores users with User.DeleteRestore.All alone', async () => {
      const userId = await createUser();
      const token = await tokenWith('User.DeleteRestore.All');
      assert.equal((await call(standIn(), 'DELETE', `/v1.0/users/${userId}`, { token })).status, 204);
      assert.equal((await call(standIn(), 'POST', `/v1.0/directory/deletedItems/${userId}/restore`, { token })).status, 200);
    });
  });

  it('seeds role assignments, eligibilities and licences through the HTTP control API', async () => {
    const post = async (method: string, path: string, body: unknown) => {
      const response = await fetch(`${standIn().graphEndpoint}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (response.status === 204 ? undefined : await response.json()) as Record<string, string> | undefined };
    };
    const { users } = standIn().control.seed({ users: [{ userPrincipalName: 'http@corp.example.test' }] });
    const assigned = await post('POST', '/_standin/role-assignments', { principal: 'http@corp.example.test', role: 'Exchange Administrator' });
    assert.deepEqual([assigned.status, assigned.body?.principalId], [201, users[0]!.id]);
    const eligible = await post('POST', '/_standin/role-eligibilities', { principal: users[0]!.id, role: 'Global Administrator' });
    assert.equal(eligible.body?.roleDefinitionId, globalAdministrator);
    assert.equal((await post('PUT', '/_standin/licenses', { entraIdP2: false })).status, 204);
    assert.equal((await call(standIn(), 'GET', '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances')).status, 400);
  });
});
