// configure's notification options (--notify-…, Set-CoexistenceConfiguration -Notify…): where and when to tell the
// administrator. Given alone they change the notifications only, without the AD and cloud credentials a full
// configure needs: a new recipient is no reason to re-key the service account.
import * as z from 'zod';
import type { Configuration } from '../install/configuration.ts';
import { Installation } from '../install/installation.ts';
import { NOTIFY_EVENTS, type NotificationSettings, SMTP_TLS_MODES, type SmtpTls } from '../install/notification-settings.ts';
import type { StoredSecrets } from '../install/secret-vault.ts';
import { invalidParameter } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import { configurationResult, storedSecretsShown } from './get-configuration.ts';
import type { CommandOutput } from './output.ts';
import type { SuppliedSecrets } from './secrets.ts';

/** Turns a channel off: --notify-smtp off, --notify-webhook off; and the webhook's signing: --notify-webhook-secret off. */
const OFF = 'off';
/** SMTPS (RFC 8314): a new mail server on this port speaks TLS from the start unless told otherwise. */
const SMTPS_PORT = 465;
/** Shorter keys could be found from one signed request by trying them all. */
const WEBHOOK_SECRET_MIN_CHARS = 16;

export const notificationParameters = {
  /** HOST:PORT of the mail server ([v6 address]:PORT), or "off". */
  notifySmtp: z.string().min(1).optional(),
  notifyFrom: z.email().optional(),
  notifyTo: z.array(z.email()).min(1).optional(),
  /** How the mail server connection is protected: starttls, implicit (SMTPS, port 465) or none. */
  notifySmtpTls: z.enum(SMTP_TLS_MODES).optional(),
  /** The earlier form of notifySmtpTls, still taken: true is starttls, false none. */
  notifySmtpStarttls: z.boolean().optional(),
  notifyOn: z.array(z.enum(NOTIFY_EVENTS)).optional(),
  /** An https:// URL, or "off". */
  notifyWebhook: z.string().min(1).optional(),
  /** Sign the webhook with the secret supplied (DIRSYNC_WEBHOOK_SECRET, webhookSecret), or "off". Never the secret itself. */
  notifyWebhookSecret: z
    .union([z.literal(true), z.literal(OFF)], {
      error:
        'give --notify-webhook-secret alone (the secret itself comes from DIRSYNC_WEBHOOK_SECRET or as webhookSecret on stdin, never from the command line), or off',
    })
    .optional(),
  notifyCaFile: z.string().min(1).optional(),
  notifyName: z.string().min(1).optional(),
  notifyAfterFailures: z.number().int().min(1).max(1000).optional(),
  notifyDriftAbove: z.number().int().min(0).optional(),
};
type NotificationParameters = { [Name in keyof typeof notificationParameters]?: z.infer<(typeof notificationParameters)[Name]> };

/** Whether a configure request changes the notifications and nothing else (no credential, no other setting). */
export function changesOnlyNotifications(parameters: Record<string, unknown>, secrets: SuppliedSecrets): boolean {
  // A switch left off arrives as false (--no-service-account's counterpart); a notification switch turned off is a change.
  const given = Object.entries(parameters).filter(([name, value]) => value !== undefined && (value !== false || name in notificationParameters));
  return (
    given.some(([name]) => name in notificationParameters) &&
    given.every(([name]) => name === 'path' || name in notificationParameters) &&
    secrets.adPassword === undefined &&
    secrets.clientSecret === undefined
  );
}

/** The notification settings after this request: what it gives, over what is configured. */
export function notificationSettingsFrom(parameters: NotificationParameters, existing: NotificationSettings): NotificationSettings {
  const smtp = smtpFrom(parameters, existing.smtp);
  const webhookUrl =
    parameters.notifyWebhook === undefined ? existing.webhookUrl : parameters.notifyWebhook === OFF ? null : webhookUrlOf(parameters.notifyWebhook);
  return {
    name: parameters.notifyName ?? existing.name,
    smtp,
    webhookUrl,
    caFile: parameters.notifyCaFile ?? existing.caFile,
    on: parameters.notifyOn ?? existing.on,
    failuresInARow: parameters.notifyAfterFailures ?? existing.failuresInARow,
    driftAbove: parameters.notifyDriftAbove ?? existing.driftAbove,
  };
}

/** The notification secrets to keep in the vault: the mail server's account and the webhook's signing key. */
export function notificationSecretsToStore(
  settings: NotificationSettings,
  parameters: NotificationParameters,
  secrets: SuppliedSecrets,
  stored: StoredSecrets,
): Pick<StoredSecrets, 'smtpUser' | 'smtpPassword' | 'webhookSecret'> {
  return {
    ...smtpAccountToStore(settings, secrets, stored),
    webhookSecret: webhookSecretToStore(settings, parameters.notifyWebhookSecret, secrets, stored),
  };
}

/** The SMTP account: the one given now, the stored one, or none once mail is off. */
function smtpAccountToStore(
  settings: NotificationSettings,
  secrets: SuppliedSecrets,
  stored: StoredSecrets,
): Pick<StoredSecrets, 'smtpUser' | 'smtpPassword'> {
  if (!settings.smtp) return { smtpUser: undefined, smtpPassword: undefined };
  if ((secrets.smtpUser === undefined) !== (secrets.smtpPassword === undefined))
    throw invalidParameter(
      'the mail server account needs both its user (DIRSYNC_SMTP_USER, smtpUser) and its password (DIRSYNC_SMTP_PASSWORD, smtpPassword)',
    );
  const account = secrets.smtpPassword
    ? { smtpUser: secrets.smtpUser, smtpPassword: secrets.smtpPassword }
    : { smtpUser: stored.smtpUser, smtpPassword: stored.smtpPassword };
  if (account.smtpPassword && settings.smtp.tls === 'none')
    throw invalidParameter(
      'the mail server account would cross the network in clear: its password is only ever sent over TLS',
      'add --notify-smtp-tls starttls, or implicit for an SMTPS port such as 465 (Set-CoexistenceConfiguration -NotifySmtpTls StartTls or Implicit)',
    );
  return account;
}

/** The webhook's signing key: the one given now, the stored one, or none once the webhook or its signing is off. */
function webhookSecretToStore(
  settings: NotificationSettings,
  requested: NotificationParameters['notifyWebhookSecret'],
  secrets: SuppliedSecrets,
  stored: StoredSecrets,
): string | undefined {
  const given = secrets.webhookSecret;
  if (requested === true && given === undefined)
    throw invalidParameter(
      '--notify-webhook-secret was given without a secret: it is read from DIRSYNC_WEBHOOK_SECRET or as webhookSecret on stdin (--secrets-stdin), never from the command line',
      'set DIRSYNC_WEBHOOK_SECRET, or give {"webhookSecret":"…"} on stdin with --secrets-stdin (Set-CoexistenceConfiguration -NotifyWebhookSecret, a SecureString)',
    );
  if (requested === OFF) return undefined;
  if (!settings.webhookUrl) {
    if (requested === true) throw invalidParameter('a webhook secret needs a webhook', 'give --notify-webhook https://… as well');
    return undefined;
  }
  if (given !== undefined && given.length < WEBHOOK_SECRET_MIN_CHARS)
    throw invalidParameter(
      `the webhook secret is shorter than ${WEBHOOK_SECRET_MIN_CHARS} characters: a short key can be found from one signed request`,
      'make a random one, e.g. openssl rand -hex 32, and give the receiver the same',
    );
  return given ?? stored.webhookSecret;
}

/** configure with notification options only. */
export async function configureNotifications(
  parameters: NotificationParameters & { path: string },
  secrets: SuppliedSecrets,
  output: CommandOutput,
): Promise<number> {
  const installation = new Installation(parameters.path);
  const manifest = await installation.readManifest();
  const existing = await installation.readConfiguration();
  const configuration: Configuration = { ...existing, notifications: notificationSettingsFrom(parameters, existing.notifications) };
  const stored = await installation.vault.read();
  const kept = notificationSecretsToStore(configuration.notifications, parameters, secrets, stored);
  if (Object.entries(kept).some(([name, value]) => stored[name as keyof typeof kept] !== value))
    await installation.vault.write({ ...stored, ...kept });
  await installation.writeConfiguration(configuration);
  output.result(configurationResult(installation, manifest, configuration, storedSecretsShown({ ...stored, ...kept })));
  return ExitCode.success;
}

function smtpFrom(parameters: NotificationParameters, existing: NotificationSettings['smtp']): NotificationSettings['smtp'] {
  if (parameters.notifySmtp === OFF) return null;
  const given = parameters.notifySmtp === undefined ? undefined : hostAndPort(parameters.notifySmtp);
  const tls = smtpTlsGiven(parameters);
  const changesMail = given !== undefined || parameters.notifyFrom !== undefined || parameters.notifyTo !== undefined || tls !== undefined;
  if (!changesMail) return existing;
  const server = given ?? existing;
  if (!server) throw invalidParameter('--notify-from, --notify-to and --notify-smtp-tls need a mail server', 'give --notify-smtp HOST:PORT');
  const from = parameters.notifyFrom ?? existing?.from;
  const to = parameters.notifyTo ?? existing?.to;
  if (!from || !to) throw invalidParameter('a mail server needs a sender and recipients', 'give --notify-from ADDR and --notify-to ADDR[,ADDR…]');
  return { host: server.host, port: server.port, tls: tls ?? existing?.tls ?? (server.port === SMTPS_PORT ? 'implicit' : 'none'), from, to };
}

/** --notify-smtp-tls, or its earlier form --notify-smtp-starttls / --no-notify-smtp-starttls; both only when they agree. */
function smtpTlsGiven(parameters: NotificationParameters): SmtpTls | undefined {
  const earlier = parameters.notifySmtpStarttls === undefined ? undefined : parameters.notifySmtpStarttls ? 'starttls' : 'none';
  if (parameters.notifySmtpTls !== undefined && earlier !== undefined && parameters.notifySmtpTls !== earlier)
    throw invalidParameter(
      `--notify-smtp-tls ${parameters.notifySmtpTls} and --${parameters.notifySmtpStarttls ? '' : 'no-'}notify-smtp-starttls contradict each other`,
      'give --notify-smtp-tls alone',
    );
  return parameters.notifySmtpTls ?? earlier;
}

function hostAndPort(value: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/i.exec(value.trim());
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535)
    throw invalidParameter(`--notify-smtp ${value} is not HOST:PORT`, 'for example --notify-smtp mail.corp.example.com:587, or off');
  return { host: (match[1] ?? match[2])!, port };
}

function webhookUrlOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidParameter('--notify-webhook is not a URL', 'give an https:// URL, or off');
  }
  if (url.protocol !== 'https:')
    throw invalidParameter('--notify-webhook must be an https:// URL: the notification carries the run and who is in it');
  return url.toString();
}
