// The same object comes back: an object DirSync owns that is gone from the cloud (deleted in the portal, seen by the
// cloud's change tracking or by a 404 on update), or an AD object returning to scope whose cloud object DirSync deleted
// within the last 30 days, is restored from the tenant's deleted items — same object id, mailbox, licences and
// cloud-only memberships — and then brought in line with AD. Only an object no longer in the deleted items (purged,
// older than 30 days, or a security group, which Entra deletes for good) is created again. A restore refused because a
// live object took the UPN meanwhile is retried under a placeholder UPN, as creates are (upn-clash.ts); the other
// object is never touched.
import { randomPassword } from '../../core/passwords.ts';
import { createBody } from '../mapping.ts';
import type { CloudOperation, OperationOutcome } from '../operations.ts';
import type { DeletedLink } from '../state-store.ts';
import type { CycleState, OperationContext } from './cycle-state.ts';
import { placeholderUpn, UPN_WANTED_KEY, waitingForUpn, noteClash } from './upn-clash.ts';

/** How long Entra keeps a deleted user in its deleted items. */
export const DELETED_ITEMS_DAYS = 30;

/** Where a deleted link keeps the groups its object belonged to (as last exported), to re-read them once it is back. */
export const MEMBER_OF_KEY = 'memberOf';

/** The restore that brings an object back, with the context its follow-ups need. */
export function restoreOperation(
  objectType: 'user' | 'group',
  anchor: string,
  cloudId: string,
  context: OperationContext,
  why: 'returning' | 'missing',
): { operation: CloudOperation; context: OperationContext } {
  return { operation: { action: 'restore', objectType, anchor, cloudId }, context: { ...context, comeback: why } };
}

/** The deleted links still restorable: deleted by DirSync less than 30 days ago. */
export function restorable(links: ReadonlyMap<string, DeletedLink>, now: Date): Map<string, DeletedLink> {
  const oldest = now.getTime() - DELETED_ITEMS_DAYS * 24 * 3600 * 1000;
  return new Map([...links].filter(([, link]) => link.deletedAt.getTime() > oldest && link.kind === 'user'));
}

/** What to send next for an object coming back, given its last outcome; undefined when the outcome is final. */
export function nextStep(
  state: CycleState,
  outcome: OperationOutcome,
  known: OperationContext | undefined,
): { operation: CloudOperation; context: OperationContext } | undefined {
  const { operation } = outcome;
  if (!known) return undefined;
  if (operation.action === 'update' && !outcome.ok && outcome.httpStatus === 404 && operation.objectType === 'user' && known.comeback === undefined) {
    // Deleted in the cloud since the cycle's change tracking looked: from the deleted items, if it is there.
    state.reporter.warning(`${known.dn}: its cloud user ${operation.cloudId} no longer exists: restoring it from the deleted items.`);
    return restoreOperation('user', operation.anchor, operation.cloudId, known, 'missing');
  }
  if (operation.action !== 'restore' || known.comeback === undefined) return undefined;
  const desired = known.desired ?? {};
  if (outcome.ok) {
    // Back with its old id and whatever it held when deleted: every attribute is sent again, as AD has it.
    return {
      operation: {
        action: 'update',
        objectType: operation.objectType,
        anchor: operation.anchor,
        cloudId: operation.cloudId,
        body: withoutBookkeeping(desired),
      },
      context: { ...known, previous: {}, comeback: undefined, restoredFrom: operation.cloudId },
    };
  }
  if (outcome.httpStatus === 404) {
    state.reporter.verbose(`${known.dn}: no longer in the deleted items (purged, or deleted more than 30 days ago): created again.`);
    // Created again, so with the mapping's onCreate values as any create.
    const created = createBody(withoutBookkeeping(desired), known.createOnly ?? {});
    const body =
      operation.objectType === 'user'
        ? { ...created, passwordProfile: { password: randomPassword(), forceChangePasswordNextSignIn: false } }
        : created;
    return {
      operation: { action: 'create', objectType: operation.objectType, anchor: operation.anchor, body },
      context: { ...known, previous: {}, comeback: undefined },
    };
  }
  const taken = outcome.conflict?.toLowerCase() === 'userprincipalname';
  if (taken && operation.newUserPrincipalName === undefined && typeof desired.userPrincipalName === 'string') {
    const wanted = desired.userPrincipalName;
    const placeholder = placeholderUpn(wanted, state.tenant.initialDomain);
    noteClash(state, operation.anchor, known.dn, wanted, placeholder);
    return {
      operation: { ...operation, newUserPrincipalName: placeholder },
      context: { ...known, desired: waitingForUpn(desired, placeholder, wanted) },
    };
  }
  return undefined;
}

/** The attributes to send: what the ledger keeps besides them (the UPN a placeholder waits for) is not sent. */
function withoutBookkeeping(desired: Record<string, unknown>): Record<string, unknown> {
  const { [UPN_WANTED_KEY]: _wanted, ...attributes } = desired;
  return attributes;
}
