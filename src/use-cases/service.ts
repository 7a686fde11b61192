// service: the schedule. A cycle every configured interval (3 hours by default, as the original), delta
// normally and full when the engine finds it needed (no watermark, watermark rejected, scope changed) or when
// the last full import is older than the configured reconciliation period (a day by default).
// SIGTERM/SIGINT stop the cycle in flight after its current batch (recorded as stopped-by-request), then exit.
// After each cycle it says when the next one is due, and keeps that in the installation for status (service-state.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import type { Configuration } from '../install/configuration.ts';
import { Installation } from '../install/installation.ts';
import { removeServiceState, writeServiceState } from '../install/service-state.ts';
import { DEFAULT_RETAINED_RUNS } from '../store/store.ts';
import { wholeRetryQueue } from '../engine/state-store.ts';
import { openInstalledStore } from '../wiring/installed-store.ts';
import { asDirSyncError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import { parseListenAddress, startMetricsEndpoint, type MetricsEndpoint } from '../service/metrics-endpoint.ts';
import type { CommandOutput, CommandResult } from './output.ts';
import { isPreview } from './run-result.ts';
import { scheduleOf } from './schedule.ts';
import { isCompleted, ServiceMetrics } from '../service/service-metrics.ts';
import { syncOnce } from './sync.ts';

export const serviceParameters = z.object({
  path: z.string().min(1),
  /** Overrides the configured interval (minutes). */
  intervalMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .optional(),
  /** Stop after this many cycles (for tests and one-shot schedulers); runs until stopped otherwise. */
  cycles: z.number().int().min(1).optional(),
  /** host:port of the Prometheus /metrics and /healthz endpoint; none when absent. */
  metricsListen: z.string().min(1).optional(),
  /** Let the endpoint listen on an address other than loopback. */
  metricsAllowRemote: z.boolean().default(false),
});
export type ServiceParameters = z.infer<typeof serviceParameters>;

export async function runService(parameters: ServiceParameters, output: CommandOutput, signal: AbortSignal): Promise<number> {
  const installation = new Installation(parameters.path);
  const configuration = await installation.readConfiguration();
  const intervalMinutes = parameters.intervalMinutes ?? configuration.schedule.intervalMinutes;
  const metrics = new ServiceMetrics({ intervalMinutes, writeBudget: configuration.writeBudget, standby: configuration.standby });
  metrics.seed(await readHistory(installation));
  const endpoint =
    parameters.metricsListen === undefined
      ? undefined
      : await startMetricsEndpoint(parseListenAddress(parameters.metricsListen), metrics, { allowRemote: parameters.metricsAllowRemote });
  if (endpoint) output.verbose(`Metrics on http://${formatHost(endpoint)}/metrics, health on /healthz.`);
  output.verbose(`DirSync service started for ${installation.path}: a cycle every ${intervalMinutes} minute(s).`);
  const startedAt = new Date().toISOString();
  try {
    for (let cycle = 1; !signal.aborted; cycle++) {
      await writeServiceState(installation, { startedAt, intervalMinutes, nextCycleAt: null });
      metrics.cycleStarted();
      try {
        const full = await fullImportDue(installation, configuration.schedule.fullImportIntervalHours);
        if (full)
          output.verbose(
            `The last full import is older than ${configuration.schedule.fullImportIntervalHours} hour(s): this cycle reconciles with a full import.`,
          );
        const { exitCode, run } = await syncOnce({ path: parameters.path, full, preview: false, acceptDeletes: false }, output, signal, metrics);
        metrics.cycleEnded({ run }, await retryQueueSize(installation));
        output.verbose(`Cycle ${cycle} ended with exit code ${exitCode}.`);
      } catch (error) {
        // A failed cycle (DC down, sign-in refused…) is logged; the schedule goes on and tries again next time.
        const failure = asDirSyncError(error);
        metrics.cycleEnded({ status: failure.transient ? 'stopped-server-down' : 'failed' }, undefined);
        output.warning(`Cycle ${cycle} failed [${failure.code}]: ${failure.message} — ${output.adviceFor?.(failure) ?? failure.recommendedAction}`);
      }
      if (parameters.cycles !== undefined && cycle >= parameters.cycles) break;
      const nextCycleAt = new Date(Date.now() + intervalMinutes * 60_000);
      await writeServiceState(installation, { startedAt, intervalMinutes, nextCycleAt: nextCycleAt.toISOString() });
      output.result(await scheduleResult(installation, configuration));
      await sleep(intervalMinutes * 60_000, undefined, { signal }).catch(() => undefined);
    }
  } finally {
    await removeServiceState(installation);
    await endpoint?.close();
  }
  output.verbose('DirSync service stopped.');
  return ExitCode.success;
}

/** The schedule after a cycle: the last one and when the next is due (DirSync.Schedule). */
async function scheduleResult(installation: Installation, configuration: Configuration): Promise<CommandResult> {
  const store = await openInstalledStore(installation);
  try {
    const last = (await store.listRuns(DEFAULT_RETAINED_RUNS)).find((run) => !isPreview(run));
    return { typeName: 'DirSync.Schedule', properties: { ...(await scheduleOf(installation, configuration, last)) } };
  } finally {
    await store.close();
  }
}

function formatHost(endpoint: MetricsEndpoint): string {
  const { host, port } = endpoint.address;
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The retry queue's length: objects whose export failed and wait for the next cycles. */
async function retryQueueSize(installation: Installation): Promise<number> {
  const store = await openInstalledStore(installation);
  try {
    return (await wholeRetryQueue(store)).length;
  } finally {
    await store.close();
  }
}

async function readHistory(installation: Installation): Promise<{ lastSuccessAt: Date | null; retryQueue: number }> {
  const store = await openInstalledStore(installation);
  try {
    const completed = (await store.listRuns(DEFAULT_RETAINED_RUNS)).find((run) => isCompleted(run.status));
    return { lastSuccessAt: completed?.endedAt ?? null, retryQueue: (await wholeRetryQueue(store)).length };
  } finally {
    await store.close();
  }
}

/** Whether the last full import that completed is older than the period (or there is none in the history). */
export async function fullImportDue(installation: Installation, periodHours: number, now = new Date()): Promise<boolean> {
  if (periodHours === 0) return false;
  const store = await openInstalledStore(installation);
  try {
    const completed = (await store.listRuns(DEFAULT_RETAINED_RUNS)).find(
      (run) => run.mode === 'full' && (run.status === 'success' || run.status === 'completed-export-errors'),
    );
    return !completed?.endedAt || now.getTime() - completed.endedAt.getTime() >= periodHours * 3_600_000;
  } finally {
    await store.close();
  }
}
