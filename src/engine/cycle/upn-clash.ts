// Entra's duplicate attribute resiliency for UPNs, done by the client: a user whose create fails because another
// cloud object holds its UPN is created under a placeholder UPN (<prefix><4 digits>@<initial domain>, as Entra
// names them) instead of failing every cycle; the clash is reported; each cycle re-reads the user (retry queue) and
// moves it to its real UPN as soon as no one holds it any more. The other object is never touched.
import { randomInt } from 'node:crypto';
import type { CloudAttributes } from '../mapping.ts';
import type { CloudOperation, OperationOutcome } from '../operations.ts';
import type { CloudTarget } from '../ports.ts';
import type { CycleState, OperationContext } from './cycle-state.ts';

/** Kept in a link's exported attributes while the user waits on a placeholder: the UPN it should have. */
export const UPN_WANTED_KEY = 'userPrincipalNameWanted';

/** A failed create that placeholder UPN can rescue: a user whose UPN another cloud object holds. */
export function isUpnClash(outcome: OperationOutcome): outcome is OperationOutcome & { ok: false; operation: CloudOperation & { action: 'create' } } {
  return (
    !outcome.ok &&
    outcome.operation.action === 'create' &&
    outcome.operation.objectType === 'user' &&
    outcome.conflict?.toLowerCase() === 'userprincipalname'
  );
}

export function placeholderUpn(upn: string, initialDomain: string): string {
  const prefix = upn.slice(0, Math.max(0, upn.lastIndexOf('@'))) || 'user';
  return `${prefix}${String(randomInt(0, 10_000)).padStart(4, '0')}@${initialDomain}`;
}

/** The clashing creates again, under placeholder UPNs; their context remembers the UPN each should have. */
export function createsWithPlaceholders(
  state: CycleState,
  clashes: readonly (CloudOperation & { action: 'create' })[],
  context: ReadonlyMap<string, OperationContext>,
): { operations: CloudOperation[]; context: Map<string, OperationContext> } {
  const retried = new Map(context);
  const operations = clashes.map((operation) => {
    const wanted = String(operation.body.userPrincipalName);
    const placeholder = placeholderUpn(wanted, state.tenant.initialDomain);
    const known = context.get(operation.anchor);
    noteClash(state, operation.anchor, known?.dn ?? '', wanted, placeholder);
    if (known) retried.set(operation.anchor, { ...known, desired: waitingForUpn(known.desired ?? operation.body, placeholder, wanted) });
    return { ...operation, body: { ...operation.body, userPrincipalName: placeholder } };
  });
  return { operations, context: retried };
}

/**
 * Updates of users waiting on a placeholder: the real UPN goes out only once no cloud user holds it; until then the
 * update carries everything else, and the link keeps the placeholder and the UPN wanted.
 */
export async function holdClashingUpns(
  state: CycleState,
  target: CloudTarget,
  operations: CloudOperation[],
  context: Map<string, OperationContext>,
): Promise<void> {
  const waitingUsers = operations.filter(
    (operation): operation is CloudOperation & { action: 'update' } =>
      operation.action === 'update' &&
      context.get(operation.anchor)?.previous?.[UPN_WANTED_KEY] !== undefined &&
      typeof operation.body.userPrincipalName === 'string',
  );
  if (waitingUsers.length === 0) return;
  const taken = await target.takenUserPrincipalNames(waitingUsers.map((operation) => String(operation.body.userPrincipalName)));
  for (const operation of waitingUsers) {
    const known = context.get(operation.anchor)!;
    const wanted = String(operation.body.userPrincipalName);
    if (!taken.has(wanted.toLowerCase())) {
      state.reporter.verbose(`${known.dn}: no cloud object holds ${wanted} any more: the user moves to it from its placeholder UPN.`);
      continue;
    }
    const placeholder = String(known.previous!.userPrincipalName);
    noteClash(state, operation.anchor, known.dn, wanted, placeholder);
    const { userPrincipalName: _held, ...rest } = operation.body;
    operation.body = rest;
    context.set(operation.anchor, { ...known, desired: waitingForUpn(known.desired ?? {}, placeholder, wanted) });
  }
  // An update left with nothing to send is not sent; the user stays as it is.
  const empty = new Set(waitingUsers.filter((operation) => Object.keys(operation.body).length === 0));
  for (let index = operations.length - 1; index >= 0; index--) {
    const operation = operations[index]!;
    if (empty.has(operation as CloudOperation & { action: 'update' })) {
      operations.splice(index, 1);
      state.count('unchanged', context.get(operation.anchor)?.dn ?? '');
    }
  }
}

/** The attributes of a user on a placeholder UPN: the placeholder, and the UPN it waits for (kept in its link). */
export function waitingForUpn(desired: CloudAttributes, placeholder: string, wanted: string): CloudAttributes {
  return { ...desired, userPrincipalName: placeholder, [UPN_WANTED_KEY]: wanted };
}

export function noteClash(state: CycleState, anchor: string, dn: string, userPrincipalName: string, placeholder: string): void {
  state.upnClashes.push({ anchor, dn, userPrincipalName, placeholder });
  state.reporter.warning(
    `${dn}: another cloud object holds the UPN ${userPrincipalName}: the user is in the cloud as ${placeholder} until that UPN is free (DirSync does not touch the other object).`,
  );
}
