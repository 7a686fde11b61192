// Microsoft Entra built-in roles the stand-in knows, and the shapes role management gives to
// assignments and eligibilities. A role's template id is also its roleDefinitionId in
// /roleManagement/directory, as in Entra ID.

/** Display name → template id (the real ids of these built-in roles). */
export const roleTemplates: Record<string, string> = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'Exchange Administrator': '29232cdf-9323-42fd-ade2-1d097af3e4de',
  'Privileged Role Administrator': 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  'Helpdesk Administrator': '729827e3-9c14-49f7-bb1b-9608f156bbb8',
};

export function roleNameOf(templateId: string): string | undefined {
  return Object.entries(roleTemplates).find(([, id]) => id === templateId.toLowerCase())?.[0];
}

/** The template id of a role given by name or by template id; throws for a role the stand-in does not know. */
export function roleTemplateId(nameOrTemplateId: string): string {
  const templateId = roleTemplates[nameOrTemplateId] ?? (roleNameOf(nameOrTemplateId) ? nameOrTemplateId.toLowerCase() : undefined);
  if (!templateId) throw new Error(`Unknown directory role '${nameOrTemplateId}'. Known roles: ${Object.keys(roleTemplates).join(', ')}.`);
  return templateId;
}

/** A GUID's 16 bytes in the Windows (mixed-endian) order, as Entra ID encodes them in ids. */
function guidBytes(guid: string): Buffer {
  const bytes = Buffer.from(guid.replaceAll('-', ''), 'hex');
  return Buffer.concat([bytes.subarray(0, 4).reverse(), bytes.subarray(4, 6).reverse(), bytes.subarray(6, 8).reverse(), bytes.subarray(8)]);
}

/**
 * The id Entra ID gives a tenant-wide role assignment: Base64url of the role definition's and the
 * principal's GUID bytes, then `-1` (e.g. `lAPpYvVpN0KRkAEhdxReE…-1` for a Global Administrator).
 */
export function roleAssignmentId(roleDefinitionId: string, principalId: string): string {
  return `${Buffer.concat([guidBytes(roleDefinitionId), guidBytes(principalId)]).toString('base64url')}-1`;
}

/** A PIM eligibility: the principal may activate the role (P2 / ID Governance). */
export interface RoleEligibility {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  appScopeId: string | null;
  startDateTime: string;
  /** null: permanently eligible. */
  endDateTime: string | null;
  /** How the principal holds it; a group's eligibility is listed once, for the group ('Direct'). */
  memberType: 'Direct';
  roleEligibilityScheduleId: string;
}
