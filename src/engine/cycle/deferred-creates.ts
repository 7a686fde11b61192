// A UPN freed by a delete in a cycle is usable by a create in the same cycle. Deletes wait for the end of the cycle
// (the guard decides on all of them at once), so a create refused because another object holds its UPN waits too:
// after the deletes phase it is sent again — and takes a placeholder only if the UPN is still held (a delete the guard
// withheld, or an object that is not DirSync's). Then the references that could not be set without it.
import type { Applier } from './apply.ts';
import type { CycleState, OperationContext } from './cycle-state.ts';
import type { CycleLedger } from './ledger.ts';
import { addCreatedMembers, reconcileManagers } from './references.ts';
import type { StateStore } from '../state-store.ts';

export interface DeferredCreatesPhase {
  state: CycleState;
  store: StateStore;
  applier: Applier;
  ledger: CycleLedger;
  signal: AbortSignal | undefined;
}

export async function createAfterDeletes(phase: DeferredCreatesPhase): Promise<void> {
  const { state } = phase;
  state.deletesDone = true;
  const waiting = state.createsAfterDeletes.splice(0);
  if (waiting.length === 0) return;
  state.reporter.verbose(`${waiting.length} create(s) waited for this cycle's deletes to free their UPN: sent again.`);
  const context = new Map<string, OperationContext>(waiting.map(({ operation, context }) => [operation.anchor, context]));
  const sent = await phase.applier.apply(
    waiting.map(({ operation }) => operation),
    context,
  );
  const created = new Set(sent.filter((operation) => operation.action === 'create').map((operation) => operation.anchor));
  await phase.ledger.settleRetries([...created].filter((anchor) => !state.upnClashes.some((clash) => clash.anchor === anchor)));
  if (created.size === 0) return;
  await addCreatedMembers(phase, created);
  await reconcileManagers(phase, created);
}
