// The last readiness check's summary, kept in the installation so that run reports can show it: when it ran, what
// it scanned, and how many findings of each code. Not the findings themselves (the HTML/CSV of the check has them).
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { writePrivateFile, type Installation } from './installation.ts';

export const READINESS_FILE = 'readiness.json';

const summarySchema = z.object({
  checkedAt: z.string(),
  scanned: z.number().int().min(0),
  /** code → count, for each severity. */
  errors: z.record(z.string(), z.number().int()),
  warnings: z.record(z.string(), z.number().int()),
  /** Why the tenant was not consulted, when it was not. */
  cloudNotChecked: z.string().nullable(),
});
export type ReadinessSummaryRecord = z.infer<typeof summarySchema>;

export async function writeReadinessSummary(installation: Installation, summary: ReadinessSummaryRecord): Promise<void> {
  await writePrivateFile(installation.file(READINESS_FILE), `${JSON.stringify(summary, null, 2)}\n`);
}

/** undefined when no check has run (or its summary cannot be read: it is informative only). */
export async function readReadinessSummary(installation: Installation): Promise<ReadinessSummaryRecord | undefined> {
  try {
    const parsed = summarySchema.safeParse(JSON.parse(await readFile(installation.file(READINESS_FILE), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
