// status: "is a sync running and what did the last one do?" — the last runs, newest first, with their errors.
import * as z from 'zod';
import { Installation } from '../install/installation.ts';
import type { ObjectError, RunRecord } from '../store/state-store.ts';
import { openInstalledStore } from './installed-store.ts';
import { ExitCode } from './exit-codes.ts';
import type { CommandOutput, CommandResult } from './output.ts';

export const statusParameters = z.object({ path: z.string().min(1), last: z.number().int().min(1).max(1000).default(5) });
export type StatusParameters = z.infer<typeof statusParameters>;

export async function status(parameters: StatusParameters, output: CommandOutput): Promise<number> {
  const installation = new Installation(parameters.path);
  const store = await openInstalledStore(installation);
  try {
    const runs = await store.listRuns(parameters.last);
    if (runs.length === 0) output.warning(`No synchronization has run yet in ${installation.path}.`);
    for (const run of runs) output.result(syncRunResult(run, await store.getRunErrors(run.id)));
  } finally {
    await store.close();
  }
  return ExitCode.success;
}

/** The run as scripts see it (the --json contract of sync and status; PSTypeName DirSync.SyncRun). */
export function syncRunResult(run: RunRecord, errors: readonly ObjectError[]): CommandResult {
  return {
    typeName: 'DirSync.SyncRun',
    properties: {
      runId: run.id,
      mode: run.mode,
      status: run.status,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      counts: { ...run.counts },
      errors: errors.map((error) => ({ dn: error.dn, anchor: error.anchor, code: error.code, message: error.message })),
      message: run.message,
    },
  };
}
