// service: the schedule. A cycle every configured interval (3 hours by default, as the original), delta
// normally and full when the engine finds it needed (no watermark, watermark rejected, scope changed) or when
// the last full import is older than the configured reconciliation period (a day by default).
// SIGTERM/SIGINT stop the cycle in flight after its current batch (recorded as stopped-by-request), then exit.
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { Installation } from '../install/installation.ts';
import { DEFAULT_RETAINED_RUNS } from '../store/store.ts';
import { openInstalledStore } from './installed-store.ts';
import { asDirSyncError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import type { CommandOutput } from './output.ts';
import { sync } from './sync.ts';

export const serviceParameters = z.object({
  path: z.string().min(1),
  /** Overrides the configured interval (minutes). */
  intervalMinutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
  /** Stop after this many cycles (for tests and one-shot schedulers); runs until stopped otherwise. */
  cycles: z.number().int().min(1).optional(),
});
export type ServiceParameters = z.infer<typeof serviceParameters>;

export async function runService(parameters: ServiceParameters, output: CommandOutput, signal: AbortSignal): Promise<number> {
  const installation = new Installation(parameters.path);
  const configuration = await installation.readConfiguration();
  const intervalMinutes = parameters.intervalMinutes ?? configuration.schedule.intervalMinutes;
  output.verbose(`DirSync service started for ${installation.path}: a cycle every ${intervalMinutes} minute(s).`);
  for (let cycle = 1; !signal.aborted; cycle++) {
    try {
      const full = await fullImportDue(installation, configuration.schedule.fullImportIntervalHours);
      if (full) output.verbose(`The last full import is older than ${configuration.schedule.fullImportIntervalHours} hour(s): this cycle reconciles with a full import.`);
      const exitCode = await sync({ path: parameters.path, full, preview: false, acceptDeletes: false }, output, signal);
      output.verbose(`Cycle ${cycle} ended with exit code ${exitCode}.`);
    } catch (error) {
      // A failed cycle (DC down, sign-in refused…) is logged; the schedule goes on and tries again next time.
      const failure = asDirSyncError(error);
      output.warning(`Cycle ${cycle} failed [${failure.code}]: ${failure.message} — ${failure.recommendedAction}`);
    }
    if (parameters.cycles !== undefined && cycle >= parameters.cycles) break;
    await sleep(intervalMinutes * 60_000, undefined, { signal }).catch(() => undefined);
  }
  output.verbose('DirSync service stopped.');
  return ExitCode.success;
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
