// The one HTTPS client of the Entra connector: sign-in (msal) and Graph both send through it, so trust
// (an explicit CA) and the proxy (HTTPS_PROXY / NO_PROXY) — both from ../https-agent.ts, which the notification
// webhook shares — and the translation of TLS and socket failures into CloudConnection.* errors live in one place.
import https from 'node:https';
import type { DirSyncError } from '../../core/errors.ts';
import { proxyFor, verifiedHttpsAgent } from '../https-agent.ts';
import { cloudConnectionError, type ConnectionFailureReason, proxyFailure } from './errors.ts';

export interface HttpsTransportOptions {
  /** A CA certificate (PEM) to trust in addition to the default ones: a private endpoint's or an intercepting proxy's. */
  caPem?: string;
  /** Where HTTPS_PROXY / NO_PROXY are read from; the process environment by default. */
  proxyEnv?: NodeJS.ProcessEnv;
  /** How long a request may stay without progress. */
  timeoutMs?: number;
}

export interface HttpsRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const DEFAULT_TIMEOUT_MS = 100_000;

export class HttpsTransport {
  private readonly agent: https.Agent;
  private readonly timeoutMs: number;
  private readonly proxyEnv: NodeJS.ProcessEnv;

  constructor(options: HttpsTransportOptions = {}) {
    this.agent = verifiedHttpsAgent({ ...options, keepAlive: true });
    this.proxyEnv = options.proxyEnv ?? process.env;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Sends one request; HTTP error statuses are answers, not exceptions. Throws a CloudConnection.* DirSyncError when no answer came. */
  send(request: HttpsRequest): Promise<HttpsResponse> {
    const url = new URL(request.url);
    return new Promise((resolve, reject) => {
      const outgoing = https.request(
        url,
        { method: request.method, headers: request.headers, agent: this.agent, timeout: this.timeoutMs },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', (error) => reject(connectionFailure(url, error, proxyFor(url, this.proxyEnv))));
          incoming.on('end', () =>
            resolve({ status: incoming.statusCode ?? 0, headers: flattenHeaders(incoming.headers), body: Buffer.concat(chunks).toString('utf8') }),
          );
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      outgoing.on('error', (error) => reject(connectionFailure(url, error, proxyFor(url, this.proxyEnv))));
      outgoing.end(request.body);
    });
  }

  /** Closes the kept-alive connections so the process can exit. */
  close(): void {
    this.agent.destroy();
  }
}

function flattenHeaders(headers: NodeJS.Dict<string | string[]>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

const reasonByErrorCode: Record<string, ConnectionFailureReason> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate-untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate-untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate-untrusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'certificate-untrusted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate-untrusted',
  CERT_UNTRUSTED: 'certificate-untrusted',
  CERT_SIGNATURE_FAILURE: 'certificate-untrusted',
  CERT_HAS_EXPIRED: 'certificate-expired',
  CERT_NOT_YET_VALID: 'certificate-expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'host-mismatch',
  ECONNREFUSED: 'connection-refused',
  ENOTFOUND: 'host-not-found',
  EAI_AGAIN: 'host-not-found',
  ETIMEDOUT: 'timed-out',
};

/** Failures of the way to the host, which through a proxy are the proxy's (TLS is end to end, so not those). */
const PROXY_REASONS = new Set<ConnectionFailureReason>(['connection-refused', 'host-not-found', 'timed-out', 'network-error']);

function connectionFailure(url: URL, error: Error, proxy: string | undefined): DirSyncError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const detail = code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  const reason = reasonByErrorCode[code] ?? 'network-error';
  if (proxy !== undefined && PROXY_REASONS.has(reason)) return proxyFailure(proxy, url.host, detail, error);
  return cloudConnectionError(reason, url.host, detail, error);
}
