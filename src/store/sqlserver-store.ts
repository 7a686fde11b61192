// The state store on a standalone SQL Server (the original's "-UseSQLServer" installations, beyond the
// embedded store's ~100,000 objects), through mssql/tedious.
//
// Every value travels as a parameter. A request holds at most 2,100 parameters, so batches travel as one
// table-valued parameter (types created by migration v1) whatever their size. Anchors are compared with a
// binary collation: they are Base64, and SQL Server's default collations ignore case.
import sql from 'mssql';
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

/** Where the store lives and how DirSync signs in to it, as the installer records it. */
export interface SqlServerSettings {
  /** Host name of the SQL Server. */
  server: string;
  /** Named instance (found through the SQL Server Browser service), or null for the default instance. */
  instance: string | null;
  /** TCP port of a default instance, when not 1433. Ignored with a named instance. */
  port?: number;
  database: string;
  /**
   * SQL authentication, or Windows authentication (NTLM) with the service account's credential. The
   * driver cannot use the process's own Windows identity (SSPI) without a password.
   */
  credential: { kind: 'sql'; user: string; password: string } | { kind: 'windows'; domain: string; user: string; password: string };
  /** TLS to the server; default true. */
  encrypt?: boolean;
  /** Accept a server certificate no trusted authority issued; default false (only for test servers). */
  trustServerCertificate?: boolean;
}

/** Rows per page of the unseen-links sweep. */
const SWEEP_PAGE_SIZE = 2000;
/** A batch of 100,000 rows takes seconds, not the driver's default 15. */
const REQUEST_TIMEOUT_MS = 300_000;
/** How long migrate() waits for another DirSync migrating the same database. */
const MIGRATION_LOCK_TIMEOUT_MS = 60_000;

export function sqlServerConfig(settings: SqlServerSettings): sql.config {
  const { credential } = settings;
  return {
    server: settings.server,
    database: settings.database,
    ...(settings.port !== undefined ? { port: settings.port } : {}),
    user: credential.user,
    password: credential.password,
    ...(credential.kind === 'windows' ? { domain: credential.domain } : {}),
    options: {
      ...(settings.instance ? { instanceName: settings.instance } : {}),
      encrypt: settings.encrypt ?? true,
      trustServerCertificate: settings.trustServerCertificate ?? false,
    },
  };
}

export class SqlServerStore implements DirSyncStore {
  /** server\instance/database, for messages. */
  readonly location: string;
  private readonly pool: sql.ConnectionPool;
  private readonly productVersion: string;
  private readonly retainedRuns: number;

  private constructor(pool: sql.ConnectionPool, location: string, options: StoreOptions) {
    this.pool = pool;
    this.location = location;
    this.productVersion = options.productVersion ?? PRODUCT_VERSION;
    this.retainedRuns = options.retainedRuns ?? DEFAULT_RETAINED_RUNS;
  }

  /** Connects (see sqlServerConfig for DirSync's settings). Call migrate() before anything else. */
  static async connect(config: sql.config, options: StoreOptions = {}): Promise<SqlServerStore> {
    const instance = config.options?.instanceName;
    const location = `${config.server}${instance ? `\\${instance}` : ''}/${config.database ?? '(default database)'}`;
    const pool = new sql.ConnectionPool({ requestTimeout: REQUEST_TIMEOUT_MS, ...config, options: { appName: 'DirSync', ...config.options } });
    try {
      await pool.connect();
    } catch (error) {
      throw new DirSyncError('Store.unreachable', `Cannot connect to the state store ${location}: ${(error as Error).message}.`, {
        target: location,
        cause: error,
      });
    }
    return new SqlServerStore(pool, location, options);
  }

  async migrate(targetVersion?: number): Promise<void> {
    // One transaction per version; an application lock makes concurrent migrations wait their turn.
    let migrating = true;
    while (migrating) {
      migrating = await this.transaction(async (transaction) => {
        await transaction.request().batch(`
          DECLARE @result int;
          EXEC @result = sp_getapplock @Resource = N'dirsync-schema-migration', @LockMode = N'Exclusive',
            @LockOwner = N'Transaction', @LockTimeout = ${MIGRATION_LOCK_TIMEOUT_MS};
          IF @result < 0 THROW 50000, N'Another DirSync is migrating this database; try again once it has finished.', 1;
          IF OBJECT_ID(N'dbo.schema_version', N'U') IS NULL
            CREATE TABLE dbo.schema_version (
              id int NOT NULL CONSTRAINT pk_schema_version PRIMARY KEY CHECK (id = 1),
              version int NOT NULL,
              product_version nvarchar(32) NOT NULL,
              migrated_at datetime2(3) NOT NULL
            );`);
        const current = await this.currentVersion(transaction.request());
        const next = pendingMigrations(this.location, current, targetVersion)[0];
        if (next) for (const statement of next.sqlServer) await transaction.request().batch(statement);
        const version = next?.version ?? current;
        if (version > 0) {
          await transaction
            .request()
            .input('version', sql.Int, version)
            .input('productVersion', sql.NVarChar(32), this.productVersion)
            .input('migratedAt', sql.DateTime2(3), new Date())
            .query(`
              UPDATE dbo.schema_version SET version = @version, product_version = @productVersion, migrated_at = @migratedAt WHERE id = 1;
              IF @@ROWCOUNT = 0
                INSERT INTO dbo.schema_version (id, version, product_version, migrated_at) VALUES (1, @version, @productVersion, @migratedAt);`);
        }
        return next !== undefined;
      });
    }
  }

  async storeInfo(): Promise<StoreInfo> {
    const result = await this.pool.request().query<{ version: number; product_version: string }>(`
      IF OBJECT_ID(N'dbo.schema_version', N'U') IS NOT NULL
        SELECT version, product_version FROM dbo.schema_version WHERE id = 1;`);
    const row = result.recordset?.[0];
    return { schemaVersion: row?.version ?? 0, productVersion: row?.product_version ?? null };
  }

  async getLinks(anchors: readonly string[]): Promise<Map<string, ObjectLink>> {
    const links = new Map<string, ObjectLink>();
    if (anchors.length === 0) return links;
    const result = await this.pool
      .request()
      .input('anchors', anchorList(anchors))
      .query<LinkRow>(`
      SELECT l.anchor, l.kind, l.cloud_id, l.dn, l.exported, l.last_seen_run
      FROM dbo.links l JOIN @anchors a ON a.anchor = l.anchor`);
    for (const row of result.recordset) links.set(row.anchor, linkFromRow(row));
    return links;
  }

  async getLinksByCloudIds(cloudIds: readonly string[]): Promise<Map<string, ObjectLink>> {
    const links = new Map<string, ObjectLink>();
    if (cloudIds.length === 0) return links;
    const result = await this.pool
      .request()
      .input('ids', anchorList(cloudIds))
      .query<LinkRow>(`
      SELECT l.anchor, l.kind, l.cloud_id, l.dn, l.exported, l.last_seen_run
      FROM dbo.links l JOIN @ids i ON i.anchor = l.cloud_id`);
    for (const row of result.recordset) links.set(row.cloud_id!, linkFromRow(row));
    return links;
  }

  async saveLinks(links: readonly ObjectLink[]): Promise<void> {
    if (links.length === 0) return;
    await this.transaction((transaction) =>
      transaction
        .request()
        .input('rows', linkRows(links))
        .query(`
        UPDATE l SET kind = r.kind, cloud_id = r.cloud_id, dn = r.dn, exported = r.exported, last_seen_run = r.last_seen_run
        FROM dbo.links l WITH (UPDLOCK, SERIALIZABLE) JOIN @rows r ON r.anchor = l.anchor;
        INSERT INTO dbo.links (anchor, kind, cloud_id, dn, exported, last_seen_run)
        SELECT r.anchor, r.kind, r.cloud_id, r.dn, r.exported, r.last_seen_run FROM @rows r
        WHERE NOT EXISTS (SELECT 1 FROM dbo.links l WITH (UPDLOCK, SERIALIZABLE) WHERE l.anchor = r.anchor);`),
    );
  }

  async deleteLinks(anchors: readonly string[]): Promise<void> {
    if (anchors.length === 0) return;
    await this.transaction((transaction) =>
      transaction
        .request()
        .input('anchors', anchorList(anchors))
        .query(`
        DELETE l FROM dbo.links l JOIN @anchors a ON a.anchor = l.anchor;
        DELETE m FROM dbo.memberships m JOIN @anchors a ON a.anchor = m.group_anchor;
        DELETE m FROM dbo.memberships m JOIN @anchors a ON a.anchor = m.member_anchor;`),
    );
  }

  async markSeen(runId: number, anchors: readonly string[]): Promise<void> {
    if (anchors.length === 0) return;
    await this.pool
      .request()
      .input('runId', sql.BigInt, runId)
      .input('anchors', anchorList(anchors))
      .query(`
      UPDATE l SET last_seen_run = @runId FROM dbo.links l JOIN @anchors a ON a.anchor = l.anchor`);
  }

  async *unseenLinks(runId: number): AsyncGenerator<ObjectLink> {
    yield* this.pagedLinks('(last_seen_run IS NULL OR last_seen_run <> @runId)', runId);
  }

  async *allLinks(): AsyncGenerator<ObjectLink> {
    yield* this.pagedLinks('1 = 1', 0);
  }

  async countLinks(): Promise<number> {
    const result = await this.pool.request().query<{ count: number }>('SELECT COUNT(*) AS count FROM dbo.links WHERE cloud_id IS NOT NULL');
    return result.recordset[0]?.count ?? 0;
  }

  async getMemberships(groupAnchors: readonly string[]): Promise<Map<string, Set<string>>> {
    const memberships = new Map(groupAnchors.map((anchor) => [anchor, new Set<string>()]));
    if (groupAnchors.length === 0) return memberships;
    const result = await this.pool
      .request()
      .input('groups', anchorList(groupAnchors))
      .query<{ group_anchor: string; member_anchor: string }>(`
      SELECT m.group_anchor, m.member_anchor FROM dbo.memberships m JOIN @groups g ON g.anchor = m.group_anchor`);
    for (const row of result.recordset) memberships.get(row.group_anchor)?.add(row.member_anchor);
    return memberships;
  }

  async getMembersAmong(groupAnchor: string, candidates: readonly string[]): Promise<Set<string>> {
    if (candidates.length === 0) return new Set();
    const result = await this.pool
      .request()
      .input('group', sql.NVarChar(128), groupAnchor)
      .input('candidates', anchorList(candidates))
      .query<{ member_anchor: string }>(`
      SELECT m.member_anchor FROM dbo.memberships m JOIN @candidates c ON c.anchor = m.member_anchor WHERE m.group_anchor = @group`);
    return new Set(result.recordset.map((row) => row.member_anchor));
  }

  async countMemberships(): Promise<number> {
    const result = await this.pool.request().query<{ count: number }>('SELECT COUNT(*) AS count FROM dbo.memberships');
    return result.recordset[0]?.count ?? 0;
  }

  async groupsOf(memberAnchor: string): Promise<string[]> {
    const result = await this.pool
      .request()
      .input('member', sql.NVarChar(128), memberAnchor)
      .query<{ group_anchor: string }>('SELECT group_anchor FROM dbo.memberships WHERE member_anchor = @member ORDER BY group_anchor');
    return result.recordset.map((row) => row.group_anchor);
  }

  async setMembers(groupAnchor: string, add: readonly string[], remove: readonly string[]): Promise<void> {
    if (add.length === 0 && remove.length === 0) return;
    await this.transaction((transaction) =>
      transaction
        .request()
        .input('group', sql.NVarChar(128), groupAnchor)
        .input('added', anchorList(add))
        .input('removed', anchorList(remove))
        .query(`
          DELETE m FROM dbo.memberships m JOIN @removed r ON r.anchor = m.member_anchor WHERE m.group_anchor = @group;
          INSERT INTO dbo.memberships (group_anchor, member_anchor)
          SELECT @group, a.anchor FROM @added a
          WHERE NOT EXISTS (SELECT 1 FROM dbo.memberships m WITH (UPDLOCK, SERIALIZABLE) WHERE m.group_anchor = @group AND m.member_anchor = a.anchor);`),
    );
  }

  async addRetries(runId: number, anchors: readonly string[]): Promise<void> {
    if (anchors.length === 0) return;
    await this.transaction((transaction) =>
      transaction
        .request()
        .input('runId', sql.BigInt, runId)
        .input('anchors', anchorList(anchors))
        .query(`
        UPDATE r SET attempts = attempts + 1 FROM dbo.retries r WITH (UPDLOCK, SERIALIZABLE) JOIN @anchors a ON a.anchor = r.anchor;
        INSERT INTO dbo.retries (anchor, first_failed_run, attempts)
          SELECT DISTINCT a.anchor, @runId, 1 FROM @anchors a WHERE NOT EXISTS (SELECT 1 FROM dbo.retries r WHERE r.anchor = a.anchor);`),
    );
  }

  async clearRetries(anchors: readonly string[]): Promise<void> {
    if (anchors.length === 0) return;
    await this.pool.request().input('anchors', anchorList(anchors)).query('DELETE r FROM dbo.retries r JOIN @anchors a ON a.anchor = r.anchor');
  }

  async listRetries(limit: number): Promise<string[]> {
    const result = await this.pool
      .request()
      .input('limit', sql.Int, limit)
      .query<{ anchor: string }>('SELECT TOP (@limit) anchor FROM dbo.retries ORDER BY first_failed_run, anchor');
    return result.recordset.map((row) => row.anchor);
  }

  async getWatermark(source: string): Promise<string | undefined> {
    const result = await this.pool
      .request()
      .input('source', sql.NVarChar(256), source)
      .query<{ value: string }>('SELECT value FROM dbo.watermarks WHERE source = @source');
    return result.recordset[0]?.value;
  }

  async setWatermark(source: string, value: string | undefined): Promise<void> {
    if (value === undefined) {
      await this.pool.request().input('source', sql.NVarChar(256), source).query('DELETE FROM dbo.watermarks WHERE source = @source');
      return;
    }
    await this.transaction((transaction) =>
      transaction
        .request()
        .input('source', sql.NVarChar(256), source)
        .input('value', sql.NVarChar(sql.MAX), value)
        .query(`
          UPDATE dbo.watermarks WITH (UPDLOCK, SERIALIZABLE) SET value = @value WHERE source = @source;
          IF @@ROWCOUNT = 0 INSERT INTO dbo.watermarks (source, value) VALUES (@source, @value);`),
    );
  }

  async startRun(mode: RunHistoryMode, startedAt: Date): Promise<number> {
    const result = await this.transaction((transaction) =>
      transaction
        .request()
        .input('mode', sql.VarChar(16), mode)
        .input('started', sql.DateTime2(3), startedAt)
        .input('retained', sql.Int, this.retainedRuns)
        .query<{ id: string }>(`
          DECLARE @id bigint;
          INSERT INTO dbo.runs (mode, started, status) VALUES (@mode, @started, 'in-progress');
          SET @id = SCOPE_IDENTITY();
          -- Bounded history: errors of the pruned runs go with them (ON DELETE CASCADE).
          DELETE FROM dbo.runs WHERE id < (SELECT MIN(id) FROM (SELECT TOP (@retained) id FROM dbo.runs ORDER BY id DESC) AS kept);
          SELECT @id AS id;`),
    );
    return Number(result.recordset[0]!.id);
  }

  async setRunMode(runId: number, mode: RunHistoryMode): Promise<void> {
    await this.pool
      .request()
      .input('runId', sql.BigInt, runId)
      .input('mode', sql.VarChar(16), mode)
      .query('UPDATE dbo.runs SET mode = @mode WHERE id = @runId');
  }

  async markInterruptedRuns(endedAt: Date): Promise<number> {
    const result = await this.pool
      .request()
      .input('ended', sql.DateTime2(3), endedAt)
      .query(`
      UPDATE dbo.runs SET status = 'interrupted', ended = @ended,
        message = N'the process running this cycle ended without recording an outcome (killed or crashed); the next cycle resumed from the last recorded watermark'
      WHERE status = 'in-progress'`);
    return result.rowsAffected[0] ?? 0;
  }

  async recordDeletedObjects(runId: number, objects: readonly DeletedObject[]): Promise<void> {
    if (objects.length === 0) return;
    await this.transaction(async (transaction) => {
      for (const object of objects) {
        await transaction
          .request()
          .input('runId', sql.BigInt, runId)
          .input('anchor', sql.NVarChar(128), object.anchor)
          .input('kind', sql.VarChar(16), object.kind)
          .input('cloudId', sql.NVarChar(64), object.cloudId)
          .input('dn', sql.NVarChar(sql.MAX), object.dn)
          .input('exported', sql.NVarChar(sql.MAX), JSON.stringify(object.exported))
          .input('members', sql.NVarChar(sql.MAX), JSON.stringify(object.members))
          .input('memberOf', sql.NVarChar(sql.MAX), JSON.stringify(object.memberOf))
          .query(`
            DELETE FROM dbo.deleted_objects WHERE run_id = @runId AND anchor = @anchor;
            INSERT INTO dbo.deleted_objects (run_id, anchor, kind, cloud_id, dn, exported, members, member_of)
            VALUES (@runId, @anchor, @kind, @cloudId, @dn, @exported, @members, @memberOf);`);
      }
    });
  }

  async getDeletedObjects(runId: number): Promise<DeletedObject[]> {
    const result = await this.pool
      .request()
      .input('runId', sql.BigInt, runId)
      .query<DeletedObjectRow>(`
      SELECT anchor, kind, cloud_id, dn, exported, members, member_of FROM dbo.deleted_objects WHERE run_id = @runId ORDER BY anchor`);
    return result.recordset.map(deletedObjectFromRow);
  }

  async recordObjectChanges(runId: number, changes: readonly ObjectChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.transaction(async (transaction) => {
      for (const change of changes) {
        await transaction
          .request()
          .input('runId', sql.BigInt, runId)
          .input('anchor', sql.NVarChar(128), change.anchor)
          .input('dn', sql.NVarChar(sql.MAX), change.dn)
          .input('kind', sql.VarChar(16), change.kind)
          .input('action', sql.VarChar(32), change.action)
          .input('attributes', sql.NVarChar(sql.MAX), JSON.stringify(change.attributes))
          .input('reason', sql.NVarChar(sql.MAX), change.reason)
          .query(
            `INSERT INTO dbo.run_changes (run_id, anchor, dn, kind, action, attributes, reason) VALUES (@runId, @anchor, @dn, @kind, @action, @attributes, @reason)`,
          );
      }
    });
  }

  async getObjectChanges(runId: number): Promise<ObjectChange[]> {
    const result = await this.pool
      .request()
      .input('runId', sql.BigInt, runId)
      .query<ObjectChangeRow>(`
      SELECT anchor, dn, kind, action, attributes, reason FROM dbo.run_changes WHERE run_id = @runId ORDER BY id`);
    return result.recordset.map(objectChangeFromRow);
  }

  async recordObjectErrors(runId: number, errors: readonly ObjectError[]): Promise<void> {
    if (errors.length === 0) return;
    await this.pool
      .request()
      .input('runId', sql.BigInt, runId)
      .input('rows', runErrorRows(errors))
      .query(`
      INSERT INTO dbo.run_errors (run_id, dn, anchor, code, message)
      SELECT @runId, dn, anchor, code, message FROM @rows ORDER BY ordinal`);
  }

  async finishRun(runId: number, status: RunStatus, counts: RunCounts, endedAt: Date, message?: string): Promise<void> {
    const result = await this.pool
      .request()
      .input('runId', sql.BigInt, runId)
      .input('status', sql.VarChar(64), status)
      .input('ended', sql.DateTime2(3), endedAt)
      .input('message', sql.NVarChar(sql.MAX), message ?? null)
      .input('added', sql.Int, counts.added)
      .input('updated', sql.Int, counts.updated)
      .input('deleted', sql.Int, counts.deleted)
      .input('unchanged', sql.Int, counts.unchanged)
      .input('errors', sql.Int, counts.errors)
      .input('notExportable', sql.Int, counts.notExportable)
      .query(`
        UPDATE dbo.runs SET status = @status, ended = @ended, message = @message, added = @added, updated = @updated,
          deleted = @deleted, unchanged = @unchanged, errors = @errors, not_exportable = @notExportable
        WHERE id = @runId`);
    if (result.rowsAffected[0] === 0) throw new RangeError(`run ${runId} is not in the run history of ${this.location}`);
  }

  async listRuns(limit: number): Promise<RunRecord[]> {
    const result = await this.pool
      .request()
      .input('limit', sql.Int, limit)
      .query<RunRow>(`
      SELECT TOP (@limit) id, mode, started, ended, status, added, updated, deleted, unchanged, errors, not_exportable, message
      FROM dbo.runs ORDER BY id DESC`);
    return result.recordset.map(runFromRow);
  }

  async getRunErrors(runId: number): Promise<ObjectError[]> {
    const result = await this.pool
      .request()
      .input('runId', sql.BigInt, runId)
      .query<ObjectError>('SELECT dn, anchor, code, message FROM dbo.run_errors WHERE run_id = @runId ORDER BY id');
    return result.recordset.map(({ dn, anchor, code, message }) => ({ dn, anchor, code, message }));
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** Keyset pagination on the clustered primary key: each page is one range seek, whatever the table size. */
  private async *pagedLinks(condition: string, runId: number): AsyncGenerator<ObjectLink> {
    let after = ''; // anchors are never empty (the schema checks it)
    for (;;) {
      const result = await this.pool
        .request()
        .input('runId', sql.BigInt, runId)
        .input('after', sql.NVarChar(128), after)
        .input('pageSize', sql.Int, SWEEP_PAGE_SIZE)
        .query<LinkRow>(`
          SELECT TOP (@pageSize) anchor, kind, cloud_id, dn, exported, last_seen_run FROM dbo.links
          WHERE anchor > @after AND ${condition}
          ORDER BY anchor`);
      const page = result.recordset;
      for (const row of page) yield linkFromRow(row);
      const last = page.at(-1);
      if (!last || page.length < SWEEP_PAGE_SIZE) return;
      after = last.anchor;
    }
  }

  private async currentVersion(request: sql.Request): Promise<number> {
    const result = await request.query<{ version: number }>('SELECT version FROM dbo.schema_version WITH (UPDLOCK) WHERE id = 1');
    return result.recordset[0]?.version ?? 0;
  }

  /** Runs `work` in one transaction: all of it is committed, or none of it. */
  private async transaction<T>(work: (transaction: sql.Transaction) => Promise<T>): Promise<T> {
    const transaction = new sql.Transaction(this.pool);
    let rolledBack = false;
    transaction.on('rollback', () => {
      rolledBack = true;
    });
    await transaction.begin();
    try {
      const result = await work(transaction);
      await transaction.commit();
      return result;
    } catch (error) {
      // The server may have rolled back already (an error that aborts the transaction); a failing rollback
      // means a lost connection, whose transaction the server rolls back: the original error is what matters.
      if (!rolledBack) await transaction.rollback().catch(() => undefined);
      throw error;
    }
  }
}

/** Distinct anchors as a dbo.dirsync_anchor_list table-valued parameter. */
function anchorList(anchors: readonly string[]): sql.Table {
  const table = new sql.Table('dbo.dirsync_anchor_list');
  table.columns.add('anchor', sql.NVarChar(128), { nullable: false, primary: true });
  for (const anchor of new Set(anchors)) table.rows.add(anchor);
  return table;
}

/** Links as a dbo.dirsync_link_rows table-valued parameter; of duplicates, the last wins (as with SQLite). */
function linkRows(links: readonly ObjectLink[]): sql.Table {
  const table = new sql.Table('dbo.dirsync_link_rows');
  table.columns.add('anchor', sql.NVarChar(128), { nullable: false, primary: true });
  table.columns.add('kind', sql.VarChar(16), { nullable: false });
  table.columns.add('cloud_id', sql.NVarChar(64), { nullable: true });
  table.columns.add('dn', sql.NVarChar(sql.MAX), { nullable: false });
  table.columns.add('exported', sql.NVarChar(sql.MAX), { nullable: false });
  table.columns.add('last_seen_run', sql.BigInt, { nullable: true });
  const lastByAnchor = new Map(links.map((link) => [link.anchor, link]));
  for (const link of lastByAnchor.values()) {
    table.rows.add(link.anchor, link.kind, link.cloudId, link.dn, JSON.stringify(link.exported), link.lastSeenRunId);
  }
  return table;
}

/** Object errors as a dbo.dirsync_run_error_rows table-valued parameter, numbered to keep their order. */
function runErrorRows(errors: readonly ObjectError[]): sql.Table {
  const table = new sql.Table('dbo.dirsync_run_error_rows');
  table.columns.add('ordinal', sql.Int, { nullable: false, primary: true });
  table.columns.add('dn', sql.NVarChar(sql.MAX), { nullable: false });
  table.columns.add('anchor', sql.NVarChar(128), { nullable: false });
  table.columns.add('code', sql.NVarChar(256), { nullable: false });
  table.columns.add('message', sql.NVarChar(sql.MAX), { nullable: false });
  for (const [ordinal, error] of errors.entries()) table.rows.add(ordinal, error.dn, error.anchor, error.code, error.message);
  return table;
}
