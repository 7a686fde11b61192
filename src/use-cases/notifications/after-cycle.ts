// The one place a cycle's notification is decided and sent: after sync and each cycle of the service, once the run
// is recorded and the run lock released. Whatever happens here is logged and counted, never thrown: a mail server
// down must not fail, stop or hold up the synchronization. What could not be delivered is sent after the next run.
import type { Reporter } from '../../core/reporter.ts';
import type { RunRecord } from '../../engine/state-store.ts';
import type { CycleResult } from '../../engine/sync-cycle.ts';
import { Installation } from '../../install/installation.ts';
import { type NotificationDelivery, readNotificationState, writeNotificationState } from '../../install/notification-outbox.ts';
import { openInstalledStore } from '../../wiring/installed-store.ts';
import { asDirSyncError } from '../errors.ts';
import { runReport } from '../report.ts';
import { type RunSummary, syncRunResult } from '../run-result.ts';
import { channelsOf, deliverPending, enqueue, hasChannel, installationName } from './delivery.ts';
import { decideEvent } from './events.ts';
import { composeNotification } from './message.ts';

/** How a cycle ended: with its run, or with the failure that ended it (`attemptedAt`: when it began). */
export type CycleOutcome = { run: CycleResult } | { failure: unknown; attemptedAt: Date };

export interface NotificationReport {
  deliveries: NotificationDelivery[];
  /** Notifications still waiting for the next run. */
  pending: number;
}

/** An HTML report larger than this is not attached (the mail says how to make it): mail servers refuse big mails. */
const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

export async function notifyAfterCycle(path: string, outcome: CycleOutcome, reporter: Reporter): Promise<NotificationReport> {
  try {
    return await notify(new Installation(path), outcome, reporter);
  } catch (error) {
    reporter.warning(`Notifications could not be handled after this cycle: ${asDirSyncError(error).message}`);
    return { deliveries: [], pending: 0 };
  }
}

async function notify(installation: Installation, outcome: CycleOutcome, reporter: Reporter): Promise<NotificationReport> {
  const configuration = await installation.readConfiguration();
  const settings = configuration.notifications;
  if (!hasChannel(settings)) return { deliveries: [], pending: 0 };
  const failure = 'failure' in outcome ? asDirSyncError(outcome.failure) : null;
  // Another cycle holds the lock: this one did not run, and the one running will tell its own outcome.
  if (failure?.code === 'Sync.already-running') return { deliveries: [], pending: 0 };

  const state = await readNotificationState(installation);
  const channels = await channelsOf(installation, settings);
  const recorded = await recordedRun(installation, outcome, Boolean(channels.mail), reporter);
  const run: RunSummary | null = 'run' in outcome ? outcome.run : recorded ? { runId: recorded.record.id, ...recorded.record } : null;
  const status = run?.status ?? (failure?.transient ? 'stopped-server-down' : 'failed');
  const decision = decideEvent({ status, counts: { reverted: run?.counts.reverted ?? 0 } }, state.failuresInARow, settings);
  state.failuresInARow = decision.failuresInARow;

  if (decision.event) {
    const reportFile = recorded?.html !== undefined && run ? `dirsync-run-${run.runId}.html` : null;
    const message = composeNotification({
      event: decision.event,
      installation: {
        name: installationName(settings),
        path: installation.path,
        standby: run ? run.mode.startsWith('standby-') : configuration.standby,
      },
      status,
      run,
      runJson: runJsonOf(outcome, run, recorded),
      withheldDeletes: 'run' in outcome ? outcome.run.withheld.length : (recorded?.withheld ?? 0),
      failure: failure && {
        code: failure.code,
        category: failure.category,
        message: failure.message,
        recommendedAction: failure.recommendedAction,
      },
      failuresInARow: decision.failuresInARow,
      failuresBefore: decision.failuresBefore,
      reportFile,
    });
    const attachments =
      reportFile && recorded?.html ? [{ filename: reportFile, content: recorded.html, contentType: 'text/html; charset=utf-8' }] : [];
    for (const dropped of enqueue(state, channels, decision.event, message, attachments))
      reporter.warning(`The undelivered notification ${dropped} was dropped: too many are waiting.`);
  }
  const deliveries = await deliverPending(state, channels);
  await writeNotificationState(installation, state);
  for (const delivery of deliveries) {
    if (delivery.delivered) reporter.verbose(`Notification (${delivery.event}) sent by ${delivery.channel}: ${delivery.detail}`);
    else
      reporter.warning(
        `The ${delivery.event} notification could not be sent by ${delivery.channel} [Notification.undeliverable]: ${delivery.detail}. It is sent again after the next run; dirsync notify test checks the settings.`,
      );
  }
  return { deliveries, pending: state.pending.length };
}

interface RecordedRun {
  record: RunRecord;
  /** The run's report page, when a mail will carry it (and it is not too large). */
  html?: string;
  errors: Awaited<ReturnType<typeof runReport>>['errors'];
  withheld: number;
}

/**
 * The run as the store recorded it: the cycle's own, or for a failure the run it recorded before failing (none when it
 * failed before that: the cloud sign-in, the store). Undefined when the store cannot be read: the notification goes
 * without the report.
 */
async function recordedRun(
  installation: Installation,
  outcome: CycleOutcome,
  withReport: boolean,
  reporter: Reporter,
): Promise<RecordedRun | undefined> {
  let store: Awaited<ReturnType<typeof openInstalledStore>>;
  try {
    store = await openInstalledStore(installation);
  } catch (error) {
    reporter.verbose(`The run's report cannot be attached: ${asDirSyncError(error).message}`);
    return undefined;
  }
  try {
    const runs = await store.listRuns(5);
    const record =
      'run' in outcome
        ? runs.find((candidate) => candidate.id === outcome.run.runId)
        : runs.find((candidate) => candidate.startedAt.getTime() >= outcome.attemptedAt.getTime());
    if (!record) return undefined;
    const report = await runReport(installation, store, record);
    const withheld = report.changes.filter((change) => change.action === 'withheld-delete').length;
    const html = withReport && Buffer.byteLength(report.html) <= MAX_ATTACHMENT_BYTES ? report.html : undefined;
    return { record, errors: report.errors, withheld, ...(html !== undefined ? { html } : {}) };
  } finally {
    await store.close();
  }
}

/** The run as `sync --json` prints it. */
function runJsonOf(outcome: CycleOutcome, run: RunSummary | null, recorded: RecordedRun | undefined): Record<string, unknown> | null {
  if ('run' in outcome)
    return syncRunResult(outcome.run, outcome.run.errors, { withheld: outcome.run.withheld, upnClashes: outcome.run.upnClashes }).properties;
  return run && recorded ? syncRunResult(run, recorded.errors).properties : null;
}
