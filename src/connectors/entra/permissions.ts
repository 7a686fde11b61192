// Whether DirSync's application holds the Graph application permissions it needs, read from the roles of the
// access token it was just issued (over TLS, by the tenant's token endpoint: no signature check is needed here).
import { recommendedActions } from '../../core/advice.ts';
import { DirSyncError } from '../../core/errors.ts';

/** Graph application permissions DirSync needs: each entry is satisfied by any one of its roles. */
const REQUIRED_PERMISSIONS: { purpose: string; anyOf: string[] }[] = [
  { purpose: 'create and update users', anyOf: ['User.ReadWrite.All', 'Directory.ReadWrite.All'] },
  { purpose: 'create and update groups and their members', anyOf: ['Group.ReadWrite.All', 'Directory.ReadWrite.All'] },
  { purpose: "read the tenant's domains", anyOf: ['Domain.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All'] },
  { purpose: 'register the group anchor property on its own application', anyOf: ['Application.ReadWrite.OwnedBy', 'Application.ReadWrite.All'] },
];

/** Throws Graph.permission-missing naming each permission the token lacks. */
export function ensureRequiredPermissions(accessToken: string, clientId: string): void {
  const roles = new Set(tokenRoles(accessToken));
  const missing = REQUIRED_PERMISSIONS.filter((permission) => !permission.anyOf.some((role) => roles.has(role)));
  if (missing.length === 0) return;
  throw new DirSyncError(
    'Graph.permission-missing',
    `application ${clientId} lacks Microsoft Graph application permissions: ${missing.map((permission) => `${permission.anyOf[0]} (to ${permission.purpose})`).join(', ')}`,
    {
      ...recommendedActions(
        (say) =>
          `grant these application permissions to the app registration and give admin consent, then run ${say.command('configure')} again; nothing was saved`,
      ),
      target: clientId,
    },
  );
}

/** The app roles of an access token (its payload's `roles` claim). */
function tokenRoles(accessToken: string): string[] {
  const payload = accessToken.split('.')[1] ?? '';
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.filter((role): role is string => typeof role === 'string') : [];
  } catch {
    return [];
  }
}
