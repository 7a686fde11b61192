// Microsoft Graph permissions (application roles, or delegated scopes of the same name) each
// operation accepts; a caller needs any one of the listed permissions.

const directoryRead = ['Directory.Read.All', 'Directory.ReadWrite.All'];

export const permissions = {
  readUsers: ['User.Read.All', 'User.ReadWrite.All', 'User.ReadBasic.All', ...directoryRead],
  writeUsers: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
  /** Deleting and restoring users: User.DeleteRestore.All is the least privileged. */
  deleteUsers: ['User.DeleteRestore.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
  readGroups: ['Group.Read.All', 'Group.ReadWrite.All', 'GroupMember.Read.All', 'GroupMember.ReadWrite.All', ...directoryRead],
  writeGroups: ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  writeMembers: ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  readContacts: ['OrgContact.Read.All', ...directoryRead],
  readDirectory: directoryRead,
  restoreDeleted: ['User.DeleteRestore.All', 'User.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'],
  readOrganization: ['Organization.Read.All', 'Organization.ReadWrite.All', 'User.Read', ...directoryRead],
  readDomains: ['Domain.Read.All', 'Domain.ReadWrite.All', ...directoryRead],
  readApplications: ['Application.Read.All', 'Application.ReadWrite.All', 'Application.ReadWrite.OwnedBy', ...directoryRead],
  writeApplications: ['Application.ReadWrite.All', 'Application.ReadWrite.OwnedBy'],
  readRoles: ['RoleManagement.Read.Directory', 'RoleManagement.Read.All', 'RoleManagement.ReadWrite.Directory', ...directoryRead],
  /** /users/{id}/transitiveMemberOf (and memberOf of groups): what reads the member or its groups. */
  readMemberships: [
    'User.Read.All',
    'User.ReadWrite.All',
    'GroupMember.Read.All',
    'GroupMember.ReadWrite.All',
    'Group.Read.All',
    'Group.ReadWrite.All',
    ...directoryRead,
  ],
  /** Adding or removing directory role members and role assignments. */
  writeRoles: ['RoleManagement.ReadWrite.Directory'],
  /** Setting isAssignableToRole, and any membership change of a role-assignable group: Group.ReadWrite.All is not enough. */
  manageRoleAssignableGroups: ['RoleManagement.ReadWrite.Directory'],
  /** PIM eligibilities: Directory.Read.All does not reach them. */
  readRoleEligibility: [
    'RoleEligibilitySchedule.Read.Directory',
    'RoleEligibilitySchedule.ReadWrite.Directory',
    'RoleManagement.Read.All',
    'RoleManagement.Read.Directory',
    'RoleManagement.ReadWrite.Directory',
  ],
} as const;

/** What the pre-created DirSync app registration is granted. */
export const dirSyncApplicationRoles = [
  'User.ReadWrite.All',
  'Group.ReadWrite.All',
  'GroupMember.ReadWrite.All',
  'Directory.ReadWrite.All',
  'OrgContact.Read.All',
  'Organization.Read.All',
  'Domain.Read.All',
  'Application.ReadWrite.OwnedBy',
  'RoleManagement.Read.Directory',
];
