// Does the account DirSync reads with see deletions through DirSync? Windows AD returns tombstones to a holder of
// "Replicating Directory Changes"; Samba withholds them from every non-administrator, and an account that lost
// the right sees nothing either, silently. So configure tries it: an administrator creates a temporary contact
// in scope, the reading account takes a DirSync cookie, the administrator deletes the contact, and the reading
// account reads the changes since the cookie (DirSync + Show Deleted, as Microsoft documents for LDAP clients).
import { DirSyncError } from '../../core/errors.ts';
import { randomBytes } from 'node:crypto';
import { InsufficientAccessError, NoSuchObjectError } from 'ldapts';
import type { Client } from 'ldapts';
import { openDirectoryConnection } from './connection.ts';
import type { DirectoryConnectionOptions } from './connection.ts';
import { DirSyncControl } from './controls/dir-sync-control.ts';
import { ShowDeletedControl } from './controls/show-deleted-control.ts';
import { deepestContainerOf } from './distinguished-name.ts';
import { DirectoryScope } from './scope.ts';
import type { ScopeOptions } from './scope.ts';
import { CHANGE_FILTER, MATCH_NOTHING_FILTER } from './selection.ts';
import { valuesAsArray } from './values.ts';
import type { LdapValues } from './values.ts';

export interface DeletionVisibility {
  /** True when the reading account received the probe's deletion through DirSync. */
  visible: boolean;
  /** What was tried and what it means, for configure's report and get-configuration. */
  detail: string;
}

// GUID_USERS_CONTAINER_W: the Users container, wherever an administrator redirected it (redirusr).
const USERS_CONTAINER_WELL_KNOWN_GUID = 'A9D1CA15768811D1ADED00C04FD8D5CD';
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
  const container = scope.includeOus[0]?.dn ?? (await usersContainer(admin, rootDse.defaultNamingContext));
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
      cookie = await dirSyncCookie(reader, namingContext);
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

async function readRootDse(client: Client): Promise<{ defaultNamingContext: string; namingContexts: string[] }> {
  const { searchEntries } = await client.search('', { scope: 'base', attributes: ['defaultNamingContext', 'namingContexts'] });
  const rootDse = searchEntries[0];
  return {
    defaultNamingContext: String(valuesAsArray(rootDse?.defaultNamingContext as LdapValues | undefined)[0] ?? ''),
    namingContexts: valuesAsArray(rootDse?.namingContexts as LdapValues | undefined).map(String),
  };
}

async function usersContainer(client: Client, domainDn: string): Promise<string> {
  const { searchEntries } = await client.search(domainDn, { scope: 'base', attributes: ['wellKnownObjects'] });
  const prefix = `B:32:${USERS_CONTAINER_WELL_KNOWN_GUID}:`;
  // Values look like B:32:<guid hex>:<dn>.
  const value = valuesAsArray(searchEntries[0]?.wellKnownObjects as LdapValues | undefined)
    .map(String)
    .find((candidate) => candidate.toUpperCase().startsWith(prefix));
  return value === undefined ? domainDn : value.slice(prefix.length);
}

async function readGuid(client: Client, dn: string): Promise<Buffer> {
  const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] });
  const guid = valuesAsArray(searchEntries[0]?.objectGUID as LdapValues | undefined)[0];
  if (!Buffer.isBuffer(guid))
    throw new DirSyncError('ActiveDirectory.unexpected-reply', `the deletion probe ${dn} was created but its objectGUID cannot be read`);
  return guid;
}

/** The cookie of the current state: an empty cookie and a filter matching nothing (as a full import takes it). */
async function dirSyncCookie(client: Client, namingContext: string): Promise<Buffer> {
  const control = new DirSyncControl();
  do {
    await client.search(namingContext, { filter: MATCH_NOTHING_FILTER, attributes: ['objectGUID'] }, control);
  } while (control.moreResults);
  return control.cookie;
}

async function dirSyncSawDeletion(client: Client, namingContext: string, cookie: Buffer, guid: Buffer): Promise<boolean> {
  const control = new DirSyncControl({ cookie });
  let seen = false;
  do {
    // Samba's DirSync returns nothing when objectGUID is the only attribute asked for.
    const { searchEntries } = await client.search(
      namingContext,
      { filter: CHANGE_FILTER, attributes: ['objectGUID', 'isDeleted'], explicitBufferAttributes: ['objectGUID'] },
      [control, new ShowDeletedControl()],
    );
    seen ||= searchEntries.some(
      (entry) =>
        valuesAsArray(entry.objectGUID as LdapValues | undefined).some((value) => Buffer.isBuffer(value) && value.equals(guid)) &&
        valuesAsArray(entry.isDeleted as LdapValues | undefined)[0]
          ?.toString()
          .toUpperCase() === 'TRUE',
    );
  } while (control.moreResults);
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
