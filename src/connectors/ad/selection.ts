// Which AD objects DirSync synchronises, in one place: the LDAP filters that find candidates and the
// exclusion rules of the original tool (the product brief's "Objects").
import type { ObjectKind } from '../../engine/model.ts';
import { parseDn } from './distinguished-name.ts';

/** Users (people, not computers), groups of every type, and contacts. Used by the full import. */
export const SELECTION_FILTER = '(|(&(objectCategory=person)(objectClass=user))(objectClass=group)(objectClass=contact))';

/**
 * Candidates for change tracking. Tombstones lose objectCategory, so computers are told apart by their
 * objectClass instead; a candidate is re-read and classified before it becomes a change.
 */
export const CHANGE_FILTER = '(&(|(objectClass=user)(objectClass=group)(objectClass=contact))(!(objectClass=computer)))';

/** Matches no object: asks DirSync for the current cookie without transferring the directory. */
export const MATCH_NOTHING_FILTER = '(&(objectClass=*)(!(objectClass=*)))';

/**
 * What kindOf and exclusionReason read (server spelling), plus objectGUID: all a listing of the scope needs to
 * tell which objects are synchronised, without the attributes the cloud side maps.
 */
export const SELECTION_ATTRIBUTES = [
  'objectGUID',
  'objectClass',
  'objectCategory',
  'isCriticalSystemObject',
  'sAMAccountName',
  'mail',
  'mailNickname',
  'proxyAddresses',
  'msExchHideFromAddressLists',
  'name',
  'displayName',
];

type Attributes = Readonly<Record<string, readonly string[]>>;

const first = (attributes: Attributes, name: string): string | undefined => attributes[name]?.[0];
const isTrue = (attributes: Attributes, name: string): boolean => first(attributes, name)?.toUpperCase() === 'TRUE';

/** The kind of a (complete, live) object, or undefined when DirSync does not synchronise objects like it. */
export function kindOf(attributes: Attributes): ObjectKind | undefined {
  const objectClasses = new Set((attributes.objectclass ?? []).map((value) => value.toLowerCase()));
  if (objectClasses.has('computer')) return undefined;
  if (objectClasses.has('group')) return 'group';
  if (objectClasses.has('contact')) return 'contact';
  const category = first(attributes, 'objectcategory');
  if (objectClasses.has('user') && category !== undefined && parseDn(category)[0] === 'cn=person') return 'user';
  return undefined;
}

/** Users whose sAMAccountName marks them as system or service accounts (matched case-insensitively). */
const excludedAccountPrefixes = [
  { prefix: 'support_388945a0', reason: 'the built-in support account SUPPORT_388945a0' },
  { prefix: 'msol_', reason: 'a directory synchronisation service account (MSOL_*)' },
  { prefix: 'aad_', reason: 'a directory synchronisation service account (AAD_*)' },
  { prefix: 'systemmailbox', reason: 'an Exchange system mailbox (SystemMailbox*)' },
  { prefix: 'cas_', reason: 'an Exchange system mailbox (CAS_*)' },
];

/**
 * Why an object of this kind is never synchronised, or undefined when it is. The reason is worded for
 * the verbose log ("… is not synchronised: it is <reason>").
 */
export function exclusionReason(kind: ObjectKind, attributes: Attributes): string | undefined {
  if (isTrue(attributes, 'iscriticalsystemobject')) return 'a critical system object (isCriticalSystemObject=TRUE)';
  if (kind === 'user') {
    const accountName = first(attributes, 'samaccountname');
    if (accountName === undefined || accountName === '') return 'a user without sAMAccountName';
    const lowerAccountName = accountName.toLowerCase();
    return excludedAccountPrefixes.find(({ prefix }) => lowerAccountName.startsWith(prefix))?.reason;
  }
  if (isMailEnabled(kind, attributes) && !hasMailAddress(attributes)) {
    return `a mail-enabled ${kind} with neither mail nor an SMTP proxy address`;
  }
  if (kind === 'contact') {
    if (isTrue(attributes, 'msexchhidefromaddresslists')) return 'a contact hidden from address lists';
    const names = [first(attributes, 'name'), first(attributes, 'displayname')];
    if (names.some((name) => name?.toLowerCase().includes('msol'))) return 'a contact named *MSOL*';
  }
  return undefined;
}

/**
 * A contact exists to be a mail recipient, so every contact counts as mail-enabled; a group is when
 * Exchange gave it an alias (mailNickname) or proxy addresses.
 */
function isMailEnabled(kind: ObjectKind, attributes: Attributes): boolean {
  return kind === 'contact' || (attributes.mailnickname?.length ?? 0) > 0 || (attributes.proxyaddresses?.length ?? 0) > 0;
}

function hasMailAddress(attributes: Attributes): boolean {
  return (first(attributes, 'mail') ?? '') !== '' || (attributes.proxyaddresses ?? []).some((address) => address.toLowerCase().startsWith('smtp:'));
}
