// The engine's port to what DirSync remembers between cycles: links between AD objects and cloud objects, the
// memberships last exported, the cloud objects it deleted, the retry queue, watermarks and the run history. The
// stores in src/store implement it (embedded SQLite by default, standalone SQL Server), with one contract test suite.
import type { ObjectKind } from './model.ts';

/** The link between an AD object (by sourceAnchor) and its cloud object, with what was last exported. */
export interface ObjectLink {
  anchor: string;
  kind: ObjectKind;
  /** The cloud object id; null while the object is known but not yet created in the cloud. */
  cloudId: string | null;
  /** DN when last imported. */
  dn: string;
  /** The cloud attributes as last successfully exported (JSON-serialisable). */
  exported: Record<string, unknown>;
  /** The run that last saw this object in a full import (for the sweep that emits deletes). */
  lastSeenRunId: number | null;
}

/**
 * What a run does: a full or delta cycle, `dirsync restore` bringing back what an earlier run deleted, or one object
 * taken through a cycle (`sync --object`).
 */
export type RunWork = 'full' | 'delta' | 'restore' | 'object';

/** A run's name in the history: what it did, and whether it was a preview or a standby's (see run-mode.ts). */
export type RunHistoryMode = RunWork | `preview-${RunWork}` | `standby-${RunWork}`;

export type RunStatus =
  | 'in-progress'
  | 'success'
  | 'completed-export-errors'
  /** The cycle synchronised what it could read, but a part of the source (a forest) could not be read: its objects were left as they are. */
  | 'completed-forest-errors'
  | 'stopped-deletion-threshold-exceeded'
  | 'stopped-server-down'
  | 'stopped-by-request'
  /** The process running it ended without recording an outcome (killed, power cut); set by the next run. */
  | 'interrupted'
  | 'failed';

export interface RunCounts {
  added: number;
  updated: number;
  deleted: number;
  unchanged: number;
  errors: number;
  /** Objects Graph cannot take (contacts, mail-enabled groups): reported, not exported. */
  notExportable: number;
  /** Objects changed back to AD's values after someone changed them in the cloud (drift). */
  reverted: number;
  /** Objects brought back from the tenant's deleted items (the same cloud object), rather than created again. */
  restored: number;
}

export interface ObjectError {
  dn: string;
  anchor: string;
  /** Graph error code (e.g. "Request_BadRequest") or DirSync's own code. */
  code: string;
  message: string;
}

/** What a run deleted in the cloud, kept so that `restore` can bring it back. */
export interface DeletedObject {
  anchor: string;
  kind: ObjectKind;
  cloudId: string;
  dn: string;
  /** The attributes last exported, to re-create what the cloud does not keep (security groups). */
  exported: Record<string, unknown>;
  /** Member anchors of a deleted group, as last exported. */
  members: string[];
  /** Anchors of the groups the object was a member of, as last exported. */
  memberOf: string[];
}

/** A cloud object DirSync deleted: kept 30 days (Entra keeps deleted users that long) so that a returning object is restored. */
export interface DeletedLink {
  anchor: string;
  kind: ObjectKind;
  cloudId: string;
  /** DN when deleted. */
  dn: string;
  deletedAt: Date;
  /** The cloud attributes as last exported (JSON-serialisable). */
  exported: Record<string, unknown>;
}

/** What a run did to one object, kept with the run for its report (never a secret: see SECRET_ATTRIBUTES). */
export interface ObjectChange {
  anchor: string;
  dn: string;
  kind: ObjectKind | 'membership';
  /**
   * withheld-delete: a delete the run did not export (the deletion threshold, an object hidden from the listing).
   * upn-placeholder: a user in the cloud under a placeholder UPN (old: the UPN it should have; new: the placeholder).
   * restored: brought back from the tenant's deleted items (the same cloud object), then updated to AD's values.
   * reverted / drift: changed in the cloud by someone else (old: the cloud's value; new: AD's), sent back or only reported.
   */
  action: 'added' | 'updated' | 'restored' | 'reverted' | 'drift' | 'withheld-delete' | 'upn-placeholder';
  /** The cloud attributes that changed, as last exported → as exported by this run (null: none). */
  attributes: AttributeChange[];
  /** Why, for a withheld delete. */
  reason: string | null;
}

export interface AttributeChange {
  name: string;
  old: unknown;
  new: unknown;
}

export interface RunRecord {
  id: number;
  mode: RunHistoryMode;
  startedAt: Date;
  endedAt: Date | null;
  status: RunStatus;
  counts: RunCounts;
  /** A run-level failure message (server down, sign-in failed…), when there is one. */
  message: string | null;
}

export interface StateStore {
  getLinks(anchors: readonly string[]): Promise<Map<string, ObjectLink>>;
  /** The links holding these cloud ids: cloud id → link. */
  getLinksByCloudIds(cloudIds: readonly string[]): Promise<Map<string, ObjectLink>>;
  /** Inserts or replaces, in one transaction. A cloud id is linked to one anchor at most (the store refuses a second). */
  saveLinks(links: readonly ObjectLink[]): Promise<void>;
  /** Forgets the objects, and the memberships they had as group or as member. */
  deleteLinks(anchors: readonly string[]): Promise<void>;
  /** Marks objects as seen by a full import run. */
  markSeen(runId: number, anchors: readonly string[]): Promise<void>;
  /** Links not seen by the given full-import run, streamed in pages (memory stays flat). */
  unseenLinks(runId: number): AsyncIterable<ObjectLink>;
  /** Every link, streamed in pages. */
  allLinks(): AsyncIterable<ObjectLink>;
  /** Links with a cloud object: the objects DirSync keeps in the cloud. */
  countLinks(): Promise<number>;

  /** Group memberships as last exported: group anchor → member anchors (an empty set for a group without). */
  getMemberships(groupAnchors: readonly string[]): Promise<Map<string, Set<string>>>;
  /** Which of `candidates` were last exported as members of the group: reads those alone, whatever the group's size. */
  getMembersAmong(groupAnchor: string, candidates: readonly string[]): Promise<Set<string>>;
  setMembers(groupAnchor: string, add: readonly string[], remove: readonly string[]): Promise<void>;
  /** The groups an object was last exported as a member of. */
  groupsOf(memberAnchor: string): Promise<string[]>;
  /** How many memberships were last exported, all groups together. */
  countMemberships(): Promise<number>;

  /** Inserts or replaces by anchor, in one transaction (of duplicates in one batch, the last wins). */
  rememberDeletedLinks(links: readonly DeletedLink[]): Promise<void>;
  /** The remembered deleted objects among these anchors: anchor → deleted link. */
  getDeletedLinks(anchors: readonly string[]): Promise<Map<string, DeletedLink>>;
  /** Forgets these anchors' deleted objects (restored, or re-created). */
  forgetDeletedLinks(anchors: readonly string[]): Promise<void>;
  /** Forgets the objects deleted before this time; → how many. */
  pruneDeletedLinks(deletedBefore: Date): Promise<number>;

  /** Queues objects whose export failed in this run, to be re-read and retried by the next cycles. */
  addRetries(runId: number, anchors: readonly string[]): Promise<void>;
  /** Takes objects off the retry queue (exported at last, or gone). */
  clearRetries(anchors: readonly string[]): Promise<void>;
  /** The queued anchors, oldest failure first. */
  listRetries(limit: number): Promise<string[]>;

  getWatermark(source: string): Promise<string | undefined>;
  /** Committed only once a cycle's exports are recorded (crash safety). */
  setWatermark(source: string, value: string | undefined): Promise<void>;

  /** Records a new run; the history keeps the most recent runs only (1,000 unless configured), errors included. */
  startRun(mode: RunHistoryMode, startedAt: Date): Promise<number>;
  /** A delta that had to become a full import is recorded as what it was. */
  setRunMode(runId: number, mode: RunHistoryMode): Promise<void>;
  /** Runs still `in-progress` whose process is gone become `interrupted`; call only while holding the run lock. */
  markInterruptedRuns(endedAt: Date): Promise<number>;
  recordObjectErrors(runId: number, errors: readonly ObjectError[]): Promise<void>;
  /** What a run deleted in the cloud (for restore). */
  recordDeletedObjects(runId: number, objects: readonly DeletedObject[]): Promise<void>;
  getDeletedObjects(runId: number): Promise<DeletedObject[]>;
  /** What a run added, updated or withheld, attribute by attribute; kept with the run and pruned with it. */
  recordObjectChanges(runId: number, changes: readonly ObjectChange[]): Promise<void>;
  /** In the order recorded. */
  getObjectChanges(runId: number): Promise<ObjectChange[]>;
  finishRun(runId: number, status: RunStatus, counts: RunCounts, endedAt: Date, message?: string): Promise<void>;
}

/** Far more than a retry queue ever holds: a listing this long is the whole queue. */
const WHOLE_QUEUE = 1_000_000;

/** Every object waiting on the retry queue, oldest failure first. */
export function wholeRetryQueue(store: StateStore): Promise<string[]> {
  return store.listRetries(WHOLE_QUEUE);
}
