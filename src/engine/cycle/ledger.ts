// Where a cycle's outcomes are written. A real run records them in the state store; a preview records them in memory
// over the store (PreviewOverlay) and lists the plan. Choosing the ledger, the overlay and the sink is all that makes
// a preview a preview: the phases plan the same.
import { objectTypeOf, SECRET_ATTRIBUTES, type CloudOperation } from '../operations.ts';
import type { DeletedObject, ObjectChange, ObjectLink, StateStore } from '../state-store.ts';
import type { CycleState, PlannedOperation } from './cycle-state.ts';
import type { PreviewOverlay } from './preview-overlay.ts';

export interface CycleLedger {
  /** An operation is about to be sent (a preview lists it). */
  planned(operation: CloudOperation, dn: string): void;
  /** Links with no cloud id yet, written before creates are sent (see recordPendingCreates in apply.ts). */
  pendingCreates(links: readonly ObjectLink[]): Promise<void>;
  exported(links: readonly ObjectLink[]): Promise<void>;
  /** What the exports changed, attribute by attribute, for the run's report. */
  changed(changes: readonly ObjectChange[]): Promise<void>;
  deleted(objects: readonly DeletedObject[]): Promise<void>;
  /** Links of objects that were never created in the cloud and have left AD: nothing to delete, only to forget. */
  forget(anchors: readonly string[]): Promise<void>;
  members(groupAnchor: string, added: readonly string[], removed: readonly string[]): Promise<void>;
  queueRetries(anchors: readonly string[]): Promise<void>;
  settleRetries(anchors: readonly string[]): Promise<void>;
  commitWatermark(source: string, value: string | undefined): Promise<void>;
}

export class StoreLedger implements CycleLedger {
  readonly #store: StateStore;
  readonly #state: CycleState;
  /** Where operations are listed, when they are. */
  readonly #plan: PlannedOperation[] | undefined;

  constructor(store: StateStore, state: CycleState, plan?: PlannedOperation[]) {
    this.#store = store;
    this.#state = state;
    this.#plan = plan;
  }

  planned(operation: CloudOperation, dn: string): void {
    this.#plan?.push(describeOperation(operation, dn));
  }

  async pendingCreates(links: readonly ObjectLink[]): Promise<void> {
    if (links.length > 0) await this.#store.saveLinks(links);
  }

  async exported(links: readonly ObjectLink[]): Promise<void> {
    if (links.length > 0) await this.#store.saveLinks(links);
  }

  async changed(changes: readonly ObjectChange[]): Promise<void> {
    if (changes.length > 0) await this.#store.recordObjectChanges(this.#state.runId, changes);
  }

  async deleted(objects: readonly DeletedObject[]): Promise<void> {
    if (objects.length === 0) return;
    await this.#store.recordDeletedObjects(this.#state.runId, objects);
    await this.#store.deleteLinks(objects.map((object) => object.anchor));
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

/**
 * A preview records into a PreviewOverlay (memory laid over the store, so its later phases see what it would have
 * created), and lists every operation as the plan.
 */
export class PreviewLedger extends StoreLedger {
  constructor(overlay: PreviewOverlay, state: CycleState) {
    super(overlay, state, state.plan);
  }
}

export function describeOperation(operation: CloudOperation, dn: string): PlannedOperation {
  const changes =
    operation.action === 'create' || operation.action === 'update'
      ? Object.keys(operation.body).filter((name) => !SECRET_ATTRIBUTES.has(name))
      : undefined;
  return { action: operation.action, anchor: operation.anchor, dn, objectType: objectTypeOf(operation), ...(changes ? { changes } : {}) };
}
