// What the notifications remember between runs, in the installation's notifications.json: how many runs in a row
// failed (a failure is told at the configured count, a recovery after it), and the notifications not delivered yet,
// sent again after the next run. Never a secret: subjects, bodies, reports and payloads only.
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { writePrivateFile, type Installation } from './installation.ts';

export const NOTIFICATIONS_FILE = 'notifications.json';

export const NOTIFICATION_CHANNELS = ['mail', 'webhook'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** At most this many undelivered notifications wait per channel; older ones are dropped (a mail server down for weeks). */
export const PENDING_PER_CHANNEL = 20;

const pendingSchema = z.object({
  channel: z.enum(NOTIFICATION_CHANNELS),
  event: z.string(),
  createdAt: z.string(),
  attempts: z.number().int().min(0),
  /** The mail (subject, text, attachments), sent to the recipients configured when it goes out. */
  mail: z
    .object({
      subject: z.string(),
      text: z.string(),
      attachments: z.array(z.object({ filename: z.string(), content: z.string(), contentType: z.string() })),
    })
    .optional(),
  /** The webhook's JSON object. */
  payload: z.unknown().optional(),
});
export type PendingNotification = z.infer<typeof pendingSchema>;

const stateSchema = z.object({ failuresInARow: z.number().int().min(0), pending: z.array(pendingSchema) });
export type NotificationState = z.infer<typeof stateSchema>;

/** How one notification fared, for the log and the service's metrics. */
export interface NotificationDelivery {
  channel: NotificationChannel;
  event: string;
  delivered: boolean;
  /** The server's answer, or why it could not be delivered. */
  detail: string;
}

/** The state as last written; a fresh one when there is none or it cannot be read (notifications never stop a sync). */
export async function readNotificationState(installation: Installation): Promise<NotificationState> {
  try {
    const parsed = stateSchema.safeParse(JSON.parse(await readFile(installation.file(NOTIFICATIONS_FILE), 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // No file yet, or a damaged one: start again.
  }
  return { failuresInARow: 0, pending: [] };
}

export async function writeNotificationState(installation: Installation, state: NotificationState): Promise<void> {
  await writePrivateFile(installation.file(NOTIFICATIONS_FILE), `${JSON.stringify(state, null, 2)}\n`);
}
