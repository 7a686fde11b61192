// deletion-threshold: the original's Set-PreventAccidentalDeletes -Enable -ObjectDeletionThreshold N / -Disable, plus a
// share of the synchronized objects (src/engine/deletion-guard.ts) so that the guard fits small directories too.
import * as z from 'zod';
import { Installation } from '../install/installation.ts';
import { invalidParameter } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import type { CommandOutput } from './output.ts';

export const deletionThresholdParameters = z.object({
  path: z.string().min(1),
  enable: z.boolean().default(false),
  disable: z.boolean().default(false),
  threshold: z.number().int().min(1).optional(),
  sharePercent: z.number().int().min(1).max(100).optional(),
});
export type DeletionThresholdParameters = z.infer<typeof deletionThresholdParameters>;

export async function setDeletionThreshold(parameters: DeletionThresholdParameters, output: CommandOutput): Promise<number> {
  if (parameters.enable === parameters.disable) throw invalidParameter('say either --enable (with --threshold N) or --disable');
  if (parameters.enable && parameters.threshold === undefined)
    throw invalidParameter(
      '--enable needs --threshold N: the number of deletes a cycle may export before it stops',
      'for example --enable --threshold 500 (the default)',
    );
  if (parameters.disable && (parameters.threshold !== undefined || parameters.sharePercent !== undefined))
    throw invalidParameter('--threshold and --share-percent go with --enable, not with --disable');
  const installation = new Installation(parameters.path);
  await installation.readManifest();
  const configuration = await installation.readConfiguration();
  const current = configuration.deletionThreshold;
  configuration.deletionThreshold = parameters.enable
    ? { enabled: true, threshold: parameters.threshold!, sharePercent: parameters.sharePercent ?? current.sharePercent }
    : { ...current, enabled: false };
  await installation.writeConfiguration(configuration);
  if (parameters.disable)
    output.warning('Accidental-delete prevention is off: a filtering mistake can now delete any number of cloud objects in one cycle.');
  output.result(deletionThresholdResult(configuration.deletionThreshold));
  return ExitCode.success;
}

export function deletionThresholdResult(threshold: { enabled: boolean; threshold: number; sharePercent: number }) {
  return {
    typeName: 'DirSync.DeletionThreshold',
    properties: { enabled: threshold.enabled, objectDeletionThreshold: threshold.threshold, deletionSharePercent: threshold.sharePercent },
  };
}
