// The directory's change log: every write to a user, group or contact, whoever made it (a client through
// Graph, or a test through the control API), as delta queries replay it. Changes are numbered; a delta
// token remembers the number it has reported up to. The log also carries the sync-state generation: a
// new generation (a test's stand-in for Entra ID's internal maintenance or a tenant migration) makes
// every token issued before it unusable, and delta answers 410 Gone.

import type { ResourceType } from './schema.ts';

/** created, updated (properties, members or manager), removed (soft or permanent delete), or restored from deleted items. */
export type ChangeKind = 'created' | 'updated' | 'removed' | 'restored';

export interface DirectoryChange {
  seq: number;
  type: ResourceType;
  id: string;
  kind: ChangeKind;
  /** Graph properties whose value changed (updates); `manager` when the manager changed. */
  properties: string[];
  addedMembers: string[];
  removedMembers: string[];
  /** The manager a change of manager took away, if any. */
  removedManager?: string;
}

export interface ChangeLogState {
  changes: DirectoryChange[];
  seq: number;
  /** Absent in state files written before delta links could be invalidated. */
  syncGeneration?: number;
}

export class ChangeLog {
  #changes: DirectoryChange[] = [];
  #seq = 0;
  #generation = 0;

  record(change: Omit<DirectoryChange, 'seq' | 'properties' | 'addedMembers' | 'removedMembers'> & Partial<DirectoryChange>): void {
    this.#seq += 1;
    this.#changes.push({ properties: [], addedMembers: [], removedMembers: [], ...change, seq: this.#seq });
  }

  currentSeq(): number {
    return this.#seq;
  }

  /** Changes to objects of `type` numbered after `seq`, oldest first. */
  since(seq: number, type: ResourceType): DirectoryChange[] {
    // The log is in sequence order: a binary search finds the first newer change without scanning the tenant's history.
    let low = 0;
    let high = this.#changes.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.#changes[middle]!.seq <= seq) low = middle + 1;
      else high = middle;
    }
    return this.#changes.slice(low).filter((change) => change.type === type);
  }

  /** The sync-state generation delta tokens are issued in. */
  generation(): number {
    return this.#generation;
  }

  /** Invalidates every delta and skip token issued so far (their next use answers 410 Gone). */
  startNewGeneration(): void {
    this.#generation += 1;
  }

  /** Forgets the history (the directory was emptied): tokens issued before answer 410, as they cannot be served. */
  reset(): void {
    this.#changes = [];
    this.startNewGeneration();
  }

  toState(): ChangeLogState {
    return { changes: this.#changes, seq: this.#seq, syncGeneration: this.#generation };
  }

  loadState(state: ChangeLogState): void {
    this.#seq = state.seq;
    this.#generation = state.syncGeneration ?? 0;
    // A log written before changes had a kind cannot answer a delta round faithfully: start a new generation,
    // so a client holding an old delta link is told to synchronise again (410) rather than miss changes.
    const current = state.changes.every((change) => typeof change.kind === 'string');
    this.#changes = current ? state.changes : [];
    if (!current) this.startNewGeneration();
  }
}
