// Where and when DirSync tells the administrator about its runs (configure --notify-…, issue 23): a mail server and
// its recipients, a webhook, and the events worth a message. Part of configuration.json; the SMTP credentials, when
// the server wants them, and the webhook's signing secret are secrets and live in the vault.
import * as z from 'zod';

/** What a notification may be sent for (configure --notify-on). */
export const NOTIFY_EVENTS = ['failure', 'threshold', 'drift', 'recovered', 'every-run'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** How the mail server connection is protected (configure --notify-smtp-tls): see MailTls in the mail sender. */
export const SMTP_TLS_MODES = ['starttls', 'implicit', 'none'] as const;
export type SmtpTls = (typeof SMTP_TLS_MODES)[number];

/** Configurations written before implicit TLS said `startTls: true|false`; read as the mode it meant. */
function smtpTlsOfEarlierVersions(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('startTls' in value) || 'tls' in value) return value;
  const { startTls, ...rest } = value as { startTls: unknown };
  return { ...rest, tls: startTls === true ? 'starttls' : 'none' };
}

export const notificationSettingsSchema = z.object({
  /** The installation's name in subjects and payloads; the host name when null. */
  name: z.string().min(1).nullable(),
  smtp: z.preprocess(
    smtpTlsOfEarlierVersions,
    z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535),
        /** STARTTLS required or TLS from the start, the server's certificate verified; with none, the mail crosses the network in clear. */
        tls: z.enum(SMTP_TLS_MODES),
        from: z.email(),
        to: z.array(z.email()).min(1),
      })
      .nullable(),
  ),
  /** Receives one JSON object per notification (POST). */
  webhookUrl: z.url().startsWith('https://', 'must be an https:// URL').nullable(),
  /** Extra CA certificate (PEM file) to trust for the mail server's TLS and the webhook, e.g. an internal CA's. */
  caFile: z.string().min(1).nullable(),
  on: z.array(z.enum(NOTIFY_EVENTS)),
  /** A failure is told once this many runs in a row failed, and again at each multiple: one bad night is not many mails. */
  failuresInARow: z.number().int().min(1).max(1000),
  /** Drift is told when a run reverted more than this many objects. */
  driftAbove: z.number().int().min(0),
});

export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

/** Nothing is sent until a mail server or a webhook is configured; then failures, thresholds, drift and recoveries are. */
export function defaultNotificationSettings(): NotificationSettings {
  return {
    name: null,
    smtp: null,
    webhookUrl: null,
    caFile: null,
    on: ['failure', 'threshold', 'drift', 'recovered'],
    failuresInARow: 1,
    driftAbove: 0,
  };
}
