// The AAD_xxxxxxxxxxxx account DirSync reads Active Directory through: created (or found again by its
// objectGUID) with an administrator's session, given a fresh password, and granted the one replication
// right the DirSync control needs on the domain root. Removed again with removeServiceAccount.
import { randomBytes } from 'node:crypto';
import {
  AlreadyExistsError,
  Attribute,
  Change,
  type Client,
  ConfidentialityRequiredError,
  ConstraintViolationError,
  InsufficientAccessError,
  NoSuchObjectError,
  StrongAuthRequiredError,
  UnwillingToPerformError,
} from 'ldapts';
import { DirSyncError } from '../../core/errors.ts';
import { randomPassword } from '../../core/passwords.ts';
import { grantReplicationRights, revokeReplicationRights } from './replication-rights.ts';
import { readDomainDn } from './root-dse.ts';
import { guidFromBytes } from './security-descriptor.ts';
import { firstBuffer, firstString, sidToString } from './values.ts';
import { findWellKnownContainer, WellKnownContainer } from './well-known-containers.ts';

export const serviceAccountNamePattern = /^AAD_[0-9a-f]{12}$/;

export interface ServiceAccount {
  dn: string;
  /** String form, e.g. 3f2504e0-4f89-11d3-9a0c-0305e82c3301: what the installation stores to find it again. */
  objectGuid: string;
  /** S-1-5-21-… */
  sid: string;
  samAccountName: string;
  /**
   * What DirSync signs in with: a UPN keeps working when the account is renamed or moved inside the domain,
   * where a stored DN would not.
   */
  userPrincipalName: string;
  /** The new password. The caller stores it encrypted; it must never be logged. */
  password: string;
  /** An earlier version had granted the account "Replicating Directory Changes All" on the domain root: removed now. */
  changesAllRemoved: boolean;
}

export interface ServiceAccountOptions {
  /**
   * objectGUID of the account an earlier installation created: reused (re-keyed) when it still exists, after
   * checking it is that account (see existingSamAccountName).
   */
  existingObjectGuid?: string;
  /** The sAMAccountName stored with existingObjectGuid: the account found by the GUID must bear it. */
  existingSamAccountName?: string;
  /** The domain's naming context; read from the RootDSE when absent. */
  domainDn?: string;
}

type ServiceAccountFailure =
  | 'insufficient-access'
  | 'encryption-required'
  | 'password-rejected'
  | 'users-container-not-found'
  | 'not-the-service-account';

function serviceAccountError(
  failure: ServiceAccountFailure,
  message: string,
  recommendedAction: string,
  target: string,
  cause?: unknown,
): DirSyncError {
  return new DirSyncError(`ServiceAccount.${failure}`, message, { recommendedAction, target, cause });
}

// userAccountControl: NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD. Sync must not stop when a password ages out.
const serviceAccountControl = 0x200 | 0x10000;
const description = 'DirSync service account: reads this directory for synchronization to Microsoft Entra ID. Do not move, rename or delete it.';
const binaryAttributes = ['objectGUID', 'objectSid'];

function unicodePwd(password: string): Attribute {
  // [MS-ADTS] 3.1.1.3.1.5.1: the quoted password in UTF-16LE.
  return new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${password}"`, 'utf16le')] });
}

async function readUsersContainer(client: Client, domainDn: string): Promise<string> {
  const usersContainer = await findWellKnownContainer(client, domainDn, WellKnownContainer.users);
  if (!usersContainer) {
    throw serviceAccountError(
      'users-container-not-found',
      `The domain ${domainDn} does not name its Users container (wellKnownObjects), so the AAD_ service account has no place to go.`,
      'Check the domain with "redirusr" or ADSI Edit: wellKnownObjects must list the Users container.',
      domainDn,
    );
  }
  return usersContainer;
}

interface FoundAccount {
  dn: string;
  objectGuid: string;
  sid: Buffer;
  samAccountName: string;
  userPrincipalName: string | undefined;
}

async function readAccount(client: Client, base: string): Promise<FoundAccount | undefined> {
  try {
    const { searchEntries } = await client.search(base, {
      scope: 'base',
      attributes: ['objectGUID', 'objectSid', 'sAMAccountName', 'userPrincipalName'],
      explicitBufferAttributes: binaryAttributes,
    });
    const entry = searchEntries[0];
    const guid = firstBuffer(entry?.objectGUID);
    const sid = firstBuffer(entry?.objectSid);
    const samAccountName = firstString(entry?.sAMAccountName);
    if (!entry || !guid || !sid || !samAccountName) return undefined;
    return { dn: entry.dn, objectGuid: guidFromBytes(guid), sid, samAccountName, userPrincipalName: firstString(entry.userPrincipalName) };
  } catch (error) {
    if (error instanceof NoSuchObjectError) return undefined;
    throw error;
  }
}

async function createAccount(client: Client, usersContainer: string, domainDn: string, password: string): Promise<FoundAccount> {
  for (let attempt = 1; ; attempt++) {
    const samAccountName = `AAD_${randomBytes(6).toString('hex')}`;
    const dn = `CN=${samAccountName},${usersContainer}`;
    try {
      await client.add(dn, [
        new Attribute({ type: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'user'] }),
        new Attribute({ type: 'sAMAccountName', values: [samAccountName] }),
        new Attribute({ type: 'userPrincipalName', values: [userPrincipalNameFor(samAccountName, domainDn)] }),
        new Attribute({ type: 'description', values: [description] }),
        new Attribute({ type: 'userAccountControl', values: [String(serviceAccountControl)] }),
        unicodePwd(password),
      ]);
    } catch (error) {
      // 48 random bits: a clash is next to impossible, but costs nothing to survive.
      if (error instanceof AlreadyExistsError && attempt < 3) continue;
      throw error;
    }
    const created = await readAccount(client, dn);
    if (!created)
      throw new DirSyncError('ActiveDirectory.unexpected-reply', `the service account ${dn} was created but cannot be read back`, { target: dn });
    return created;
  }
}

/** AAD_…@corp.example.com: the account's name at the domain's DNS name. */
function userPrincipalNameFor(samAccountName: string, domainDn: string): string {
  const dnsName = domainDn
    .split(',')
    .map((part) => part.trim().replace(/^DC=/i, ''))
    .join('.');
  return `${samAccountName}@${dnsName}`;
}

async function setPassword(client: Client, dn: string, password: string): Promise<void> {
  // An administrator's reset is a replace of unicodePwd (a change by the user would be delete + add).
  await client.modify(dn, new Change({ operation: 'replace', modification: unicodePwd(password) }));
}

/**
 * The account found by a stored objectGUID must be the AAD_ account DirSync created: a configuration edited by
 * hand (or pointing at a reused GUID) must never make DirSync reset the password of, or delete, another account.
 */
function verifyIdentity(found: FoundAccount, expectedName: string | undefined): void {
  const nameMatches = expectedName === undefined || found.samAccountName.toLowerCase() === expectedName.toLowerCase();
  if (serviceAccountNamePattern.test(found.samAccountName) && nameMatches) return;
  const expected = expectedName === undefined ? 'an AAD_ account (AAD_ and 12 hexadecimal digits)' : expectedName;
  throw serviceAccountError(
    'not-the-service-account',
    `The objectGUID ${found.objectGuid} stored as DirSync's service account belongs to ${found.samAccountName} (${found.dn}), not to ${expected}. Nothing was changed.`,
    'Check the configuration: if the service account was deleted, remove its objectGUID from the configuration so that configure creates a new one.',
    found.dn,
  );
}

function insufficientAccess(error: InsufficientAccessError, domainDn: string): DirSyncError {
  return serviceAccountError(
    'insufficient-access',
    `The on-premises credential may not create the DirSync service account or change the permissions of ${domainDn}: ${error.message}`,
    'Enter the credential of an Enterprise Administrator (or a Domain Administrator of this domain).',
    domainDn,
    error,
  );
}

/** Runs a password write, turning the directory's refusals into errors that say what to do. */
async function writingPassword<T>(target: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof ConfidentialityRequiredError || error instanceof StrongAuthRequiredError) {
      throw serviceAccountError(
        'encryption-required',
        `Active Directory sets passwords only over an encrypted connection, and this one is not: ${error.message}`,
        'Connect with LDAPS (port 636) or StartTLS.',
        target,
        error,
      );
    }
    if (error instanceof UnwillingToPerformError || error instanceof ConstraintViolationError) {
      throw serviceAccountError(
        'password-rejected',
        `Active Directory refused the service account's password: ${error.message}`,
        'Connect over LDAPS or StartTLS (AD refuses passwords on plain LDAP); if you do, check the domain password policy: a random 64-character password with all character classes is used.',
        target,
        error,
      );
    }
    throw error;
  }
}

/**
 * Makes sure the DirSync service account exists with a new password and the replication rights.
 * `client` must be bound as an Enterprise or Domain Administrator over LDAPS or StartTLS.
 * On a re-run pass the stored `existingObjectGuid`: the account is found wherever it was moved or
 * renamed to and gets a new password; a new account is created only when it no longer exists.
 */
export async function ensureServiceAccount(client: Client, options: ServiceAccountOptions = {}): Promise<ServiceAccount> {
  const domainDn = options.domainDn ?? (await readDomainDn(client));
  const password = randomPassword();
  try {
    const existing = options.existingObjectGuid ? await readAccount(client, `<GUID=${options.existingObjectGuid}>`) : undefined;
    let account: FoundAccount;
    if (existing) {
      verifyIdentity(existing, options.existingSamAccountName);
      account = existing;
      await writingPassword(existing.dn, () => setPassword(client, existing.dn, password));
      if (!existing.userPrincipalName) {
        // Accounts created before DirSync signed in by UPN.
        account = { ...existing, userPrincipalName: userPrincipalNameFor(existing.samAccountName, domainDn) };
        await client.modify(
          existing.dn,
          new Change({ operation: 'replace', modification: new Attribute({ type: 'userPrincipalName', values: [account.userPrincipalName!] }) }),
        );
      }
    } else {
      const usersContainer = await readUsersContainer(client, domainDn);
      account = await writingPassword(usersContainer, () => createAccount(client, usersContainer, domainDn, password));
    }
    const { changesAllRemoved } = await grantReplicationRights(client, domainDn, account.sid);
    return {
      dn: account.dn,
      objectGuid: account.objectGuid,
      sid: sidToString(account.sid),
      samAccountName: account.samAccountName,
      userPrincipalName: account.userPrincipalName ?? userPrincipalNameFor(account.samAccountName, domainDn),
      password,
      changesAllRemoved,
    };
  } catch (error) {
    throw error instanceof InsufficientAccessError ? insufficientAccess(error, domainDn) : error;
  }
}

export interface ServiceAccountRemoval {
  /** False when no account had the objectGUID any more (removed earlier): nothing was changed. */
  removed: boolean;
  /** The removed account's DN, when it existed. */
  dn: string | undefined;
  /** Replication-right ACEs of the account taken off the domain root. */
  aclEntriesRemoved: number;
}

/**
 * Deletes the AAD_ account DirSync created (for uninstall): checks it is that account like a re-key does, takes
 * its replication rights off the domain root, then deletes it. Running it again once it is gone changes nothing.
 */
export async function removeServiceAccount(
  client: Client,
  account: { objectGuid: string; samAccountName: string },
  options: { domainDn?: string } = {},
): Promise<ServiceAccountRemoval> {
  const domainDn = options.domainDn ?? (await readDomainDn(client));
  try {
    const found = await readAccount(client, `<GUID=${account.objectGuid}>`);
    if (!found) return { removed: false, dn: undefined, aclEntriesRemoved: 0 };
    verifyIdentity(found, account.samAccountName);
    const aclEntriesRemoved = await revokeReplicationRights(client, domainDn, found.sid);
    await client.del(found.dn);
    return { removed: true, dn: found.dn, aclEntriesRemoved };
  } catch (error) {
    throw error instanceof InsufficientAccessError ? insufficientAccess(error, domainDn) : error;
  }
}
