// Cross-type directory endpoints: /directoryObjects (get, getByIds), /directory/deletedItems
// (soft-deleted users and Microsoft 365 groups: list, get, restore, purge), /directoryRoles,
// and memberOf.

import { graphErrors } from '../errors.ts';
import type { Directory, DirectoryObject } from '../directory.ts';
import { schemas, type ResourceType } from '../schema.ts';
import { entityResponse, listCollection, serialise } from '../odata/query.ts';
import { permissions } from './permissions.ts';
import type { Router } from './router.ts';
import type { GraphRequest, GraphResponse } from './types.ts';
import { assertPermission, collectionContext, requestBody } from './writes.ts';

const maxIdsPerGetByIds = 1000;
const typeNames: Record<string, ResourceType> = { user: 'user', group: 'group', orgcontact: 'orgContact', directoryrole: 'directoryRole' };

/** An object of any type with its `@odata.type`, as directoryObject collections return them. */
export function serialiseTyped(object: DirectoryObject): Record<string, unknown> {
  return serialise(object, undefined, schemas[object.type], true);
}

/** A collection of mixed directory objects (members, memberOf, getByIds), paged like the others. */
export function mixedCollection(request: GraphRequest, objects: DirectoryObject[], contextPath: string): GraphResponse {
  const ordered = [...objects].sort((a, b) => a.id.localeCompare(b.id));
  const page = listCollection(request, ordered, { schema: schemas.user, extensionNames: [], contextPath }, true);
  const body = page.body as { value: unknown[] };
  // Each element keeps its own type's default property set.
  const byId = new Map(objects.map((object) => [object.id, object]));
  body.value = body.value.map((element) => serialiseTyped(byId.get((element as { id: string }).id)!));
  return page;
}

export function memberOfResponse(request: GraphRequest, directory: Directory, object: DirectoryObject): GraphResponse {
  return mixedCollection(request, directory.memberOf(object.id), 'directoryObjects');
}

export function registerDirectoryObjects(router: Router, directory: Directory): void {
  router.add('GET', '/directoryObjects/{id}', permissions.readDirectory, (request, { id }) => {
    const object = directory.get(id!);
    if (!object) throw graphErrors.notFound(id!);
    return { status: 200, body: { '@odata.context': `${request.serviceRoot}/$metadata#directoryObjects/$entity`, ...serialiseTyped(object) } };
  });

  router.add('POST', '/directoryObjects/getByIds', permissions.readDirectory, (request) => {
    const body = requestBody(request);
    if (!Array.isArray(body.ids) || body.ids.length === 0 || body.ids.length > maxIdsPerGetByIds) throw graphErrors.invalidValue('ids', 'directoryObject');
    const types = Array.isArray(body.types) ? body.types.map((type) => typeNames[String(type).toLowerCase()]) : undefined;
    const found = body.ids
      .map((id) => directory.get(String(id)))
      .filter((object): object is DirectoryObject => object !== undefined && (types === undefined || types.includes(object.type)));
    return { status: 200, body: { '@odata.context': `${request.serviceRoot}/$metadata#directoryObjects`, value: found.map(serialiseTyped) } };
  });

  for (const type of ['user', 'group'] as const) {
    router.add('GET', `/directory/deletedItems/microsoft.graph.${type}`, permissions.readDirectory, (request) =>
      listCollection(request, directory.deletedItems(type), collectionContext(directory, schemas[type], `directory/deletedItems/microsoft.graph.${type}`)));
  }

  router.add('GET', '/directory/deletedItems/{id}', permissions.readDirectory, (request, { id }) => {
    const object = directory.deletedItem(id!);
    if (!object) throw graphErrors.notFound(id!);
    return entityResponse(request, object, collectionContext(directory, schemas[object.type], 'directory/deletedItems'));
  });

  router.add('POST', '/directory/deletedItems/{id}/restore', permissions.restoreDeleted, (request, { id }) => {
    const deleted = directory.deletedItem(id!);
    if (!deleted) throw graphErrors.notFound(id!);
    assertPermission(request, deleted.type === 'user' ? permissions.writeUsers : permissions.writeGroups);
    const restored = directory.restore(id!)!;
    return { status: 200, body: { '@odata.context': `${request.serviceRoot}/$metadata#directoryObjects/$entity`, ...serialiseTyped(restored) } };
  });

  router.add('DELETE', '/directory/deletedItems/{id}', permissions.restoreDeleted, (request, { id }) => {
    const deleted = directory.deletedItem(id!);
    if (!deleted) throw graphErrors.notFound(id!);
    assertPermission(request, deleted.type === 'user' ? permissions.writeUsers : permissions.writeGroups);
    directory.hardDelete(deleted);
    return { status: 204 };
  });

  router.add('GET', '/directoryRoles', permissions.readRoles, (request) =>
    listCollection(request, directory.list('directoryRole'), collectionContext(directory, schemas.directoryRole, 'directoryRoles')));

  router.add('GET', '/directoryRoles/{id}/members', permissions.readRoles, (request, { id }) => {
    const role = directory.getOfType('directoryRole', id!);
    if (!role) throw graphErrors.notFound(id!);
    return mixedCollection(request, role.members.map((memberId) => directory.get(memberId)).filter((member): member is DirectoryObject => member !== undefined), 'directoryObjects');
  });
}
