// Posts a notification as one JSON object to the administrator's webhook (a chat channel, an incident tool): HTTPS
// only, the certificate verified against the default CAs and the configured one, through the proxy the environment
// names as Graph is (../https-agent.ts), signed when a secret is configured, the whole exchange bounded in time.
import https from 'node:https';
import { DirSyncError } from '../../core/errors.ts';
import { proxyFor, verifiedHttpsAgent } from '../https-agent.ts';
import { signatureHeaders } from './webhook-signature.ts';

export interface WebhookTarget {
  url: string;
  /** A CA certificate (PEM) trusted besides the default ones. */
  caPem?: string;
  /** The secret the receiver checks the signature with; unsigned without it. */
  secret?: string;
  /** Where HTTPS_PROXY / NO_PROXY are read from; the process environment by default. */
  proxyEnv?: NodeJS.ProcessEnv;
}

/** What the receiver answered. */
export interface WebhookAnswer {
  status: number;
  body: string;
}

const TIMEOUT_MS = 10_000;
/** Enough of an answer to say what went wrong; the rest is dropped. */
const ANSWER_CHARS = 500;

export function postWebhook(target: WebhookTarget, payload: unknown, signal?: AbortSignal): Promise<WebhookAnswer> {
  const url = new URL(target.url);
  const body = JSON.stringify(payload);
  const proxy = proxyFor(url, target.proxyEnv ?? process.env);
  const failed = (detail: string, cause?: unknown) =>
    new DirSyncError(
      'Notification.undeliverable',
      `the webhook ${url.origin} did not take the notification${proxy ? ` (through the proxy ${proxy}, HTTPS_PROXY)` : ''}: ${detail}`,
      { target: url.origin, cause },
    );
  // One agent per post, destroyed after it. Kept alive on purpose: without keep-alive, Node (26) closes the TLS socket
  // after the answer but leaves the CONNECT tunnel under it open to the proxy; destroying a keep-alive agent closes both.
  const agent = verifiedHttpsAgent({
    keepAlive: true,
    ...(target.caPem ? { caPem: target.caPem } : {}),
    ...(target.proxyEnv ? { proxyEnv: target.proxyEnv } : {}),
  });
  return new Promise<WebhookAnswer>((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'DirSync',
          ...(target.secret ? signatureHeaders(target.secret, body) : {}),
        },
        agent,
        timeout: TIMEOUT_MS,
        ...(signal ? { signal } : {}),
      },
      (response) => {
        let answer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (answer.length < ANSWER_CHARS) answer += chunk;
        });
        response.on('error', (error) => reject(failed(error.message, error)));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          const text = answer.slice(0, ANSWER_CHARS).trim();
          if (status >= 200 && status < 300) resolve({ status, body: text });
          else reject(failed(`HTTP ${status}${text ? `: ${text}` : ''}`));
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    request.on('error', (error) => reject(failed(error.message, error)));
    request.end(body);
  }).finally(() => agent.destroy());
}
