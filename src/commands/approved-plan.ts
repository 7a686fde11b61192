// Plan, approve, apply. `sync --preview --save-plan FILE` computes a cycle's plan and saves it whole;
// `sync --apply-plan FILE` sends exactly those operations, or refuses and sends nothing when the configuration, the
// store, Active Directory or the cloud are no longer where the plan was computed. Deletes in an approved plan count
// as accepted (the administrator saw them).
import { DirSyncError } from '../core/errors.ts';
import type { Reporter } from '../core/reporter.ts';
import type { CloudOperation, OperationOutcome } from '../engine/operations.ts';
import { PlanRecorder } from '../engine/plan-recorder.ts';
import type { OperationSink } from '../engine/ports.ts';
import { runSyncCycle, type CycleResult } from '../engine/sync-cycle.ts';
import type { Installation } from '../install/installation.ts';
import { cycleOptions, withCycleResources, type CycleResources } from './cycle-runner.ts';
import {
  approvedOperation,
  configurationFingerprint,
  operationKey,
  readPlan,
  sealPlan,
  storeFingerprint,
  writePlan,
  PLAN_FORMAT,
  type ApprovedOperation,
  type SavedPlan,
} from './saved-plan.ts';

/** Plans that can be approved: a preview that got to its end (export errors and a tripped threshold are part of the plan). */
const PLANNABLE = new Set(['success', 'completed-export-errors', 'stopped-deletion-threshold-exceeded']);

export async function previewAndSavePlan(
  installation: Installation,
  request: { full: boolean; acceptDeletes: boolean },
  file: string,
  reporter: Reporter,
  signal?: AbortSignal,
): Promise<CycleResult> {
  return withCycleResources(installation, { preview: true }, reporter, async (resources) => {
    const store = await storeFingerprint(resources.store);
    const recorder = new PlanRecorder();
    const result = await runSyncCycle(
      cycleOptions(resources.configuration, { ...request, preview: true }),
      cycleDependencies(resources, recorder, reporter, signal),
    );
    if (!PLANNABLE.has(result.status)) {
      reporter.warning(`The preview ended ${result.status}: no plan was saved.`);
      return result;
    }
    if (recorder.received.length !== result.plan.length)
      throw new DirSyncError('Internal.unexpected', 'the preview recorded a different number of operations than it planned');
    const plan = sealPlan({
      format: PLAN_FORMAT,
      createdAt: result.endedAt.toISOString(),
      installation: installation.path,
      mode: result.mode === 'preview-full' ? 'full' : 'delta',
      computedFrom: {
        configuration: configurationFingerprint(resources.configuration),
        store,
        watermark: result.watermark ?? null,
      },
      thresholdExceeded: result.status === 'stopped-deletion-threshold-exceeded',
      counts: { ...result.counts },
      withheld: result.withheld.map((entry) => ({ ...entry })),
      operations: recorder.received.map((operation, index) => ({ ...approvedOperation(operation), dn: result.plan[index]!.dn })),
    });
    await writePlan(file, plan);
    reporter.verbose(`The plan (${plan.operations.length} operation(s), ${plan.digest}) is saved in ${file}.`);
    return result;
  });
}

export async function applySavedPlan(installation: Installation, file: string, reporter: Reporter, signal?: AbortSignal): Promise<CycleResult> {
  if ((await installation.readConfiguration()).staging)
    throw new DirSyncError('Staging.standby', `${installation.path} is a standby installation: it applies no plan`, { target: installation.path });
  const plan = await readPlan(file);
  return withCycleResources(installation, { preview: false }, reporter, async (resources) => {
    const moved = await whatMoved(plan, resources);
    if (moved) throw outdated(file, moved);
    const request = { full: plan.mode === 'full', acceptDeletes: !plan.thresholdExceeded };
    // A dry pass first: the cloud, too, must still be where the plan saw it, or nothing at all is sent.
    const recorder = new PlanRecorder();
    const check = await runSyncCycle(
      cycleOptions(resources.configuration, { ...request, preview: true }),
      cycleDependencies(resources, recorder, reporter, signal),
    );
    const difference = compare(plan, recorder.received.map(approvedOperation));
    if (!PLANNABLE.has(check.status))
      throw new DirSyncError(
        'Plan.outdated',
        `the plan in ${file} could not be checked: the check ended ${check.status}${check.message ? ` (${check.message})` : ''}; nothing was sent`,
        { target: file },
      );
    if (difference) throw outdated(file, `the cycle computed now differs from the plan (${difference})`);
    reporter.verbose(`The plan in ${file} still holds (${plan.operations.length} operation(s)): applying it.`);
    const sink = new ApprovedPlanSink(resources.connection.exporter, plan);
    const result = await runSyncCycle(
      cycleOptions(resources.configuration, { ...request, preview: false }),
      cycleDependencies(resources, sink, reporter, signal),
    );
    if (sink.unsent > 0 && result.status !== 'stopped-by-request') reporter.warning(`${sink.unsent} operation(s) of the plan were not sent.`);
    return result;
  });
}

function cycleDependencies(resources: CycleResources, sink: OperationSink, reporter: Reporter, signal: AbortSignal | undefined) {
  return {
    store: resources.store,
    source: resources.connection.source,
    target: resources.connection.target,
    sink,
    reporter,
    ...(signal ? { signal } : {}),
  };
}

/** What is no longer where the plan was computed, in words; undefined when nothing moved. */
async function whatMoved(plan: SavedPlan, resources: CycleResources): Promise<string | undefined> {
  if (configurationFingerprint(resources.configuration) !== plan.computedFrom.configuration) return 'the configuration changed since';
  if ((await storeFingerprint(resources.store)) !== plan.computedFrom.store) return 'the store changed since (a cycle ran, or a restore)';
  const watermark = plan.computedFrom.watermark;
  if (watermark === null) return undefined;
  const changed: string[] = [];
  try {
    for await (const change of resources.connection.source.deltaImport(watermark).changes)
      changed.push(change.op === 'upsert' ? change.object.dn : change.dn);
  } catch (error) {
    return `Active Directory no longer accepts the plan's watermark (${error instanceof Error ? error.message : String(error)})`;
  }
  if (changed.length === 0) return undefined;
  return `Active Directory changed since: ${changed.length} object(s), ${changed.slice(0, 3).join('; ')}${changed.length > 3 ? '; …' : ''}`;
}

function outdated(file: string, what: string): DirSyncError {
  return new DirSyncError('Plan.outdated', `the plan in ${file} no longer applies: ${what}; nothing was sent`, { target: file });
}

/** The first operation in one list and not the other, in words; undefined when both hold the same operations. */
function compare(plan: SavedPlan, computed: ApprovedOperation[]): string | undefined {
  const remaining = countKeys(planned(plan));
  for (const operation of computed) {
    const key = operationKey(operation);
    const left = remaining.get(key) ?? 0;
    if (left === 0) return `it would also ${describe(operation)}`;
    remaining.set(key, left - 1);
  }
  for (const [key, left] of remaining) if (left > 0) return `it would no longer ${describe(JSON.parse(key))}`;
  return undefined;
}

/** The plan's operations without the DN each is listed with. */
function planned(plan: SavedPlan): ApprovedOperation[] {
  return plan.operations.map(({ dn: _dn, ...operation }) => operation as ApprovedOperation);
}

function countKeys(operations: readonly ApprovedOperation[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const operation of operations) {
    const key = operationKey(operation);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function describe(operation: { action: string; anchor: string; objectType?: string }): string {
  return `${operation.action}${operation.objectType ? ` ${operation.objectType}` : ''} ${operation.anchor}`;
}

/**
 * The exporter behind a guard: a batch holding an operation the plan does not is refused before any of it is sent
 * (the cloud or AD moved between the check and now).
 */
class ApprovedPlanSink implements OperationSink {
  readonly #exporter: OperationSink;
  readonly #remaining: Map<string, number>;

  constructor(exporter: OperationSink, plan: SavedPlan) {
    this.#exporter = exporter;
    this.#remaining = countKeys(planned(plan));
  }

  get unsent(): number {
    return [...this.#remaining.values()].reduce((sum, left) => sum + left, 0);
  }

  apply(operations: readonly CloudOperation[]): AsyncIterable<OperationOutcome> {
    const wanted = countKeys(operations.map(approvedOperation));
    for (const [key, count] of wanted) {
      if ((this.#remaining.get(key) ?? 0) < count) {
        throw new DirSyncError(
          'Plan.outdated',
          `the cycle was about to ${describe(JSON.parse(key))}, which the approved plan does not hold: that batch was not sent`,
        );
      }
    }
    for (const [key, count] of wanted) this.#remaining.set(key, this.#remaining.get(key)! - count);
    return this.#exporter.apply(operations);
  }
}
