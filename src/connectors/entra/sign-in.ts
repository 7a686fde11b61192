// App-only sign-in to Entra ID (client credentials) with msal-node, through the connector's own HTTPS
// transport so that an explicit CA and the proxy apply, and so that TLS failures keep their real cause.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  AuthError,
  ConfidentialClientApplication,
  type Configuration,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { assertOwnerOnly } from '../../core/file-permissions.ts';
import type { CloudEndpoints } from './clouds.ts';
import { DirSyncError } from '../../core/errors.ts';
import { atEndpoint, cloudSignInError, type SignInFailureReason } from './errors.ts';
import type { HttpsTransport } from './https-transport.ts';

export type AppCredential =
  | { kind: 'client-secret'; secret: string }
  /** A PEM file holding the certificate and its unencrypted RSA private key; `sendX5c` sends the chain (subject-name/issuer auth). */
  | { kind: 'certificate'; pemFile: string; sendX5c?: boolean };

export interface AppSignInOptions {
  tenantId: string;
  /** The application (client) id. */
  clientId: string;
  credential: AppCredential;
  endpoints: CloudEndpoints;
  transport: HttpsTransport;
}

/** Something that hands out a current Graph access token (msal caches it until shortly before it expires). */
export interface AccessTokenSource {
  /** `forceRefresh`: sign in afresh instead of using msal's cached token (Graph refused it). */
  acquireToken(options?: { forceRefresh?: boolean }): Promise<string>;
}

export class AppSignIn implements AccessTokenSource {
  private readonly options: AppSignInOptions;
  private readonly network: TransportNetworkClient;
  private application: Promise<ConfidentialClientApplication> | undefined;
  private pendingToken: Promise<string> | undefined;

  constructor(options: AppSignInOptions) {
    this.options = options;
    this.network = new TransportNetworkClient(options.transport);
  }

  /** Throws a CloudSignIn.* (credentials, application, tenant) or CloudConnection.* (TLS, network) DirSyncError. */
  acquireToken(options: { forceRefresh?: boolean } = {}): Promise<string> {
    // Concurrent Graph requests at start-up share one token request; a forced refresh starts its own.
    if (options.forceRefresh) return this.requestToken(true);
    this.pendingToken ??= this.requestToken(false).finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  private async requestToken(forceRefresh: boolean): Promise<string> {
    const { clientId, endpoints } = this.options;
    this.application ??= this.createApplication();
    const application = await this.application;
    this.network.lastFailure = undefined;
    let accessToken: string | undefined;
    try {
      const result = await application.acquireTokenByClientCredential({ scopes: [`${endpoints.graphEndpoint}/.default`], skipCache: forceRefresh });
      accessToken = result?.accessToken;
    } catch (error) {
      // msal reports a failed connection as endpoints_resolution_error or network_error; the transport knows why.
      const unreachable = this.network.lastFailure;
      throw unreachable ? atEndpoint(unreachable, `The sign-in authority ${endpoints.authorityHost}`) : signInFailure(error, this.options);
    }
    if (!accessToken) throw cloudSignInError('empty-access-token', clientId, `authority ${endpoints.authorityHost}`);
    return accessToken;
  }

  private async createApplication(): Promise<ConfidentialClientApplication> {
    const { tenantId, clientId, credential, endpoints } = this.options;
    const auth: Configuration['auth'] = {
      clientId,
      authority: `${endpoints.authorityHost}/${tenantId}`,
      // Trusting the authority host (with its port) skips instance discovery, which only knows the public cloud.
      knownAuthorities: [new URL(endpoints.authorityHost).host],
    };
    if (credential.kind === 'client-secret') auth.clientSecret = credential.secret;
    else auth.clientCertificate = await loadCertificateCredential(credential.pemFile, credential.sendX5c ?? false, clientId);
    return new ConfidentialClientApplication({ auth, system: { networkClient: this.network } });
  }
}

async function loadCertificateCredential(pemFile: string, sendX5c: boolean, clientId: string) {
  let pem: string;
  try {
    await assertOwnerOnly(pemFile, "the application's private key");
    pem = await readFile(pemFile, 'utf8');
  } catch (error) {
    if (error instanceof DirSyncError) throw error; // a private key file other accounts can read (Secrets.file-exposed)
    throw cloudSignInError('certificate-file-invalid', clientId, `${pemFile}: ${(error as Error).message}`, error);
  }
  const certificates = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const keyBlock = pem.match(/-----BEGIN (RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END \1?PRIVATE KEY-----/)?.[0];
  if (certificates.length === 0 || keyBlock === undefined) {
    throw cloudSignInError('certificate-file-invalid', clientId, `${pemFile} must hold a certificate and an unencrypted private key`);
  }
  try {
    const certificate = new X509Certificate(certificates[0]!);
    const privateKey = createPrivateKey(keyBlock);
    if (!certificate.checkPrivateKey(privateKey)) throw new Error('the private key does not belong to the certificate');
    return {
      thumbprintSha256: certificate.fingerprint256.replaceAll(':', ''),
      // msal expects PKCS#8 ("BEGIN PRIVATE KEY"); files often hold PKCS#1.
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      ...(sendX5c ? { x5c: certificates.join('\n') } : {}),
    };
  } catch (error) {
    throw cloudSignInError('certificate-file-invalid', clientId, `${pemFile}: ${(error as Error).message}`, error);
  }
}

/** AADSTS error numbers that say which part of the configuration is wrong. */
const reasonByAadstsNumber: Record<string, SignInFailureReason> = {
  '7000215': 'client-secret-rejected', // invalid client secret
  '7000222': 'client-secret-rejected', // client secret expired
  '700027': 'client-certificate-rejected', // client assertion failed signature validation
  '700024': 'client-certificate-rejected', // client assertion not within its valid time range
  '700016': 'application-not-found',
  '90002': 'tenant-not-found',
  '500011': 'graph-resource-unknown', // the scope names a resource the tenant does not know: the Graph endpoint
};

function signInFailure(error: unknown, options: AppSignInOptions): DirSyncError {
  if (!(error instanceof AuthError)) {
    return cloudSignInError('sign-in-refused', options.clientId, error instanceof Error ? error.message : String(error), error);
  }
  const aadsts = /AADSTS(\d+)[^\r\n]*/.exec(error.errorMessage);
  const detail = aadsts?.[0] ?? `${error.errorCode}: ${error.errorMessage.split(/\r?\n/)[0]}`;
  let reason = aadsts ? reasonByAadstsNumber[aadsts[1]!] : undefined;
  if (reason === undefined && error.errorCode === 'invalid_client') {
    reason = options.credential.kind === 'client-secret' ? 'client-secret-rejected' : 'client-certificate-rejected';
  }
  return cloudSignInError(reason ?? 'sign-in-refused', options.clientId, detail, error);
}

/** msal's network module on top of HttpsTransport; remembers the last connection failure msal would hide. */
class TransportNetworkClient implements INetworkModule {
  lastFailure: DirSyncError | undefined;
  private readonly transport: HttpsTransport;

  constructor(transport: HttpsTransport) {
    this.transport = transport;
  }

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(method: string, url: string, options: NetworkRequestOptions | undefined): Promise<NetworkResponse<T>> {
    try {
      const response = await this.transport.send({ method, url, headers: options?.headers ?? {}, body: options?.body });
      return { status: response.status, headers: response.headers, body: parseJsonObject(response.body) as T };
    } catch (error) {
      if (error instanceof DirSyncError && error.code.startsWith('CloudConnection.')) this.lastFailure = error;
      throw error;
    }
  }
}

function parseJsonObject(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // A proxy's HTML error page: msal then reports the HTTP status rather than a parse error.
    return {};
  }
}
