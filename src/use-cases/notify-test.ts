// notify test (Test-CoexistenceNotification): sends a test message through every configured channel now and reports
// what each server answered, so that an administrator knows the alarms will arrive before one is needed.
import * as z from 'zod';
import { DirSyncError } from '../core/errors.ts';
import { sendMail } from '../connectors/notify/mail-sender.ts';
import { postWebhook } from '../connectors/notify/webhook-sender.ts';
import { Installation } from '../install/installation.ts';
import { asDirSyncError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import { channelsOf, hasChannel, installationName } from './notifications/delivery.ts';
import { composeTestNotification } from './notifications/message.ts';
import type { CommandOutput, CommandResult } from './output.ts';

export const notifyTestParameters = z.object({ path: z.string().min(1) });
export type NotifyTestParameters = z.infer<typeof notifyTestParameters>;

export async function notifyTest(parameters: NotifyTestParameters, output: CommandOutput): Promise<number> {
  const installation = new Installation(parameters.path);
  await installation.readManifest();
  const configuration = await installation.readConfiguration();
  const settings = configuration.notifications;
  if (!hasChannel(settings))
    throw new DirSyncError('Notification.not-configured', `${installation.path} has no mail server and no webhook configured for notifications.`, {
      target: installation.path,
    });
  const channels = await channelsOf(installation, settings);
  const message = composeTestNotification({ name: installationName(settings), path: installation.path, standby: configuration.standby }, new Date());
  const results: CommandResult[] = [];
  if (channels.mail) {
    const { server, from, to } = channels.mail;
    const target = `${server.host}:${server.port}`;
    try {
      const answer = await sendMail(server, { from, to, subject: message.subject, text: message.text, attachments: [] });
      results.push(testResult('mail', target, true, answer.response, { accepted: answer.accepted, rejected: answer.rejected }));
    } catch (error) {
      results.push(testResult('mail', target, false, asDirSyncError(error).message, { accepted: [], rejected: [...to] }));
    }
  }
  if (channels.webhook) {
    const target = new URL(channels.webhook.url).origin;
    const signed = { signed: channels.webhook.secret !== undefined };
    try {
      const answer = await postWebhook(channels.webhook, message.payload);
      results.push(testResult('webhook', target, true, `HTTP ${answer.status}${answer.body ? ` ${answer.body}` : ''}`, signed));
    } catch (error) {
      results.push(testResult('webhook', target, false, asDirSyncError(error).message, signed));
    }
  }
  for (const result of results) output.result(result);
  const failed = results.filter((result) => result.properties.delivered === false);
  if (failed.length > 0)
    throw new DirSyncError(
      'Notification.undeliverable',
      `the test message was not delivered by ${failed.map((result) => `${result.properties.channel} (${result.properties.target})`).join(' and ')}: ${failed.map((result) => result.properties.answer).join('; ')}`,
      { target: String(failed[0]!.properties.target) },
    );
  return ExitCode.success;
}

function testResult(
  channel: string,
  target: string,
  delivered: boolean,
  answer: string,
  /** The mail's recipients as the server took them; whether the webhook's request was signed. */
  details: { accepted: string[]; rejected: string[] } | { signed: boolean },
): CommandResult {
  return { typeName: 'DirSync.NotificationTest', properties: { channel, target, delivered, answer, ...details } };
}
