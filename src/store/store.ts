// A state store as the installer and the commands see it: the engine's port plus schema migration, the run history
// for status, and closing. Implemented by SqliteStore (embedded default) and SqlServerStore.
import type { DeletedObject, ObjectChange, ObjectError, RunRecord, StateStore } from '../engine/state-store.ts';

export type {
  AttributeChange,
  DeletedLink,
  DeletedObject,
  ObjectChange,
  ObjectError,
  ObjectLink,
  RunCounts,
  RunHistoryMode,
  RunRecord,
  RunStatus,
  StateStore,
} from '../engine/state-store.ts';

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

/** Something a run recorded, with the run. */
export type InRun<Record> = Record & { runId: number };

/** What the kept runs recorded about one object: the oldest run first, and each run's records in the order recorded. */
export interface ObjectRunRecords {
  changes: InRun<ObjectChange>[];
  deleted: InRun<DeletedObject>[];
  errors: InRun<ObjectError>[];
}

export interface DirSyncStore extends StateStore {
  /**
   * Creates or migrates the schema, forward only, to `targetVersion` (default: the latest), one transaction
   * per version, and records this product version as the one that last migrated the store.
   * Throws a Store.schema-too-new DirSyncError when a newer DirSync has migrated the store past what this one knows.
   */
  migrate(targetVersion?: number): Promise<void>;
  storeInfo(): Promise<StoreInfo>;
  /** The most recent runs first. */
  listRuns(limit: number): Promise<RunRecord[]>;
  getRunErrors(runId: number): Promise<ObjectError[]>;
  /**
   * What the kept runs recorded about one object (changes, deletion, errors), read by its anchor through an index:
   * the other objects' records are never read. A pruned run's records went with it.
   */
  getObjectHistory(anchor: string): Promise<ObjectRunRecords>;
  close(): Promise<void>;
}
