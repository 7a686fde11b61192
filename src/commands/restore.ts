// restore (Restore-OnlineCoexistenceSyncRun): brings back what run N deleted in the cloud — users from the deleted
// items, security groups created again — with their memberships and links. --preview lists it and writes nothing.
import * as z from 'zod';
import { PlanRecorder } from '../engine/plan-recorder.ts';
import { restoreRun } from '../engine/restore.ts';
import { Installation } from '../install/installation.ts';
import { connectCloud } from './connect.ts';
import { acquireLock } from './cycle-runner.ts';
import { configurationRequired } from './errors.ts';
import { exitCodeOfRun } from './exit-codes.ts';
import { openInstalledStore } from './installed-store.ts';
import type { CommandOutput } from './output.ts';

export const restoreParameters = z.object({
  path: z.string().min(1),
  run: z.number().int().min(1),
  preview: z.boolean().default(false),
});
export type RestoreParameters = z.infer<typeof restoreParameters>;

export async function restore(parameters: RestoreParameters, output: CommandOutput): Promise<number> {
  const installation = new Installation(parameters.path);
  const manifest = await installation.readManifest();
  if (manifest.configurationRequired) throw configurationRequired(installation.path, 'the installation has not been configured yet');
  const configuration = await installation.readConfiguration();
  const lock = await acquireLock(installation.path);
  try {
    const store = await openInstalledStore(installation);
    try {
      const cloud = await connectCloud(configuration, await installation.vault.read(), {
        preview: parameters.preview,
        reporter: output,
        installationPath: installation.path,
      });
      try {
        const result = await restoreRun(parameters.run, {
          store,
          sink: parameters.preview ? new PlanRecorder() : cloud.exporter,
          reporter: output,
          preview: parameters.preview,
        });
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
      } finally {
        await cloud.close();
      }
    } finally {
      await store.close();
    }
  } finally {
    await lock.release();
  }
}
