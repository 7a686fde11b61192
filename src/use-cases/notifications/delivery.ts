// Sends what waits in the outbox through the configured channels, oldest first. A channel that fails once is left for
// the next run (its server is down or refusing: trying the rest now would only add time-outs), and the whole pass is
// bounded, so a notification never holds the schedule up for long and never fails the sync.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { sendMail, type MailServer } from '../../connectors/notify/mail-sender.ts';
import { postWebhook, type WebhookTarget } from '../../connectors/notify/webhook-sender.ts';
import type { Installation } from '../../install/installation.ts';
import type { NotificationSettings } from '../../install/notification-settings.ts';
import {
  type NotificationChannel,
  type NotificationDelivery,
  type NotificationState,
  PENDING_PER_CHANNEL,
  type PendingNotification,
} from '../../install/notification-outbox.ts';
import { asDirSyncError } from '../errors.ts';
import type { ComposedNotification } from './message.ts';

/** The longest a pass over the outbox may take, whatever the servers do. */
const DELIVERY_BUDGET_MS = 45_000;

export interface Channels {
  mail?: { server: MailServer; from: string; to: readonly string[] };
  webhook?: WebhookTarget;
}

/** The configured channels, with the CA file read and the SMTP account and the webhook's key taken from the vault. */
export async function channelsOf(installation: Installation, settings: NotificationSettings): Promise<Channels> {
  const caPem = settings.caFile ? await readFile(settings.caFile, 'utf8') : undefined;
  const channels: Channels = {};
  const { smtpUser, smtpPassword, webhookSecret } = hasChannel(settings) ? await installation.vault.read() : {};
  if (settings.smtp) {
    channels.mail = {
      server: {
        host: settings.smtp.host,
        port: settings.smtp.port,
        tls: settings.smtp.tls,
        ...(caPem ? { caPem } : {}),
        ...(smtpUser && smtpPassword ? { user: smtpUser, password: smtpPassword } : {}),
      },
      from: settings.smtp.from,
      to: settings.smtp.to,
    };
  }
  if (settings.webhookUrl)
    channels.webhook = { url: settings.webhookUrl, ...(caPem ? { caPem } : {}), ...(webhookSecret ? { secret: webhookSecret } : {}) };
  return channels;
}

export function hasChannel(settings: NotificationSettings): boolean {
  return settings.smtp !== null || settings.webhookUrl !== null;
}

/** The installation's name in notifications: the configured one, or this machine's. */
export function installationName(settings: NotificationSettings): string {
  return settings.name ?? hostname();
}

/** Puts a notification in the outbox once per configured channel; the oldest wait drops out beyond the cap. */
export function enqueue(
  state: NotificationState,
  channels: Channels,
  event: string,
  message: ComposedNotification,
  attachments: NonNullable<PendingNotification['mail']>['attachments'],
  now = new Date(),
): string[] {
  const createdAt = now.toISOString();
  if (channels.mail)
    state.pending.push({ channel: 'mail', event, createdAt, attempts: 0, mail: { subject: message.subject, text: message.text, attachments } });
  if (channels.webhook) state.pending.push({ channel: 'webhook', event, createdAt, attempts: 0, payload: message.payload });
  const dropped: string[] = [];
  for (const channel of ['mail', 'webhook'] as const) {
    const waiting = state.pending.filter((pending) => pending.channel === channel);
    for (const old of waiting.slice(0, Math.max(0, waiting.length - PENDING_PER_CHANNEL))) {
      state.pending.splice(state.pending.indexOf(old), 1);
      dropped.push(`${old.event} of ${old.createdAt} (${channel})`);
    }
  }
  return dropped;
}

/** Sends the outbox; what was delivered leaves it, what failed stays for the next run. */
export async function deliverPending(state: NotificationState, channels: Channels): Promise<NotificationDelivery[]> {
  const signal = AbortSignal.timeout(DELIVERY_BUDGET_MS);
  const deliveries: NotificationDelivery[] = [];
  // A channel configured no more has nowhere to send its notifications.
  state.pending = state.pending.filter((pending) => channels[pending.channel] !== undefined);
  for (const channel of ['mail', 'webhook'] as const) {
    for (const pending of state.pending.filter((candidate) => candidate.channel === channel)) {
      try {
        const detail = await send(channel, pending, channels, signal);
        state.pending.splice(state.pending.indexOf(pending), 1);
        deliveries.push({ channel, event: pending.event, delivered: true, detail });
      } catch (error) {
        pending.attempts += 1;
        deliveries.push({ channel, event: pending.event, delivered: false, detail: asDirSyncError(error).message });
        break;
      }
    }
  }
  return deliveries;
}

async function send(channel: NotificationChannel, pending: PendingNotification, channels: Channels, signal: AbortSignal): Promise<string> {
  if (channel === 'mail') {
    const mail = channels.mail!;
    const content = pending.mail!;
    const answer = await sendMail(mail.server, { from: mail.from, to: mail.to, ...content }, signal);
    return `${answer.response}${answer.rejected.length > 0 ? ` (refused: ${answer.rejected.join(', ')})` : ''}`;
  }
  const answer = await postWebhook(channels.webhook!, pending.payload, signal);
  return `HTTP ${answer.status}${answer.body ? ` ${answer.body}` : ''}`;
}
