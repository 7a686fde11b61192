// The readiness rules: what in an AD object will fail, be rewritten, or land differently than intended when it is
// exported to Entra ID. Pure functions over the engine's SourceObjects (no LDAP, no Graph), so they run the same on
// a live import and in unit tests. Limits and character rules follow Microsoft's "Prepare directory attributes for
// synchronization" (UPN 113 characters, 64 before the @; mail and each proxy address 256; mailNickname 64;
// displayName 256; givenName and surname 64) and the mapping DirSync itself applies (src/engine/mapping.ts).
import { notExportableReason, type TenantContext } from '../engine/mapping.ts';
import { exportedMailNickname } from '../engine/mapping/targets.ts';
import type { SourceObject } from '../engine/model.ts';

export type Severity = 'error' | 'warning';

/** One thing to correct: `error` will fail or be rewritten on export; `warning` will export, probably not as intended. */
export interface Finding {
  dn: string;
  attribute: string;
  value: string;
  code: ReadinessCode;
  severity: Severity;
  fix: string;
}

/** The stable codes of findings (scripts branch on them; never renamed once released). */
export type ReadinessCode =
  | 'Readiness.upn-missing'
  | 'Readiness.upn-invalid-character'
  | 'Readiness.upn-non-routable-suffix'
  | 'Readiness.upn-unverified-suffix'
  | 'Readiness.upn-duplicate'
  | 'Readiness.upn-taken-in-cloud'
  | 'Readiness.mail-malformed'
  | 'Readiness.mail-taken-in-cloud'
  | 'Readiness.smtp-address-duplicate'
  | 'Readiness.proxy-address-malformed'
  | 'Readiness.too-many-proxy-addresses'
  | 'Readiness.mailnickname-invalid-character'
  | 'Readiness.value-too-long'
  | 'Readiness.group-not-exportable';

/** What the cloud says, when it could be asked: verified domains, and the users no sync client owns. */
export interface CloudFacts {
  initialDomain: string;
  verifiedDomains: ReadonlySet<string>;
  unanchoredUsers: readonly UnanchoredCloudUser[];
  /** Whether DirSync would take such a user over by its mail or UPN (configuration.matching.softMatch). */
  softMatch: boolean;
}

export interface UnanchoredCloudUser {
  id: string;
  userPrincipalName: string;
  mail: string | null;
  proxyAddresses: readonly string[];
}

const LIMITS: Record<string, number> = {
  userprincipalname: 113,
  mail: 256,
  mailnickname: 64,
  displayname: 256,
  givenname: 64,
  sn: 64,
};
const UPN_LOCAL_PART_LIMIT = 64;
const PROXY_ADDRESS_LIMIT = 256;
/** Entra keeps about this many proxy addresses per object; more are dropped. */
const PROXY_ADDRESS_COUNT_LIMIT = 300;
/** The characters Entra accepts before the @ of a UPN. */
const UPN_LOCAL_PART = /^[A-Za-z0-9'._!#^~-]+$/;
/** An SMTP address as Entra takes it: ASCII, no spaces or the characters RFC 5322 reserves, a dotted domain. */
const SMTP_ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
/** Suffixes no one can verify in a tenant (RFC 6762 and the usual private ones). */
const NON_ROUTABLE_SUFFIX = /\.(local|lan|localdomain|internal|intranet|corp|home|private)$/i;
/** How Entra ID compares UPNs and addresses: without case. */
export const CASE_FOLD = (value: string) => value.toLowerCase();

/** The tenant assumed when the cloud could not be asked: only the initial domain's shape matters for the mapping. */
export const UNKNOWN_TENANT: TenantContext = {
  initialDomain: 'tenant.onmicrosoft.com',
  verifiedDomains: new Set(),
  sourceAnchorProperty: 'extension_sourceAnchor',
  extensionProperties: new Map(),
};

/** The AD attributes the rules read beyond what the mapping and selection read: a readiness scan asks AD for them too. */
export const READINESS_ATTRIBUTES = [
  'userPrincipalName',
  'sAMAccountName',
  'mail',
  'mailNickname',
  'proxyAddresses',
  'displayName',
  'givenName',
  'sn',
  'groupType',
];

/** The findings about one object on its own (duplicates are found by DuplicateIndex across objects). */
export function checkObject(object: SourceObject, cloud: CloudFacts | undefined): Finding[] {
  const findings: Finding[] = [];
  const add = (attribute: string, value: string, code: ReadinessCode, severity: Severity, fix: string) =>
    findings.push({ dn: object.dn, attribute, value, code, severity, fix });
  const value = (name: string) => object.attributes[name]?.[0] || undefined;

  for (const [name, limit] of Object.entries(LIMITS)) {
    const current = value(name);
    if (current !== undefined && current.length > limit)
      add(attributeName(name), current, 'Readiness.value-too-long', 'error', `Shorten it to at most ${limit} characters (it has ${current.length}).`);
  }
  if (object.kind === 'user') checkUserPrincipalName(object, cloud, add);
  const mail = value('mail');
  if (mail !== undefined && !isSmtpAddress(mail))
    add(
      'mail',
      mail,
      'Readiness.mail-malformed',
      'error',
      'Correct it to a single address such as name@example.com: ASCII, no spaces, no ( ) < > [ ] ; : , " \\.',
    );
  checkProxyAddresses(object, add);
  if (object.kind !== 'contact') checkMailNickname(object, add);
  const notExportable = object.kind === 'group' ? notExportableReason(object) : undefined;
  if (notExportable !== undefined)
    add(
      'groupType',
      value('grouptype') ?? '',
      'Readiness.group-not-exportable',
      'warning',
      `It will not be exported: ${notExportable}. Create it in Exchange Online, or make it a security group without mail.`,
    );
  return findings;
}

type Add = (attribute: string, value: string, code: ReadinessCode, severity: Severity, fix: string) => void;

function checkUserPrincipalName(object: SourceObject, cloud: CloudFacts | undefined, add: Add): void {
  const upn = object.attributes.userprincipalname?.[0];
  const initialDomain = tenantOf(cloud).initialDomain;
  if (!upn) {
    const sam = object.attributes.samaccountname?.[0] ?? '';
    add(
      'userPrincipalName',
      '',
      'Readiness.upn-missing',
      'warning',
      `Give the user a UPN on a verified domain; until then it is exported as ${sam}@${initialDomain}.`,
    );
    return;
  }
  const at = upn.lastIndexOf('@');
  const local = at >= 0 ? upn.slice(0, at) : upn;
  const suffix = at >= 0 ? upn.slice(at + 1).toLowerCase() : '';
  const invalid = [...new Set([...local].filter((character) => !UPN_LOCAL_PART.test(character)))];
  if (at < 0 || invalid.length > 0 || local.startsWith('.') || local.endsWith('.')) {
    const why =
      at < 0
        ? 'it has no @domain part'
        : invalid.length > 0
          ? `remove ${invalid.map((character) => (character === ' ' ? 'the spaces' : `"${character}"`)).join(', ')}`
          : 'no period may start or end the part before the @';
    add('userPrincipalName', upn, 'Readiness.upn-invalid-character', 'error', `Entra accepts A-Z a-z 0-9 ' . - _ ! # ^ ~ before the @: ${why}.`);
  } else if (local.length > UPN_LOCAL_PART_LIMIT) {
    add(
      'userPrincipalName',
      upn,
      'Readiness.value-too-long',
      'error',
      `Shorten the part before the @ to at most ${UPN_LOCAL_PART_LIMIT} characters (it has ${local.length}).`,
    );
  }
  if (at < 0) return;
  if (NON_ROUTABLE_SUFFIX.test(suffix) || !suffix.includes('.')) {
    add(
      'userPrincipalName',
      upn,
      'Readiness.upn-non-routable-suffix',
      'error',
      `"${suffix}" cannot be verified in a tenant: it is exported as ${local}@${initialDomain}. Add a routable UPN suffix to the forest and give it to the user.`,
    );
  } else if (cloud && !cloud.verifiedDomains.has(suffix)) {
    add(
      'userPrincipalName',
      upn,
      'Readiness.upn-unverified-suffix',
      'error',
      `"${suffix}" is not a verified domain of the tenant: it is exported as ${local}@${initialDomain}. Verify the domain in the tenant, or give the user a UPN on a verified domain.`,
    );
  }
}

function checkProxyAddresses(object: SourceObject, add: Add): void {
  const addresses = object.attributes.proxyaddresses ?? [];
  if (addresses.length > PROXY_ADDRESS_COUNT_LIMIT) {
    add(
      'proxyAddresses',
      `${addresses.length} values`,
      'Readiness.too-many-proxy-addresses',
      'warning',
      `Entra keeps at most ${PROXY_ADDRESS_COUNT_LIMIT} proxy addresses per object: remove the ones no longer used.`,
    );
  }
  for (const address of addresses) {
    if (address.length > PROXY_ADDRESS_LIMIT)
      add(
        'proxyAddresses',
        address,
        'Readiness.value-too-long',
        'error',
        `Shorten it to at most ${PROXY_ADDRESS_LIMIT} characters (it has ${address.length}).`,
      );
    const colon = address.indexOf(':');
    if (colon <= 0) {
      add(
        'proxyAddresses',
        address,
        'Readiness.proxy-address-malformed',
        'warning',
        'Add the address type: "SMTP:" for the primary address, "smtp:" for the others.',
      );
      continue;
    }
    // Only SMTP addresses are checked: X400, X500, SIP, EUM and the other types have rules of their own.
    if (address.slice(0, colon).toLowerCase() !== 'smtp') continue;
    if (!isSmtpAddress(address.slice(colon + 1)))
      add(
        'proxyAddresses',
        address,
        'Readiness.proxy-address-malformed',
        'warning',
        'Correct the address after "smtp:": ASCII, no spaces, no ( ) < > [ ] ; : , " \\, and a dotted domain.',
      );
  }
}

/** A mailNickname that DirSync would have to rewrite (the mapping strips what Graph refuses). */
function checkMailNickname(object: SourceObject, add: Add): void {
  const nickname = object.attributes.mailnickname?.[0];
  if (!nickname) return;
  const exported = notExportableReason(object) === undefined ? String(exportedMailNickname(nickname)) : nickname;
  if (exported !== nickname.slice(0, LIMITS.mailnickname) || nickname.startsWith('.') || nickname.endsWith('.')) {
    add(
      'mailNickname',
      nickname,
      'Readiness.mailnickname-invalid-character',
      'error',
      `Use ASCII without spaces, @ ( ) \\ [ ] " ; : < > , and no period at either end; otherwise it is exported as "${exported}".`,
    );
  }
}

export function isSmtpAddress(address: string): boolean {
  return SMTP_ADDRESS.test(address) && !address.includes('..') && address.length <= LIMITS.mail!;
}

function tenantOf(cloud: CloudFacts | undefined): TenantContext {
  return cloud ? { ...UNKNOWN_TENANT, initialDomain: cloud.initialDomain, verifiedDomains: cloud.verifiedDomains } : UNKNOWN_TENANT;
}

function attributeName(lowerCase: string): string {
  return (
    {
      userprincipalname: 'userPrincipalName',
      mail: 'mail',
      mailnickname: 'mailNickname',
      displayname: 'displayName',
      givenname: 'givenName',
      sn: 'sn',
    }[lowerCase] ?? lowerCase
  );
}
