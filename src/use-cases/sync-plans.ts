// The plan half of sync: `sync --preview --save-plan FILE` computes a cycle's plan and saves it whole;
// `sync --apply-plan FILE` sends exactly those operations, or refuses and sends nothing when the configuration, the
// store, Active Directory or the cloud are no longer where the plan was computed. Deletes in an approved plan count
// as accepted (the administrator saw them). The plan logic itself is the engine's (src/engine/plans).
import { DirSyncError } from '../core/errors.ts';
import type { Reporter } from '../core/reporter.ts';
import { planAdmission, planDifference, planOfPreview, PLANNABLE } from '../engine/plans/plan-check.ts';
import { configurationFingerprint, readPlan, storeFingerprint, writePlan, type SavedPlan } from '../engine/plans/saved-plan.ts';
import { resolveRunMode } from '../engine/run-mode.ts';
import type { CycleResult } from '../engine/sync-cycle.ts';
import { Installation } from '../install/installation.ts';
import { runCycleIn, runModeFor, withCycleContext, type CycleContext } from '../wiring/cycle.ts';

export async function previewAndSavePlan(
  path: string,
  request: { full: boolean; acceptDeletes: boolean },
  file: string,
  reporter: Reporter,
  signal?: AbortSignal,
): Promise<CycleResult> {
  const preview = resolveRunMode({ kind: 'preview' });
  return withCycleContext(path, preview, reporter, async (context) => {
    const store = await storeFingerprint(context.store);
    const result = await runCycleIn(context, preview, request, reporter, signal);
    if (!PLANNABLE.has(result.status)) {
      reporter.warning(`The preview ended ${result.status}: no plan was saved.`);
      return result;
    }
    const plan = planOfPreview(result, {
      installation: context.installation.path,
      configuration: configurationFingerprint(context.configuration),
      store,
      watermark: result.watermark ?? null,
    });
    await writePlan(file, plan);
    reporter.verbose(`The plan (${plan.operations.length} operation(s), ${plan.digest}) is saved in ${file}.`);
    return result;
  });
}

export async function applySavedPlan(
  path: string,
  file: string,
  reporter: Reporter,
  signal?: AbortSignal,
  takeOverLease = false,
): Promise<CycleResult> {
  const configuration = await new Installation(path).readConfiguration();
  const plan = await readPlan(file);
  const admission = planAdmission(plan);
  const approved = resolveRunMode(
    runModeFor(configuration, { approvedPlan: admission.admits, takeOverLease }, { path, refusedOnStandby: 'applies no plan' }),
  );
  return withCycleContext(path, approved, reporter, async (context) => {
    const moved = await whatMoved(plan, context);
    if (moved) throw outdated(file, moved);
    const request = { full: plan.mode === 'full', acceptDeletes: !plan.thresholdExceeded };
    // A dry pass first: the cloud, too, must still be where the plan saw it, or nothing at all is sent.
    const check = await runCycleIn(context, resolveRunMode({ kind: 'preview' }), request, reporter, signal);
    if (!PLANNABLE.has(check.status))
      throw new DirSyncError(
        'Plan.outdated',
        `the plan in ${file} could not be checked: the check ended ${check.status}${check.message ? ` (${check.message})` : ''}; nothing was sent`,
        { target: file },
      );
    const difference = planDifference(
      plan,
      check.plan.map((listed) => listed.operation),
    );
    if (difference) throw outdated(file, `the cycle computed now differs from the plan (${difference})`);
    reporter.verbose(`The plan in ${file} still holds (${plan.operations.length} operation(s)): applying it.`);
    const result = await runCycleIn(context, approved, request, reporter, signal);
    const unsent = admission.unsent();
    if (unsent > 0 && result.status !== 'stopped-by-request') reporter.warning(`${unsent} operation(s) of the plan were not sent.`);
    return result;
  });
}

/** What is no longer where the plan was computed, in words; undefined when nothing moved. */
async function whatMoved(plan: SavedPlan, context: CycleContext): Promise<string | undefined> {
  if (configurationFingerprint(context.configuration) !== plan.computedFrom.configuration) return 'the configuration changed since';
  if ((await storeFingerprint(context.store)) !== plan.computedFrom.store) return 'the store changed since (a cycle ran, or a restore)';
  const watermark = plan.computedFrom.watermark;
  if (watermark === null) return undefined;
  const changed: string[] = [];
  try {
    for await (const change of context.source.deltaImport(watermark).changes) changed.push(change.op === 'upsert' ? change.object.dn : change.dn);
  } catch (error) {
    return `Active Directory no longer accepts the plan's watermark (${error instanceof Error ? error.message : String(error)})`;
  }
  if (changed.length === 0) return undefined;
  return `Active Directory changed since: ${changed.length} object(s), ${changed.slice(0, 3).join('; ')}${changed.length > 3 ? '; …' : ''}`;
}

function outdated(file: string, what: string): DirSyncError {
  return new DirSyncError('Plan.outdated', `the plan in ${file} no longer applies: ${what}; nothing was sent`, { target: file });
}
