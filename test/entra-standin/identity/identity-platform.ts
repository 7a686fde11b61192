// The Microsoft identity platform v2.0 endpoints of one tenant: OpenID discovery, JWKS, and the
// token endpoint (client credentials with a secret or a certificate assertion, device code, refresh
// token), answering errors with the real AADSTS codes.

import { createHash, randomBytes, randomUUID, timingSafeEqual, X509Certificate } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, importX509 } from 'jose';
import { IdentityError, identityErrors } from '../errors.ts';
import type { AppRegistration, Directory } from '../directory.ts';
import { graphAudiences, type TokenService } from './tokens.ts';

export interface IdentityResponse {
  status: number;
  body: unknown;
}

interface PendingDeviceCode {
  deviceCode: string;
  userCode: string;
  appId: string;
  scopes: string[];
  expiresAt: number;
  approvedUserId: string | undefined;
}

interface RefreshGrant {
  appId: string;
  userId: string;
  scopes: string[];
}

/** OIDC scopes msal adds to every user sign-in; they are not Graph permissions. */
const oidcScopes = new Set(['openid', 'profile', 'offline_access']);
const deviceCodeLifetimeSeconds = 900;

export function thumbprints(certificatePem: string): { sha1: string; sha256: string } {
  const der = new X509Certificate(certificatePem).raw;
  return {
    sha1: createHash('sha1').update(der).digest('base64url'),
    sha256: createHash('sha256').update(der).digest('base64url'),
  };
}

export class IdentityPlatform {
  readonly #directory: Directory;
  readonly #tokens: TokenService;
  readonly #origin: string;
  readonly #deviceCodeIntervalSeconds: number;
  readonly #deviceCodes = new Map<string, PendingDeviceCode>();
  readonly #refreshTokens = new Map<string, RefreshGrant>();

  constructor(options: { directory: Directory; tokens: TokenService; origin: string; deviceCodeIntervalSeconds: number }) {
    this.#directory = options.directory;
    this.#tokens = options.tokens;
    this.#origin = options.origin;
    this.#deviceCodeIntervalSeconds = options.deviceCodeIntervalSeconds;
  }

  get issuer(): string {
    return `${this.#origin}/${this.#directory.tenantId}/v2.0`;
  }

  /** Handles `/{tenant}/…`; undefined when the path is not an identity endpoint. */
  async handle(method: string, segments: string[], form: URLSearchParams, authorization: string | undefined): Promise<IdentityResponse | undefined> {
    const [tenant, ...rest] = segments;
    const endpoint = rest.join('/');
    const known = ['v2.0/.well-known/openid-configuration', 'discovery/v2.0/keys', 'oauth2/v2.0/token', 'oauth2/v2.0/devicecode'];
    if (tenant === undefined || !known.includes(endpoint)) return undefined;
    try {
      this.#assertTenant(tenant);
      if (method === 'GET' && endpoint === 'v2.0/.well-known/openid-configuration') return { status: 200, body: this.#openIdConfiguration() };
      if (method === 'GET' && endpoint === 'discovery/v2.0/keys') return { status: 200, body: this.#tokens.jwks() };
      if (method === 'POST' && endpoint === 'oauth2/v2.0/token') return { status: 200, body: await this.#token(form, authorization) };
      if (method === 'POST' && endpoint === 'oauth2/v2.0/devicecode') return { status: 200, body: this.#startDeviceCode(form) };
      return undefined;
    } catch (error) {
      if (error instanceof IdentityError) return { status: error.status, body: this.#errorBody(error) };
      throw error;
    }
  }

  /** Test control: the user signs in on "another device" and approves the code. */
  approveDeviceCode(userCode: string, userId: string): void {
    const pending = [...this.#deviceCodes.values()].find((code) => code.userCode === userCode);
    if (!pending) throw new Error(`No pending device code '${userCode}': start the device code flow first.`);
    pending.approvedUserId = userId;
  }

  #assertTenant(tenant: string): void {
    const matches = tenant.toLowerCase() === this.#directory.tenantId || this.#directory.isVerifiedDomain(tenant);
    if (!matches) throw identityErrors.unknownTenant(tenant);
  }

  #openIdConfiguration(): Record<string, unknown> {
    const base = `${this.#origin}/${this.#directory.tenantId}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: this.issuer,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${this.#origin}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: [
        'sub',
        'iss',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'acr',
        'nonce',
        'preferred_username',
        'name',
        'tid',
        'ver',
        'at_hash',
        'c_hash',
        'email',
      ],
      tenant_region_scope: null,
      cloud_instance_name: new URL(this.#origin).host,
      cloud_graph_host_name: new URL(this.#origin).host,
      msgraph_host: new URL(this.#origin).host,
      rbac_url: this.#origin,
    };
  }

  async #token(form: URLSearchParams, authorization: string | undefined): Promise<Record<string, unknown>> {
    const grantType = form.get('grant_type');
    if (!grantType) throw identityErrors.missingParameter('grant_type');
    switch (grantType) {
      case 'client_credentials':
        return this.#clientCredentials(form, authorization);
      // msal sends the short form; RFC 8628 clients send the URN.
      case 'device_code':
      case 'urn:ietf:params:oauth:grant-type:device_code':
        return this.#redeemDeviceCode(form);
      case 'refresh_token':
        return this.#redeemRefreshToken(form);
      default:
        throw identityErrors.unsupportedGrant(grantType);
    }
  }

  #application(form: URLSearchParams, basicClientId: string | undefined): AppRegistration {
    const clientId = form.get('client_id') ?? basicClientId;
    if (!clientId) throw identityErrors.missingParameter('client_id');
    const app = this.#directory.applicationByAppId(clientId);
    if (!app) throw identityErrors.unknownApplication(clientId, this.#directory.tenantId);
    return app;
  }

  async #clientCredentials(form: URLSearchParams, authorization: string | undefined): Promise<Record<string, unknown>> {
    const basic = parseBasic(authorization);
    const app = this.#application(form, basic?.clientId);
    const secret = form.get('client_secret') ?? basic?.secret;
    const assertion = form.get('client_assertion');
    if (assertion) await this.#verifyAssertion(app, assertion);
    else if (secret !== undefined && secret !== null) {
      if (!app.clientSecret || !sameText(secret, app.clientSecret)) throw identityErrors.wrongSecret(app.appId);
    } else throw identityErrors.missingCredential();

    const scope = form.get('scope');
    if (!scope) throw identityErrors.missingParameter('scope');
    if (!scope.endsWith('/.default')) throw identityErrors.scopeNeedsDefault(scope);
    const resource = scope.slice(0, -'/.default'.length);
    if (!graphAudiences(this.#origin).includes(resource)) throw identityErrors.unknownResource(resource, this.#directory.tenantId);

    const { token, expiresIn } = await this.#tokens.issue({
      appId: app.appId,
      objectId: app.servicePrincipalId,
      audience: resource,
      roles: app.roles,
    });
    return { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token };
  }

  /** The client assertion msal signs with the app's certificate: key, signature, aud, iss/sub, lifetime. */
  async #verifyAssertion(app: AppRegistration, assertion: string): Promise<void> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(assertion);
    } catch {
      throw identityErrors.assertionSignature();
    }
    const sha256 = header['x5t#S256'];
    const sha1 = header.x5t;
    const certificate = app.certificates.find(
      (candidate) => (typeof sha256 === 'string' && candidate.sha256 === sha256) || (typeof sha1 === 'string' && candidate.sha1 === sha1),
    );
    if (!certificate || typeof header.alg !== 'string') throw identityErrors.unknownCertificate(String(sha256 ?? sha1 ?? ''), app.appId);
    try {
      await compactVerify(assertion, await importX509(certificate.pem, header.alg));
    } catch {
      throw identityErrors.assertionSignature();
    }
    const claims = decodeJwt(assertion);
    const tokenEndpoint = `${this.#origin}/${this.#directory.tenantId}/oauth2/v2.0/token`;
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((audience) => typeof audience === 'string' && audience.toLowerCase() === tokenEndpoint.toLowerCase())) {
      throw identityErrors.assertionAudience(String(claims.aud));
    }
    if (claims.iss !== app.appId || claims.sub !== app.appId) throw identityErrors.assertionSubject();
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp < now || (typeof claims.nbf === 'number' && claims.nbf > now + 300)) {
      throw identityErrors.assertionExpired();
    }
  }

  #startDeviceCode(form: URLSearchParams): Record<string, unknown> {
    const app = this.#application(form, undefined);
    if (!app.allowPublicClient) throw identityErrors.publicClientNotAllowed();
    const userCode = randomBytes(6)
      .toString('base64')
      .replace(/[^A-Z0-9]/gi, '')
      .slice(0, 8)
      .toUpperCase()
      .padEnd(8, 'X');
    const deviceCode = randomBytes(32).toString('base64url');
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    this.#deviceCodes.set(deviceCode, {
      deviceCode,
      userCode,
      appId: app.appId,
      scopes,
      expiresAt: Date.now() + deviceCodeLifetimeSeconds * 1000,
      approvedUserId: undefined,
    });
    const verificationUri = `${this.#origin}/devicelogin`;
    return {
      user_code: userCode,
      device_code: deviceCode,
      verification_uri: verificationUri,
      expires_in: deviceCodeLifetimeSeconds,
      interval: this.#deviceCodeIntervalSeconds,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
    };
  }

  async #redeemDeviceCode(form: URLSearchParams): Promise<Record<string, unknown>> {
    const code = form.get('device_code');
    if (!code) throw identityErrors.missingParameter('device_code');
    const pending = this.#deviceCodes.get(code);
    if (!pending) throw identityErrors.badDeviceCode();
    if (pending.expiresAt < Date.now()) {
      this.#deviceCodes.delete(code);
      throw identityErrors.deviceCodeExpired();
    }
    if (!pending.approvedUserId) throw identityErrors.authorizationPending();
    this.#deviceCodes.delete(code);
    return this.#userTokens({ appId: pending.appId, userId: pending.approvedUserId, scopes: pending.scopes });
  }

  async #redeemRefreshToken(form: URLSearchParams): Promise<Record<string, unknown>> {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) throw identityErrors.missingParameter('refresh_token');
    const grant = this.#refreshTokens.get(refreshToken);
    if (!grant) throw identityErrors.badRefreshToken();
    this.#refreshTokens.delete(refreshToken);
    const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
    return this.#userTokens({ ...grant, scopes: requested.length > 0 ? requested : grant.scopes });
  }

  /** Delegated tokens for a signed-in user: access token (scp), refresh token, id token, client info. */
  async #userTokens(grant: RefreshGrant): Promise<Record<string, unknown>> {
    const user = this.#directory.getOfType('user', grant.userId);
    const userPrincipalName = typeof user?.props.userPrincipalName === 'string' ? user.props.userPrincipalName : undefined;
    const resourceScopes = grant.scopes.filter((scope) => !oidcScopes.has(scope));
    const resource = resourceScopes[0]?.includes('/')
      ? resourceScopes[0].slice(0, resourceScopes[0].lastIndexOf('/'))
      : 'https://graph.microsoft.com';
    const permissions = resourceScopes.map((scope) => scope.slice(scope.lastIndexOf('/') + 1)).filter((scope) => scope !== '.default');
    const { token, expiresIn } = await this.#tokens.issue({
      appId: grant.appId,
      objectId: grant.userId,
      audience: resource,
      scopes: permissions,
      ...(userPrincipalName ? { userPrincipalName } : {}),
    });
    const { token: idToken } = await this.#tokens.issue({
      appId: grant.appId,
      objectId: grant.userId,
      audience: grant.appId,
      scopes: [],
      ...(userPrincipalName ? { userPrincipalName } : {}),
    });
    const refreshToken = randomBytes(48).toString('base64url');
    this.#refreshTokens.set(refreshToken, grant);
    return {
      token_type: 'Bearer',
      scope: [...resourceScopes, ...grant.scopes.filter((scope) => oidcScopes.has(scope))].join(' '),
      expires_in: expiresIn,
      ext_expires_in: expiresIn,
      access_token: token,
      refresh_token: refreshToken,
      id_token: idToken,
      client_info: Buffer.from(JSON.stringify({ uid: grant.userId, utid: this.#directory.tenantId })).toString('base64url'),
    };
  }

  #errorBody(error: IdentityError): Record<string, unknown> {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date()
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, 'Z');
    return {
      error: error.error,
      error_description: `AADSTS${error.aadstsCode}: ${error.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [error.aadstsCode],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${this.#origin}/error?code=${error.aadstsCode}`,
    };
  }
}

function parseBasic(authorization: string | undefined): { clientId: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const [clientId = '', ...secret] = Buffer.from(match[1]!, 'base64').toString().split(':');
  return { clientId: decodeURIComponent(clientId), secret: decodeURIComponent(secret.join(':')) };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
