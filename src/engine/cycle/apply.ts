// Sends operations to the sink and records each outcome as it arrives: links of created and updated objects,
// memberships and managers, failures onto the retry queue. The one place outcomes become records.
import type { OperationSink } from '../ports.ts';
import { SECRET_ATTRIBUTES, type CloudOperation } from '../operations.ts';
import type { AttributeChange, ObjectChange, ObjectLink } from '../state-store.ts';
import { MANAGER_KEY, type CycleState, type OperationContext } from './cycle-state.ts';
import type { CycleLedger } from './ledger.ts';
import { noteReverted } from './reverted.ts';
import { nextStep } from './comebacks.ts';
import { createsWithPlaceholders, isUpnClash, UPN_WANTED_KEY } from './upn-clash.ts';

export interface Applier {
  /** Sends the operations and records their outcomes; resolves to the operations that succeeded. */
  apply(operations: CloudOperation[], context: ReadonlyMap<string, OperationContext>): Promise<CloudOperation[]>;
}

export function createApplier(state: CycleState, sink: OperationSink, ledger: CycleLedger): Applier {
  async function apply(operations: CloudOperation[], context: ReadonlyMap<string, OperationContext>): Promise<CloudOperation[]> {
    if (operations.length === 0) return [];
    await ledger.pendingCreates(pendingCreates(state, operations, context));
    const saved: ObjectLink[] = [];
    const changes: ObjectChange[] = [];
    const rejoined: CloudOperation[] = [];
    const failed: string[] = [];
    const clashes: (CloudOperation & { action: 'create' })[] = [];
    const deferred: string[] = [];
    const succeeded: CloudOperation[] = [];
    const nextSteps: CloudOperation[] = [];
    const nextContext = new Map(context);
    for await (const outcome of sink.apply(operations)) {
      state.exported++;
      const { operation } = outcome;
      const known = context.get(operation.anchor);
      ledger.planned(outcome, known);
      // A create already under a placeholder that clashes again is an error like any other. Before the deletes phase,
      // the UPN may be one a delete of this cycle frees: the create waits for it (deferred-creates.ts).
      if (isUpnClash(outcome) && known?.desired?.[UPN_WANTED_KEY] === undefined) {
        if (!state.deletesDone && known) {
          state.createsAfterDeletes.push({ operation: outcome.operation, context: known });
          // Queued too, in case the cycle ends before it gets there: the next cycle then reads it again.
          await ledger.queueRetries([operation.anchor]);
        } else clashes.push(outcome.operation);
        continue;
      }
      const next = nextStep(state, outcome, known);
      if (next) {
        nextSteps.push(next.operation);
        nextContext.set(next.operation.anchor, next.context);
        if (outcome.ok && operation.action === 'restore') {
          state.count('restored', known?.dn ?? '');
          succeeded.push(operation);
          await ledger.comeback(operation.anchor);
        }
        continue;
      }
      if (!outcome.ok) {
        state.recordError(operation.anchor, known?.dn ?? '', outcome.code, outcome.message);
        failed.push(operation.anchor);
        continue;
      }
      succeeded.push(operation);
      switch (operation.action) {
        case 'create':
          if (outcome.deferred) {
            state.count('added', known?.dn ?? '');
            state.deferredCreates.add(operation.anchor);
            deferred.push(operation.anchor);
            break;
          }
          if (outcome.rejoined) {
            // The object was created by an earlier, interrupted cycle: bring it to the wanted state.
            rejoined.push({
              action: 'update',
              objectType: operation.objectType,
              anchor: operation.anchor,
              cloudId: outcome.cloudId!,
              body: known?.desired ?? {},
            });
            continue;
          }
          state.count('added', known?.dn ?? '');
          saved.push(exportedLink(state, operation.anchor, operation.objectType, outcome.cloudId!, known, operation.body));
          changes.push(objectChange('added', operation.anchor, operation.objectType, known, operation.body));
          break;
        case 'update':
          // The update that follows a restore brings the restored object in line with AD: counted as restored.
          if (known?.restoredFrom === undefined) state.count('updated', known?.dn ?? '');
          saved.push(exportedLink(state, operation.anchor, operation.objectType, operation.cloudId, known, operation.body));
          changes.push(objectChange(known?.restoredFrom ? 'restored' : 'updated', operation.anchor, operation.objectType, known, operation.body));
          break;
        case 'add-members':
          await ledger.members(
            operation.anchor,
            operation.members.map((member) => member.anchor),
            [],
          );
          break;
        case 'remove-member':
          await ledger.members(operation.anchor, [], [operation.member.anchor]);
          break;
        case 'set-manager':
          if (known?.link) saved.push({ ...known.link, exported: { ...known.link.exported, [MANAGER_KEY]: operation.manager?.anchor ?? null } });
          break;
        case 'delete':
        case 'restore':
          break; // recorded by the phase that sent them, which knows what was deleted or restored
      }
      state.reporter.progress({ activity: 'Exporting to Entra ID', status: `${state.exported} operations`, current: state.exported });
    }
    await ledger.exported(saved);
    await ledger.changed(changes);
    for (const anchor of failed) state.failedAnchors.add(anchor);
    await ledger.queueRetries([...failed, ...deferred]);
    for (const operation of succeeded) noteReverted(state, operation);
    if (rejoined.length > 0) succeeded.push(...(await apply(rejoined, context)));
    if (nextSteps.length > 0) succeeded.push(...(await apply(nextSteps, nextContext)));
    if (clashes.length > 0) {
      const retried = createsWithPlaceholders(state, clashes, context);
      succeeded.push(...(await apply(retried.operations, retried.context)));
    }
    return succeeded;
  }
  return { apply };
}

function exportedLink(
  state: CycleState,
  anchor: string,
  objectType: 'user' | 'group',
  cloudId: string,
  known: OperationContext | undefined,
  body: Record<string, unknown>,
): ObjectLink {
  return {
    anchor,
    kind: known?.kind ?? objectType,
    cloudId,
    dn: known?.dn ?? '',
    exported: { ...(known?.desired ?? body), ...(objectType === 'user' ? { [MANAGER_KEY]: known?.exportedManager ?? null } : {}) },
    lastSeenRunId: state.mode === 'full' ? state.runId : (known?.lastSeenRunId ?? null),
  };
}

/**
 * Links with no cloud id yet, written before the creates are sent: if the process dies after a create reached the
 * cloud but before its outcome was recorded, the store still knows the anchor, so a later delete (or the full
 * import's sweep) looks the object up in the cloud instead of leaving it there for ever.
 */
function pendingCreates(state: CycleState, operations: readonly CloudOperation[], context: ReadonlyMap<string, OperationContext>): ObjectLink[] {
  return operations.flatMap((operation) => {
    if (operation.action !== 'create') return [];
    const known = context.get(operation.anchor);
    return [
      {
        anchor: operation.anchor,
        kind: known?.kind ?? operation.objectType,
        cloudId: null,
        dn: known?.dn ?? '',
        exported: {},
        lastSeenRunId: state.mode === 'full' ? state.runId : null,
      },
    ];
  });
}

/** What an add or update changed: each attribute sent, from its last exported value (null for an add); secrets never. */
function objectChange(
  action: 'added' | 'updated' | 'restored',
  anchor: string,
  objectType: 'user' | 'group',
  known: OperationContext | undefined,
  body: Record<string, unknown>,
): ObjectChange {
  const attributes: AttributeChange[] = [];
  const previous = action === 'added' ? {} : (known?.previous ?? {});
  for (const [name, value] of Object.entries(body)) {
    if (!SECRET_ATTRIBUTES.has(name)) attributes.push(...attributeChanges(name, previous[name] ?? null, value));
  }
  return { anchor, dn: known?.dn ?? '', kind: known?.kind ?? objectType, action, attributes, reason: null };
}

/** A nested attribute (onPremisesExtensionAttributes) changes key by key; an attribute that stays empty is no change. */
function attributeChanges(name: string, old: unknown, value: unknown): AttributeChange[] {
  if (isRecord(value) && (old === null || isRecord(old))) {
    return Object.entries(value).flatMap(([key, inner]) =>
      attributeChanges(`${name}.${key}`, (old as Record<string, unknown> | null)?.[key] ?? null, inner),
    );
  }
  const empty = (candidate: unknown) => candidate === null || (Array.isArray(candidate) && candidate.length === 0);
  return empty(old) && empty(value) ? [] : [{ name, old, new: value }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
