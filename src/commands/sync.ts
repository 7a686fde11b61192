// sync: one synchronization cycle (Start-OnlineCoexistenceSync). Delta by default, full with --full or when no
// watermark exists; --preview plans and writes nothing.
import * as z from 'zod';
import { DirectoryConnectionError } from '../connectors/ad/errors.ts';
import type { Configuration } from '../install/configuration.ts';
import { Installation } from '../install/installation.ts';
import { acquireRunLock, RunLockBusyError } from '../install/run-lock.ts';
import { runSyncCycle, type CycleResult } from '../engine/sync-cycle.ts';
import { PlanRecorder } from '../engine/plan-recorder.ts';
import { connect } from './connect.ts';
import { configurationRequired } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import { openInstalledStore } from './installed-store.ts';
import { syncRunResult } from './sync-run-result.ts';
import { CommandError, type CommandOutput } from './output.ts';

export const syncParameters = z.object({
  path: z.string().min(1),
  full: z.boolean().default(false),
  preview: z.boolean().default(false),
  acceptDeletes: z.boolean().default(false),
});
export type SyncParameters = z.infer<typeof syncParameters>;

export async function sync(parameters: SyncParameters, output: CommandOutput, signal?: AbortSignal): Promise<number> {
  const installation = new Installation(parameters.path);
  const manifest = await installation.readManifest();
  if (manifest.configurationRequired) {
    throw configurationRequired(installation.path, manifest.upgradedAt ? 'the installation was upgraded and its configuration must be entered again' : 'the installation has not been configured yet');
  }
  const configuration = await installation.readConfiguration();
  let lock;
  try {
    lock = await acquireRunLock(installation.path);
  } catch (error) {
    if (!(error instanceof RunLockBusyError)) throw error;
    throw new CommandError({ errorId: 'SyncAlreadyRunning', category: 'ResourceUnavailable', exitCode: ExitCode.runFailed, message: error.message, recommendedAction: 'wait for the running cycle to end (status shows it), then run sync again', cause: error });
  }
  const store = await openInstalledStore(installation);
  try {
    const connection = await connect(configuration, await installation.vault.read(), { preview: parameters.preview, output, installationPath: installation.path });
    try {
      const result = await runSyncCycle(
        {
          mode: parameters.full ? 'full' : 'delta',
          preview: parameters.preview,
          acceptDeletes: parameters.acceptDeletes,
          deletionThreshold: configuration.deletionThreshold,
          softMatch: configuration.matching.softMatch,
        },
        { store, source: connection.source, target: connection.target, sink: parameters.preview ? new PlanRecorder() : connection.exporter, output, ...(signal ? { signal } : {}) },
      );
      output.result(syncRunResult({ ...result, message: null }, result.errors, parameters.preview ? result.plan : undefined));
      return exitCodeOf(result);
    } catch (error) {
      throw serviceAccountProblem(error, configuration) ?? error;
    } finally {
      await connection.close();
    }
  } finally {
    await store.close();
    await lock.release();
  }
}

/**
 * The AAD_ service account cannot sign in any more: moved out of the domain, deleted, disabled, or its password
 * changed by someone else. Say so by name, and what to do; the original warned that this breaks synchronization.
 */
function serviceAccountProblem(error: unknown, configuration: Configuration): CommandError | undefined {
  const account = configuration.activeDirectory?.serviceAccount;
  if (!account || !(error instanceof DirectoryConnectionError) || error.category !== 'AuthenticationError') return undefined;
  return new CommandError({
    errorId: 'ServiceAccountUnusable',
    category: 'AuthenticationError',
    exitCode: ExitCode.runFailed,
    message: `the DirSync service account ${account.samAccountName} (${account.dn} when configured) cannot sign in to Active Directory: ${error.message} It may have been removed, disabled, moved to another domain, or had its password changed.`,
    recommendedAction: 'run configure again (Set-CoexistenceConfiguration) with an Enterprise Administrator credential: it finds the account by its objectGUID, or creates a new one, and resets its password',
    target: account.samAccountName,
    cause: error,
  });
}

function exitCodeOf(result: CycleResult): number {
  switch (result.status) {
    case 'success':
      return ExitCode.success;
    case 'completed-export-errors':
      return ExitCode.completedWithExportErrors;
    case 'stopped-deletion-threshold-exceeded':
      return ExitCode.stoppedByDeletionThreshold;
    default:
      return ExitCode.runFailed;
  }
}
