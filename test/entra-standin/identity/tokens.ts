// Access tokens: signed JWTs (RS256, published in the tenant's JWKS) that Graph verifies on every
// request. App-only tokens carry `roles`; delegated tokens carry `scp`.

import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, errors as joseErrors, type JWK } from 'jose';
import { graphErrors } from '../errors.ts';
import type { Caller } from '../graph/types.ts';

/** The resource identifiers Graph answers to: the real ones, plus the stand-in's own origin. */
export function graphAudiences(graphOrigin: string): string[] {
  return ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000', graphOrigin, graphOrigin.replace('127.0.0.1', 'localhost')];
}

export interface SigningKeyMaterial {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function createSigningKey(): Promise<SigningKeyMaterial> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID().replaceAll('-', '');
  return { kid, privateJwk: await exportJWK(privateKey), publicJwk: { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' } };
}

export interface TokenGrant {
  appId: string;
  /** Service principal id (app-only) or user id (delegated). */
  objectId: string;
  audience: string;
  roles?: string[];
  scopes?: string[];
  userPrincipalName?: string;
  lifetimeSeconds?: number;
}

export class TokenService {
  readonly #material: SigningKeyMaterial;
  readonly #issuer: string;
  readonly #tenantId: string;
  readonly #audiences: string[];
  readonly #key: Promise<CryptoKey | Uint8Array>;
  readonly #publicKey: Promise<CryptoKey | Uint8Array>;

  constructor(options: { material: SigningKeyMaterial; issuer: string; tenantId: string; graphOrigin: string }) {
    this.#material = options.material;
    this.#issuer = options.issuer;
    this.#tenantId = options.tenantId;
    this.#audiences = graphAudiences(options.graphOrigin);
    this.#key = importJWK(options.material.privateJwk, 'RS256');
    this.#publicKey = importJWK(options.material.publicJwk, 'RS256');
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.#material.publicJwk] };
  }

  async issue(grant: TokenGrant): Promise<{ token: string; expiresIn: number }> {
    const expiresIn = grant.lifetimeSeconds ?? 3599;
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      tid: this.#tenantId,
      oid: grant.objectId,
      appid: grant.appId,
      azp: grant.appId,
      idtyp: grant.scopes ? 'user' : 'app',
      ver: '2.0',
    };
    if (grant.roles && grant.roles.length > 0) claims.roles = grant.roles;
    if (grant.scopes) claims.scp = grant.scopes.join(' ');
    if (grant.userPrincipalName) claims.upn = grant.userPrincipalName;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.#material.kid })
      .setIssuer(this.#issuer)
      .setSubject(grant.objectId)
      .setAudience(grant.audience)
      .setIssuedAt(now)
      .setNotBefore(now - 300)
      .setExpirationTime(now + expiresIn)
      .setJti(randomUUID())
      .sign(await this.#key);
    return { token, expiresIn };
  }

  /** Checks a bearer token as Graph does: signature, issuer, audience, lifetime, tenant. */
  async verify(authorization: string | undefined): Promise<Caller> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw graphErrors.tokenMissing();
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(match[1]!, await this.#publicKey, { issuer: this.#issuer, algorithms: ['RS256'] }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw graphErrors.tokenExpired();
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'iss') throw graphErrors.tokenInvalid('Invalid issuer.');
      throw graphErrors.tokenInvalid('Invalid signature.');
    }
    if (typeof payload.aud !== 'string' || !this.#audiences.includes(payload.aud)) throw graphErrors.tokenInvalid('Invalid audience.');
    if (payload.tid !== this.#tenantId) throw graphErrors.tokenInvalid('Invalid tenant.');
    const delegated = typeof payload.scp === 'string';
    const permissions = delegated ? (payload.scp as string).split(' ') : Array.isArray(payload.roles) ? payload.roles.map(String) : [];
    return {
      appId: String(payload.appid),
      objectId: String(payload.oid),
      permissions: new Set(permissions),
      userId: delegated ? String(payload.oid) : undefined,
    };
  }
}
