// Explain's stages that are plain data once read: the attribute table (AD's desired value through the engine's
// mapping, what DirSync last exported, what the cloud holds now) and its drift, the next cycle's Graph requests, and
// what each run in the history did to the object.
import { UPN_WANTED_KEY } from '../engine/cycle/upn-clash.ts';
import type { CloudOperation } from '../engine/operations.ts';
import type { PlannedOperation } from '../engine/sync-cycle.ts';
import { sameCloudValue } from '../engine/cycle/cloud-values.ts';
import { MANAGER_KEY, type DriftEntry } from '../engine/cycle/cycle-state.ts';
import type { ObjectError, ObjectLink } from '../engine/state-store.ts';
import type { ExplainedAttribute, GraphRequestLine, HistoryEntry, ObjectExplanation } from '../report/object-page.ts';
import type { DirSyncStore } from '../store/store.ts';

/** What a link keeps besides exported attributes: references and a placeholder UPN's wanted value, shown apart. */
const BOOKKEEPING: ReadonlySet<string> = new Set([MANAGER_KEY, UPN_WANTED_KEY]);

/** The cloud properties an object's attribute table reads: every attribute DirSync wants or exported. */
export function attributeNames(...sources: (Record<string, unknown> | undefined)[]): string[] {
  return [...new Set(sources.flatMap((source) => Object.keys(source ?? {})))].filter((name) => !BOOKKEEPING.has(name));
}

/**
 * One row per attribute (a nested one, such as onPremisesExtensionAttributes, one per key); rows empty on every
 * side are left out.
 */
export function attributeRows(
  desired: Record<string, unknown> | undefined,
  exported: Record<string, unknown> | undefined,
  cloud: Record<string, unknown> | undefined,
): ExplainedAttribute[] {
  const rows: ExplainedAttribute[] = [];
  const add = (target: string, values: [unknown, unknown, unknown]) => {
    const [wanted, sent, now] = values;
    const records = values.filter(isRecord);
    if (records.length > 0) {
      for (const key of new Set(records.flatMap((record) => Object.keys(record))))
        add(`${target}.${key}`, [field(wanted, key), field(sent, key), field(now, key)]);
      return;
    }
    if (![wanted, sent, now].every(isEmpty)) rows.push({ target, desired: wanted ?? null, exported: sent ?? null, cloud: now ?? null });
  };
  for (const name of attributeNames(desired, exported)) add(name, [desired?.[name], exported?.[name], cloud?.[name]]);
  return rows;
}

/**
 * Where the cloud no longer holds what DirSync exported to it — changed since in the portal or by another tool — as
 * the cycle's drift step compares them (cloud-drift.ts), and as it would note them.
 */
export function driftOf(rows: readonly ExplainedAttribute[], link: ObjectLink): DriftEntry[] {
  // An attribute never exported (one the mapping gained since) is not drift: DirSync has no value of its own there.
  const exported = (row: ExplainedAttribute) => row.target === MANAGER_KEY || row.target.split('.')[0]! in link.exported;
  return rows
    .filter((row) => exported(row) && !sameCloudValue(row.target, row.exported, row.cloud))
    .map((row) => ({ anchor: link.anchor, dn: link.dn, kind: link.kind, attribute: row.target, cloudValue: row.cloud, adValue: row.exported }));
}

/** The Graph requests of a planned operation list, as the exporter would send them. */
export function nextCycleRequests(
  plan: readonly PlannedOperation[],
  requestsFor: (operation: CloudOperation) => { method: string; url: string; body?: unknown }[],
): GraphRequestLine[] {
  return plan.flatMap((planned) =>
    requestsFor(planned.operation).map((request) => ({
      action: planned.action,
      method: request.method,
      url: request.url,
      body: request.body ?? null,
      note:
        planned.action === 'create' && planned.objectType === 'user'
          ? 'sent with a generated passwordProfile, never shown'
          : (planned.reason ?? null),
    })),
  );
}

/** Far more runs than the history keeps: every run kept. */
const WHOLE_HISTORY = 1_000_000;

export interface ObjectHistory {
  /** Newest first. */
  entries: HistoryEntry[];
  /** The object's errors, by run. */
  errors: Map<number, ObjectError[]>;
}

/**
 * What each run kept in the history did to the object, newest first, and within a run: its changes, its deletion, its
 * errors. Only this object's records are read (by anchor), whatever the size of the runs.
 */
export async function objectHistory(store: DirSyncStore, anchor: string): Promise<ObjectHistory> {
  const [runs, records] = await Promise.all([store.listRuns(WHOLE_HISTORY), store.getObjectHistory(anchor)]);
  const ofRun = (record: { runId: number }) => record.runId;
  const [changesByRun, deletedByRun, errorsByRun] = [
    Map.groupBy(records.changes, ofRun),
    Map.groupBy(records.deleted, ofRun),
    Map.groupBy(records.errors, ofRun),
  ];
  const history: HistoryEntry[] = [];
  const errors = new Map<number, ObjectError[]>();
  for (const run of runs) {
    const entry = (action: HistoryEntry['action'], changed: HistoryEntry['changes'], detail: string | null): HistoryEntry => ({
      runId: run.id,
      mode: run.mode,
      endedAt: run.endedAt,
      action,
      changes: changed,
      detail,
    });
    for (const change of changesByRun.get(run.id) ?? [])
      history.push(
        entry(change.action, change.attributes, change.reason && change.kind === 'membership' ? `${change.dn}: ${change.reason}` : change.reason),
      );
    for (const object of deletedByRun.get(run.id) ?? []) history.push(entry('deleted', [], `cloud ${object.kind} ${object.cloudId}`));
    const own = errorsByRun.get(run.id) ?? [];
    for (const error of own) history.push(entry('error', [], `${error.code}: ${error.message}`));
    if (own.length > 0) errors.set(run.id, own);
  }
  return { entries: history, errors };
}

/** The run that last created or joined the object since it was last deleted, if the history still has it. */
export function linkedSince(history: readonly HistoryEntry[]): number | null {
  let since: number | null = null;
  for (const entry of history) {
    if (entry.action === 'deleted') break;
    if (entry.action === 'added' || entry.action === 'updated' || entry.action === 'restored') since = entry.runId;
  }
  return since;
}

/** The errors of the last run that dealt with the object (none if that run did not fail it). */
export function lastErrors(history: ObjectHistory): ObjectExplanation['errors'] {
  const latest = history.entries[0]?.runId;
  const errors = latest === undefined ? [] : (history.errors.get(latest) ?? []);
  return errors.map((error) => ({ runId: latest ?? null, code: error.code, message: error.message }));
}

function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}
