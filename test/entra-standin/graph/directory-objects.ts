// Cross-type directory endpoints: /directoryObjects (get, getByIds), /directoryRoles (members read and
// written), memberOf and transitiveMemberOf. Deleted items are in deleted-items.ts.

import { graphErrors } from '../errors.ts';
import type { Directory, DirectoryObject } from '../directory.ts';
import { directoryObjectSchema, extensionPropertyPattern, schemas, type ResourceType } from '../schema.ts';
import { entityResponse, listCollection, selectedProperties, serialise } from '../odata/query.ts';
import { permissions } from './permissions.ts';
import type { Router } from './router.ts';
import type { GraphRequest, GraphResponse } from './types.ts';
import { collectionContext, extensionsFor, referencedId, requestBody } from './writes.ts';

const maxIdsPerGetByIds = 1000;
const typeNames: Record<string, ResourceType> = { user: 'user', group: 'group', orgcontact: 'orgContact', directoryrole: 'directoryRole' };

/** An object of any type with its `@odata.type`, as directoryObject collections return them. */
export function serialiseTyped(object: DirectoryObject): Record<string, unknown> {
  return serialise(object, undefined, schemas[object.type], true);
}

/** What a caller needs to see more of an object in a mixed collection than its type and id. */
const readPermissionOf: Partial<Record<ResourceType, readonly string[]>> = {
  user: permissions.readUsers,
  group: permissions.readGroups,
  orgContact: permissions.readContacts,
  directoryRole: permissions.readRoles,
};

/**
 * A collection of mixed directory objects (members, memberOf, transitiveMemberOf), paged like the
 * others. `$select` may name any member type's property; each element carries its `@odata.type`
 * and, of the selected (or its type's default) properties, those its type has. Objects of a type
 * the caller may not read come back with limited information (type and id only), as Graph does.
 */
export function mixedCollection(request: GraphRequest, directory: Directory, objects: DirectoryObject[], contextPath: string): GraphResponse {
  const ordered = [...objects].sort((a, b) => a.id.localeCompare(b.id));
  const context = {
    schema: directoryObjectSchema,
    extensionNames: [...extensionsFor(directory, 'User'), ...extensionsFor(directory, 'Group')].map((extension) => extension.name),
    contextPath,
  };
  const selected = selectedProperties(request, context);
  const page = listCollection(request, ordered, context, true);
  const body = page.body as { value: unknown[] };
  const byId = new Map(objects.map((object) => [object.id, object]));
  body.value = body.value.map((element) => {
    const object = byId.get((element as { id: string }).id)!;
    const schema = schemas[object.type];
    if (!(readPermissionOf[object.type] ?? []).some((permission) => request.caller.permissions.has(permission))) {
      return { '@odata.type': `#microsoft.graph.${schema.type}`, id: object.id };
    }
    const own = selected?.filter(
      (property) =>
        schema.properties.includes(property) || (extensionPropertyPattern.test(property) && (object.type === 'user' || object.type === 'group')),
    );
    return serialise(object, own, schema, true);
  });
  return page;
}

export function memberOfResponse(request: GraphRequest, directory: Directory, object: DirectoryObject): GraphResponse {
  return mixedCollection(request, directory, directory.memberOf(object.id), 'directoryObjects');
}

/** Groups and directory roles reached directly or through nested groups, including roles held through role-assignable groups. */
export function transitiveMemberOfResponse(request: GraphRequest, directory: Directory, object: DirectoryObject): GraphResponse {
  return mixedCollection(request, directory, directory.transitiveMemberOf(object.id), 'directoryObjects');
}

/** Who may hold a directory role: users, and groups created role-assignable. */
export function assertAssignablePrincipal(directory: Directory, principalId: string): DirectoryObject {
  const principal = directory.get(principalId);
  if (!principal || (principal.type !== 'user' && principal.type !== 'group')) throw graphErrors.notFound(principalId);
  if (principal.type === 'group' && principal.props.isAssignableToRole !== true) throw graphErrors.notRoleAssignable();
  return principal;
}

export function registerDirectoryObjects(router: Router, directory: Directory): void {
  router.add('GET', '/directoryObjects/{id}', permissions.readDirectory, (request, { id }) => {
    const object = directory.get(id!);
    if (!object) throw graphErrors.notFound(id!);
    return { status: 200, body: { '@odata.context': `${request.serviceRoot}/$metadata#directoryObjects/$entity`, ...serialiseTyped(object) } };
  });

  router.add('POST', '/directoryObjects/getByIds', permissions.readDirectory, (request) => {
    const body = requestBody(request);
    if (!Array.isArray(body.ids) || body.ids.length === 0 || body.ids.length > maxIdsPerGetByIds)
      throw graphErrors.invalidValue('ids', 'directoryObject');
    const types = Array.isArray(body.types) ? body.types.map((type) => typeNames[String(type).toLowerCase()]) : undefined;
    const found = body.ids
      .map((id) => directory.get(String(id)))
      .filter((object): object is DirectoryObject => object !== undefined && (types === undefined || types.includes(object.type)));
    return { status: 200, body: { '@odata.context': `${request.serviceRoot}/$metadata#directoryObjects`, value: found.map(serialiseTyped) } };
  });

  router.add('GET', '/directoryRoles', permissions.readRoles, (request) =>
    listCollection(request, directory.list('directoryRole'), collectionContext(directory, schemas.directoryRole, 'directoryRoles')),
  );

  const findRole = (id: string): DirectoryObject => {
    const role = directory.getOfType('directoryRole', id);
    if (!role) throw graphErrors.notFound(id);
    return role;
  };

  router.add('GET', '/directoryRoles/{id}', permissions.readRoles, (request, { id }) =>
    entityResponse(request, findRole(id!), collectionContext(directory, schemas.directoryRole, 'directoryRoles')),
  );

  router.add('GET', '/directoryRoles/{id}/members', permissions.readRoles, (request, { id }) => {
    const role = findRole(id!);
    return mixedCollection(
      request,
      directory,
      role.members.map((memberId) => directory.get(memberId)).filter((member): member is DirectoryObject => member !== undefined),
      'directoryObjects',
    );
  });

  // Assigning a role through its directoryRole: users, or groups created role-assignable.
  router.add('POST', '/directoryRoles/{id}/members/$ref', permissions.writeRoles, (request, { id }) => {
    const role = findRole(id!);
    const principal = assertAssignablePrincipal(directory, referencedId(requestBody(request)['@odata.id']));
    if (role.members.includes(principal.id)) throw graphErrors.referenceExists();
    directory.addMember(role, principal.id);
    return { status: 204 };
  });

  router.add('DELETE', '/directoryRoles/{id}/members/{memberId}/$ref', permissions.writeRoles, (_request, { id, memberId }) => {
    const role = findRole(id!);
    const member = memberId!.toLowerCase();
    if (!role.members.includes(member)) throw graphErrors.notFound(member);
    directory.removeMember(role, member);
    return { status: 204 };
  });
}
