// One Entra ID stand-in per test file, and a connection to it as DirSync makes one.
import { createHash } from 'node:crypto';
import { connectToEntra, type EntraConnection, type EntraConnectionSettings } from '../../../src/connectors/entra/connection.ts';
import { startEntraStandIn, type EntraStandIn } from '../../entra-standin/stand-in.ts';

export async function withStandIn(options: Parameters<typeof startEntraStandIn>[0] = {}): Promise<EntraStandIn> {
  return startEntraStandIn(options);
}

export function standInEndpoints(standIn: EntraStandIn): { authorityHost: string; graphEndpoint: string } {
  return { authorityHost: `https://${standIn.authorityHost}`, graphEndpoint: standIn.graphEndpoint };
}

export function connect(standIn: EntraStandIn, overrides: Partial<EntraConnectionSettings> = {}): Promise<EntraConnection> {
  return connectToEntra({
    tenantId: standIn.tenantId,
    clientId: standIn.clientId,
    credential: { kind: 'client-secret', secret: standIn.clientSecret },
    cloud: standInEndpoints(standIn),
    caPem: standIn.caPem,
    preview: false,
    retry: { backoffBaseSeconds: 0.2 },
    ...overrides,
  });
}

/**
 * A sourceAnchor as AD gives it: Base64 of 16 GUID-like bytes, unique per `index` even ignoring case
 * (Entra ID compares anchors case-insensitively). Each starts with '+' and holds a '/' to prove URL encoding.
 */
export function anchorFor(index: number): string {
  const bytes = createHash('md5').update(`anchor-${index}`).digest();
  bytes[0] = 0xfb;
  bytes[15] = 0xff;
  return bytes.toString('base64');
}

export function userBody(index: number, domain: string, anchor = anchorFor(index)): Record<string, unknown> {
  return {
    accountEnabled: true,
    displayName: `User ${index}`,
    mailNickname: `user${index}`,
    userPrincipalName: `user${index}@${domain}`,
    onPremisesImmutableId: anchor,
    passwordProfile: { password: 'Zq8!mR2#vL5@', forceChangePasswordNextSignIn: false },
  };
}
