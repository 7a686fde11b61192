// Real receivers for notifications, on loopback inside the test process: an SMTP server (smtp-server, the mails parsed
// with mailparser, STARTTLS — or implicit TLS — with a certificate from the test CA when asked, an account when asked,
// refusals on demand) and an HTTPS webhook receiver (node:https with a certificate from the test CA) that checks
// signatures as the README tells a receiver to.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { type Certificate, createCertificateAuthority, issueServerCertificate } from './certificates.ts';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** The account the client signed in as, when it did. */
  user: string | undefined;
  /** Whether the session ran over TLS (upgraded with STARTTLS, or implicit). */
  secure: boolean;
  parsed: ParsedMail;
}

export interface MailReceiverOptions {
  /** Offer STARTTLS with this certificate (or, with implicitTls, speak TLS from the start). */
  tls?: Certificate;
  /** SMTPS: TLS from the first byte (smtp-server's secure mode), with the certificate of `tls`. */
  implicitTls?: boolean;
  /** Require this account (only over TLS). */
  account?: { user: string; password: string };
  /** Refuse every recipient with this reply (an SMTP 5xx/4xx text). */
  refuseRecipients?: { code: number; message: string };
  /** Listen on this port (a server that comes back where it was); any free one by default. */
  port?: number;
}

export interface MailReceiver {
  host: string;
  port: number;
  received: ReceivedMail[];
  close(): Promise<void>;
}

export async function startMailReceiver(options: MailReceiverOptions = {}): Promise<MailReceiver> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: Boolean(options.implicitTls),
    ...(options.tls ? { key: options.tls.privateKeyPem, cert: options.tls.certificatePem } : {}),
    disabledCommands: [...(options.tls ? [] : ['STARTTLS']), ...(options.account ? [] : ['AUTH'])],
    authOptional: !options.account,
    logger: false,
    onAuth(auth, _session, callback) {
      if (options.account && auth.username === options.account.user && auth.password === options.account.password)
        return callback(null, { user: auth.username });
      return callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      if (options.refuseRecipients)
        return callback(Object.assign(new Error(options.refuseRecipients.message), { responseCode: options.refuseRecipients.code }));
      return callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          received.push({
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((recipient) => recipient.address),
            },
            user: typeof session.user === 'string' ? session.user : undefined,
            secure: session.secure,
            parsed,
          });
          callback(null, 'Message queued as 4242');
        },
        (error: Error) => callback(error),
      );
    },
  });
  // A client that gives up on the TLS handshake (an untrusted certificate) is the test's point, not the receiver's failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { host: '127.0.0.1', port, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface ReceivedWebhook {
  headers: Record<string, string | string[] | undefined>;
  /** The body as it came, byte for byte (what the signature covers). */
  raw: string;
  body: unknown;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** The status the next requests are answered with (204 by default). */
  answerWith(status: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(certificate: Certificate): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  let status = 204;
  const server: HttpsServer = createHttpsServer({ key: certificate.privateKeyPem, cert: certificate.certificatePem }, (request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, raw: body, body: JSON.parse(body) });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? 'no thanks' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/dirsync-hook`,
    received,
    answerWith: (next) => {
      status = next;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A test CA and a certificate it issues for 127.0.0.1 and localhost. */
export async function loopbackCertificates(): Promise<{ ca: Certificate; server: Certificate }> {
  const ca = await createCertificateAuthority('DirSync notifications test CA');
  const server = await issueServerCertificate(ca, { commonName: 'localhost', ips: ['127.0.0.1'], dnsNames: ['localhost'] });
  return { ca, server };
}

/**
 * Whether a webhook request is signed with `secret`, checked as the README tells a receiver to (written here on its
 * own, not with DirSync's signing code): HMAC-SHA256 over `<X-DirSync-Timestamp>.<body>`, compared in constant time,
 * the timestamp no older than 5 minutes.
 */
export function signedWith(received: ReceivedWebhook, secret: string, now = Date.now()): boolean {
  const timestamp = String(received.headers['x-dirsync-timestamp'] ?? '');
  const signature = String(received.headers['x-dirsync-signature'] ?? '');
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${received.raw}`).digest('hex')}`;
  const fresh = /^\d+$/.test(timestamp) && Math.abs(now / 1000 - Number(timestamp)) <= 300;
  return fresh && signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}
