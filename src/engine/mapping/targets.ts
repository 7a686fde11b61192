// The cloud properties a mapping may set (targets), what each takes, and why the others are left alone. A target is a
// writable Graph property of the user or group a sync client may own, a property inside one of Graph's complex
// properties (onPremisesExtensionAttributes.extensionAttribute1 … 15, employeeOrgData.division/.costCenter), or a
// directory extension property registered on DirSync's own application (extension:<name>).
import type { Value } from './expression.ts';
import { readDateText } from './date-format.ts';
import { asText, asTruth, shown } from './expression-values.ts';

export type ObjectType = 'user' | 'group';

/** What a target takes: one text, a truth value, several texts, or a directory extension's data type. */
export type TargetType = 'string' | 'boolean' | 'strings';

/** The data types Graph registers a directory extension property with. */
export const EXTENSION_DATA_TYPES = ['String', 'Integer', 'LargeInteger', 'Boolean', 'DateTime', 'Binary'] as const;
export type ExtensionDataType = (typeof EXTENSION_DATA_TYPES)[number];

/** What the tenant adds to the rules of some targets. */
export interface TargetContext {
  initialDomain: string;
  verifiedDomains: ReadonlySet<string>;
}

export interface TargetDefinition {
  type: TargetType;
  /** Graph refuses to create the object without it: a mapping cannot leave it unmanaged. */
  requiredOnCreate?: boolean;
  /** Must be compared every cycle (DirSync moves a user off a placeholder UPN by it): never `onCreate`. */
  alwaysOnly?: boolean;
  /** DirSync's rule for a value Graph would refuse as it is (README: "Targets"). */
  rule?(value: unknown, tenant: TargetContext, notices: string[]): unknown;
}

/** A value a target cannot take (the wrong type, too many values): that object's error, naming the target. */
export class TargetValueError extends Error {}

const text: TargetDefinition = { type: 'string' };
const texts: TargetDefinition = { type: 'strings' };

/** A UPN without a verified suffix (e.g. corp.local) is exported on the initial domain, as the original does; a bare name gets the initial domain. */
function userPrincipalNameRule(value: unknown, tenant: TargetContext, notices: string[]): unknown {
  if (typeof value !== 'string') return value;
  const at = value.lastIndexOf('@');
  if (at < 0) return `${value}@${tenant.initialDomain}`;
  const prefix = value.slice(0, at);
  const suffix = value.slice(at + 1).toLowerCase();
  if (tenant.verifiedDomains.has(suffix)) return `${prefix}@${suffix}`;
  const replaced = `${prefix}@${tenant.initialDomain}`;
  notices.push(
    `the UPN suffix "${suffix}" of ${value} is not a verified domain of the tenant: exported as ${replaced} ` +
      '(verify the domain in the tenant, or give the user a UPN with a verified suffix)',
  );
  return replaced;
}

/** Graph refuses these characters in mailNickname: @ ( ) \ [ ] " ; : < > , space, and anything outside ASCII. */
export function exportedMailNickname(value: unknown): unknown {
  const cleaned = String(value ?? '')
    .normalize('NFKD')
    .replace(/[^\x21-\x7e]|[@()\\[\]";:<>,]/g, '');
  return (cleaned || 'user').slice(0, 64);
}

/** Graph takes a two-letter country code (ISO 3166-1), upper-case; anything else is not exported. */
function usageLocationRule(value: unknown): unknown {
  return typeof value === 'string' && /^[A-Za-z]{2}$/.test(value) ? value.toUpperCase() : null;
}

const extensionAttributes = Object.fromEntries(
  Array.from({ length: 15 }, (_, index) => [`onPremisesExtensionAttributes.extensionAttribute${index + 1}`, text]),
);

export const TARGETS: Readonly<Record<ObjectType, Readonly<Record<string, TargetDefinition>>>> = {
  user: {
    accountEnabled: { type: 'boolean', requiredOnCreate: true },
    displayName: { ...text, requiredOnCreate: true },
    givenName: text,
    surname: text,
    userPrincipalName: { ...text, requiredOnCreate: true, alwaysOnly: true, rule: userPrincipalNameRule },
    mailNickname: { ...text, requiredOnCreate: true, rule: exportedMailNickname },
    mail: text,
    jobTitle: text,
    department: text,
    companyName: text,
    officeLocation: text,
    streetAddress: text,
    city: text,
    state: text,
    postalCode: text,
    country: text,
    usageLocation: { ...text, rule: usageLocationRule },
    businessPhones: texts,
    mobilePhone: text,
    faxNumber: text,
    employeeId: text,
    employeeType: text,
    preferredLanguage: text,
    otherMails: texts,
    'employeeOrgData.division': text,
    'employeeOrgData.costCenter': text,
    ...extensionAttributes,
  },
  group: {
    displayName: { ...text, requiredOnCreate: true },
    description: text,
    mailNickname: { ...text, requiredOnCreate: true, rule: exportedMailNickname },
  },
};

const READ_ONLY = 'read-only for applications';
const DIRSYNC_ANCHOR = "DirSync's anchor (the Base64 objectGUID), never mapped";
const SHAREPOINT_PROFILE = 'a SharePoint profile property: Graph takes it only in a request of its own, with delegated permissions';
const ON_PREMISES = "read-only: only Microsoft's own sync clients set the onPremises… properties";

/** Properties a sync client might be expected to set, and why DirSync does not let a mapping set them. */
export const EXCLUDED_TARGETS: Readonly<Record<ObjectType, Readonly<Record<string, string>>>> = {
  user: {
    onPremisesImmutableId: DIRSYNC_ANCHOR,
    passwordProfile: "DirSync's: a random password nobody knows, set once when the user is created",
    manager: "a reference: DirSync sets it from AD's manager, once both users exist",
    proxyAddresses: `${READ_ONLY}: Exchange derives it from mail`,
    imAddresses: READ_ONLY,
    userType: 'member or guest decides what a user may see in the tenant: DirSync creates members',
    passwordPolicies: "a security setting of the tenant's, not directory data",
    showInAddressList: 'Microsoft says not to set it through Graph (the Microsoft 365 admin center manages it)',
    ageGroup: "legal age group settings belong to the tenant's administrators",
    consentProvidedForMinor: "legal age group settings belong to the tenant's administrators",
    identities: 'sign-in identities of external and B2C accounts, not synchronised data',
    employeeLeaveDateTime: 'needs the User-LifeCycleInfo.ReadWrite.All permission, which DirSync does not ask for',
    customSecurityAttributes: 'security policy with permissions of its own (Attribute Assignment), not directory data',
    ...Object.fromEntries(
      ['aboutMe', 'birthday', 'hireDate', 'interests', 'mySite', 'pastProjects', 'preferredName', 'responsibilities', 'schools', 'skills'].map(
        (name) => [name, SHAREPOINT_PROFILE],
      ),
    ),
    ...Object.fromEntries(
      [
        'onPremisesSyncEnabled',
        'onPremisesSamAccountName',
        'onPremisesDistinguishedName',
        'onPremisesDomainName',
        'onPremisesUserPrincipalName',
        'onPremisesSecurityIdentifier',
        'onPremisesLastSyncDateTime',
      ].map((name) => [name, ON_PREMISES]),
    ),
    onPremisesExtensionAttributes: 'map its properties one by one: onPremisesExtensionAttributes.extensionAttribute1 … 15',
    employeeOrgData: 'map its properties one by one: employeeOrgData.division, employeeOrgData.costCenter',
  },
  group: {
    'extension:dirSyncSourceAnchor': "DirSync's group anchor (the Base64 objectGUID), never mapped",
    mailEnabled: 'DirSync creates security groups without mail: Graph cannot create mail-enabled security or distribution groups',
    securityEnabled: 'DirSync creates security groups without mail: Graph cannot create mail-enabled security or distribution groups',
    groupTypes: 'Microsoft 365 and dynamic groups are not what AD groups become',
    membershipRule: 'a dynamic membership would replace the members DirSync synchronises from AD',
    membershipRuleProcessingState: 'a dynamic membership would replace the members DirSync synchronises from AD',
    isAssignableToRole:
      'settable only when a group is created, with RoleManagement.ReadWrite.Directory: role-assignable groups are for cloud administration',
    visibility: 'Microsoft 365 groups only',
    classification: 'Microsoft 365 groups only',
    mail: `${READ_ONLY}: Exchange Online sets it`,
    proxyAddresses: `${READ_ONLY}: Exchange Online sets it`,
    ...Object.fromEntries(['onPremisesSyncEnabled', 'onPremisesSamAccountName', 'onPremisesSecurityIdentifier'].map((name) => [name, ON_PREMISES])),
  },
};

/** The definition of a target of this object type, if it is one (extension targets have none). */
export function targetDefinition(objectType: ObjectType, target: string): TargetDefinition | undefined {
  return Object.hasOwn(TARGETS[objectType], target) ? TARGETS[objectType][target] : undefined;
}

/** Why a mapping may not set this property, if it may not. */
export function exclusionReason(objectType: ObjectType, target: string): string | undefined {
  return Object.hasOwn(EXCLUDED_TARGETS[objectType], target) ? EXCLUDED_TARGETS[objectType][target] : undefined;
}

/** `extension:<name>`: a directory extension property on DirSync's application. */
export const EXTENSION_TARGET = /^extension:([A-Za-z][A-Za-z0-9_]{0,99})$/;

/** The name an extension target registers (without the extension_<appId>_ prefix), or undefined for other targets. */
export function extensionName(target: string): string | undefined {
  return EXTENSION_TARGET.exec(target)?.[1];
}

/** A value as a target takes it, or TargetValueError. Empty text is no value (null): Graph refuses "" for most properties. */
export function targetValue(value: Value, type: TargetType | ExtensionDataType): unknown {
  try {
    switch (type) {
      case 'strings':
        return (Array.isArray(value) ? value : value === null ? [] : [asText(value, 'the value')]).filter((item) => item !== null && item !== '');
      case 'boolean':
      case 'Boolean':
        return value === null || value === '' ? null : asTruth(value, 'the value');
      case 'string':
      case 'String':
      case 'Binary': {
        const single = asText(value, 'the value');
        if (type === 'Binary' && single !== null && !/^[A-Za-z0-9+/]*={0,2}$/.test(single))
          throw new TargetValueError(`${shown(value)} is not Base64`);
        return single === '' ? null : single;
      }
      case 'Integer':
      case 'LargeInteger':
        return wholeNumber(value, type === 'Integer' ? 2 ** 31 : 2 ** 53);
      case 'DateTime':
        return dateTime(value);
    }
  } catch (error) {
    throw error instanceof TargetValueError ? error : new TargetValueError((error as Error).message);
  }
}

function wholeNumber(value: Value, limit: number): number | null {
  const single = typeof value === 'number' ? String(value) : asText(value, 'the value');
  if (single === null || single === '') return null;
  const number = Number(single);
  if (!/^-?\d+$/.test(single.trim()) || number < -limit || number >= limit)
    throw new TargetValueError(`${shown(value)} is not a whole number in range`);
  return number;
}

function dateTime(value: Value): string | null {
  const single = asText(value, 'the value');
  if (single === null || single === '') return null;
  // Read in UTC whatever the server's time zone: ISO 8601, the M/d/yyyy h:mm:ss tt of CDate/DateAdd/Now, AD's generalized time.
  const time = readDateText(single);
  if (time === undefined) throw new TargetValueError(`${shown(value)} is not a date and time`);
  return new Date(time).toISOString().replace('.000Z', 'Z');
}
