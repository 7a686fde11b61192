// One synchronization cycle of an installation, as sync, the service's schedule and configure --sync-now run it: the
// run mode chosen once from the request and the installation (a standby never writes), then the run lock, the store,
// the run recorded, both connections and the engine, and everything closed again.
import type { GraphCounters } from '../connectors/entra/graph-counters.ts';
import { DirSyncError } from '../core/errors.ts';
import type { Reporter } from '../core/reporter.ts';
import type { CloudOperation } from '../engine/operations.ts';
import { resolveRunMode, type RunMode, type RunParts } from '../engine/run-mode.ts';
import { abandonCycle, runSyncCycle, startCycle, type CycleOptions, type CycleResult, type StartedCycle } from '../engine/sync-cycle.ts';
import type { Configuration } from '../install/configuration.ts';
import { recordForestRun } from '../install/forest-runs.ts';
import { Installation } from '../install/installation.ts';
import type { ObjectDirectory } from '../connectors/ad/object-directory.ts';
import { DEFAULT_RETAINED_RUNS } from '../store/store.ts';
import type { CustomMapping } from '../engine/mapping/attribute-mapping.ts';
import { attributeMappingOf } from './attribute-mapping.ts';
import { deltaDeletionsOf } from './forests.ts';
import { withConnections, withInstallation, type InstallationContext } from './installation-context.ts';

export interface CycleRequest {
  full: boolean;
  /** Plan and record nothing (sync --preview, -WhatIf). */
  preview: boolean;
  acceptDeletes: boolean;
  /** Forests being removed (forest remove): read no more, their objects deleted in the cloud as out of scope. */
  withdrawnForests?: readonly string[];
  /** Only these objects (anchors), through the same phases (sync --object): no watermark moves. */
  objects?: readonly string[];
  /** A candidate attribute mapping to run with instead of the stored one (its impact, before it is stored). */
  mapping?: CustomMapping | null;
  /** Take the tenant's lease from an installation that stopped renewing it (sync --take-over-lease). */
  takeOverLease?: boolean;
}

/** Who watches a cycle from outside (the service's metrics). */
export interface CycleObserver {
  /** Both sides are connected: the Graph session's counters, which keep counting until the cycle ends. */
  connected(graphCounters: GraphCounters): void;
}

/** The context a cycle runs in: lock, store, AD and the tenant. */
export type CycleContext = InstallationContext<{ lock: true; store: true; directory: true; cloud: RunParts }>;

/**
 * What a run was asked to be: a preview (or not), or the application of an approved plan; a run that writes may be
 * asked to take the tenant's lease from an installation that stopped renewing it.
 */
export type RunRequest = ({ preview: boolean } | { approvedPlan: (operations: readonly CloudOperation[]) => void }) & { takeOverLease?: boolean };

/**
 * The one decision of a run's mode: a preview when asked; on a standby installation, a standby's run (it sends
 * nothing until promoted) — or a refusal, for what a standby must never do (`refusedOnStandby`: apply a plan, restore,
 * which would write to the tenant the active installation owns); an approved plan's, or live, otherwise. The two that
 * write hold the tenant's active-installation lease (tenant-lease.ts) before anything is read.
 */
export function runModeFor(configuration: Configuration, request: RunRequest, standby: { path: string; refusedOnStandby?: string }): RunMode {
  if ('preview' in request && request.preview) return { kind: 'preview' };
  if (configuration.standby) {
    if (standby.refusedOnStandby === undefined) return { kind: 'standby' };
    throw new DirSyncError('Staging.standby', `${standby.path} is a standby installation: it ${standby.refusedOnStandby}`, { target: standby.path });
  }
  const lease = request.takeOverLease ? 'take-over-stale' : 'renew';
  return 'approvedPlan' in request ? { kind: 'approved-plan', admits: request.approvedPlan, lease } : { kind: 'live', lease };
}

export interface CycleWatchers {
  signal?: AbortSignal;
  observer?: CycleObserver;
  /** The configuration as this run sees it, never stored: configure --preview's would-be configuration. */
  amend?: (stored: Configuration) => Configuration;
}

export async function runInstallationCycle(
  path: string,
  request: CycleRequest,
  reporter: Reporter,
  watchers: CycleWatchers = {},
): Promise<CycleResult> {
  const { signal, observer } = watchers;
  const runMode = await cycleRunMode(path, request, reporter, watchers.amend);
  const directory = { withdrawnForests: request.withdrawnForests ?? [] };
  // The configuration as this run sees it, never stored: a would-be one (configure --preview), or a candidate mapping.
  const candidate = request.mapping;
  const amend = watchers.amend ?? (candidate === undefined ? undefined : (stored: Configuration) => ({ ...stored, attributeMapping: candidate }));
  const needs = { lock: true, store: true, ...(amend ? { amend } : {}) } as const;
  return withInstallation(path, needs, reporter, async (opened) => {
    // Recorded before connecting: a cycle that cannot sign in or reach Graph is a run in the history too.
    let source: ObjectDirectory | undefined;
    const partOf = (dn: string) => source?.parts?.partOf(dn);
    const started = await startCycle(cycleOptions(opened.configuration, request, runMode), opened.store, reporter, undefined, partOf);
    try {
      return await withConnections(opened, { directory, cloud: runMode }, reporter, async (connections) => {
        source = connections.source;
        observer?.connected(connections.cloud.graphCounters);
        return runCycleIn({ ...opened, ...connections }, runMode, request, reporter, signal, started);
      });
    } catch (error) {
      if (source === undefined) await abandonCycle(opened.store, started, error);
      throw error;
    }
  });
}

/**
 * The run mode of a cycle of this installation, as asked (a preview, or not) and as the installation allows (or as
 * its would-be configuration, `amend`ed, would).
 */
export async function cycleRunMode(
  path: string,
  request: RunRequest,
  reporter: Reporter,
  amend: (stored: Configuration) => Configuration = (stored) => stored,
): Promise<RunParts> {
  const configuration = amend(await new Installation(path).readConfiguration());
  const runMode = resolveRunMode(runModeFor(configuration, request, { path }));
  if (runMode.kind === 'standby')
    reporter.verbose('This installation is a standby (staging mode): the cycle plans and records, and sends nothing to Entra ID.');
  return runMode;
}

/**
 * Holds a cycle's context for `work`: commands that run more than one pass under one lock (an approved plan) use it
 * directly. `amend`: the configuration as this run sees it (a candidate mapping), never stored.
 */
export function withCycleContext<T>(
  path: string,
  runMode: RunParts,
  reporter: Reporter,
  work: (context: CycleContext) => Promise<T>,
  directory: true | { withdrawnForests: readonly string[] } = true,
  amend?: (configuration: Configuration) => Configuration,
): Promise<T> {
  return withInstallation(path, { lock: true, store: true, directory, cloud: runMode, ...(amend ? { amend } : {}) }, reporter, work);
}

/**
 * One pass of the engine in an open context (of a cycle `started` already, or a new one); with several forests, how
 * each went is kept for status and the report.
 */
export async function runCycleIn(
  context: CycleContext,
  runMode: RunParts,
  request: Omit<CycleRequest, 'preview'>,
  reporter: Reporter,
  signal?: AbortSignal,
  started?: StartedCycle,
): Promise<CycleResult> {
  const result = await runSyncCycle(
    cycleOptions(context.configuration, request, runMode),
    {
      store: context.store,
      source: context.source,
      target: context.cloud.target,
      exporter: context.cloud.exporter,
      reporter,
      ...(signal ? { signal } : {}),
    },
    started,
  );
  if (result.parts) await recordForestRun(context.installation, result.runId, result.parts, DEFAULT_RETAINED_RUNS);
  return result;
}

/** The engine's options for one cycle of this configuration. */
export function cycleOptions(configuration: Configuration, request: Omit<CycleRequest, 'preview'>, runMode: RunParts): CycleOptions {
  return {
    mode: request.objects ? 'object' : request.full ? 'full' : 'delta',
    ...(request.objects ? { objects: request.objects } : {}),
    runMode,
    acceptDeletes: request.acceptDeletes,
    deletionGuard: configuration.deletionThreshold,
    softMatch: configuration.matching.softMatch,
    deltaDeletions: deltaDeletionsOf(configuration),
    cloudDrift: configuration.cloudDrift,
    mapping: attributeMappingOf(configuration),
  };
}
