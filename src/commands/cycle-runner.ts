// One synchronization cycle of an installation, as every caller needs it (sync, the service's schedule, configure
// --sync-now): the run lock, the store, both connections, the engine, and everything closed again.
import type { Reporter } from '../core/reporter.ts';
import { DirSyncError } from '../core/errors.ts';
import type { GraphCounters } from '../connectors/entra/graph-counters.ts';
import { connect, type CycleConnection } from './connect.ts';
import { configurationRequired } from './errors.ts';
import { openInstalledStore } from './installed-store.ts';
import type { Configuration } from '../install/configuration.ts';
import type { Installation } from '../install/installation.ts';
import { acquireRunLock, RunLockBusyError } from '../install/run-lock.ts';
import { PlanRecorder } from '../engine/plan-recorder.ts';
import { StandbySink } from '../engine/standby-sink.ts';
import { runSyncCycle, type CycleOptions, type CycleResult } from '../engine/sync-cycle.ts';
import type { DirSyncStore } from '../store/store.ts';

export interface CycleRequest {
  full: boolean;
  preview: boolean;
  acceptDeletes: boolean;
}

/** Who watches a cycle from outside (the service's metrics). */
export interface CycleObserver {
  /** Both sides are connected: the Graph session's counters, which keep counting until the cycle ends. */
  connected(graphCounters: GraphCounters): void;
}

export async function runInstallationCycle(
  installation: Installation,
  request: CycleRequest,
  reporter: Reporter,
  signal?: AbortSignal,
  observer?: CycleObserver,
): Promise<CycleResult> {
  return withCycleResources(installation, { preview: request.preview }, reporter, async ({ configuration, store, connection }) => {
    const standby = configuration.staging;
    if (standby && !request.preview)
      reporter.verbose('This installation is a standby (staging mode): the cycle plans and records, and sends nothing to Entra ID.');
    observer?.connected(connection.graphCounters);
    return runSyncCycle(
      { ...cycleOptions(configuration, request), listPlan: standby },
      {
        store,
        source: connection.source,
        target: connection.target,
        sink: request.preview ? new PlanRecorder() : standby ? new StandbySink() : connection.exporter,
        reporter,
        ...(signal ? { signal } : {}),
      },
    );
  });
}

export interface CycleResources {
  configuration: Configuration;
  store: DirSyncStore;
  connection: CycleConnection;
}

/**
 * What a cycle needs, held for `work`: the run lock, the store and both connections, closed again afterwards. The
 * Graph session is a preview's when `preview`, and always on a standby: its guard refuses any write, whatever the
 * sink. Commands that run more than one pass under one lock (applying an approved plan) use it directly.
 */
export async function withCycleResources<T>(
  installation: Installation,
  options: { preview: boolean },
  reporter: Reporter,
  work: (resources: CycleResources) => Promise<T>,
): Promise<T> {
  const manifest = await installation.readManifest();
  if (manifest.configurationRequired) {
    throw configurationRequired(
      installation.path,
      manifest.upgradedAt
        ? 'the installation was upgraded and its configuration must be entered again'
        : 'the installation has not been configured yet',
    );
  }
  const configuration = await installation.readConfiguration();
  const lock = await acquireLock(installation.path);
  try {
    const store = await openInstalledStore(installation);
    try {
      const connection = await connect(configuration, await installation.vault.read(), {
        preview: options.preview || configuration.staging,
        reporter,
        installationPath: installation.path,
      });
      try {
        return await work({ configuration, store, connection });
      } catch (error) {
        throw serviceAccountProblem(error, configuration) ?? error;
      } finally {
        await connection.close();
      }
    } finally {
      await store.close();
    }
  } finally {
    await lock.release();
  }
}

/** The engine's options for one cycle of this configuration. */
export function cycleOptions(configuration: Configuration, request: CycleRequest): CycleOptions {
  return {
    mode: request.full ? 'full' : 'delta',
    preview: request.preview,
    acceptDeletes: request.acceptDeletes,
    deletionGuard: configuration.deletionThreshold,
    softMatch: configuration.matching.softMatch,
    deltaDeletions: configuration.activeDirectory?.deletionVisibility?.visible ? 'tombstones' : 'listing',
  };
}

/** The installation's run lock; a cycle already running is Sync.already-running, naming its process. */
export async function acquireLock(installationPath: string): Promise<{ release(): Promise<void> }> {
  try {
    return await acquireRunLock(installationPath);
  } catch (error) {
    if (error instanceof RunLockBusyError) throw new DirSyncError('Sync.already-running', error.message, { target: installationPath, cause: error });
    throw error;
  }
}

/**
 * The AAD_ service account cannot sign in any more: moved out of the domain, deleted, disabled, or its password
 * changed by someone else. Say so by name, and what to do; the original warned that this breaks synchronization.
 */
function serviceAccountProblem(error: unknown, configuration: Configuration): DirSyncError | undefined {
  const account = configuration.activeDirectory?.serviceAccount;
  if (!account || !(error instanceof DirSyncError) || !error.code.startsWith('ActiveDirectory.') || error.category !== 'AuthenticationError')
    return undefined;
  return new DirSyncError(
    'ServiceAccount.cannot-sign-in',
    `the DirSync service account ${account.samAccountName} (${account.dn} when configured) cannot sign in to Active Directory: ${error.message} It may have been removed, disabled, moved to another domain, or had its password changed.`,
    { target: account.samAccountName, cause: error },
  );
}
