// sync --object (Start-OnlineCoexistenceSync -Identity): one object now — with its group memberships and its manager
// reference — through the same phases, scope, match, guard and ledger as a cycle: an object run of the engine (its
// import reads the object by GUID instead of a delta). Unlike Cloud Sync's provisioning on demand it honours scoping.
// It takes the run lock like a cycle, and moves no watermark. Its steps are what it read and what it sent.
import type { CycleResult } from '../engine/sync-cycle.ts';
import { cycleRunMode, runCycleIn, withCycleContext } from '../wiring/cycle.ts';
import { identityOf, locateObject, type FoundObject } from './object-identity.ts';
import type { CommandOutput } from './output.ts';

export interface ObjectRun {
  run: CycleResult;
  object: { dn: string; anchor: string };
  /** What it read in AD and what it sent (or, in a preview, would send), in order, in words. */
  steps: string[];
}

export async function syncObject(
  request: { path: string; object: string; preview: boolean; acceptDeletes: boolean },
  output: CommandOutput,
  signal?: AbortSignal,
): Promise<ObjectRun> {
  const identity = identityOf(request.object);
  const runMode = await cycleRunMode(request.path, request, output);
  return withCycleContext(request.path, runMode, output, async (context) => {
    const found = await locateObject(identity, { source: context.source, store: context.store, reads: context.cloud.reads });
    const read = directoryStep(found, context.source.account);
    output.verbose(read);
    const run = await runCycleIn(context, runMode, { full: false, acceptDeletes: request.acceptDeletes, objects: [found.anchor] }, output, signal);
    return { run, object: { dn: dnOf(found), anchor: found.anchor }, steps: [read, ...sentSteps(run)] };
  });
}

function dnOf(found: FoundObject): string {
  return found.examination.dn || found.link?.dn || '';
}

function directoryStep(found: FoundObject, account: string): string {
  const { examination } = found;
  const what = examination.state === 'visible' ? `in scope, ${examination.reason}` : `${examination.state}: ${examination.reason}`;
  return `read from Active Directory as ${account}: ${dnOf(found) || found.anchor} is ${what}`;
}

function sentSteps(run: CycleResult): string[] {
  const verb = run.mode.startsWith('preview') ? 'would send' : 'sent';
  const steps = run.plan.map((planned) => {
    const details = planned.reason ?? planned.changes?.join(', ');
    return `${verb}: ${planned.action} ${planned.objectType} ${planned.dn || planned.anchor}${details ? ` (${details})` : ''}`;
  });
  for (const error of run.errors) steps.push(`failed: ${error.dn || error.anchor}: ${error.code}: ${error.message}`);
  for (const withheld of run.withheld) steps.push(`withheld: ${withheld.dn}: ${withheld.reason}`);
  for (const clash of run.upnClashes)
    steps.push(`placeholder UPN: ${clash.dn} is in the cloud as ${clash.placeholder} (another cloud object holds ${clash.userPrincipalName})`);
  if (steps.length === 0) steps.push('nothing to send: Entra ID already holds what Active Directory says');
  return steps;
}
