// restore (Restore-OnlineCoexistenceSyncRun): brings back what run N deleted in the cloud — users from the deleted
// items, security groups created again — with their memberships and links. --preview lists it and writes nothing.
import * as z from 'zod';
import { resolveRunMode } from '../engine/run-mode.ts';
import { restoreRun } from '../engine/restore.ts';
import { Installation } from '../install/installation.ts';
import { runModeFor } from '../wiring/cycle.ts';
import { withInstallation } from '../wiring/installation-context.ts';
import { exitCodeOfRun } from './exit-codes.ts';
import type { CommandOutput } from './output.ts';

export const restoreParameters = z.object({
  path: z.string().min(1),
  run: z.number().int().min(1),
  preview: z.boolean().default(false),
  /** Take the tenant's lease from an installation that has not renewed it for longer than configured. */
  takeOverLease: z.boolean().default(false),
});
export type RestoreParameters = z.infer<typeof restoreParameters>;

export async function restore(parameters: RestoreParameters, output: CommandOutput): Promise<number> {
  const configuration = await new Installation(parameters.path).readConfiguration();
  const runMode = resolveRunMode(
    runModeFor(configuration, parameters, { path: parameters.path, refusedOnStandby: 'restores nothing (the active installation does)' }),
  );
  return withInstallation(parameters.path, { lock: true, store: true, cloud: runMode }, output, async ({ store, cloud }) => {
    const result = await restoreRun(parameters.run, { store, exporter: cloud.exporter, runMode, reporter: output });
    output.result({
      typeName: 'DirSync.RestoreRun',
      properties: {
        runId: result.runId,
        restoredRun: result.restoredRun,
        preview: parameters.preview,
        status: result.status,
        restored: result.restored.map((object) => ({ ...object })),
        skipped: result.skipped,
        errors: result.errors.map((error) => ({ ...error })),
      },
    });
    return exitCodeOfRun(result.status);
  });
}
