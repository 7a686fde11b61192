// /users: create, read, update, delete, with the validation Entra ID applies to user writes.

import { graphErrors } from '../errors.ts';
import { indexedCandidates } from '../odata/indexed-candidates.ts';
import type { Directory, DirectoryObject } from '../directory.ts';
import { userSchema } from '../schema.ts';
import { countCollection, entityResponse, listCollection } from '../odata/query.ts';
import { permissions } from './permissions.ts';
import type { Router } from './router.ts';
import type { GraphRequest } from './types.ts';
import { assertCloudManaged, collectionContext, referencedId, requestBody, requireProperties, writableProperties } from './writes.ts';
import { memberOfResponse, transitiveMemberOfResponse } from './directory-objects.ts';

const requiredOnCreate = ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName', 'passwordProfile'];
/** Complex-typed properties: a PATCH merges their properties into the current value (OData's PATCH semantics). */
const complexProperties = ['onPremisesExtensionAttributes', 'employeeOrgData'];
// Characters Entra ID accepts in the local part of a UPN.
const upnPattern = /^[A-Za-z0-9'._!#^~-]+@[A-Za-z0-9.-]+$/;

export function findUser(directory: Directory, idOrUserPrincipalName: string): DirectoryObject {
  const byId = directory.getOfType('user', idOrUserPrincipalName);
  if (byId) return byId;
  const lower = idOrUserPrincipalName.toLowerCase();
  const byUpn = directory.list('user').find((user) => String(user.props.userPrincipalName).toLowerCase() === lower);
  if (!byUpn) throw graphErrors.notFound(idOrUserPrincipalName);
  return byUpn;
}

export function usersContext(directory: Directory) {
  return collectionContext(directory, userSchema, 'users');
}

/** A UPN Entra ID accepts: allowed characters, no dot at either end of the local part, a verified domain. */
export function assertValidUserPrincipalName(directory: Directory, upn: unknown): asserts upn is string {
  if (typeof upn !== 'string' || !upnPattern.test(upn) || upn.split('@')[0]!.startsWith('.') || upn.split('@')[0]!.endsWith('.')) {
    throw graphErrors.invalidValue('userPrincipalName', 'User');
  }
  if (!directory.isVerifiedDomain(upn.split('@')[1]!)) throw graphErrors.upnDomainNotVerified();
}

/** Checks the properties of a user write and derives proxyAddresses from mail, as Exchange does. */
function validateUserValues(directory: Directory, values: Record<string, unknown>): void {
  if (values.userPrincipalName !== undefined) assertValidUserPrincipalName(directory, values.userPrincipalName);
  if (values.onPremisesImmutableId !== undefined && values.onPremisesImmutableId !== null) {
    const immutableId = values.onPremisesImmutableId;
    if (typeof immutableId !== 'string' || immutableId === '' || /[$_\s]/.test(immutableId))
      throw graphErrors.invalidValue('onPremisesImmutableId', 'User');
  }
  if (values.accountEnabled !== undefined && typeof values.accountEnabled !== 'boolean') throw graphErrors.invalidValue('accountEnabled', 'User');
  if (values.passwordProfile !== undefined) {
    const profile = values.passwordProfile as { password?: unknown } | null;
    if (profile === null || typeof profile !== 'object' || typeof profile.password !== 'string')
      throw graphErrors.invalidValue('passwordProfile', 'User');
    if (!isComplexPassword(profile.password)) throw graphErrors.passwordComplexity();
  }
  if (values.mail !== undefined) {
    if (values.mail !== null && (typeof values.mail !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(values.mail)))
      throw graphErrors.invalidValue('mail', 'User');
    values.proxyAddresses = typeof values.mail === 'string' ? [`SMTP:${values.mail}`] : [];
  }
}

function isComplexValue(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Entra ID's rule: 8–256 characters, at least three of lower case, upper case, digits, symbols. */
function isComplexPassword(password: string): boolean {
  if (password.length < 8 || password.length > 256) return false;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(password)).length;
  return classes >= 3;
}

/**
 * App-only callers cannot change or delete users holding administrator roles, directly or through a
 * role-assignable group, nor members of a role-assignable group (Privileged Authentication Administrator territory).
 */
function assertNotPrivileged(directory: Directory, request: GraphRequest, user: DirectoryObject): void {
  const privileged = directory
    .transitiveMemberOf(user.id)
    .some((object) => object.type === 'directoryRole' || object.props.isAssignableToRole === true);
  if (privileged && request.caller.userId === undefined) throw graphErrors.insufficientPrivileges();
}

/** Users a $filter on a unique property can match, from the indexes, in id order (paging relies on it). */
function filteredCandidates(directory: Directory, request: GraphRequest): DirectoryObject[] | undefined {
  let indexed = true;
  const ids = indexedCandidates(request.query.get('$filter'), (property, value) => {
    // A user's mail is also its primary proxy address (SMTP:…), which is indexed.
    const holders =
      property.toLowerCase() === 'mail'
        ? directory.holdersOf('user', 'proxyAddresses', `SMTP:${value}`)
        : directory.holdersOf('user', property, value);
    if (holders === undefined) indexed = false;
    return (holders ?? []).map((user) => user.id);
  });
  if (ids === undefined || !indexed) return undefined;
  return [...ids]
    .sort()
    .map((id) => directory.get(id))
    .filter((user): user is DirectoryObject => user !== undefined);
}

export function registerUsers(router: Router, directory: Directory): void {
  const context = () => usersContext(directory);

  router.add('GET', '/users', permissions.readUsers, (request) =>
    listCollection(request, filteredCandidates(directory, request) ?? directory.list('user'), context()),
  );
  router.add('GET', '/users/$count', permissions.readUsers, (request) => countCollection(request, directory.list('user'), context()));

  router.add('POST', '/users', permissions.writeUsers, (request) => {
    const { values } = writableProperties(requestBody(request), userSchema, directory);
    requireProperties(values, requiredOnCreate, userSchema);
    validateUserValues(directory, values);
    const user = directory.insert('user', { ...values, userType: values.userType ?? 'Member', onPremisesSyncEnabled: null });
    return entityResponse(request, user, context(), 201);
  });

  router.add('GET', '/users/{id}', permissions.readUsers, (request, { id }) => entityResponse(request, findUser(directory, id!), context()));

  router.add('PATCH', '/users/{id}', permissions.writeUsers, (request, { id }) => {
    const user = findUser(directory, id!);
    assertCloudManaged(user);
    assertNotPrivileged(directory, request, user);
    const { values } = writableProperties(requestBody(request), userSchema, directory);
    validateUserValues(directory, values);
    for (const property of complexProperties) {
      const [current, patch] = [user.props[property], values[property]];
      if (isComplexValue(current) && isComplexValue(patch)) values[property] = { ...current, ...patch };
    }
    directory.update(user, values);
    return { status: 204 };
  });

  router.add('DELETE', '/users/{id}', permissions.deleteUsers, (request, { id }) => {
    const user = findUser(directory, id!);
    assertCloudManaged(user);
    assertNotPrivileged(directory, request, user);
    directory.softDelete(user);
    return { status: 204 };
  });

  // The manager relationship: one reference per user, set with $ref like a membership.
  router.add('GET', '/users/{id}/manager', permissions.readUsers, (request, { id }) => {
    const user = findUser(directory, id!);
    const manager = user.manager ? directory.get(user.manager) : undefined;
    if (!manager) throw graphErrors.notFound(`${user.id}/manager`);
    return entityResponse(request, manager, context());
  });

  router.add('PUT', '/users/{id}/manager/$ref', permissions.writeUsers, (request, { id }) => {
    const user = findUser(directory, id!);
    assertCloudManaged(user);
    const managerId = referencedId(requestBody(request)['@odata.id']);
    if (directory.getOfType('user', managerId) === undefined) throw graphErrors.notFound(managerId);
    directory.setManager(user, managerId);
    return { status: 204 };
  });

  router.add('DELETE', '/users/{id}/manager/$ref', permissions.writeUsers, (_request, { id }) => {
    const user = findUser(directory, id!);
    assertCloudManaged(user);
    if (!user.manager) throw graphErrors.notFound(`${user.id}/manager`);
    directory.setManager(user, undefined);
    return { status: 204 };
  });

  router.add('GET', '/users/{id}/memberOf', permissions.readDirectory, (request, { id }) =>
    memberOfResponse(request, directory, findUser(directory, id!)),
  );
  router.add('GET', '/users/{id}/transitiveMemberOf', permissions.readMemberships, (request, { id }) =>
    transitiveMemberOfResponse(request, directory, findUser(directory, id!)),
  );
}
