// The Graph resource types the stand-in serves: their properties, which ones a client may write,
// and the property set real Graph returns when the request has no $select.

export type ResourceType =
  | 'user'
  | 'group'
  | 'orgContact'
  | 'directoryRole'
  | 'application'
  // Not directory objects: role management entities, served from records the directory derives or keeps.
  | 'unifiedRoleAssignment'
  | 'unifiedRoleEligibilityScheduleInstance'
  // The base type of mixed collections (members, memberOf, transitiveMemberOf).
  | 'directoryObject';

export interface ResourceSchema {
  /** OData type name, e.g. 'user' → '#microsoft.graph.user'. */
  type: ResourceType;
  /** Name used in Graph error messages ("… of resource 'User'"). */
  resourceName: string;
  /** Every declared property, canonical spelling. */
  properties: readonly string[];
  /** Properties a client may set on create/update. The others are read-only. */
  writable: readonly string[];
  /** Properties returned without $select. */
  defaultSelect: readonly string[];
  /** Properties never returned (passwords). */
  hidden: readonly string[];
  /** Collection-valued properties: serialised as [] rather than null when unset. */
  collections: readonly string[];
}

const userOnPremisesReadOnly = [
  'onPremisesSyncEnabled',
  'onPremisesSamAccountName',
  'onPremisesDistinguishedName',
  'onPremisesSecurityIdentifier',
  'onPremisesDomainName',
  'onPremisesUserPrincipalName',
  'onPremisesLastSyncDateTime',
];

const userWritable = [
  'accountEnabled',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'mailNickname',
  'userPrincipalName',
  'passwordProfile',
  'onPremisesImmutableId',
  'onPremisesExtensionAttributes',
  'businessPhones',
  'mobilePhone',
  'faxNumber',
  'jobTitle',
  'department',
  'companyName',
  'officeLocation',
  'preferredLanguage',
  'usageLocation',
  'employeeId',
  'employeeType',
  'employeeOrgData',
  'city',
  'state',
  'country',
  'streetAddress',
  'postalCode',
  'otherMails',
  'userType',
  'showInAddressList',
];

export const userSchema: ResourceSchema = {
  type: 'user',
  resourceName: 'User',
  writable: userWritable,
  properties: ['id', 'createdDateTime', 'deletedDateTime', 'proxyAddresses', ...userOnPremisesReadOnly, ...userWritable],
  defaultSelect: [
    'businessPhones',
    'displayName',
    'givenName',
    'id',
    'jobTitle',
    'mail',
    'mobilePhone',
    'officeLocation',
    'preferredLanguage',
    'surname',
    'userPrincipalName',
  ],
  hidden: ['passwordProfile'],
  collections: ['businessPhones', 'proxyAddresses', 'otherMails'],
};

const groupWritable = [
  'displayName',
  'description',
  'mailEnabled',
  'mailNickname',
  'securityEnabled',
  'groupTypes',
  'visibility',
  'membershipRule',
  'membershipRuleProcessingState',
  'isAssignableToRole',
  'classification',
  'preferredLanguage',
];
const groupReadOnly = [
  'id',
  'createdDateTime',
  'deletedDateTime',
  'mail',
  'proxyAddresses',
  'renewedDateTime',
  'securityIdentifier',
  'onPremisesSyncEnabled',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesDomainName',
  'onPremisesNetBiosName',
  'onPremisesLastSyncDateTime',
];

export const groupSchema: ResourceSchema = {
  type: 'group',
  resourceName: 'Group',
  writable: groupWritable,
  properties: [...groupReadOnly, ...groupWritable],
  defaultSelect: [...groupReadOnly, ...groupWritable],
  hidden: [],
  collections: ['groupTypes', 'proxyAddresses'],
};

const contactProperties = [
  'id',
  'deletedDateTime',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'mailNickname',
  'proxyAddresses',
  'companyName',
  'department',
  'jobTitle',
  'addresses',
  'phones',
  'onPremisesSyncEnabled',
  'onPremisesLastSyncDateTime',
];

export const orgContactSchema: ResourceSchema = {
  type: 'orgContact',
  resourceName: 'OrgContact',
  writable: [],
  properties: contactProperties,
  defaultSelect: contactProperties,
  hidden: [],
  collections: ['proxyAddresses', 'addresses', 'phones'],
};

const roleProperties = ['id', 'deletedDateTime', 'displayName', 'description', 'roleTemplateId'];

export const directoryRoleSchema: ResourceSchema = {
  type: 'directoryRole',
  resourceName: 'DirectoryRole',
  writable: [],
  properties: roleProperties,
  defaultSelect: roleProperties,
  hidden: [],
  collections: [],
};

const applicationProperties = [
  'id',
  'appId',
  'displayName',
  'description',
  'notes',
  'tags',
  'createdDateTime',
  'deletedDateTime',
  'signInAudience',
  'isFallbackPublicClient',
];

export const applicationSchema: ResourceSchema = {
  type: 'application',
  resourceName: 'Application',
  // Of the application resource's many writable properties, those the stand-in keeps (and directory extensions).
  writable: ['displayName', 'description', 'notes', 'tags'],
  properties: applicationProperties,
  defaultSelect: applicationProperties,
  hidden: [],
  collections: [],
};

const roleAssignmentProperties = ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId'];

export const roleAssignmentSchema: ResourceSchema = {
  type: 'unifiedRoleAssignment',
  resourceName: 'UnifiedRoleAssignment',
  writable: ['principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId'],
  properties: roleAssignmentProperties,
  defaultSelect: roleAssignmentProperties,
  hidden: [],
  collections: [],
};

const roleEligibilityInstanceProperties = [
  'id',
  'principalId',
  'roleDefinitionId',
  'directoryScopeId',
  'appScopeId',
  'startDateTime',
  'endDateTime',
  'memberType',
  'roleEligibilityScheduleId',
];

export const roleEligibilityInstanceSchema: ResourceSchema = {
  type: 'unifiedRoleEligibilityScheduleInstance',
  resourceName: 'UnifiedRoleEligibilityScheduleInstance',
  writable: [],
  properties: roleEligibilityInstanceProperties,
  defaultSelect: roleEligibilityInstanceProperties,
  hidden: [],
  collections: [],
};

const memberTypes = [userSchema, groupSchema, orgContactSchema, directoryRoleSchema];

/** directoryObject: $select on a mixed collection may name any member type's property; each element keeps its own. */
export const directoryObjectSchema: ResourceSchema = {
  type: 'directoryObject',
  resourceName: 'DirectoryObject',
  writable: [],
  properties: [...new Set(memberTypes.flatMap((schema) => schema.properties))],
  defaultSelect: ['id', 'deletedDateTime'],
  hidden: [...new Set(memberTypes.flatMap((schema) => schema.hidden))],
  collections: [...new Set(memberTypes.flatMap((schema) => schema.collections))],
};

export const schemas: Record<ResourceType, ResourceSchema> = {
  user: userSchema,
  group: groupSchema,
  orgContact: orgContactSchema,
  directoryRole: directoryRoleSchema,
  application: applicationSchema,
  unifiedRoleAssignment: roleAssignmentSchema,
  unifiedRoleEligibilityScheduleInstance: roleEligibilityInstanceSchema,
  directoryObject: directoryObjectSchema,
};

/** Directory extension properties are named `extension_<appId without dashes>_<name>`. */
export const extensionPropertyPattern = /^extension_[0-9a-f]{32}_[A-Za-z0-9_]+$/i;

/** The declared property whose name matches `name` case-insensitively, as Graph resolves them. */
export function canonicalProperty(schema: ResourceSchema, name: string): string | undefined {
  const lower = name.toLowerCase();
  return schema.properties.find((property) => property.toLowerCase() === lower);
}
