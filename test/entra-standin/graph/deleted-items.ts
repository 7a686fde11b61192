// /directory/deletedItems: the soft-deleted users, Microsoft 365 groups and role-assignable groups of the
// last 30 days — listed per type, read, restored with the same id, or purged. Other security groups never
// get here: "This isn't applicable to security groups, which are deleted permanently." (Graph docs, restore
// deleted item); their id answers 404 like any unknown or purged one.

import { graphErrors } from '../errors.ts';
import type { Directory, DirectoryObject } from '../directory.ts';
import { schemas } from '../schema.ts';
import { entityResponse, listCollection } from '../odata/query.ts';
import { serialiseTyped } from './directory-objects.ts';
import { permissions } from './permissions.ts';
import type { Router } from './router.ts';
import type { GraphRequest } from './types.ts';
import { assertValidUserPrincipalName } from './users.ts';
import { assertPermission, collectionContext } from './writes.ts';

/** The parameters of a restore; the docs list both as optional, for users only. */
interface RestoreParameters {
  /** "Indicates whether Microsoft Entra ID should remove any conflicting proxy addresses while restoring a soft-deleted user." */
  autoReconcileProxyConflict?: unknown;
  /** "The new userPrincipalName to add to the restored user." */
  newUserPrincipalName?: unknown;
}

function findDeleted(directory: Directory, id: string): DirectoryObject {
  const deleted = directory.deletedItem(id);
  if (!deleted) throw graphErrors.notFound(id);
  return deleted;
}

/** Users are restored and purged with User.DeleteRestore.All (or a broader user permission); groups with Group.ReadWrite.All. */
function assertMayRestore(request: GraphRequest, deleted: DirectoryObject): void {
  assertPermission(request, deleted.type === 'user' ? permissions.deleteUsers : permissions.writeGroups);
}

export function registerDeletedItems(router: Router, directory: Directory): void {
  for (const type of ['user', 'group'] as const) {
    router.add('GET', `/directory/deletedItems/microsoft.graph.${type}`, permissions.readDirectory, (request) =>
      listCollection(
        request,
        directory.deletedItems(type),
        collectionContext(directory, schemas[type], `directory/deletedItems/microsoft.graph.${type}`),
      ),
    );
  }

  router.add('GET', '/directory/deletedItems/{id}', permissions.readDirectory, (request, { id }) => {
    const deleted = findDeleted(directory, id!);
    return entityResponse(request, deleted, collectionContext(directory, schemas[deleted.type], 'directory/deletedItems'));
  });

  // 200 with the restored directoryObject; 400 (and the item stays restorable) when a live object holds its UPN or
  // one of its proxy addresses now, unless the request gives a new UPN or lets the taken addresses go.
  router.add('POST', '/directory/deletedItems/{id}/restore', permissions.restoreDeleted, (request, { id }) => {
    const deleted = findDeleted(directory, id!);
    assertMayRestore(request, deleted);
    const parameters = (request.body ?? {}) as RestoreParameters;
    const isUser = deleted.type === 'user';
    const userPrincipalName = isUser && parameters.newUserPrincipalName !== undefined ? parameters.newUserPrincipalName : undefined;
    if (userPrincipalName !== undefined) assertValidUserPrincipalName(directory, userPrincipalName);
    const restored = directory.restore(deleted.id, {
      dropConflictingProxyAddresses: isUser && parameters.autoReconcileProxyConflict === true,
      ...(userPrincipalName === undefined ? {} : { userPrincipalName }),
    })!;
    return { status: 200, body: { '@odata.context': `${request.serviceRoot}/$metadata#directoryObjects/$entity`, ...serialiseTyped(restored) } };
  });

  // Permanently deletes the item: 204, and its id answers 404 from then on.
  router.add('DELETE', '/directory/deletedItems/{id}', permissions.restoreDeleted, (request, { id }) => {
    const deleted = findDeleted(directory, id!);
    assertMayRestore(request, deleted);
    directory.hardDelete(deleted);
    return { status: 204 };
  });
}
