// What a preview's phases read and write instead of the store: the store as it is, with the preview's own outcomes
// laid over it in memory. A real cycle reads back what it recorded a moment earlier (the groups and users it just
// created, when it adds members and sets managers); a preview must too, or its plan would lack every reference to an
// object it would create. Nothing reaches the store but what it recorded before (the run itself, the full import's
// "seen" marks): the watermark, links, memberships, the retry queue, deleted objects and deleted links stay as they were.
import type {
  DeletedLink,
  DeletedObject,
  ObjectChange,
  ObjectError,
  ObjectLink,
  RunCounts,
  RunHistoryMode,
  RunStatus,
  StateStore,
} from '../state-store.ts';

export class PreviewOverlay implements StateStore {
  readonly #store: StateStore;
  /** anchor → link as the preview left it; null: deleted by the preview. */
  readonly #links = new Map<string, ObjectLink | null>();
  /** Links the store holds with a cloud object, which the preview deleted (for countLinks). */
  #deletedFromStore = 0;
  /** group anchor → member anchor → added (true) or removed (false) by the preview. */
  readonly #members = new Map<string, Map<string, boolean>>();
  /** anchor → deleted link the preview remembered; null: forgotten by the preview. */
  readonly #deletedLinks = new Map<string, DeletedLink | null>();
  /** The preview pruned the deleted links older than this (they are hidden from its reads, the store keeps them). */
  #deletedLinksPrunedBefore = new Date(0);

  constructor(store: StateStore) {
    this.#store = store;
  }

  async getLinks(anchors: readonly string[]): Promise<Map<string, ObjectLink>> {
    const fromStore = await this.#store.getLinks(anchors.filter((anchor) => !this.#links.has(anchor)));
    for (const anchor of anchors) {
      const laid = this.#links.get(anchor);
      if (laid) fromStore.set(anchor, laid);
    }
    return fromStore;
  }

  async getLinksByCloudIds(cloudIds: readonly string[]): Promise<Map<string, ObjectLink>> {
    const found = new Map([...(await this.#store.getLinksByCloudIds(cloudIds))].filter(([, link]) => !this.#links.has(link.anchor)));
    const wanted = new Set(cloudIds);
    for (const link of this.#links.values()) if (link?.cloudId && wanted.has(link.cloudId)) found.set(link.cloudId, link);
    return found;
  }

  async saveLinks(links: readonly ObjectLink[]): Promise<void> {
    for (const link of links) this.#links.set(link.anchor, link);
  }

  async deleteLinks(anchors: readonly string[]): Promise<void> {
    const stored = await this.#store.getLinks(anchors.filter((anchor) => !this.#links.has(anchor)));
    this.#deletedFromStore += [...stored.values()].filter((link) => link.cloudId).length;
    for (const anchor of anchors) {
      this.#links.set(anchor, null);
      this.#members.delete(anchor);
    }
  }

  markSeen(runId: number, anchors: readonly string[]): Promise<void> {
    return this.#store.markSeen(runId, anchors);
  }

  async *unseenLinks(runId: number): AsyncIterable<ObjectLink> {
    for await (const link of this.#store.unseenLinks(runId)) if (!this.#links.has(link.anchor)) yield link;
  }

  async *allLinks(): AsyncIterable<ObjectLink> {
    for await (const link of this.#store.allLinks()) {
      const laid = this.#links.get(link.anchor);
      if (laid !== null) yield laid ?? link;
    }
    const stored = await this.#store.getLinks([...this.#links.keys()]);
    for (const [anchor, link] of this.#links) if (link && !stored.has(anchor)) yield link;
  }

  async countLinks(): Promise<number> {
    const laid = [...this.#links.entries()].filter(([, link]) => link?.cloudId);
    const stored = await this.#store.getLinks(laid.map(([anchor]) => anchor));
    const added = laid.filter(([anchor]) => !stored.get(anchor)?.cloudId).length;
    return (await this.#store.countLinks()) + added - this.#deletedFromStore;
  }

  async getMemberships(groupAnchors: readonly string[]): Promise<Map<string, Set<string>>> {
    const memberships = await this.#store.getMemberships(groupAnchors);
    for (const group of groupAnchors) {
      const members = memberships.get(group) ?? new Set<string>();
      for (const [member, added] of this.#members.get(group) ?? []) {
        if (added) members.add(member);
        else members.delete(member);
      }
      for (const member of members) if (this.#links.get(member) === null) members.delete(member);
      memberships.set(group, members);
    }
    return memberships;
  }

  async getMembersAmong(groupAnchor: string, candidates: readonly string[]): Promise<Set<string>> {
    const members = await this.#store.getMembersAmong(groupAnchor, candidates);
    const changes = this.#members.get(groupAnchor);
    for (const member of candidates) {
      const added = changes?.get(member);
      if (added === true) members.add(member);
      if (added === false || this.#links.get(member) === null) members.delete(member);
    }
    return members;
  }

  async setMembers(groupAnchor: string, add: readonly string[], remove: readonly string[]): Promise<void> {
    const changes = this.#members.get(groupAnchor) ?? new Map<string, boolean>();
    for (const member of add) changes.set(member, true);
    for (const member of remove) changes.set(member, false);
    this.#members.set(groupAnchor, changes);
  }

  async groupsOf(memberAnchor: string): Promise<string[]> {
    const groups = new Set(await this.#store.groupsOf(memberAnchor));
    for (const [group, changes] of this.#members) {
      const added = changes.get(memberAnchor);
      if (added === true) groups.add(group);
      if (added === false) groups.delete(group);
    }
    return [...groups];
  }

  async countMemberships(): Promise<number> {
    let net = 0;
    for (const [group, changes] of this.#members) {
      const before = (await this.#store.getMemberships([group])).get(group) ?? new Set<string>();
      for (const [member, added] of changes) net += added && !before.has(member) ? 1 : !added && before.has(member) ? -1 : 0;
    }
    return (await this.#store.countMemberships()) + net;
  }

  async rememberDeletedLinks(links: readonly DeletedLink[]): Promise<void> {
    for (const link of links) this.#deletedLinks.set(link.anchor, link);
  }

  async getDeletedLinks(anchors: readonly string[]): Promise<Map<string, DeletedLink>> {
    const found = await this.#store.getDeletedLinks(anchors.filter((anchor) => !this.#deletedLinks.has(anchor)));
    for (const anchor of anchors) {
      const laid = this.#deletedLinks.get(anchor);
      if (laid) found.set(anchor, laid);
    }
    for (const [anchor, link] of found) if (link.deletedAt < this.#deletedLinksPrunedBefore) found.delete(anchor);
    return found;
  }

  async forgetDeletedLinks(anchors: readonly string[]): Promise<void> {
    for (const anchor of anchors) this.#deletedLinks.set(anchor, null);
  }

  /** → how many of the preview's own deleted links it pruned (the store's are only hidden: it cannot count them). */
  async pruneDeletedLinks(deletedBefore: Date): Promise<number> {
    if (deletedBefore > this.#deletedLinksPrunedBefore) this.#deletedLinksPrunedBefore = deletedBefore;
    const pruned = [...this.#deletedLinks].filter(([, link]) => link && link.deletedAt < deletedBefore).map(([anchor]) => anchor);
    for (const anchor of pruned) this.#deletedLinks.set(anchor, null);
    return pruned.length;
  }

  async addRetries(): Promise<void> {}
  async clearRetries(): Promise<void> {}
  listRetries(limit: number): Promise<string[]> {
    return this.#store.listRetries(limit);
  }

  getWatermark(source: string): Promise<string | undefined> {
    return this.#store.getWatermark(source);
  }
  async setWatermark(): Promise<void> {}

  // The run itself is recorded: the history shows previews.
  startRun(mode: RunHistoryMode, startedAt: Date): Promise<number> {
    return this.#store.startRun(mode, startedAt);
  }
  setRunMode(runId: number, mode: RunHistoryMode): Promise<void> {
    return this.#store.setRunMode(runId, mode);
  }
  markInterruptedRuns(endedAt: Date): Promise<number> {
    return this.#store.markInterruptedRuns(endedAt);
  }
  recordObjectErrors(runId: number, errors: readonly ObjectError[]): Promise<void> {
    return this.#store.recordObjectErrors(runId, errors);
  }
  async recordDeletedObjects(): Promise<void> {} // a preview deleted nothing: there is nothing to restore
  getDeletedObjects(runId: number): Promise<DeletedObject[]> {
    return this.#store.getDeletedObjects(runId);
  }

  async recordObjectChanges(): Promise<void> {} // a preview changed nothing: its plan is the report
  getObjectChanges(runId: number): Promise<ObjectChange[]> {
    return this.#store.getObjectChanges(runId);
  }
  finishRun(runId: number, status: RunStatus, counts: RunCounts, endedAt: Date, message?: string): Promise<void> {
    return this.#store.finishRun(runId, status, counts, endedAt, message);
  }
}
