// The state store: what DirSync remembers between cycles. One interface, two implementations
// (embedded SQLite by default, standalone SQL Server), one contract test suite for both.
import type { ObjectKind } from '../engine/model.ts';

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

export type RunMode = 'full' | 'delta' | 'preview-full' | 'preview-delta';

export type RunStatus =
  | 'in-progress'
  | 'success'
  | 'completed-export-errors'
  | 'stopped-deletion-threshold-exceeded'
  | 'stopped-server-down'
  | 'stopped-by-request'
  | 'failed';

export interface RunCounts {
  added: number;
  updated: number;
  deleted: number;
  unchanged: number;
  errors: number;
  /** Objects Graph cannot take (contacts, mail-enabled groups): reported, not exported. */
  notExportable: number;
}

export interface ObjectError {
  dn: string;
  anchor: string;
  /** Graph error code (e.g. "Request_BadRequest") or DirSync's own code. */
  code: string;
  message: string;
}

export interface RunRecord {
  id: number;
  mode: RunMode;
  startedAt: Date;
  endedAt: Date | null;
  status: RunStatus;
  counts: RunCounts;
  /** A run-level failure message (server down, sign-in failed…), when there is one. */
  message: string | null;
}

/** What the installer's upgrade rules need to know about an existing store. */
export interface StoreInfo {
  /** 0 for a store never migrated (an empty database). */
  schemaVersion: number;
  /** The DirSync product version (e.g. 1.0.7100.0000) that last ran migrate() on it; null before the first. */
  productVersion: string | null;
}

/** Settings both implementations take. */
export interface StoreOptions {
  /** Recorded by migrate(); defaults to this build's PRODUCT_VERSION. */
  productVersion?: string;
  /** How many runs the history keeps (default 1,000: about four months of 3-hourly cycles). */
  retainedRuns?: number;
}

export const DEFAULT_RETAINED_RUNS = 1000;

export interface StateStore {
  /**
   * Creates or migrates the schema, forward only, to `targetVersion` (default: the latest), one transaction
   * per version, and records this product version as the one that last migrated the store.
   * Throws StoreSchemaTooNewError when a newer DirSync has migrated the store past what this one knows.
   */
  migrate(targetVersion?: number): Promise<void>;
  storeInfo(): Promise<StoreInfo>;

  getLinks(anchors: readonly string[]): Promise<Map<string, ObjectLink>>;
  /** Inserts or replaces, in one transaction. */
  saveLinks(links: readonly ObjectLink[]): Promise<void>;
  /** Forgets the objects, and the memberships they had as group or as member. */
  deleteLinks(anchors: readonly string[]): Promise<void>;
  /** Marks objects as seen by a full import run. */
  markSeen(runId: number, anchors: readonly string[]): Promise<void>;
  /** Links not seen by the given full-import run, streamed in pages (memory stays flat). */
  unseenLinks(runId: number): AsyncIterable<ObjectLink>;
  countLinks(): Promise<number>;

  /** Group membership as last exported: member anchors of a group. */
  getMembers(groupAnchor: string): Promise<Set<string>>;
  setMembers(groupAnchor: string, add: readonly string[], remove: readonly string[]): Promise<void>;

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
  startRun(mode: RunMode, startedAt: Date): Promise<number>;
  recordObjectErrors(runId: number, errors: readonly ObjectError[]): Promise<void>;
  finishRun(runId: number, status: RunStatus, counts: RunCounts, endedAt: Date, message?: string): Promise<void>;
  /** The most recent runs first. */
  listRuns(limit: number): Promise<RunRecord[]>;
  getRunErrors(runId: number): Promise<ObjectError[]>;

  close(): Promise<void>;
}
