// sync: one synchronization cycle (Start-OnlineCoexistenceSync). Delta by default, full with --full or when no
// watermark exists; --preview plans and writes nothing.
import * as z from 'zod';
import { Installation } from '../install/installation.ts';
import { runInstallationCycle } from './cycle-runner.ts';
import { exitCodeOfRun } from './exit-codes.ts';
import type { CommandOutput } from './output.ts';
import { syncRunResult } from './sync-run-result.ts';

export const syncParameters = z.object({
  path: z.string().min(1),
  full: z.boolean().default(false),
  preview: z.boolean().default(false),
  acceptDeletes: z.boolean().default(false),
});
export type SyncParameters = z.infer<typeof syncParameters>;

export async function sync(parameters: SyncParameters, output: CommandOutput, signal?: AbortSignal): Promise<number> {
  const result = await runInstallationCycle(new Installation(parameters.path), parameters, output, signal);
  output.result(syncRunResult(result, result.errors, { plan: parameters.preview ? result.plan : undefined, withheld: result.withheld, upnClashes: result.upnClashes }));
  return exitCodeOfRun(result.status);
}
