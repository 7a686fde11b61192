// The embedded state store: one SQLite file through node:sqlite (built into Node, so it bundles into the
// single executable with no native addon).
//
// Durability: WAL journal with synchronous=FULL. WAL alone already survives a killed process; FULL adds an
// fsync of the WAL at every commit so that a power cut cannot roll back commits either. DirSync's commits
// record cloud writes that cannot be taken back (created objects and their ids, the watermark after an
// export), and it commits once per batch of objects, so one fsync per batch is a cheap price.
//
// node:sqlite is synchronous: the async methods run to completion before returning. Each call handles one
// batch, so the event loop is held for the duration of one batch (milliseconds), never for a whole sweep:
// unseenLinks() reads one page per step.
import { closeSync, openSync } from 'node:fs';
import type { DatabaseSync, SQLTagStore } from 'node:sqlite';
import { PRODUCT_VERSION } from '../version.ts';
import { DirSyncError } from '../core/errors.ts';
import { pendingMigrations } from './migrations/index.ts';
import {
  DEFAULT_RETAINED_RUNS,
  type DeletedObject,
  type DirSyncStore,
  type ObjectChange,
  type ObjectError,
  type ObjectLink,
  type RunCounts,
  type RunHistoryMode,
  type RunRecord,
  type RunStatus,
  type StoreInfo,
  type StoreOptions,
} from './store.ts';
import {
  deletedObjectFromRow,
  linkFromRow,
  objectChangeFromRow,
  runFromRow,
  type DeletedObjectRow,
  type LinkRow,
  type ObjectChangeRow,
  type RunRow,
} from './rows.ts';

/** Rows per page of the unseen-links sweep. */
const SWEEP_PAGE_SIZE = 1000;
/** How long a writer waits for another connection's lock before failing (e.g. a status query mid-sync). */
const BUSY_TIMEOUT_MS = 10_000;
/** Distinct SQL texts are few; this bounds the prepared-statement cache all the same. */
const STATEMENT_CACHE_SIZE = 64;

export class SqliteStore implements DirSyncStore {
  readonly file: string;
  private readonly database: DatabaseSync;
  /** Prepared statements, cached by their SQL text. */
  private readonly sql: SQLTagStore;
  private readonly productVersion: string;
  private readonly retainedRuns: number;

  /** Opens (creating it owner-only if missing) the store file. Call migrate() before anything else. */
  constructor(file: string, options: StoreOptions = {}) {
    this.file = file;
    this.productVersion = options.productVersion ?? PRODUCT_VERSION;
    this.retainedRuns = options.retainedRuns ?? DEFAULT_RETAINED_RUNS;
    try {
      // Create the file first with mode 0600: SQLite gives the -wal and -shm files the database file's mode.
      closeSync(openSync(file, 'a', 0o600));
      // Loaded here, not imported: a static import fails before any code runs on a Node without node:sqlite, and
      // the executable could not say which Node it needs (src/cli/supported-node.ts).
      const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
      this.database = new DatabaseSync(file, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
      this.database.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
    } catch (error) {
      // The file cannot be opened: missing folder, no permission, or not an SQLite database.
      throw new DirSyncError('Store.open-failed', `Cannot open the state store ${file}: ${(error as Error).message}.`, {
        target: file,
        cause: error,
      });
    }
    this.sql = this.database.createTagStore(STATEMENT_CACHE_SIZE);
  }

  async migrate(targetVersion?: number): Promise<void> {
    this.database.exec(`CREATE TABLE IF NOT EXISTS schema_version (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      version INTEGER NOT NULL,
      product_version TEXT NOT NULL,
      migrated_at TEXT NOT NULL
    )`);
    // One transaction per version. BEGIN IMMEDIATE takes the write lock before the version is read, so two
    // processes never apply the same migration twice.
    let migrating = true;
    while (migrating) {
      migrating = this.transaction(() => {
        const current = this.currentVersion();
        const next = pendingMigrations(this.file, current, targetVersion)[0];
        if (next) for (const statement of next.sqlite) this.database.exec(statement);
        this.recordVersion(next?.version ?? current);
        return next !== undefined;
      });
    }
  }

  async storeInfo(): Promise<StoreInfo> {
    const table = this.sql.get`SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`;
    if (!table) return { schemaVersion: 0, productVersion: null };
    const row = this.sql.get`SELECT version, product_version FROM schema_version WHERE id = 1` as
      | { version: number; product_version: string }
      | undefined;
    return { schemaVersion: row?.version ?? 0, productVersion: row?.product_version ?? null };
  }

  async getLinks(anchors: readonly string[]): Promise<Map<string, ObjectLink>> {
    const links = new Map<string, ObjectLink>();
    for (const anchor of anchors) {
      const row = this.sql.get`SELECT anchor, kind, cloud_id, dn, exported, last_seen_run FROM links WHERE anchor = ${anchor}`;
      if (row) links.set(anchor, linkFromRow(row as unknown as LinkRow));
    }
    return links;
  }

  async getLinksByCloudIds(cloudIds: readonly string[]): Promise<Map<string, ObjectLink>> {
    const links = new Map<string, ObjectLink>();
    for (const cloudId of cloudIds) {
      const row = this.sql.get`SELECT anchor, kind, cloud_id, dn, exported, last_seen_run FROM links WHERE cloud_id = ${cloudId}`;
      if (row) links.set(cloudId, linkFromRow(row as unknown as LinkRow));
    }
    return links;
  }

  async saveLinks(links: readonly ObjectLink[]): Promise<void> {
    this.transaction(() => {
      for (const link of links) {
        this.sql.run`INSERT INTO links (anchor, kind, cloud_id, dn, exported, last_seen_run)
          VALUES (${link.anchor}, ${link.kind}, ${link.cloudId}, ${link.dn}, ${JSON.stringify(link.exported)}, ${link.lastSeenRunId})
          ON CONFLICT (anchor) DO UPDATE SET kind = excluded.kind, cloud_id = excluded.cloud_id, dn = excluded.dn,
            exported = excluded.exported, last_seen_run = excluded.last_seen_run`;
      }
    });
  }

  async deleteLinks(anchors: readonly string[]): Promise<void> {
    this.transaction(() => {
      for (const anchor of anchors) {
        this.sql.run`DELETE FROM links WHERE anchor = ${anchor}`;
        this.sql.run`DELETE FROM memberships WHERE group_anchor = ${anchor}`;
        this.sql.run`DELETE FROM memberships WHERE member_anchor = ${anchor}`;
      }
    });
  }

  async markSeen(runId: number, anchors: readonly string[]): Promise<void> {
    this.transaction(() => {
      for (const anchor of anchors) this.sql.run`UPDATE links SET last_seen_run = ${runId} WHERE anchor = ${anchor}`;
    });
  }

  async *unseenLinks(runId: number): AsyncGenerator<ObjectLink> {
    yield* this.pagedLinks(
      (after) =>
        this.sql.all`SELECT anchor, kind, cloud_id, dn, exported, last_seen_run FROM links
      WHERE anchor > ${after} AND (last_seen_run IS NULL OR last_seen_run <> ${runId})
      ORDER BY anchor LIMIT ${SWEEP_PAGE_SIZE}` as unknown as LinkRow[],
    );
  }

  async *allLinks(): AsyncGenerator<ObjectLink> {
    yield* this.pagedLinks(
      (after) =>
        this.sql.all`SELECT anchor, kind, cloud_id, dn, exported, last_seen_run FROM links
      WHERE anchor > ${after} ORDER BY anchor LIMIT ${SWEEP_PAGE_SIZE}` as unknown as LinkRow[],
    );
  }

  async countLinks(): Promise<number> {
    return (this.sql.get`SELECT count(*) AS count FROM links WHERE cloud_id IS NOT NULL` as { count: number }).count;
  }

  async getMemberships(groupAnchors: readonly string[]): Promise<Map<string, Set<string>>> {
    const memberships = new Map<string, Set<string>>();
    for (const groupAnchor of groupAnchors) {
      const rows = this.sql.all`SELECT member_anchor FROM memberships WHERE group_anchor = ${groupAnchor}` as { member_anchor: string }[];
      memberships.set(groupAnchor, new Set(rows.map((row) => row.member_anchor)));
    }
    return memberships;
  }

  async getMembersAmong(groupAnchor: string, candidates: readonly string[]): Promise<Set<string>> {
    return new Set(
      candidates.filter(
        (member) => this.sql.get`SELECT 1 AS found FROM memberships WHERE group_anchor = ${groupAnchor} AND member_anchor = ${member}` !== undefined,
      ),
    );
  }

  async countMemberships(): Promise<number> {
    return (this.sql.get`SELECT count(*) AS count FROM memberships` as { count: number }).count;
  }

  async groupsOf(memberAnchor: string): Promise<string[]> {
    return (
      this.sql.all`SELECT group_anchor FROM memberships WHERE member_anchor = ${memberAnchor} ORDER BY group_anchor` as { group_anchor: string }[]
    ).map((row) => row.group_anchor);
  }

  async setMembers(groupAnchor: string, add: readonly string[], remove: readonly string[]): Promise<void> {
    this.transaction(() => {
      for (const member of remove) this.sql.run`DELETE FROM memberships WHERE group_anchor = ${groupAnchor} AND member_anchor = ${member}`;
      for (const member of add) this.sql.run`INSERT OR IGNORE INTO memberships (group_anchor, member_anchor) VALUES (${groupAnchor}, ${member})`;
    });
  }

  async addRetries(runId: number, anchors: readonly string[]): Promise<void> {
    this.transaction(() => {
      for (const anchor of anchors) {
        this.sql.run`INSERT INTO retries (anchor, first_failed_run, attempts) VALUES (${anchor}, ${runId}, 1)
          ON CONFLICT (anchor) DO UPDATE SET attempts = attempts + 1`;
      }
    });
  }

  async clearRetries(anchors: readonly string[]): Promise<void> {
    this.transaction(() => {
      for (const anchor of anchors) this.sql.run`DELETE FROM retries WHERE anchor = ${anchor}`;
    });
  }

  async listRetries(limit: number): Promise<string[]> {
    return (this.sql.all`SELECT anchor FROM retries ORDER BY first_failed_run, anchor LIMIT ${limit}` as { anchor: string }[]).map(
      (row) => row.anchor,
    );
  }

  async getWatermark(source: string): Promise<string | undefined> {
    const row = this.sql.get`SELECT value FROM watermarks WHERE source = ${source}` as { value: string } | undefined;
    return row?.value;
  }

  async setWatermark(source: string, value: string | undefined): Promise<void> {
    if (value === undefined) this.sql.run`DELETE FROM watermarks WHERE source = ${source}`;
    else this.sql.run`INSERT INTO watermarks (source, value) VALUES (${source}, ${value}) ON CONFLICT (source) DO UPDATE SET value = excluded.value`;
  }

  async startRun(mode: RunHistoryMode, startedAt: Date): Promise<number> {
    return this.transaction(() => {
      const { lastInsertRowid } = this.sql.run`INSERT INTO runs (mode, started, status) VALUES (${mode}, ${startedAt.toISOString()}, 'in-progress')`;
      // Bounded history: errors of the pruned runs go with them (ON DELETE CASCADE).
      this.sql.run`DELETE FROM runs WHERE id < (SELECT min(id) FROM (SELECT id FROM runs ORDER BY id DESC LIMIT ${this.retainedRuns}))`;
      return Number(lastInsertRowid);
    });
  }

  async setRunMode(runId: number, mode: RunHistoryMode): Promise<void> {
    this.sql.run`UPDATE runs SET mode = ${mode} WHERE id = ${runId}`;
  }

  async markInterruptedRuns(endedAt: Date): Promise<number> {
    const { changes } = this.sql.run`UPDATE runs SET status = 'interrupted', ended = ${endedAt.toISOString()},
      message = 'the process running this cycle ended without recording an outcome (killed or crashed); the next cycle resumed from the last recorded watermark'
      WHERE status = 'in-progress'`;
    return Number(changes);
  }

  async recordDeletedObjects(runId: number, objects: readonly DeletedObject[]): Promise<void> {
    this.transaction(() => {
      for (const object of objects) {
        this.sql.run`INSERT OR REPLACE INTO deleted_objects (run_id, anchor, kind, cloud_id, dn, exported, members, member_of)
          VALUES (${runId}, ${object.anchor}, ${object.kind}, ${object.cloudId}, ${object.dn}, ${JSON.stringify(object.exported)}, ${JSON.stringify(object.members)}, ${JSON.stringify(object.memberOf)})`;
      }
    });
  }

  async getDeletedObjects(runId: number): Promise<DeletedObject[]> {
    const rows = this.sql
      .all`SELECT anchor, kind, cloud_id, dn, exported, members, member_of FROM deleted_objects WHERE run_id = ${runId} ORDER BY anchor` as unknown as DeletedObjectRow[];
    return rows.map(deletedObjectFromRow);
  }

  async recordObjectChanges(runId: number, changes: readonly ObjectChange[]): Promise<void> {
    this.transaction(() => {
      for (const change of changes) {
        this.sql.run`INSERT INTO run_changes (run_id, anchor, dn, kind, action, attributes, reason)
          VALUES (${runId}, ${change.anchor}, ${change.dn}, ${change.kind}, ${change.action}, ${JSON.stringify(change.attributes)}, ${change.reason})`;
      }
    });
  }

  async getObjectChanges(runId: number): Promise<ObjectChange[]> {
    const rows = this.sql
      .all`SELECT anchor, dn, kind, action, attributes, reason FROM run_changes WHERE run_id = ${runId} ORDER BY id` as unknown as ObjectChangeRow[];
    return rows.map(objectChangeFromRow);
  }

  async recordObjectErrors(runId: number, errors: readonly ObjectError[]): Promise<void> {
    this.transaction(() => {
      for (const error of errors) {
        this.sql
          .run`INSERT INTO run_errors (run_id, dn, anchor, code, message) VALUES (${runId}, ${error.dn}, ${error.anchor}, ${error.code}, ${error.message})`;
      }
    });
  }

  async finishRun(runId: number, status: RunStatus, counts: RunCounts, endedAt: Date, message?: string): Promise<void> {
    const { changes } = this.sql.run`UPDATE runs SET status = ${status}, ended = ${endedAt.toISOString()}, message = ${message ?? null},
      added = ${counts.added}, updated = ${counts.updated}, deleted = ${counts.deleted}, unchanged = ${counts.unchanged}, errors = ${counts.errors}, not_exportable = ${counts.notExportable}
      WHERE id = ${runId}`;
    if (Number(changes) === 0) throw new RangeError(`run ${runId} is not in the run history of ${this.file}`);
  }

  async listRuns(limit: number): Promise<RunRecord[]> {
    const rows = this.sql.all`SELECT id, mode, started, ended, status, added, updated, deleted, unchanged, errors, not_exportable, message
      FROM runs ORDER BY id DESC LIMIT ${limit}` as unknown as RunRow[];
    return rows.map(runFromRow);
  }

  async getRunErrors(runId: number): Promise<ObjectError[]> {
    const rows = this.sql.all`SELECT dn, anchor, code, message FROM run_errors WHERE run_id = ${runId} ORDER BY id` as unknown as ObjectError[];
    return rows.map(({ dn, anchor, code, message }) => ({ dn, anchor, code, message }));
  }

  async close(): Promise<void> {
    if (!this.database.isOpen) return;
    this.sql.clear();
    // Lets SQLite refresh the statistics its query planner relies on, as its documentation recommends on close.
    this.database.exec('PRAGMA optimize');
    this.database.close();
  }

  /** Keyset pagination on the primary key: each page is one indexed range read, whatever the table size. */
  private *pagedLinks(page: (after: string) => LinkRow[]): Generator<ObjectLink> {
    let after = ''; // anchors are never empty (the schema checks it)
    for (;;) {
      const rows = page(after);
      for (const row of rows) yield linkFromRow(row);
      const last = rows.at(-1);
      if (!last || rows.length < SWEEP_PAGE_SIZE) return;
      after = last.anchor;
    }
  }

  private currentVersion(): number {
    const row = this.sql.get`SELECT version FROM schema_version WHERE id = 1` as { version: number } | undefined;
    return row?.version ?? 0;
  }

  private recordVersion(version: number): void {
    if (version === 0) return;
    this.sql.run`INSERT INTO schema_version (id, version, product_version, migrated_at)
      VALUES (1, ${version}, ${this.productVersion}, ${new Date().toISOString()})
      ON CONFLICT (id) DO UPDATE SET version = excluded.version, product_version = excluded.product_version, migrated_at = excluded.migrated_at`;
  }

  /** Runs `work` in one write transaction: all of it is committed, or none of it. */
  private transaction<T>(work: () => T): T {
    this.database.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.database.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.database.isTransaction) this.database.exec('ROLLBACK');
      throw error;
    }
  }
}
