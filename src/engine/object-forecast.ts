// What the next cycle would do to some objects (explain), computed by the cycle itself — an object run in preview —
// over a view of the store that records nothing, not even the run: explain looks and leaves no trace. The preview's
// overlay takes the cycle's own records in memory; this view refuses anything else that would reach the store.
import { DirSyncError } from '../core/errors.ts';
import { resolveRunMode } from './run-mode.ts';
import { runSyncCycle, type CycleDependencies, type CycleOptions, type CycleResult } from './sync-cycle.ts';
import type { DeletedLink, DeletedObject, ObjectChange, ObjectLink, RunHistoryMode, StateStore } from './state-store.ts';

export type ForecastOptions = Omit<CycleOptions, 'mode' | 'objects' | 'runMode' | 'acceptDeletes'>;

/**
 * The object run a cycle would make of `anchors` now, planned and not sent; its plan is what the next cycle sends.
 * `corrected`: links as the cycle's drift step would leave them before planning (the cloud's values where the cloud
 * drifted, under the revert policy): an object run reads no change round of the tenant itself.
 */
export function forecastObjects(
  anchors: readonly string[],
  options: ForecastOptions,
  dependencies: CycleDependencies,
  corrected: readonly ObjectLink[] = [],
): Promise<CycleResult> {
  return runSyncCycle(
    { ...options, mode: 'object', objects: anchors, runMode: resolveRunMode({ kind: 'preview' }), acceptDeletes: false },
    { ...dependencies, store: new UntouchedStore(dependencies.store, corrected) },
  );
}

/** The store as it is (or as corrected), read-only: the run's own bookkeeping is dropped, and any other write is a defect. */
class UntouchedStore implements StateStore {
  readonly #store: StateStore;
  readonly #corrected: ReadonlyMap<string, ObjectLink>;

  constructor(store: StateStore, corrected: readonly ObjectLink[]) {
    this.#store = store;
    this.#corrected = new Map(corrected.map((link) => [link.anchor, link]));
  }

  async getLinks(anchors: readonly string[]): Promise<Map<string, ObjectLink>> {
    const links = await this.#store.getLinks(anchors);
    for (const anchor of anchors) if (this.#corrected.has(anchor)) links.set(anchor, this.#corrected.get(anchor)!);
    return links;
  }
  async getLinksByCloudIds(cloudIds: readonly string[]): Promise<Map<string, ObjectLink>> {
    const links = await this.#store.getLinksByCloudIds(cloudIds);
    for (const [cloudId, link] of links) if (this.#corrected.has(link.anchor)) links.set(cloudId, this.#corrected.get(link.anchor)!);
    return links;
  }
  unseenLinks(runId: number): AsyncIterable<ObjectLink> {
    return this.#store.unseenLinks(runId);
  }
  allLinks(): AsyncIterable<ObjectLink> {
    return this.#store.allLinks();
  }
  countLinks(): Promise<number> {
    return this.#store.countLinks();
  }
  getMemberships(groupAnchors: readonly string[]): Promise<Map<string, Set<string>>> {
    return this.#store.getMemberships(groupAnchors);
  }
  getMembersAmong(groupAnchor: string, candidates: readonly string[]): Promise<Set<string>> {
    return this.#store.getMembersAmong(groupAnchor, candidates);
  }
  groupsOf(memberAnchor: string): Promise<string[]> {
    return this.#store.groupsOf(memberAnchor);
  }
  countMemberships(): Promise<number> {
    return this.#store.countMemberships();
  }
  listRetries(limit: number): Promise<string[]> {
    return this.#store.listRetries(limit);
  }
  getWatermark(source: string): Promise<string | undefined> {
    return this.#store.getWatermark(source);
  }
  getDeletedLinks(anchors: readonly string[]): Promise<Map<string, DeletedLink>> {
    return this.#store.getDeletedLinks(anchors);
  }
  getDeletedObjects(runId: number): Promise<DeletedObject[]> {
    return this.#store.getDeletedObjects(runId);
  }
  getObjectChanges(runId: number): Promise<ObjectChange[]> {
    return this.#store.getObjectChanges(runId);
  }

  // The run is nobody's business: no history entry, and earlier runs are left as they are.
  async startRun(_mode: RunHistoryMode, _startedAt: Date): Promise<number> {
    return 0;
  }
  async setRunMode(): Promise<void> {}
  async markInterruptedRuns(): Promise<number> {
    return 0;
  }
  async recordObjectErrors(): Promise<void> {}
  async recordObjectChanges(): Promise<void> {}
  async finishRun(): Promise<void> {}

  saveLinks(): Promise<void> {
    return refused('saveLinks');
  }
  deleteLinks(): Promise<void> {
    return refused('deleteLinks');
  }
  markSeen(): Promise<void> {
    return refused('markSeen');
  }
  setMembers(): Promise<void> {
    return refused('setMembers');
  }
  addRetries(): Promise<void> {
    return refused('addRetries');
  }
  clearRetries(): Promise<void> {
    return refused('clearRetries');
  }
  setWatermark(): Promise<void> {
    return refused('setWatermark');
  }
  recordDeletedObjects(): Promise<void> {
    return refused('recordDeletedObjects');
  }
  rememberDeletedLinks(): Promise<void> {
    return refused('rememberDeletedLinks');
  }
  forgetDeletedLinks(): Promise<void> {
    return refused('forgetDeletedLinks');
  }
  pruneDeletedLinks(): Promise<number> {
    return refused('pruneDeletedLinks');
  }
}

async function refused(write: string): Promise<never> {
  throw new DirSyncError('Internal.unexpected', `a forecast, which writes nothing, was about to write to the store (${write})`);
}
