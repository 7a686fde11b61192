// How each run went forest by forest (read or not, with what error, its own counts), kept in the installation for
// status, the run report and the module. A file beside the store, like readiness.json: the run history keeps its
// own columns, and this file keeps the last runs' forests (as many runs as the history), written under the run lock.
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import type { RunCounts } from '../engine/state-store.ts';
import type { PartResult } from '../engine/sync-cycle.ts';
import { writePrivateFile, type Installation } from './installation.ts';

export const FOREST_RUNS_FILE = 'forest-runs.json';

const forestRunSchema = z.object({
  name: z.string(),
  status: z.enum(['read', 'unreadable']),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  counts: z.record(z.string(), z.number()),
  notices: z.array(z.string()),
});

const fileSchema = z.object({ runs: z.array(z.object({ runId: z.number().int(), forests: z.array(forestRunSchema) })) });

export async function recordForestRun(installation: Installation, runId: number, forests: readonly PartResult[], keep: number): Promise<void> {
  const runs = [...(await readRecorded(installation)).filter((run) => run.runId !== runId), { runId, forests: [...forests] }].slice(-keep);
  await writePrivateFile(installation.file(FOREST_RUNS_FILE), `${JSON.stringify({ runs })}\n`);
}

/** Run id → its forests; runs of one forest, and runs this file no longer keeps, are absent. */
export async function readForestRuns(installation: Installation): Promise<Map<number, PartResult[]>> {
  return new Map((await readRecorded(installation)).map((run) => [run.runId, run.forests]));
}

/** Informative only: a missing or unreadable file means no forest was recorded. */
async function readRecorded(installation: Installation): Promise<{ runId: number; forests: PartResult[] }[]> {
  try {
    const parsed = fileSchema.safeParse(JSON.parse(await readFile(installation.file(FOREST_RUNS_FILE), 'utf8')));
    if (!parsed.success) return [];
    return parsed.data.runs.map((run) => ({
      runId: run.runId,
      forests: run.forests.map((forest) => ({ ...forest, counts: forest.counts as unknown as RunCounts })),
    }));
  } catch {
    return [];
  }
}
