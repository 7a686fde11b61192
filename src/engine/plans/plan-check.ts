// An approved plan against what a cycle computes and sends: the plan a preview produced, whether a cycle computed now
// still makes exactly the same operations, and the admission check that keeps the real cycle to them, batch by batch.
import { DirSyncError } from '../../core/errors.ts';
import type { CloudOperation } from '../operations.ts';
import type { CycleResult } from '../sync-cycle.ts';
import { approvedOperation, operationKey, PLAN_FORMAT, sealPlan, type ApprovedOperation, type SavedPlan } from './saved-plan.ts';

/** Plans that can be approved: a preview that got to its end (export errors and a tripped threshold are part of the plan). */
export const PLANNABLE = new Set(['success', 'completed-export-errors', 'stopped-deletion-threshold-exceeded']);

/** The plan of a preview's result, sealed. */
export function planOfPreview(
  result: CycleResult,
  origin: { installation: string; configuration: string; store: string; watermark: string | null },
): SavedPlan {
  return sealPlan({
    format: PLAN_FORMAT,
    createdAt: result.endedAt.toISOString(),
    installation: origin.installation,
    mode: result.mode === 'preview-full' ? 'full' : 'delta',
    computedFrom: { configuration: origin.configuration, store: origin.store, watermark: origin.watermark },
    thresholdExceeded: result.status === 'stopped-deletion-threshold-exceeded',
    counts: { ...result.counts },
    withheld: result.withheld.map((entry) => ({ ...entry })),
    operations: result.plan.map((listed) => ({ ...approvedOperation(listed.operation), dn: listed.dn })),
  });
}

/** The first operation in one list and not the other, in words; undefined when both hold the same operations. */
export function planDifference(plan: SavedPlan, computed: readonly CloudOperation[]): string | undefined {
  const remaining = countKeys(planned(plan));
  for (const operation of computed.map(approvedOperation)) {
    const key = operationKey(operation);
    const left = remaining.get(key) ?? 0;
    if (left === 0) return `it would also ${describe(operation)}`;
    remaining.set(key, left - 1);
  }
  for (const [key, left] of remaining) if (left > 0) return `it would no longer ${describe(JSON.parse(key))}`;
  return undefined;
}

/**
 * Keeps a cycle to the plan's operations: `admits` throws before a batch holding anything else is sent (the cloud or
 * AD moved between the check and now); `unsent` counts what the plan holds and the cycle has not sent yet.
 */
export function planAdmission(plan: SavedPlan): { admits(operations: readonly CloudOperation[]): void; unsent(): number } {
  const remaining = countKeys(planned(plan));
  return {
    admits(operations) {
      const wanted = countKeys(operations.map(approvedOperation));
      for (const [key, count] of wanted) {
        if ((remaining.get(key) ?? 0) < count) {
          throw new DirSyncError(
            'Plan.outdated',
            `the cycle was about to ${describe(JSON.parse(key))}, which the approved plan does not hold: that batch was not sent`,
          );
        }
      }
      for (const [key, count] of wanted) remaining.set(key, remaining.get(key)! - count);
    },
    unsent: () => [...remaining.values()].reduce((sum, left) => sum + left, 0),
  };
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
