// Where a cycle's outcomes are written: into the store its run mode gives it (the state store, or a preview's overlay
// of it), and, when the mode lists a plan, into that list too.
import { objectTypeOf, SECRET_ATTRIBUTES, type CloudOperation } from '../operations.ts';
import type { DeletedObject, ObjectChange, ObjectLink, StateStore } from '../state-store.ts';
import { MEMBER_OF_KEY } from './comebacks.ts';
import type { CycleState, OperationContext, PlannedOperation } from './cycle-state.ts';

export class CycleLedger {
  readonly #store: StateStore;
  readonly #state: CycleState;
  /** Where operations are listed, when they are. */
  readonly #plan: PlannedOperation[] | undefined;

  constructor(store: StateStore, state: CycleState, plan?: PlannedOperation[]) {
    this.#store = store;
    this.#state = state;
    this.#plan = plan;
  }

  /** An operation is about to be sent. */
  planned(operation: CloudOperation, context: OperationContext | undefined): void {
    this.#plan?.push(describeOperation(operation, context));
  }

  /** Links with no cloud id yet, written before creates are sent (see pendingCreates in apply.ts). */
  async pendingCreates(links: readonly ObjectLink[]): Promise<void> {
    if (links.length > 0) await this.#store.saveLinks(links);
  }

  async exported(links: readonly ObjectLink[]): Promise<void> {
    if (links.length > 0) await this.#store.saveLinks(links);
  }

  /** What the exports changed, attribute by attribute, for the run's report. */
  async changed(changes: readonly ObjectChange[]): Promise<void> {
    if (changes.length > 0) await this.#store.recordObjectChanges(this.#state.runId, changes);
  }

  async deleted(objects: readonly DeletedObject[]): Promise<void> {
    if (objects.length === 0) return;
    await this.#store.recordDeletedObjects(this.#state.runId, objects);
    await this.#store.deleteLinks(objects.map((object) => object.anchor));
    // Entra keeps deleted users 30 days: one that comes back into scope meanwhile is restored (comebacks.ts).
    await this.#store.rememberDeletedLinks(
      objects
        .filter((object) => object.kind === 'user')
        .map((object) => ({
          anchor: object.anchor,
          kind: object.kind,
          cloudId: object.cloudId,
          dn: object.dn,
          deletedAt: this.#state.startedAt,
          exported: { ...object.exported, [MEMBER_OF_KEY]: object.memberOf },
        })),
    );
  }

  /** Links of objects that were never created in the cloud and have left AD: nothing to delete, only to forget. */
  /** An object DirSync deleted is back (restored): its deleted link is forgotten. */
  async comeback(anchor: string): Promise<void> {
    await this.#store.forgetDeletedLinks([anchor]);
  }

  async forget(anchors: readonly string[]): Promise<void> {
    if (anchors.length > 0) await this.#store.deleteLinks(anchors);
  }

  async members(groupAnchor: string, added: readonly string[], removed: readonly string[]): Promise<void> {
    await this.#store.setMembers(groupAnchor, added, removed);
  }

  async queueRetries(anchors: readonly string[]): Promise<void> {
    if (anchors.length > 0) await this.#store.addRetries(this.#state.runId, anchors);
  }

  async settleRetries(anchors: readonly string[]): Promise<void> {
    if (anchors.length > 0) await this.#store.clearRetries(anchors);
  }

  async commitWatermark(source: string, value: string | undefined): Promise<void> {
    await this.#store.setWatermark(source, value);
  }
}

/** An operation as a plan lists it: what it changes, from which value to which (never a secret), and why a delete. */
export function describeOperation(operation: CloudOperation, context: OperationContext | undefined): PlannedOperation {
  const listed: PlannedOperation = {
    action: operation.action,
    anchor: operation.anchor,
    dn: context?.dn ?? '',
    objectType: objectTypeOf(operation),
    operation: withoutSecrets(operation),
  };
  if (operation.action === 'create' || operation.action === 'update') {
    const names = Object.keys(operation.body).filter((name) => !SECRET_ATTRIBUTES.has(name));
    listed.changes = names;
    listed.values = names.map((name) => ({ attribute: name, old: context?.previous?.[name] ?? null, new: operation.body[name] ?? null }));
  }
  if (context?.reason) listed.reason = context.reason;
  return listed;
}

function withoutSecrets(operation: CloudOperation): CloudOperation {
  if (operation.action !== 'create' && operation.action !== 'update') return operation;
  return { ...operation, body: Object.fromEntries(Object.entries(operation.body).filter(([name]) => !SECRET_ATTRIBUTES.has(name))) };
}
