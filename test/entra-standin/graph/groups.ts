// /groups: security groups and Microsoft 365 groups, with membership through members/$ref and
// members@odata.bind. Mail-enabled security groups and distribution groups cannot be written
// through Graph, exactly as in Entra ID. Role-assignable groups (isAssignableToRole, set only at
// creation) need RoleManagement.ReadWrite.Directory to create or change membership, hold no nested
// groups, and are soft-deleted like Microsoft 365 groups.

import { graphErrors } from '../errors.ts';
import type { Directory, DirectoryObject } from '../directory.ts';
import { groupSchema } from '../schema.ts';
import { countCollection, entityResponse, listCollection } from '../odata/query.ts';
import { mixedCollection, transitiveMemberOfResponse, memberOfResponse } from './directory-objects.ts';
import { permissions } from './permissions.ts';
import type { Router } from './router.ts';
import type { GraphRequest } from './types.ts';
import {
  assertCloudManaged,
  assertPermission,
  collectionContext,
  referencedId,
  requestBody,
  requireProperties,
  writableProperties,
} from './writes.ts';

const requiredOnCreate = ['displayName', 'mailEnabled', 'mailNickname', 'securityEnabled'];
const maxLinkChangesPerRequest = 20;
const invalidNicknameCharacters = /[@()\\[\]";:<>,\s]/;

function findGroup(directory: Directory, id: string): DirectoryObject {
  const group = directory.getOfType('group', id);
  if (!group) throw graphErrors.notFound(id);
  return group;
}

const isUnified = (values: Record<string, unknown>): boolean => Array.isArray(values.groupTypes) && values.groupTypes.includes('Unified');

/** Graph writes only security groups and Microsoft 365 (Unified) groups. */
function assertWritableKind(values: Record<string, unknown>): void {
  if (values.mailEnabled === true && !isUnified(values)) throw graphErrors.mailEnabledGroupWrite();
}

const isRoleAssignable = (values: Record<string, unknown>): boolean => values.isAssignableToRole === true;

/** isAssignableToRole: only at creation, only on a security-enabled group with assigned membership, only with RoleManagement.ReadWrite.Directory. */
function validateRoleAssignable(request: GraphRequest, values: Record<string, unknown>): void {
  if (values.isAssignableToRole === undefined || values.isAssignableToRole === null) return;
  if (typeof values.isAssignableToRole !== 'boolean') throw graphErrors.invalidValue('isAssignableToRole', 'Group');
  if (!values.isAssignableToRole) return;
  assertPermission(request, permissions.manageRoleAssignableGroups);
  const dynamic = Array.isArray(values.groupTypes) && values.groupTypes.includes('DynamicMembership');
  if (values.securityEnabled !== true || dynamic) throw graphErrors.roleAssignableGroupInvalid();
}

/** Changing who is in a role-assignable group changes who holds its roles: it needs RoleManagement.ReadWrite.Directory, and takes no groups. */
function assertMembershipChange(directory: Directory, request: GraphRequest, group: DirectoryObject, memberIds: readonly string[]): void {
  if (!isRoleAssignable(group.props)) return;
  assertPermission(request, permissions.manageRoleAssignableGroups);
  if (memberIds.some((memberId) => directory.get(memberId)?.type === 'group')) throw graphErrors.roleAssignableGroupNesting();
}

function validateGroupValues(values: Record<string, unknown>): void {
  for (const flag of ['mailEnabled', 'securityEnabled'] as const) {
    if (values[flag] !== undefined && typeof values[flag] !== 'boolean') throw graphErrors.invalidValue(flag, 'Group');
  }
  if (
    values.mailNickname !== undefined &&
    (typeof values.mailNickname !== 'string' || values.mailNickname.length > 64 || invalidNicknameCharacters.test(values.mailNickname))
  ) {
    throw graphErrors.invalidValue('mailNickname', 'Group');
  }
}

/** Resolves `members@odata.bind` to member ids: at most 20 links, each to an existing object. */
function boundMembers(directory: Directory, annotations: Record<string, unknown>): string[] {
  const bind = annotations['members@odata.bind'];
  if (bind === undefined) return [];
  if (!Array.isArray(bind)) throw graphErrors.invalidReference();
  const linkChanges = Object.entries(annotations)
    .filter(([name]) => name.endsWith('@odata.bind'))
    .reduce((sum, [, value]) => sum + (Array.isArray(value) ? value.length : 1), 0);
  if (linkChanges > maxLinkChangesPerRequest) throw graphErrors.tooManyLinkChanges();
  return bind.map((url) => {
    const id = referencedId(url);
    if (!directory.get(id)) throw graphErrors.notFound(id);
    return id;
  });
}

export function registerGroups(router: Router, directory: Directory): void {
  const context = (contextPath = 'groups') => collectionContext(directory, groupSchema, contextPath);

  router.add('GET', '/groups', permissions.readGroups, (request) => listCollection(request, directory.list('group'), context()));
  router.add('GET', '/groups/$count', permissions.readGroups, (request) => countCollection(request, directory.list('group'), context()));

  router.add('POST', '/groups', permissions.writeGroups, (request) => {
    const { values, annotations } = writableProperties(requestBody(request), groupSchema, directory);
    requireProperties(values, requiredOnCreate, groupSchema);
    validateGroupValues(values);
    assertWritableKind(values);
    validateRoleAssignable(request, values);
    const members = boundMembers(directory, annotations);
    if (isRoleAssignable(values) && members.some((memberId) => directory.get(memberId)?.type === 'group'))
      throw graphErrors.roleAssignableGroupNesting();
    const mail = isUnified(values) ? `${values.mailNickname}@${directory.initialDomain}` : null;
    const group = directory.insert(
      'group',
      {
        groupTypes: [],
        ...values,
        mail,
        proxyAddresses: mail ? [`SMTP:${mail}`] : [],
        onPremisesSyncEnabled: null,
        securityIdentifier: `S-1-12-1-${Math.floor(Math.random() * 2 ** 32)}-${Math.floor(Math.random() * 2 ** 32)}`,
      },
      [...new Set(members)],
    );
    return entityResponse(request, group, context(), 201);
  });

  router.add('GET', '/groups/{id}', permissions.readGroups, (request, { id }) => entityResponse(request, findGroup(directory, id!), context()));

  router.add('PATCH', '/groups/{id}', permissions.writeGroups, (request, { id }) => {
    const group = findGroup(directory, id!);
    assertCloudManaged(group);
    assertWritableKind(group.props);
    const { values, annotations } = writableProperties(requestBody(request), groupSchema, directory);
    // Immutable once the group exists, whatever the value.
    if ('isAssignableToRole' in values) throw graphErrors.readOnlyProperty('isAssignableToRole');
    validateGroupValues(values);
    assertWritableKind({ ...group.props, ...values });
    const members = boundMembers(directory, annotations);
    if (members.length > 0) assertMembershipChange(directory, request, group, members);
    if (members.some((memberId) => group.members.includes(memberId))) throw graphErrors.referenceExists();
    directory.update(group, values);
    for (const memberId of new Set(members)) directory.addMember(group, memberId);
    return { status: 204 };
  });

  router.add('DELETE', '/groups/{id}', permissions.writeGroups, (_request, { id }) => {
    const group = findGroup(directory, id!);
    assertCloudManaged(group);
    // Microsoft 365 and role-assignable groups go to deleted items; other security groups are deleted permanently.
    if (isUnified(group.props) || isRoleAssignable(group.props)) directory.softDelete(group);
    else directory.hardDelete(group);
    return { status: 204 };
  });

  router.add('GET', '/groups/{id}/members', permissions.readGroups, (request, { id }) => {
    const group = findGroup(directory, id!);
    const members = group.members.map((memberId) => directory.get(memberId)).filter((member): member is DirectoryObject => member !== undefined);
    return mixedCollection(request, directory, members, 'directoryObjects');
  });

  router.add('GET', '/groups/{id}/memberOf', permissions.readMemberships, (request, { id }) =>
    memberOfResponse(request, directory, findGroup(directory, id!)),
  );
  router.add('GET', '/groups/{id}/transitiveMemberOf', permissions.readMemberships, (request, { id }) =>
    transitiveMemberOfResponse(request, directory, findGroup(directory, id!)),
  );

  router.add('POST', '/groups/{id}/members/$ref', permissions.writeMembers, (request, { id }) => {
    const group = findGroup(directory, id!);
    assertCloudManaged(group);
    assertWritableKind(group.props);
    const memberId = referencedId(requestBody(request)['@odata.id']);
    if (!directory.get(memberId)) throw graphErrors.notFound(memberId);
    assertMembershipChange(directory, request, group, [memberId]);
    if (group.members.includes(memberId)) throw graphErrors.referenceExists();
    directory.addMember(group, memberId);
    return { status: 204 };
  });

  router.add('DELETE', '/groups/{id}/members/{memberId}/$ref', permissions.writeMembers, (request, { id, memberId }) => {
    const group = findGroup(directory, id!);
    assertCloudManaged(group);
    assertWritableKind(group.props);
    assertMembershipChange(directory, request, group, []);
    const member = memberId!.toLowerCase();
    if (!group.members.includes(member)) throw graphErrors.notFound(member);
    directory.removeMember(group, member);
    return { status: 204 };
  });
}
