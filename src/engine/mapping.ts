// From an AD object to the cloud object DirSync wants it to be: the attribute flow of the original,
// within what Microsoft Graph lets an application write (see product.md).
import type { SourceObject } from './model.ts';

export interface TenantContext {
  /** The tenant's initial domain, e.g. contoso.onmicrosoft.com. */
  initialDomain: string;
  /** Verified domains, lower-case. */
  verifiedDomains: ReadonlySet<string>;
  /** The directory extension property that carries the sourceAnchor on groups. */
  sourceAnchorProperty: string;
}

/** The cloud attributes DirSync manages for one object; compared with what was last exported. */
export type CloudAttributes = Record<string, unknown>;

export type MappingResult =
  | {
      exportable: true;
      objectType: 'user' | 'group';
      attributes: CloudAttributes;
      /** Things the administrator should know about this object (e.g. its UPN suffix was replaced). */
      notices: string[];
    }
  | { exportable: false; reason: string };

const UF_ACCOUNTDISABLE = 0x2;
const GROUP_TYPE_SECURITY_ENABLED = 0x80000000;

export function mapToCloud(object: SourceObject, tenant: TenantContext): MappingResult {
  switch (object.kind) {
    case 'user':
      return mapUser(object, tenant);
    case 'group':
      return mapGroup(object, tenant);
    case 'contact':
      return {
        exportable: false,
        reason: 'contacts cannot be created through Microsoft Graph (orgContact is read-only for applications)',
      };
  }
}

function mapUser(object: SourceObject, tenant: TenantContext): MappingResult {
  const value = single(object);
  const notices: string[] = [];
  const samAccountName = value('samaccountname') ?? '';
  const userPrincipalName = cloudUserPrincipalName(value('userprincipalname') ?? `${samAccountName}@${tenant.initialDomain}`, tenant, notices);
  const userAccountControl = Number(value('useraccountcontrol') ?? 0);
  const telephone = value('telephonenumber');

  const attributes: CloudAttributes = {
    onPremisesImmutableId: object.anchor,
    accountEnabled: (userAccountControl & UF_ACCOUNTDISABLE) === 0,
    displayName: value('displayname') ?? value('cn') ?? value('name') ?? samAccountName,
    givenName: value('givenname') ?? null,
    surname: value('sn') ?? null,
    userPrincipalName,
    mailNickname: mailNickname(value('mailnickname') ?? (samAccountName || userPrincipalName.split('@')[0]!)),
    mail: value('mail') ?? null,
    jobTitle: value('title') ?? null,
    department: value('department') ?? null,
    companyName: value('company') ?? null,
    officeLocation: value('physicaldeliveryofficename') ?? null,
    streetAddress: value('streetaddress') ?? null,
    city: value('l') ?? null,
    state: value('st') ?? null,
    postalCode: value('postalcode') ?? null,
    country: value('co') ?? null,
    usageLocation: usageLocation(value('c')),
    businessPhones: telephone ? [telephone] : [],
    mobilePhone: value('mobile') ?? null,
    faxNumber: value('facsimiletelephonenumber') ?? null,
    employeeId: value('employeeid') ?? null,
    onPremisesExtensionAttributes: extensionAttributes(object),
  };
  return { exportable: true, objectType: 'user', attributes, notices };
}

function mapGroup(object: SourceObject, tenant: TenantContext): MappingResult {
  const value = single(object);
  const groupType = Number(value('grouptype') ?? 0) >>> 0;
  if ((groupType & GROUP_TYPE_SECURITY_ENABLED) === 0) {
    return {
      exportable: false,
      reason: 'distribution groups are mail-enabled, and Microsoft Graph cannot create mail-enabled groups other than Microsoft 365 groups',
    };
  }
  if (value('mail') !== undefined) {
    return { exportable: false, reason: 'mail-enabled security groups cannot be created or updated through Microsoft Graph' };
  }
  const samAccountName = value('samaccountname') ?? value('cn') ?? object.anchor;
  const attributes: CloudAttributes = {
    [tenant.sourceAnchorProperty]: object.anchor,
    displayName: value('displayname') ?? value('cn') ?? value('name') ?? samAccountName,
    description: value('description') ?? null,
    mailNickname: mailNickname(value('mailnickname') ?? samAccountName),
    mailEnabled: false,
    securityEnabled: true,
  };
  return { exportable: true, objectType: 'group', attributes, notices: [] };
}

/** A UPN whose suffix the tenant has not verified (e.g. corp.local) is exported on the initial domain, as the original does. */
function cloudUserPrincipalName(upn: string, tenant: TenantContext, notices: string[]): string {
  const at = upn.lastIndexOf('@');
  const prefix = at >= 0 ? upn.slice(0, at) : upn;
  const suffix = at >= 0 ? upn.slice(at + 1).toLowerCase() : '';
  if (tenant.verifiedDomains.has(suffix)) return `${prefix}@${suffix}`;
  const replaced = `${prefix}@${tenant.initialDomain}`;
  notices.push(
    `the UPN suffix "${suffix}" of ${upn} is not a verified domain of the tenant: exported as ${replaced} ` +
      '(verify the domain in the tenant, or give the user a UPN with a verified suffix)',
  );
  return replaced;
}

/** Graph refuses these characters in mailNickname: @ ( ) \ [ ] " ; : < > , space, and anything outside ASCII. */
function mailNickname(candidate: string): string {
  const cleaned = candidate.normalize('NFKD').replace(/[^\x21-\x7e]|[@()\\[\]";:<>,]/g, '');
  return (cleaned || 'user').slice(0, 64);
}

function usageLocation(countryCode: string | undefined): string | null {
  return countryCode && /^[A-Za-z]{2}$/.test(countryCode) ? countryCode.toUpperCase() : null;
}

function extensionAttributes(object: SourceObject): Record<string, string | null> {
  const result: Record<string, string | null> = {};
  for (let index = 1; index <= 15; index++) {
    result[`extensionAttribute${index}`] = object.attributes[`extensionattribute${index}`]?.[0] ?? null;
  }
  return result;
}

function single(object: SourceObject): (name: string) => string | undefined {
  return (name) => {
    const first = object.attributes[name]?.[0];
    return first === undefined || first === '' ? undefined : first;
  };
}

/**
 * The cloud properties DirSync owns on every object it exports, and compares with the tenant each cycle (drift). The
 * group anchor's extension property is DirSync's own bookkeeping, found by hard match, not compared.
 */
export const MANAGED_PROPERTIES: Record<'user' | 'group', readonly string[]> = {
  user: [
    'onPremisesImmutableId',
    'accountEnabled',
    'displayName',
    'givenName',
    'surname',
    'userPrincipalName',
    'mailNickname',
    'mail',
    'jobTitle',
    'department',
    'companyName',
    'officeLocation',
    'streetAddress',
    'city',
    'state',
    'postalCode',
    'country',
    'usageLocation',
    'businessPhones',
    'mobilePhone',
    'faxNumber',
    'employeeId',
    'onPremisesExtensionAttributes',
  ],
  group: ['displayName', 'description', 'mailNickname', 'mailEnabled', 'securityEnabled'],
};

/** The attributes that differ between what was exported and what is wanted now (the body of a PATCH). */
export function changedAttributes(exported: CloudAttributes, desired: CloudAttributes): CloudAttributes {
  const changes: CloudAttributes = {};
  for (const [name, value] of Object.entries(desired)) {
    if (!sameValue(exported[name], value)) changes[name] = value;
  }
  return changes;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
