// Where a cycle's outcomes are written: into the store its run mode gives it (the state store, or a preview's overlay
// of it), and, when the mode lists a plan, into that list too; and said, object by object, to the verbose stream.
import { objectTypeOf, SECRET_ATTRIBUTES, type CloudOperation, type OperationOutcome } from '../operations.ts';
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

  /** An operation's outcome: listed in the plan (when the run lists one), and said object by object (--verbose). */
  planned(outcome: OperationOutcome, context: OperationContext | undefined): void {
    this.#plan?.push(describeOperation(outcome.operation, context));
    // One line per object costs ~6 µs (0.6 s a 100,000-object sync): only composed when it is shown.
    if (this.#state.reporter.verboseShown !== false) this.#state.reporter.verbose(describeOutcome(outcome, context, this.#plan !== undefined));
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

  /** Deleted in the cloud: kept for restore, with why for the report, and forgotten as links. */
  async deleted(objects: readonly DeletedObject[], reasons: ReadonlyMap<string, OperationContext>): Promise<void> {
    if (objects.length === 0) return;
    await this.#store.recordDeletedObjects(this.#state.runId, objects);
    await this.changed(
      objects.map((object) => ({
        anchor: object.anchor,
        dn: object.dn,
        kind: object.kind,
        action: 'deleted' as const,
        attributes: [],
        reason: reasons.get(object.anchor)?.reason ?? null,
      })),
    );
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

/** How many changed attributes a verbose line names before "…". */
const ATTRIBUTES_SAID = 6;

/** What was done to one object, in one line: "Updated user CN=…: jobTitle "A" → "B"", or "Would …" for a plan. */
export function describeOutcome(outcome: OperationOutcome, context: OperationContext | undefined, planned: boolean): string {
  const { operation } = outcome;
  const listed = describeOperation(operation, context);
  const object = `${listed.objectType} ${listed.dn || listed.anchor}`;
  if (!outcome.ok) return `Failed to ${operation.action} ${object}: ${outcome.code}: ${outcome.message}`;
  if (operation.action === 'create' && outcome.deferred)
    return `Left the create of ${object} to the active installation (it joins it by its anchor).`;
  const said = (listed.values ?? []).filter((value) => value.new !== null || value.old !== null);
  const changes = said
    .slice(0, ATTRIBUTES_SAID)
    .map((value) =>
      operation.action === 'create' ? `${value.attribute} ${shown(value.new)}` : `${value.attribute} ${shown(value.old)} → ${shown(value.new)}`,
    )
    .join(', ');
  const more = said.length > ATTRIBUTES_SAID ? `, and ${said.length - ATTRIBUTES_SAID} more` : '';
  const verb = (done: string, would: string) => (planned ? `Would ${would}` : done);
  switch (operation.action) {
    case 'create':
      return `${verb('Created', 'create')} ${object}: ${changes}${more}.`;
    case 'update':
      return `${verb('Updated', 'update')} ${object}: ${changes}${more}.`;
    case 'delete':
      return `${verb('Deleted', 'delete')} ${object}${listed.reason ? `: ${listed.reason}` : ''}.`;
    case 'restore':
      return `${verb('Restored', 'restore')} ${object} from the deleted items.`;
    case 'add-members':
      return `${verb('Added', 'add')} ${operation.members.length} member(s) to ${object}.`;
    case 'remove-member':
      return `${verb('Removed', 'remove')} a member (${operation.member.anchor}) from ${object}.`;
    case 'set-manager':
      return operation.manager
        ? `${verb('Set', 'set')} the manager of ${object} (${operation.manager.anchor}).`
        : `${verb('Removed', 'remove')} the manager of ${object}.`;
  }
}

function shown(value: unknown): string {
  return value === null || value === undefined ? '(none)' : JSON.stringify(value);
}

function withoutSecrets(operation: CloudOperation): CloudOperation {
  if (operation.action !== 'create' && operation.action !== 'update') return operation;
  return { ...operation, body: Object.fromEntries(Object.entries(operation.body).filter(([name]) => !SECRET_ATTRIBUTES.has(name))) };
}
