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

export interface StateStore {
  /** Creates or migrates the schema to the current version (forward only). */
  migrate(): Promise<void>;
  schemaVersion(): Promise<number>;

  getLinks(anchors: readonly string[]): Promise<Map<string, ObjectLink>>;
  /** Inserts or replaces, in one transaction. */
  saveLinks(links: readonly ObjectLink[]): Promise<void>;
  deleteLinks(anchors: readonly string[]): Promise<void>;
  /** Marks objects as seen by a full import run. */
  markSeen(runId: number, anchors: readonly string[]): Promise<void>;
  /** Links not seen by the given full-import run, streamed in pages (memory stays flat). */
  unseenLinks(runId: number): AsyncIterable<ObjectLink>;
  countLinks(): Promise<number>;

  /** Group membership as last exported: member anchors of a group. */
  getMembers(groupAnchor: string): Promise<Set<string>>;
  setMembers(groupAnchor: string, add: readonly string[], remove: readonly string[]): Promise<void>;

  getWatermark(source: string): Promise<string | undefined>;
  /** Committed only once a cycle's exports are recorded (crash safety). */
  setWatermark(source: string, value: string | undefined): Promise<void>;

  startRun(mode: RunMode, startedAt: Date): Promise<number>;
  recordObjectErrors(runId: number, errors: readonly ObjectError[]): Promise<void>;
  finishRun(runId: number, status: RunStatus, counts: RunCounts, endedAt: Date, message?: string): Promise<void>;
  listRuns(limit: number): Promise<RunRecord[]>;
  getRunErrors(runId: number): Promise<ObjectError[]>;

  close(): Promise<void>;
}
