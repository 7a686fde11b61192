// Which event, if any, a cycle's outcome is worth telling, given the runs before it. One notification per run at most,
// for the most important event the administrator asked for: a failure (at the configured count of failures in a row),
// the deletion threshold, a recovery, drift reverted above the configured count, and otherwise every run if asked.
import type { RunCounts, RunStatus } from '../../engine/state-store.ts';
import type { NotificationSettings, NotifyEvent } from '../../install/notification-settings.ts';

/** A cycle that failed (the failure ended it, or it was recorded so). */
const FAILED: ReadonlySet<RunStatus> = new Set(['failed', 'stopped-server-down']);
/** A cycle that reached its outcome: the servers answered and the run did what it could. */
const REACHED_AN_OUTCOME: ReadonlySet<RunStatus> = new Set(['success', 'completed-export-errors', 'stopped-deletion-threshold-exceeded']);

export interface EventDecision {
  /** What to tell; null: nothing this time. */
  event: NotifyEvent | null;
  /** Runs failed in a row, this one included (0 once a run reached its outcome). */
  failuresInARow: number;
  /** The failures in a row before this run (what a recovery reports). */
  failuresBefore: number;
}

export function decideEvent(
  outcome: { status: RunStatus; counts: Pick<RunCounts, 'reverted'> },
  failuresBefore: number,
  settings: Pick<NotificationSettings, 'on' | 'failuresInARow' | 'driftAbove'>,
): EventDecision {
  const failed = FAILED.has(outcome.status);
  // A run stopped on request or interrupted says nothing about the servers: the count stays as it was.
  const failuresInARow = failed ? failuresBefore + 1 : REACHED_AN_OUTCOME.has(outcome.status) ? 0 : failuresBefore;
  const candidates: (NotifyEvent | false)[] = failed
    ? [failuresInARow % settings.failuresInARow === 0 && 'failure', 'every-run']
    : [
        outcome.status === 'stopped-deletion-threshold-exceeded' && 'threshold',
        REACHED_AN_OUTCOME.has(outcome.status) && failuresBefore >= settings.failuresInARow && 'recovered',
        outcome.counts.reverted > settings.driftAbove && 'drift',
        'every-run',
      ];
  const event = candidates.find((candidate): candidate is NotifyEvent => candidate !== false && settings.on.includes(candidate)) ?? null;
  return { event, failuresInARow, failuresBefore };
}
