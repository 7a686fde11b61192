// report (Export-OnlineCoexistenceSyncReport): one run as a self-contained HTML page, made from what the store kept
// of it (the run, its errors, what it changed and deleted), so it can be made any time after the run.
import { writeFile } from 'node:fs/promises';
import * as z from 'zod';
import { DirSyncError } from '../core/errors.ts';
import { errorCatalogue } from '../core/error-catalogue.ts';
import { Installation } from '../install/installation.ts';
import { readForestRuns } from '../install/forest-runs.ts';
import { readReadinessSummary } from '../install/readiness-summary.ts';
import { runPage } from '../report/run-page.ts';
import { DEFAULT_RETAINED_RUNS, type DirSyncStore } from '../store/store.ts';
import type { DeletedObject, ObjectChange, ObjectError, RunRecord } from '../engine/state-store.ts';
import { ExitCode } from './exit-codes.ts';
import { openInstalledStore } from '../wiring/installed-store.ts';
import type { CommandOutput } from './output.ts';

export const reportParameters = z.object({
  path: z.string().min(1),
  /** Default: the most recent run that has ended. */
  run: z.number().int().min(1).optional(),
  html: z.string().min(1),
});
export type ReportParameters = z.infer<typeof reportParameters>;

const EXPORT_ERROR_ACTION =
  'Correct the objects in Active Directory as the messages say (dirsync readiness finds duplicate and invalid values before they fail), then synchronize again; failed objects are retried by every cycle.';

export async function report(parameters: ReportParameters, output: CommandOutput): Promise<number> {
  const installation = new Installation(parameters.path);
  const store = await openInstalledStore(installation);
  try {
    const runs = await store.listRuns(DEFAULT_RETAINED_RUNS);
    const run =
      parameters.run === undefined
        ? runs.find((candidate) => candidate.status !== 'in-progress')
        : runs.find((candidate) => candidate.id === parameters.run);
    if (!run) {
      const which =
        parameters.run === undefined
          ? 'No synchronization run has ended yet'
          : `Run ${parameters.run} is not in the run history (it keeps the most recent runs)`;
      throw new DirSyncError('Report.run-not-found', `${which} in ${installation.path}.`, { target: String(parameters.run ?? installation.path) });
    }
    const { html, changes, deleted, errors } = await runReport(installation, store, run);
    await writeFile(parameters.html, html);
    output.result({
      typeName: 'DirSync.SyncReport',
      properties: {
        runId: run.id,
        status: run.status,
        file: parameters.html,
        changes: changes.filter((change) => change.action === 'added' || change.action === 'updated').length,
        deleted: deleted.length,
        errors: errors.length,
      },
    });
    return ExitCode.success;
  } finally {
    await store.close();
  }
}

/** A path as one POSIX shell word: as it is when plain, else in single quotes (an inner one closed, escaped, reopened). */
function shellQuoted(path: string): string {
  return /^[\w./:\\-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}

/** A recorded run as its report page, from what the store kept of it (the notifications attach it too). */
export async function runReport(
  installation: Installation,
  store: DirSyncStore,
  run: RunRecord,
): Promise<{ html: string; changes: ObjectChange[]; deleted: DeletedObject[]; errors: ObjectError[] }> {
  const [changes, deleted, errors] = await Promise.all([store.getObjectChanges(run.id), store.getDeletedObjects(run.id), store.getRunErrors(run.id)]);
  const readiness = await readReadinessSummary(installation);
  const explainCommand = (anchor: string) => `dirsync explain --path ${shellQuoted(installation.path)} --anchor ${anchor}`;
  const forests = (await readForestRuns(installation)).get(run.id);
  return {
    html: runPage({ run, changes, deleted, errors, actionFor, explainCommand, ...(readiness ? { readiness } : {}), ...(forests ? { forests } : {}) }),
    changes,
    deleted,
    errors,
  };
}

function actionFor(code: string): string {
  return code in errorCatalogue ? errorCatalogue[code as keyof typeof errorCatalogue].action : EXPORT_ERROR_ACTION;
}
