// A synchronization run as scripts see it: the --json contract of sync and status, PSTypeName DirSync.SyncRun.
import type { DriftEntry, PartResult, PlannedOperation, UpnClash, WithheldDelete } from '../engine/sync-cycle.ts';
import type { ObjectError, RunCounts, RunHistoryMode, RunStatus } from '../engine/state-store.ts';
import type { CommandResult } from './output.ts';

export interface RunSummary {
  runId: number;
  mode: RunHistoryMode;
  status: RunStatus;
  startedAt: Date;
  endedAt: Date | null;
  counts: RunCounts;
  message: string | null;
}

export function syncRunResult(
  run: RunSummary,
  errors: readonly ObjectError[],
  details: {
    plan?: readonly PlannedOperation[] | undefined;
    withheld?: readonly WithheldDelete[];
    upnClashes?: readonly UpnClash[];
    reverted?: readonly DriftEntry[];
    drift?: readonly DriftEntry[];
    /** An installation with several forests: how each went. */
    forests?: readonly PartResult[] | undefined;
  } = {},
): CommandResult {
  return {
    typeName: 'DirSync.SyncRun',
    properties: {
      runId: run.runId,
      mode: run.mode,
      status: run.status,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      counts: { ...run.counts },
      errors: errors.map((error) => ({ dn: error.dn, anchor: error.anchor, code: error.code, message: error.message })),
      message: run.message,
      ...(details.withheld && details.withheld.length > 0 ? { withheld: details.withheld.map((entry) => ({ ...entry })) } : {}),
      ...(details.upnClashes && details.upnClashes.length > 0
        ? { upnClashes: details.upnClashes.map(({ dn, userPrincipalName, placeholder }) => ({ dn, userPrincipalName, placeholder })) }
        : {}),
      ...(details.reverted && details.reverted.length > 0 ? { reverted: details.reverted.map(driftShape) } : {}),
      ...(details.drift && details.drift.length > 0 ? { drift: details.drift.map(driftShape) } : {}),
      ...(details.forests ? { forests: forestsShape(details.forests) } : {}),
      ...(details.plan ? { plan: details.plan.map(({ operation: _sent, ...listed }) => ({ ...listed })) } : {}),
    },
  };
}

/** A cloud change as scripts see it: the property, what the cloud held, what AD says. */
function driftShape(entry: DriftEntry) {
  return { dn: entry.dn, anchor: entry.anchor, attribute: entry.attribute, cloudValue: entry.cloudValue, adValue: entry.adValue };
}

/** Forests side by side, keyed by name: `{"fabrikam.example.test": {"status", "counts", "error"?, "notices"?}}`. */
function forestsShape(forests: readonly PartResult[]): Record<string, unknown> {
  return Object.fromEntries(
    forests.map((forest) => [
      forest.name,
      {
        status: forest.status,
        counts: { ...forest.counts },
        ...(forest.error ? { error: { ...forest.error } } : {}),
        ...(forest.notices.length > 0 ? { notices: [...forest.notices] } : {}),
      },
    ]),
  );
}
