// The SQL text of every statement the SQL Server store sends (see dialect.ts), with the type of each parameter and
// the table type each batch travels as (@rows). With the migrations' statements, these are all the T-SQL the store
// can send: test/store/tsql-check.test.ts has Microsoft's parser check each of them.
import sql from 'mssql';
import type { BatchKind, BatchRows, ParameterName, StatementName } from './dialect.ts';
import { assignments, columnList, DELETED_LINK_COLUMNS, DELETED_OBJECT_COLUMNS, LINK_COLUMNS, OBJECT_CHANGE_COLUMNS, RUN_COLUMNS } from './rows.ts';

/** How long migrate() waits for another DirSync migrating the same database. */
const MIGRATION_LOCK_TIMEOUT_MS = 60_000;

const LINKS = columnList(LINK_COLUMNS);
const DELETED_LINKS = columnList(DELETED_LINK_COLUMNS);
const DELETED_OBJECTS = columnList(DELETED_OBJECT_COLUMNS);
const CHANGES = columnList(OBJECT_CHANGE_COLUMNS);
/** The batch's anchors (or cloud ids), for `… IN (${BATCH_ANCHORS})`. */
const BATCH_ANCHORS = 'SELECT anchor FROM @rows';

export const SQL_SERVER_STATEMENTS: Record<StatementName, string> = {
  schemaVersionTableExists: `SELECT CASE WHEN OBJECT_ID(N'dbo.schema_version', N'U') IS NULL THEN 0 ELSE 1 END AS found`,
  // An application lock held to the end of the transaction makes a concurrent migration wait its turn.
  prepareMigration: `
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
      );`,
  schemaVersion: 'SELECT version, product_version FROM dbo.schema_version WITH (UPDLOCK) WHERE id = 1',
  recordSchemaVersion: `
    UPDATE dbo.schema_version SET version = @version, product_version = @productVersion, migrated_at = @migratedAt WHERE id = 1;
    IF @@ROWCOUNT = 0
      INSERT INTO dbo.schema_version (id, version, product_version, migrated_at) VALUES (1, @version, @productVersion, @migratedAt);`,

  linksByAnchor: `SELECT ${LINKS} FROM dbo.links WHERE anchor IN (${BATCH_ANCHORS})`,
  linksByCloudId: `SELECT ${LINKS} FROM dbo.links WHERE cloud_id IN (${BATCH_ANCHORS})`,
  saveLinks: `
    UPDATE l SET ${assignments(LINK_COLUMNS, 'r')}
    FROM dbo.links l WITH (UPDLOCK, SERIALIZABLE) JOIN @rows r ON r.anchor = l.anchor;
    INSERT INTO dbo.links (${LINKS}) SELECT ${LINKS} FROM @rows r
    WHERE NOT EXISTS (SELECT 1 FROM dbo.links l WITH (UPDLOCK, SERIALIZABLE) WHERE l.anchor = r.anchor);`,
  deleteLinks: `
    DELETE FROM dbo.links WHERE anchor IN (${BATCH_ANCHORS});
    DELETE FROM dbo.memberships WHERE group_anchor IN (${BATCH_ANCHORS});
    DELETE FROM dbo.memberships WHERE member_anchor IN (${BATCH_ANCHORS});`,
  markSeen: `UPDATE dbo.links SET last_seen_run = @runId WHERE anchor IN (${BATCH_ANCHORS})`,
  unseenLinksPage: `SELECT TOP (@pageSize) ${LINKS} FROM dbo.links
    WHERE anchor > @after AND (last_seen_run IS NULL OR last_seen_run <> @runId) ORDER BY anchor`,
  allLinksPage: `SELECT TOP (@pageSize) ${LINKS} FROM dbo.links WHERE anchor > @after ORDER BY anchor`,
  countLinks: 'SELECT COUNT(*) AS count FROM dbo.links WHERE cloud_id IS NOT NULL',

  membershipsOfGroups: `SELECT group_anchor, member_anchor FROM dbo.memberships WHERE group_anchor IN (${BATCH_ANCHORS})`,
  membersAmong: `SELECT member_anchor FROM dbo.memberships WHERE group_anchor = @group AND member_anchor IN (${BATCH_ANCHORS})`,
  removeMembers: `DELETE FROM dbo.memberships WHERE group_anchor = @group AND member_anchor IN (${BATCH_ANCHORS})`,
  addMembers: `
    INSERT INTO dbo.memberships (group_anchor, member_anchor) SELECT @group, r.anchor FROM @rows r
    WHERE NOT EXISTS (SELECT 1 FROM dbo.memberships m WITH (UPDLOCK, SERIALIZABLE) WHERE m.group_anchor = @group AND m.member_anchor = r.anchor)`,
  groupsOf: 'SELECT group_anchor FROM dbo.memberships WHERE member_anchor = @member ORDER BY group_anchor',
  countMemberships: 'SELECT COUNT(*) AS count FROM dbo.memberships',

  rememberDeletedLinks: `
    DELETE FROM dbo.deleted_links WITH (HOLDLOCK) WHERE anchor IN (${BATCH_ANCHORS});
    INSERT INTO dbo.deleted_links (${DELETED_LINKS}) SELECT ${DELETED_LINKS} FROM @rows;`,
  deletedLinksByAnchor: `SELECT ${DELETED_LINKS} FROM dbo.deleted_links WHERE anchor IN (${BATCH_ANCHORS})`,
  forgetDeletedLinks: `DELETE FROM dbo.deleted_links WHERE anchor IN (${BATCH_ANCHORS})`,
  pruneDeletedLinks: 'DELETE FROM dbo.deleted_links WHERE deleted_at < @deletedBefore',

  addRetries: `
    UPDATE dbo.retries WITH (UPDLOCK, SERIALIZABLE) SET attempts = attempts + 1 WHERE anchor IN (${BATCH_ANCHORS});
    INSERT INTO dbo.retries (anchor, first_failed_run, attempts)
    SELECT r.anchor, @runId, 1 FROM @rows r WHERE NOT EXISTS (SELECT 1 FROM dbo.retries q WHERE q.anchor = r.anchor);`,
  clearRetries: `DELETE FROM dbo.retries WHERE anchor IN (${BATCH_ANCHORS})`,
  listRetries: 'SELECT TOP (@limit) anchor FROM dbo.retries ORDER BY first_failed_run, anchor',

  getWatermark: 'SELECT value FROM dbo.watermarks WHERE source = @source',
  setWatermark: `
    UPDATE dbo.watermarks WITH (UPDLOCK, SERIALIZABLE) SET value = @value WHERE source = @source;
    IF @@ROWCOUNT = 0 INSERT INTO dbo.watermarks (source, value) VALUES (@source, @value);`,
  deleteWatermark: 'DELETE FROM dbo.watermarks WHERE source = @source',

  startRun: `INSERT INTO dbo.runs (mode, started, status) OUTPUT inserted.id VALUES (@mode, @started, 'in-progress')`,
  pruneRuns: 'DELETE FROM dbo.runs WHERE id < (SELECT MIN(id) FROM (SELECT TOP (@retained) id FROM dbo.runs ORDER BY id DESC) AS kept)',
  setRunMode: 'UPDATE dbo.runs SET mode = @mode WHERE id = @runId',
  markInterruptedRuns: `UPDATE dbo.runs SET status = @status, ended = @ended, message = @message WHERE status = 'in-progress'`,
  // INSERT … SELECT … ORDER BY assigns identity values in that order: the batch is read back as given.
  recordObjectErrors:
    'INSERT INTO dbo.run_errors (run_id, dn, anchor, code, message) SELECT @runId, dn, anchor, code, message FROM @rows ORDER BY ordinal',
  recordDeletedObjects: `
    DELETE FROM dbo.deleted_objects WITH (HOLDLOCK) WHERE run_id = @runId AND anchor IN (${BATCH_ANCHORS});
    INSERT INTO dbo.deleted_objects (run_id, ${DELETED_OBJECTS}) SELECT @runId, ${DELETED_OBJECTS} FROM @rows;`,
  deletedObjects: `SELECT ${DELETED_OBJECTS} FROM dbo.deleted_objects WHERE run_id = @runId ORDER BY anchor`,
  recordObjectChanges: `INSERT INTO dbo.run_changes (run_id, ${CHANGES}) SELECT @runId, ${CHANGES} FROM @rows ORDER BY ordinal`,
  objectChanges: `SELECT ${CHANGES} FROM dbo.run_changes WHERE run_id = @runId ORDER BY id`,
  finishRun: `
    UPDATE dbo.runs SET status = @status, ended = @ended, message = @message, added = @added, updated = @updated, deleted = @deleted,
      unchanged = @unchanged, errors = @errors, not_exportable = @notExportable, reverted = @reverted, restored = @restored
    WHERE id = @runId`,
  listRuns: `SELECT TOP (@limit) ${columnList(RUN_COLUMNS)} FROM dbo.runs ORDER BY id DESC`,
  runErrors: 'SELECT dn, anchor, code, message FROM dbo.run_errors WHERE run_id = @runId ORDER BY id',
  // One object's history: the rows of one anchor in every kept run, through the indexes of migration v10.
  objectChangesOfAnchor: `SELECT run_id, ${CHANGES} FROM dbo.run_changes WHERE anchor = @anchor ORDER BY run_id, id`,
  deletedObjectsOfAnchor: `SELECT run_id, ${DELETED_OBJECTS} FROM dbo.deleted_objects WHERE anchor = @anchor ORDER BY run_id`,
  runErrorsOfAnchor: 'SELECT run_id, dn, anchor, code, message FROM dbo.run_errors WHERE anchor = @anchor ORDER BY run_id, id',
};

type SqlType = (() => sql.ISqlType) | sql.ISqlType;

const ANCHOR = sql.NVarChar(128);
const CLOUD_ID = sql.NVarChar(64);
const TEXT = sql.NVarChar(sql.MAX);
const TIME = sql.DateTime2(3);

export const PARAMETER_TYPES: Record<ParameterName, SqlType> = {
  version: sql.Int,
  productVersion: sql.NVarChar(32),
  migratedAt: TIME,
  runId: sql.BigInt,
  anchor: ANCHOR,
  after: ANCHOR,
  pageSize: sql.Int,
  group: ANCHOR,
  member: ANCHOR,
  limit: sql.Int,
  source: sql.NVarChar(256),
  value: TEXT,
  mode: sql.VarChar(16),
  started: TIME,
  retained: sql.Int,
  status: sql.VarChar(64),
  ended: TIME,
  message: TEXT,
  added: sql.Int,
  updated: sql.Int,
  deleted: sql.Int,
  unchanged: sql.Int,
  errors: sql.Int,
  notExportable: sql.Int,
  reverted: sql.Int,
  restored: sql.Int,
  deletedBefore: TIME,
};

/** A column of a table type: its name in the row, its type, whether it takes null. */
type Column<Row> = readonly [name: keyof Row & string, type: SqlType, nullable?: 'nullable'];

/** The table types the batches travel as (created by migrations v1, v7 and v8), columns in their declared order. */
export const TABLE_TYPES: { [Kind in BatchKind]: { name: string; columns: readonly Column<BatchRows[Kind]>[] } } = {
  anchors: { name: 'dbo.dirsync_anchor_list', columns: [['anchor', ANCHOR]] },
  links: {
    name: 'dbo.dirsync_link_rows',
    columns: [
      ['anchor', ANCHOR],
      ['kind', sql.VarChar(16)],
      ['cloud_id', CLOUD_ID, 'nullable'],
      ['dn', TEXT],
      ['exported', TEXT],
      ['last_seen_run', sql.BigInt, 'nullable'],
    ],
  },
  deletedLinks: {
    name: 'dbo.dirsync_deleted_link_rows',
    columns: [
      ['anchor', ANCHOR],
      ['kind', sql.VarChar(16)],
      ['cloud_id', CLOUD_ID],
      ['dn', TEXT],
      ['deleted_at', TIME],
      ['exported', TEXT],
    ],
  },
  runErrors: {
    name: 'dbo.dirsync_run_error_rows',
    columns: [
      ['ordinal', sql.Int],
      ['dn', TEXT],
      ['anchor', ANCHOR],
      ['code', sql.NVarChar(256)],
      ['message', TEXT],
    ],
  },
  deletedObjects: {
    name: 'dbo.dirsync_deleted_object_rows',
    columns: [
      ['anchor', ANCHOR],
      ['kind', sql.VarChar(16)],
      ['cloud_id', CLOUD_ID],
      ['dn', TEXT],
      ['exported', TEXT],
      ['members', TEXT],
      ['member_of', TEXT],
    ],
  },
  objectChanges: {
    name: 'dbo.dirsync_object_change_rows',
    columns: [
      ['ordinal', sql.Int],
      ['anchor', ANCHOR],
      ['dn', TEXT],
      ['kind', sql.VarChar(16)],
      ['action', sql.VarChar(32)],
      ['attributes', TEXT],
      ['reason', TEXT, 'nullable'],
    ],
  },
};
