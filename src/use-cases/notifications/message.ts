// What a notification says: a subject with the installation, the status and the counts that matter
// ("DirSync corp: stopped-deletion-threshold-exceeded — 612 deletes withheld"), a plain-text body with what happened
// and what to do (the error catalogue's advice for a failure), and the webhook's one JSON object
// (event, installation, run as `sync --json` prints it).
import type { RunStatus } from '../../engine/state-store.ts';
import type { NotifyEvent } from '../../install/notification-settings.ts';
import type { RunSummary } from '../run-result.ts';

/** The failure that ended a cycle, as `--json` prints errors. */
export interface FailureSummary {
  code: string;
  category: string;
  message: string;
  recommendedAction: string;
}

export interface InstallationIdentity {
  name: string;
  path: string;
  standby: boolean;
}

export interface RunNotification {
  event: NotifyEvent;
  installation: InstallationIdentity;
  /** How the cycle ended: its run's status, or what its failure makes it when no run was recorded. */
  status: RunStatus;
  /** The run as recorded; null when the cycle failed before a run was recorded (the cloud sign-in, the store). */
  run: RunSummary | null;
  /** The run as `sync --json` prints it (the webhook carries it whole). */
  runJson: Record<string, unknown> | null;
  withheldDeletes: number;
  failure: FailureSummary | null;
  failuresInARow: number;
  failuresBefore: number;
  /** The attachment's file name, when the run's report is attached. */
  reportFile: string | null;
}

export interface ComposedNotification {
  subject: string;
  text: string;
  payload: Record<string, unknown>;
}

export function composeNotification(notification: RunNotification): ComposedNotification {
  const { installation, run } = notification;
  const subject = `${subjectPrefix(installation)}: ${headline(notification)}`;
  const text = [
    'What happened',
    indent(whatHappened(notification)),
    '',
    'What to do',
    indent(whatToDo(notification)),
    '',
    run
      ? `${notification.reportFile ? `The run's report is attached (${notification.reportFile}); ` : ''}dirsync report --path ${installation.path} --run ${run.runId} --html FILE writes it again (Export-OnlineCoexistenceSyncReport).`
      : `The run history: dirsync status --path ${installation.path} (Get-OnlineCoexistenceSyncHistory).`,
    '',
    `-- DirSync on ${installation.name}, ${installation.path}`,
  ].join('\n');
  const payload = {
    event: notification.event,
    installation: { ...installation },
    run: notification.runJson,
    error: notification.failure,
    failuresInARow: notification.failuresInARow,
    // Chat webhooks (Slack-compatible ones among them) show a `text` field as the message.
    text: subject,
  };
  return { subject, text: `${text}\n`, payload };
}

/** The message `dirsync notify test` sends. */
export function composeTestNotification(installation: InstallationIdentity, sentAt: Date): ComposedNotification {
  const subject = `${subjectPrefix(installation)}: test message`;
  const text = [
    `This is a test message from DirSync on ${installation.name} (${installation.path}), sent ${sentAt.toISOString()} by dirsync notify test.`,
    'Its notifications reach you: failures, the deletion threshold, drift and recoveries, as configured.',
    '',
  ].join('\n');
  return { subject, text, payload: { event: 'test', installation: { ...installation }, run: null, error: null, failuresInARow: 0, text: subject } };
}

function subjectPrefix(installation: InstallationIdentity): string {
  return `DirSync ${installation.name}${installation.standby ? ' (standby)' : ''}`;
}

function headline(notification: RunNotification): string {
  const { run } = notification;
  const { status } = notification;
  switch (notification.event) {
    case 'failure': {
      const inARow = notification.failuresInARow > 1 ? `, ${notification.failuresInARow} runs in a row` : '';
      return `${status} — ${notification.failure?.code ?? run?.message ?? 'the run failed'}${inARow}`;
    }
    case 'threshold':
      return `${status} — ${notification.withheldDeletes} deletes withheld`;
    case 'recovered':
      return `recovered — ${status} after ${notification.failuresBefore} failed run${notification.failuresBefore === 1 ? '' : 's'}`;
    case 'drift':
      return `${status} — ${run?.counts.reverted ?? 0} drifted objects reverted`;
    case 'every-run':
      return run ? `${status} — ${countsLine(run)}` : `${status} — ${notification.failure?.code ?? 'no run recorded'}`;
  }
}

function whatHappened(notification: RunNotification): string {
  const { run, failure } = notification;
  const lines: string[] = [];
  if (run) {
    lines.push(
      `Run ${run.runId} (${run.mode}) started ${run.startedAt.toISOString()}${run.endedAt ? `, ended ${run.endedAt.toISOString()}` : ''}: ${run.status}.`,
      `${countsLine(run)}${notification.withheldDeletes > 0 ? `; ${notification.withheldDeletes} deletes withheld` : ''}.`,
    );
    if (run.mode.startsWith('standby-')) lines.push('A standby installation: nothing was sent to Entra ID; the counts are what it would have done.');
  } else {
    lines.push('The cycle failed before a run could be recorded.');
  }
  if (failure) lines.push(`Error [${failure.code}]: ${failure.message}`);
  else if (run?.message) lines.push(run.message);
  if (notification.failuresInARow > 1) lines.push(`${notification.failuresInARow} runs in a row have failed.`);
  if (notification.event === 'recovered')
    lines.push(`Synchronization works again after ${notification.failuresBefore} failed run${notification.failuresBefore === 1 ? '' : 's'}.`);
  return lines.join('\n');
}

function whatToDo(notification: RunNotification): string {
  const { path } = notification.installation;
  const run = notification.run;
  if (notification.failure) return notification.failure.recommendedAction;
  switch (notification.event) {
    case 'threshold':
      return [
        `No delete of this run was exported, and none will be until the deletes are reviewed. List them: dirsync sync --path ${path} --preview (Start-OnlineCoexistenceSync -WhatIf); the attached report names each one.`,
        `If they are intended, let one cycle through: dirsync sync --path ${path} --accept-deletes (Start-OnlineCoexistenceSync -AcceptDeletes).`,
        'If not, correct the scope (configure --include-ou / --exclude-ou) or the directory first.',
      ].join('\n');
    case 'drift':
      return "Objects were changed in Entra ID outside DirSync and were set back to what Active Directory holds. Find who changes them (the tenant's audit log), and make such changes in Active Directory instead.";
    case 'recovered':
      return `Nothing. The failed runs are in dirsync status --path ${path}.`;
    default:
      if (run && run.counts.errors > 0)
        return 'Correct the objects that failed as the attached report says for each error code (dirsync readiness finds duplicate and invalid values), then synchronize again; failed objects are retried by every cycle.';
      return run?.status === 'failed' || run?.status === 'stopped-server-down'
        ? `See the run's message; dirsync status --path ${path} shows the history.`
        : 'Nothing.';
  }
}

function countsLine(run: RunSummary): string {
  const { counts } = run;
  const reverted = run.counts.reverted;
  return `${counts.added} added, ${counts.updated} updated, ${counts.deleted} deleted, ${counts.errors} errors${reverted > 0 ? `, ${reverted} reverted` : ''}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
