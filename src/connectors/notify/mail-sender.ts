// Sends a notification mail through the administrator's SMTP server with nodemailer (no hand-written SMTP): one
// connection per message, TLS when configured — STARTTLS required (submission, port 587) or implicit TLS from the
// first byte (SMTPS, port 465) — with the certificate verified, every wait bounded so that a silent server costs
// seconds, never a sync. Failures become Notification.undeliverable with the server's words.
import tls from 'node:tls';
import { createTransport } from 'nodemailer';
import { DirSyncError } from '../../core/errors.ts';

/**
 * How the connection is protected: `starttls` requires the upgrade and verifies the certificate, `implicit` speaks
 * TLS from the start (and verifies the certificate), `none` is plain SMTP (STARTTLS not even tried).
 */
export type MailTls = 'starttls' | 'implicit' | 'none';

export interface MailServer {
  host: string;
  port: number;
  tls: MailTls;
  /** A CA certificate (PEM) trusted besides the default ones. */
  caPem?: string;
  /** The account, when the server wants one (only ever sent over TLS: configure refuses it otherwise). */
  user?: string;
  password?: string;
}

export interface MailMessage {
  from: string;
  to: readonly string[];
  subject: string;
  text: string;
  attachments: readonly { filename: string; content: string; contentType: string }[];
}

/** What the server answered: its last reply, and the recipients it accepted and refused. */
export interface MailAnswer {
  response: string;
  accepted: string[];
  rejected: string[];
}

const TIMEOUT_MS = 10_000;

export async function sendMail(server: MailServer, message: MailMessage, signal?: AbortSignal): Promise<MailAnswer> {
  const transport = createTransport({
    host: server.host,
    port: server.port,
    secure: server.tls === 'implicit',
    requireTLS: server.tls === 'starttls',
    ignoreTLS: server.tls === 'none',
    tls: {
      // Pinned on: NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment must not turn verification off.
      rejectUnauthorized: true,
      ...(server.caPem ? { ca: [...tls.getCACertificates('default'), server.caPem] } : {}),
    },
    ...(server.user && server.password ? { auth: { user: server.user, pass: server.password } } : {}),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
    dnsTimeout: TIMEOUT_MS,
  });
  try {
    const info = await transport.sendMail({
      from: message.from,
      to: [...message.to],
      subject: message.subject,
      text: message.text,
      attachments: message.attachments.map((attachment) => ({ ...attachment })),
      ...(signal ? { signal } : {}),
    });
    return { response: info.response, accepted: info.accepted.map(String), rejected: info.rejected.map(String) };
  } catch (error) {
    throw undeliverableMail(server, error);
  } finally {
    transport.close();
  }
}

function undeliverableMail(server: MailServer, error: unknown): DirSyncError {
  const failure = error as { message?: string; response?: string; code?: string };
  const said = failure.response ? `it answered "${failure.response}"` : (failure.message ?? String(error));
  return new DirSyncError('Notification.undeliverable', `the mail server ${server.host}:${server.port} did not take the notification: ${said}`, {
    target: `${server.host}:${server.port}`,
    cause: error,
  });
}
