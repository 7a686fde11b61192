// sync: one synchronization cycle (Start-OnlineCoexistenceSync). Delta by default, full with --full or when no
// watermark exists; --preview plans and writes nothing (--save-plan keeps that plan for approval); --apply-plan sends
// an approved plan exactly (sync-plans.ts); --object takes one object through the cycle now (sync-object.ts).
import * as z from 'zod';
import type { CycleResult } from '../engine/sync-cycle.ts';
import { runInstallationCycle, type CycleObserver } from '../wiring/cycle.ts';
import { applySavedPlan, previewAndSavePlan } from './sync-plans.ts';
import { exitCodeOfRun } from './exit-codes.ts';
import { type CycleOutcome, type NotificationReport, notifyAfterCycle } from './notifications/after-cycle.ts';
import type { CommandOutput } from './output.ts';
import { syncRunResult } from './run-result.ts';
import { syncObject } from './sync-object.ts';

export const syncParameters = z
  .object({
    path: z.string().min(1),
    full: z.boolean().default(false),
    preview: z.boolean().default(false),
    acceptDeletes: z.boolean().default(false),
    /** With preview: write the whole plan to this file, for approval. */
    savePlan: z.string().min(1).optional(),
    /** Apply the approved plan in this file, exactly, or nothing. */
    applyPlan: z.string().min(1).optional(),
    /** Only this object (DN, UPN, anchor or cloud id), with its memberships and manager reference. */
    object: z.string().min(1).optional(),
  })
  .refine((parameters) => parameters.savePlan === undefined || parameters.preview, {
    message: '--save-plan needs --preview (-WhatIf): a plan is what a preview computes',
    path: ['savePlan'],
  })
  .refine(
    (parameters) => parameters.applyPlan === undefined || !(parameters.preview || parameters.full || parameters.acceptDeletes || parameters.savePlan),
    { message: '--apply-plan takes no --preview, --full, --accept-deletes or --save-plan: the plan decides', path: ['applyPlan'] },
  )
  .refine((parameters) => parameters.object === undefined || !(parameters.full || parameters.savePlan || parameters.applyPlan), {
    message: '--object takes no --full, --save-plan or --apply-plan: it reads that one object, as it is now',
    path: ['object'],
  });
export type SyncParameters = z.infer<typeof syncParameters>;

export async function sync(parameters: SyncParameters, output: CommandOutput, signal?: AbortSignal): Promise<number> {
  return (await syncOnce(parameters, output, signal)).exitCode;
}

/** Who watches cycles from outside (the service's metrics): the Graph session, and how the notifications fared. */
export interface SyncObserver extends CycleObserver {
  notified(report: NotificationReport): void;
}

/** One cycle with its result reported and its notification sent, and the run itself (the service's metrics count it). */
export async function syncOnce(
  parameters: SyncParameters,
  output: CommandOutput,
  signal?: AbortSignal,
  observer?: SyncObserver,
): Promise<{ exitCode: number; run: CycleResult }> {
  // One object, asked for by an administrator who watches it: its steps are the answer, and nobody is notified.
  if (parameters.object !== undefined) {
    const { run, object, steps } = await syncObject({ ...parameters, object: parameters.object }, output, signal);
    const result = syncRunResult(run, run.errors, { plan: run.plan, withheld: run.withheld, upnClashes: run.upnClashes });
    output.result({ ...result, properties: { ...result.properties, object, steps } });
    return { exitCode: exitCodeOfRun(run.status), run };
  }
  const attemptedAt = new Date();
  // A preview changes nothing and is nobody's alarm: only real cycles (live, standby, approved plans) notify.
  const notify = async (outcome: CycleOutcome) => {
    if (parameters.preview) return;
    const report = await notifyAfterCycle(parameters.path, outcome, output);
    observer?.notified(report);
  };
  let run: CycleResult;
  try {
    run =
      parameters.applyPlan !== undefined
        ? await applySavedPlan(parameters.path, parameters.applyPlan, output, signal)
        : parameters.savePlan !== undefined
          ? await previewAndSavePlan(parameters.path, parameters, parameters.savePlan, output, signal)
          : await runInstallationCycle(parameters.path, parameters, output, signal, observer);
  } catch (error) {
    await notify({ failure: error, attemptedAt });
    throw error;
  }
  output.result(
    syncRunResult(run, run.errors, {
      plan: parameters.preview || run.plan.length > 0 ? run.plan : undefined,
      withheld: run.withheld,
      upnClashes: run.upnClashes,
      reverted: run.reverted,
      drift: run.drift,
      forests: run.parts,
    }),
  );
  await notify({ run });
  return { exitCode: exitCodeOfRun(run.status), run };
}
