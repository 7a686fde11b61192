// configure's notification options (--notify-…, Set-CoexistenceConfiguration -Notify…): where and when to tell the
// administrator. Given alone they change the notifications only, without the AD and cloud credentials a full
// configure needs: a new recipient is no reason to re-key the service account.
import * as z from 'zod';
import type { Configuration } from '../install/configuration.ts';
import { Installation } from '../install/installation.ts';
import { NOTIFY_EVENTS, type NotificationSettings } from '../install/notification-settings.ts';
import type { StoredSecrets } from '../install/secret-vault.ts';
import { invalidParameter } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import { configurationResult, storedSecretsShown } from './get-configuration.ts';
import type { CommandOutput } from './output.ts';
import type { SuppliedSecrets } from './secrets.ts';

/** Turns a channel off: --notify-smtp off, --notify-webhook off. */
const OFF = 'off';

export const notificationParameters = {
  /** HOST:PORT of the mail server ([v6 address]:PORT), or "off". */
  notifySmtp: z.string().min(1).optional(),
  notifyFrom: z.email().optional(),
  notifyTo: z.array(z.email()).min(1).optional(),
  notifySmtpStarttls: z.boolean().optional(),
  notifyOn: z.array(z.enum(NOTIFY_EVENTS)).optional(),
  /** An https:// URL, or "off". */
  notifyWebhook: z.string().min(1).optional(),
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

/** The SMTP account to keep in the vault: the one given now, the stored one, or none once mail is off. */
export function smtpSecretsToStore(
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
  if (account.smtpPassword && !settings.smtp.startTls)
    throw invalidParameter(
      'the mail server account would cross the network in clear: its password is only ever sent over STARTTLS',
      'add --notify-smtp-starttls (Set-CoexistenceConfiguration -NotifySmtpStartTls)',
    );
  return account;
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
  const account = smtpSecretsToStore(configuration.notifications, secrets, stored);
  if (account.smtpUser !== stored.smtpUser || account.smtpPassword !== stored.smtpPassword) await installation.vault.write({ ...stored, ...account });
  await installation.writeConfiguration(configuration);
  output.result(configurationResult(installation, manifest, configuration, storedSecretsShown({ ...stored, ...account })));
  return ExitCode.success;
}

function smtpFrom(parameters: NotificationParameters, existing: NotificationSettings['smtp']): NotificationSettings['smtp'] {
  if (parameters.notifySmtp === OFF) return null;
  const given = parameters.notifySmtp === undefined ? undefined : hostAndPort(parameters.notifySmtp);
  const changesMail =
    given !== undefined || parameters.notifyFrom !== undefined || parameters.notifyTo !== undefined || parameters.notifySmtpStarttls !== undefined;
  if (!changesMail) return existing;
  const server = given ?? existing;
  if (!server) throw invalidParameter('--notify-from, --notify-to and --notify-smtp-starttls need a mail server', 'give --notify-smtp HOST:PORT');
  const from = parameters.notifyFrom ?? existing?.from;
  const to = parameters.notifyTo ?? existing?.to;
  if (!from || !to) throw invalidParameter('a mail server needs a sender and recipients', 'give --notify-from ADDR and --notify-to ADDR[,ADDR…]');
  return { host: server.host, port: server.port, startTls: parameters.notifySmtpStarttls ?? existing?.startTls ?? false, from, to };
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
