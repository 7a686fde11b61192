// The drift a cycle sent back: an operation that went through takes back the drift it was sent for, and the run lists
// it as reverted (cloud value → AD value).
import type { CloudOperation } from '../operations.ts';
import { isRecord } from './cloud-values.ts';
import type { CycleState, DriftEntry } from './cycle-state.ts';

/**
 * An operation that went through takes back the drift it was sent for: an update the properties it set (as AD's
 * values), a manager step the manager, a membership step the members.
 */
export function noteReverted(state: CycleState, operation: CloudOperation): void {
  const entries = state.drift.get(operation.anchor);
  if (!entries) return;
  const reverts = (entry: DriftEntry): unknown => {
    switch (operation.action) {
      case 'update': {
        const [name, key] = entry.attribute.split('.', 2) as [string, string | undefined];
        if (!(name in operation.body)) return NOT_REVERTED;
        const sent = operation.body[name];
        return key === undefined ? sent : isRecord(sent) && key in sent ? sent[key] : NOT_REVERTED;
      }
      case 'set-manager':
        return entry.attribute === 'manager' ? (operation.manager?.anchor ?? null) : NOT_REVERTED;
      case 'add-members':
        return entry.memberRemoved !== undefined && operation.members.some((member) => member.anchor === entry.memberRemoved)
          ? 'member'
          : NOT_REVERTED;
      case 'remove-member':
        return entry.memberAdded !== undefined && operation.member.anchor === entry.memberAdded ? null : NOT_REVERTED;
      case 'restore':
      case 'create':
        return entry.attribute === 'deleted' ? 'exists' : NOT_REVERTED;
      default:
        return NOT_REVERTED;
    }
  };
  const remaining: DriftEntry[] = [];
  for (const entry of entries) {
    const adValue = reverts(entry);
    if (adValue === NOT_REVERTED) remaining.push(entry);
    else state.reverted.push({ ...entry, adValue: entry.attribute === 'members' ? entry.adValue : adValue });
  }
  if (remaining.length < entries.length && !state.revertedObjects.has(operation.anchor)) {
    state.revertedObjects.add(operation.anchor);
    state.count('reverted', entries[0]?.dn ?? '');
  }
  if (remaining.length > 0) state.drift.set(operation.anchor, remaining);
  else state.drift.delete(operation.anchor);
}

const NOT_REVERTED = Symbol('not reverted');
