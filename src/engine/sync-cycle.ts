// One synchronization cycle, in phases over one explicit CycleState:
//   import and plan (import-phase.ts, join.ts) → references (references.ts) → deletes (deletes.ts) → outcome.
// Streaming throughout: the directory flows through in chunks; only the cycle's deletes and the changed groups'
// memberships are held until the end (memberships need every member to exist first; deletes need the whole count
// before the guard can decide). A preview, a standby or an approved plan differs only by the parts its run mode
// resolves to (run-mode.ts): where operations go and which store the phases record into. Each plans exactly the same.
// An object run (sync --object, explain) is the same cycle over a different import: the named objects read by GUID.
import { isTransient, StopRequestedError } from '../core/errors.ts';
import type { Reporter } from '../core/reporter.ts';
import type { DeletionGuardSettings } from './deletion-guard.ts';
import { directoryExtensions, type AttributeMapping } from './mapping/attribute-mapping.ts';
import type { Watermark } from './model.ts';
import type { CloudTarget, DirectorySource, OperationSink } from './ports.ts';
import type { RunParts } from './run-mode.ts';
import { wholeRetryQueue, type ObjectError, type RunCounts, type RunHistoryMode, type RunStatus, type StateStore } from './state-store.ts';
import { createApplier } from './cycle/apply.ts';
import { CLOUD_WATERMARK, detectCloudDrift, type CloudDriftPolicy } from './cycle/cloud-drift.ts';
import { DELETED_ITEMS_DAYS } from './cycle/comebacks.ts';
import { createAfterDeletes } from './cycle/deferred-creates.ts';
import { CycleState, emptyCounts, type DriftEntry, type PlannedOperation, type UpnClash, type WithheldDelete } from './cycle/cycle-state.ts';
import { exportDeletes } from './cycle/deletes.ts';
import { importChanges, stopIfRequested } from './cycle/import-phase.ts';
import { CycleLedger } from './cycle/ledger.ts';
import { reconcileManagers, reconcileMemberships } from './cycle/references.ts';

export type { DriftEntry, PlannedOperation, UpnClash, WithheldDelete } from './cycle/cycle-state.ts';
export type { CloudDriftPolicy } from './cycle/cloud-drift.ts';

/** The store key of the AD watermark. */
export const AD_WATERMARK = 'active-directory';
/** The store key of the custom attribute mapping the last completed cycle applied (its fingerprint; absent: the default). */
export const MAPPING_APPLIED = 'attribute-mapping';

/** How many queued retries one cycle takes on (the rest wait for the next cycle). */
const RETRIES_PER_CYCLE = 5000;

export interface CycleOptions {
  /** `object`: only the objects named by `objects`, read by GUID, through the same phases; no watermark moves. */
  mode: 'full' | 'delta' | 'object';
  /** The anchors an `object` run reads (with the groups they are members of and their manager reference). */
  objects?: readonly string[];
  /** Live, preview, standby or an approved plan: where operations go and what is recorded (run-mode.ts). */
  runMode: RunParts;
  /** Export this cycle's deletes even above the guard's limits (the administrator's one-run override). */
  acceptDeletes: boolean;
  deletionGuard: DeletionGuardSettings;
  softMatch: 'smtp-then-upn' | 'off';
  /** How a delta finds deletions: the directory's tombstones (visible to the account), or a listing of the scope. */
  deltaDeletions: 'tombstones' | 'listing';
  /** What to do about changes made in the cloud to what DirSync owns: send AD's values back, or only report them. */
  cloudDrift: CloudDriftPolicy;
  /** The effective attribute mapping; when it differs from the one last applied, the cycle re-evaluates every object. */
  mapping: AttributeMapping;
}

export interface CycleDependencies {
  store: StateStore;
  source: DirectorySource;
  target: CloudTarget;
  /** What sends operations to Entra ID; the run mode decides whether they reach it. */
  exporter: OperationSink;
  reporter: Reporter;
  /** Aborting stops the cycle after the batch in flight; the run is recorded as stopped-by-request. */
  signal?: AbortSignal;
  now?: () => Date;
}

export interface CycleResult {
  runId: number;
  mode: RunHistoryMode;
  status: RunStatus;
  counts: RunCounts;
  errors: ObjectError[];
  /**
   * The watermark the import ended at, committed unless the cycle is a preview or withheld its deletes; absent when
   * the cycle did not complete, and for an object run (which reads no changes).
   */
  watermark?: Watermark;
  /** A preview's or a standby's operations: what would have been sent; an object run's: what it sent. */
  plan: PlannedOperation[];
  /** Deletes not exported, and why: the guard's, or objects hidden from the listing. */
  withheld: WithheldDelete[];
  /** Users in the cloud under a placeholder UPN because another cloud object holds theirs. */
  upnClashes: UpnClash[];
  /** Changes made in the cloud that the cycle sent back to AD's values (adValue: what it sent). */
  reverted: DriftEntry[];
  /** Changes made in the cloud that stay as they are: the `report` policy, or a revert that failed or was withheld. */
  drift: DriftEntry[];
  /** A source read in parts (forests): how each went, with its own counts; absent for a source of one directory. */
  parts?: PartResult[];
  startedAt: Date;
  endedAt: Date;
  message: string | null;
}

/** One part of a source read in parts (a forest), as the cycle ended for it. */
export interface PartResult {
  name: string;
  status: 'read' | 'unreadable';
  /** Why it could not be read; null when it was. */
  error: { code: string; message: string } | null;
  counts: RunCounts;
  notices: string[];
}

/** A cycle recorded in the history, not run yet: from its watermark (none: full), the mapping changed or not. */
export interface StartedCycle {
  readonly state: CycleState;
  readonly watermark: Watermark | undefined;
  readonly mappingChanged: boolean;
}

/**
 * Records the cycle as a run before anything is connected or read, so that a cycle that fails to sign in or to reach
 * Graph shows in the history (status, the report, the metrics) like any other. Call while holding the run lock.
 * `partOf` names the part (forest) of a DN, for a source read in parts; it may ask a source connected only later.
 */
export async function startCycle(
  options: CycleOptions,
  store: StateStore,
  reporter: Reporter,
  now: () => Date = () => new Date(),
  partOf?: (dn: string) => string | undefined,
): Promise<StartedCycle> {
  const watermark = await store.getWatermark(AD_WATERMARK);
  // A delta sees only what AD changed: after a mapping change every object must be evaluated again, so a full import.
  const mappingChanged = ((await store.getWatermark(MAPPING_APPLIED)) ?? null) !== options.mapping.fingerprint;
  const state = new CycleState({
    mode: options.mode === 'delta' && (watermark === undefined || mappingChanged) ? 'full' : options.mode,
    historyMode: options.runMode.historyMode,
    startedAt: now(),
    reporter,
    mapping: options.mapping,
    ...(partOf ? { partOf } : {}),
  });
  if (state.mode !== options.mode)
    reporter.verbose(
      watermark === undefined
        ? 'No delta watermark is stored yet: running a full import.'
        : 'The attribute mapping changed since the last cycle: running a full import, which evaluates every object in scope again.',
    );
  const interrupted = await store.markInterruptedRuns(state.startedAt);
  if (interrupted > 0)
    reporter.warning(
      `${interrupted} earlier run(s) ended without recording an outcome (the process was killed or crashed): they are marked interrupted.`,
    );
  state.runId = await store.startRun(state.runMode, state.startedAt);
  return { state, watermark, mappingChanged };
}

/** A started cycle that never ran (it could not connect): failed, or stopped-server-down when that passes. */
export async function abandonCycle(store: StateStore, started: StartedCycle, error: unknown, endedAt = new Date()): Promise<void> {
  const status = isTransient(error) ? 'stopped-server-down' : 'failed';
  await finish(store, started.state, endedAt, status, error instanceof Error ? error.message : String(error));
}

/** Runs a cycle: one started by startCycle, or (without `started`) a new one. */
export async function runSyncCycle(options: CycleOptions, dependencies: CycleDependencies, started?: StartedCycle): Promise<CycleResult> {
  const { store, source, target, reporter, signal } = dependencies;
  const now = dependencies.now ?? (() => new Date());
  const partOf = source.parts ? (dn: string) => source.parts?.partOf(dn) : undefined;
  const { state, watermark, mappingChanged } = started ?? (await startCycle(options, store, reporter, now, partOf));

  const recordsInto = options.runMode.storeView(store);
  // An object run lists what it sends too: its few operations are the steps the administrator asked to see.
  const listsOperations = options.runMode.listsPlan || state.mode === 'object';
  const ledger = new CycleLedger(recordsInto, state, listsOperations ? state.plan : undefined);
  const applier = createApplier(state, options.runMode.sink(dependencies.exporter), ledger);
  const phase = { state, store: recordsInto, source, target, applier, ledger, signal };
  try {
    state.tenant = await target.tenant(directoryExtensions(options.mapping));
    state.queuedRetries = new Set(await retriesTakenOn(store, options));
    await recordsInto.pruneDeletedLinks(new Date(state.startedAt.getTime() - DELETED_ITEMS_DAYS * 24 * 3600 * 1000));
    // The cloud first: drift the ledger learns of is then reverted by the import's ordinary planning. The tenant's
    // change round is a cycle's: an object run reads only its objects, and leaves the round where it is.
    const cloudResumesAt =
      state.mode === 'object' ? undefined : await detectCloudDrift({ state, store: recordsInto, target, ledger, policy: options.cloudDrift });
    const importedTo = await importChanges(
      {
        ...phase,
        objects: options.objects,
        softMatch: options.softMatch !== 'off',
        onFallbackToFull: async (reason) => {
          reporter.warning(
            `Active Directory no longer accepts the stored watermark (${reason}): running a full import, which also finds what was deleted meanwhile.`,
          );
          state.mode = 'full';
          await store.setRunMode(state.runId, state.runMode);
        },
      },
      watermark,
    );
    await reconcileMemberships(phase);
    await reconcileManagers(phase);
    stopIfRequested(signal);
    const withheldByGuard = await exportDeletes({
      ...phase,
      acceptDeletes: options.acceptDeletes,
      guard: options.deletionGuard,
      deltaDeletions: options.deltaDeletions,
    });
    // Creates refused for a UPN another object held: the deletes may have freed it (one cycle, no error).
    await createAfterDeletes(phase);
    await settleRetryQueue(state, ledger);
    // Committed last: a cycle that dies before this point is replayed from the old watermark, and the replay is
    // idempotent (links and last-exported attributes make repeated changes no-ops). An object run has neither to commit.
    if (!withheldByGuard) {
      if (cloudResumesAt) await ledger.commitWatermark(CLOUD_WATERMARK, JSON.stringify(cloudResumesAt));
      if (importedTo !== undefined) await ledger.commitWatermark(AD_WATERMARK, importedTo);
      // Applied once every object was evaluated with it: an object run, or a forest that could not be read, leaves it
      // to the next cycle.
      if (mappingChanged && importedTo !== undefined && unreadableParts(source).length === 0)
        await ledger.commitWatermark(MAPPING_APPLIED, options.mapping.fingerprint ?? undefined);
    }
    reportSummaries(state);
    const unreadable = unreadableParts(source);
    const status: RunStatus = withheldByGuard
      ? 'stopped-deletion-threshold-exceeded'
      : unreadable.length > 0
        ? 'completed-forest-errors'
        : state.counts.errors > 0
          ? 'completed-export-errors'
          : 'success';
    const message = unreadable.length > 0 ? unreadable.join(' ') : undefined;
    return {
      ...(await finish(store, state, now(), status, message, source)),
      ...(importedTo === undefined ? {} : { watermark: importedTo }),
    };
  } catch (error) {
    if (error instanceof StopRequestedError) {
      reporter.warning('The cycle was stopped on request after the batch in flight; the next cycle resumes from the last recorded watermark.');
      return await finish(store, state, now(), 'stopped-by-request', error.message, source);
    }
    // A directory, service or store out of reach is the original's stopped-server-down; anything else failed.
    await finish(store, state, now(), isTransient(error) ? 'stopped-server-down' : 'failed', error instanceof Error ? error.message : String(error));
    throw error;
  }
}

/** The queued retries a cycle takes on: an object run, only its own objects' (the others wait for a cycle that reads them). */
async function retriesTakenOn(store: StateStore, options: CycleOptions): Promise<string[]> {
  if (options.mode !== 'object') return store.listRetries(RETRIES_PER_CYCLE);
  const objects = new Set(options.objects);
  return (await wholeRetryQueue(store)).filter((anchor) => objects.has(anchor));
}

/** The retries this cycle took on leave the queue, unless they failed again, wait for a member or for their UPN. */
async function settleRetryQueue(state: CycleState, ledger: CycleLedger): Promise<void> {
  const waitingForUpn = new Set(state.upnClashes.map((clash) => clash.anchor));
  await ledger.queueRetries([...waitingForUpn]);
  const stillWaiting = (anchor: string) =>
    state.failedAnchors.has(anchor) || state.requeuedGroups.has(anchor) || state.deferredCreates.has(anchor) || waitingForUpn.has(anchor);
  await ledger.settleRetries([...state.queuedRetries].filter((anchor) => !stillWaiting(anchor)));
}

function reportSummaries(state: CycleState): void {
  for (const [reason, count] of state.notExportableReasons) state.reporter.warning(`${count} object(s) not exported: ${reason}.`);
  const shown = state.notices.slice(0, 5);
  for (const notice of shown) state.reporter.warning(notice);
  if (state.notices.length > shown.length)
    state.reporter.warning(`… and ${state.notices.length - shown.length} more such notices (run with verbose output to see them all).`);
}

/** The parts (forests) that could not be read this cycle, each said by name, with why: the run's message. */
function unreadableParts(source: DirectorySource): string[] {
  return (source.parts?.outcomes() ?? [])
    .filter((part) => part.problem !== undefined)
    .map((part) => `${part.name} could not be read [${part.problem!.code}]: ${part.problem!.message} Its objects were left as they are.`);
}

function partResults(state: CycleState, source: DirectorySource | undefined): PartResult[] | undefined {
  return source?.parts?.outcomes().map((part) => ({
    name: part.name,
    status: part.problem === undefined ? 'read' : 'unreadable',
    error: part.problem === undefined ? null : { code: part.problem.code, message: part.problem.message },
    counts: { ...(state.countsByPart.get(part.name) ?? emptyCounts()) },
    notices: [...part.notices],
  }));
}

async function finish(
  store: StateStore,
  state: CycleState,
  endedAt: Date,
  status: RunStatus,
  message?: string,
  source?: DirectorySource,
): Promise<CycleResult> {
  const counts = { ...state.counts };
  if (state.errors.length > 0) await store.recordObjectErrors(state.runId, state.errors);
  const notes = [
    ...state.withheld.map((withheld) => ({
      anchor: withheld.anchor,
      dn: withheld.dn,
      kind: withheld.objectType,
      action: 'withheld-delete' as const,
      attributes: [],
      reason: withheld.reason,
    })),
    ...state.upnClashes.map((clash) => ({
      anchor: clash.anchor,
      dn: clash.dn,
      kind: 'user' as const,
      action: 'upn-placeholder' as const,
      attributes: [{ name: 'userPrincipalName', old: clash.userPrincipalName, new: clash.placeholder }],
      reason: `another cloud object holds ${clash.userPrincipalName}`,
    })),
    ...driftNotes(state.reverted, 'reverted'),
    ...driftNotes(unresolvedDrift(state), 'drift'),
  ];
  if (notes.length > 0) await store.recordObjectChanges(state.runId, notes);
  await store.finishRun(state.runId, status, counts, endedAt, message);
  const parts = partResults(state, source);
  return {
    ...(parts ? { parts } : {}),
    runId: state.runId,
    mode: state.runMode,
    status,
    counts,
    errors: state.errors,
    plan: state.plan,
    withheld: state.withheld,
    upnClashes: state.upnClashes,
    reverted: state.reverted,
    drift: unresolvedDrift(state),
    startedAt: state.startedAt,
    endedAt,
    message: message ?? null,
  };
}

/** The drift the cycle saw and did not send back (reported only, or its revert failed or was withheld). */
function unresolvedDrift(state: CycleState): DriftEntry[] {
  return [...state.drift.values()].flat();
}

/** Drift as the run's changes record it, one object a note (old: the cloud's value, new: AD's). */
function driftNotes(entries: readonly DriftEntry[], action: 'reverted' | 'drift') {
  const byAnchor = new Map<string, DriftEntry[]>();
  for (const entry of entries) byAnchor.set(entry.anchor, [...(byAnchor.get(entry.anchor) ?? []), entry]);
  return [...byAnchor.values()].map((group) => ({
    anchor: group[0]!.anchor,
    dn: group[0]!.dn,
    kind: group[0]!.kind,
    action,
    attributes: group.map((entry) => ({ name: entry.attribute, old: entry.cloudValue, new: entry.adValue })),
    reason:
      action === 'reverted' ? 'changed in the cloud: Active Directory is the authority' : 'changed in the cloud (the drift policy only reports it)',
  }));
}
