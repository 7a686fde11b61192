// Does the account DirSync reads with see deletions through DirSync? Windows AD returns tombstones to a holder of
// "Replicating Directory Changes"; Samba withholds them from every non-administrator, and an account that lost
// the right sees nothing either, silently. So configure tries it: an administrator creates a temporary contact
// in scope, the reading account takes a DirSync cookie, the administrator deletes the contact, and the reading
// account reads the changes since the cookie (DirSync + Show Deleted, as Microsoft documents for LDAP clients).
import { randomBytes } from 'node:crypto';
import { InsufficientAccessError, NoSuchObjectError } from 'ldapts';
import type { Client } from 'ldapts';
import { DirSyncError } from '../../core/errors.ts';
import { openDirectoryConnection } from './connection.ts';
import type { DirectoryConnectionOptions } from './connection.ts';
import { isTombstone } from './directory-reader.ts';
import { deepestContainerOf } from './distinguished-name.ts';
import { changedEntries, currentCookie } from './replication-changes-tracker.ts';
import { readRootDse } from './root-dse.ts';
import { DirectoryScope } from './scope.ts';
import type { ScopeOptions } from './scope.ts';
import { CHANGE_FILTER } from './selection.ts';
import { firstBuffer } from './values.ts';
import { findWellKnownContainer, WellKnownContainer } from './well-known-containers.ts';

export interface DeletionVisibility {
  /** True when the reading account received the probe's deletion through DirSync. */
  visible: boolean;
  /** What was tried and what it means, for configure's report and get-configuration. */
  detail: string;
}

export const PROBE_NAME_PREFIX = 'DirSync-deletion-probe-';

/**
 * Runs the probe. `admin` is bound as an administrator (it creates and deletes the probe); `reading` are the
 * connection options of the account DirSync reads with. The probe contact is removed whatever happens.
 */
export async function probeDeletionVisibility(
  admin: Client,
  reading: DirectoryConnectionOptions,
  scopeOptions: ScopeOptions,
): Promise<DeletionVisibility> {
  const scope = new DirectoryScope(scopeOptions);
  const rootDse = await readRootDse(admin);
  const container =
    scope.includeOus[0]?.dn ??
    (await findWellKnownContainer(admin, rootDse.defaultNamingContext, WellKnownContainer.users)) ??
    rootDse.defaultNamingContext;
  const namingContext = deepestContainerOf(container, rootDse.namingContexts) ?? rootDse.defaultNamingContext;
  const probeDn = `CN=${PROBE_NAME_PREFIX}${randomBytes(6).toString('hex')},${container}`;

  await admin.add(probeDn, {
    objectClass: ['top', 'person', 'organizationalPerson', 'contact'],
    description: 'Temporary object of DirSync: checks that its service account sees deletions. Deleted at once.',
  });
  let reader: Client | undefined;
  try {
    const guid = await readGuid(admin, probeDn);
    reader = await openDirectoryConnection(reading);
    let cookie: Buffer;
    try {
      cookie = await currentCookie(reader, namingContext);
    } catch (error) {
      if (!(error instanceof InsufficientAccessError)) throw error;
      return {
        visible: false,
        detail:
          `${reading.bindDn} may not use the DirSync control on ${namingContext} (it lacks "Replicating Directory Changes" ` +
          'on the domain), so delta imports cannot see deletions; they are found by listing the scope each cycle instead.',
      };
    }
    await admin.del(probeDn);
    const seen = await dirSyncSawDeletion(reader, namingContext, cookie, guid);
    return seen
      ? { visible: true, detail: `${reading.bindDn} saw a test deletion in ${container} through DirSync: delta imports see deletions.` }
      : {
          visible: false,
          detail:
            `${reading.bindDn} did not see a test deletion in ${container} through DirSync (with Show Deleted): the directory ` +
            'withholds deleted objects from this account (Samba does from every non-administrator; on Windows AD, check its ' +
            '"Replicating Directory Changes" right), so deletions are found by listing the scope each cycle instead.',
        };
  } finally {
    await reader?.unbind().catch(() => undefined);
    await removeIfPresent(admin, probeDn);
  }
}

async function readGuid(client: Client, dn: string): Promise<Buffer> {
  const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] });
  const guid = firstBuffer(searchEntries[0]?.objectGUID);
  if (guid === undefined)
    throw new DirSyncError('ActiveDirectory.unexpected-reply', `the deletion probe ${dn} was created but its objectGUID cannot be read`);
  return guid;
}

async function dirSyncSawDeletion(client: Client, namingContext: string, cookie: Buffer, guid: Buffer): Promise<boolean> {
  // Samba's DirSync returns nothing when objectGUID is the only attribute asked for.
  const search = { filter: CHANGE_FILTER, attributes: ['objectGUID', 'isDeleted'], explicitBufferAttributes: ['objectGUID'] };
  let seen = false;
  for await (const entries of changedEntries(client, namingContext, cookie, search)) {
    seen ||= entries.some((entry) => firstBuffer(entry.objectGUID)?.equals(guid) === true && isTombstone(entry));
  }
  return seen;
}

async function removeIfPresent(admin: Client, dn: string): Promise<void> {
  try {
    await admin.del(dn);
  } catch (error) {
    if (error instanceof NoSuchObjectError) return;
    throw new DirSyncError('ActiveDirectory.unexpected-reply', `The temporary object ${dn} could not be removed (${(error as Error).message}).`, {
      recommendedAction: 'delete it by hand',
      target: dn,
      cause: error,
    });
  }
}
