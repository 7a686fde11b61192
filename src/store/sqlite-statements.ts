// The SQL text of every statement the SQLite store runs (see dialect.ts). A batch statement runs once per row, with the
// row's columns as parameters (@anchor…) beside the call's own (@runId…); a list of texts runs in order for each row.
import type { StatementName } from './dialect.ts';
import { assignments, columnList, DELETED_LINK_COLUMNS, DELETED_OBJECT_COLUMNS, LINK_COLUMNS, OBJECT_CHANGE_COLUMNS, RUN_COLUMNS } from './rows.ts';

const LINKS = columnList(LINK_COLUMNS);
const DELETED_LINKS = columnList(DELETED_LINK_COLUMNS);
const DELETED_OBJECTS = columnList(DELETED_OBJECT_COLUMNS);
const CHANGES = columnList(OBJECT_CHANGE_COLUMNS);

/** "@a, @b": the row's columns as the values of an INSERT. */
function valuesOf(columns: readonly string[]): string {
  return columns.map((column) => `@${column}`).join(', ');
}

export const SQLITE_STATEMENTS: Record<StatementName, string | readonly string[]> = {
  schemaVersionTableExists: `SELECT count(*) AS found FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`,
  // The transaction's BEGIN IMMEDIATE has taken the write lock already: a concurrent migration waits for it.
  prepareMigration: `CREATE TABLE IF NOT EXISTS schema_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL,
    product_version TEXT NOT NULL,
    migrated_at TEXT NOT NULL
  )`,
  schemaVersion: 'SELECT version, product_version FROM schema_version WHERE id = 1',
  recordSchemaVersion: `INSERT INTO schema_version (id, version, product_version, migrated_at) VALUES (1, @version, @productVersion, @migratedAt)
    ON CONFLICT (id) DO UPDATE SET version = excluded.version, product_version = excluded.product_version, migrated_at = excluded.migrated_at`,

  linksByAnchor: `SELECT ${LINKS} FROM links WHERE anchor = @anchor`,
  linksByCloudId: `SELECT ${LINKS} FROM links WHERE cloud_id = @anchor`,
  saveLinks: `INSERT INTO links (${LINKS}) VALUES (${valuesOf(LINK_COLUMNS)})
    ON CONFLICT (anchor) DO UPDATE SET ${assignments(LINK_COLUMNS, 'excluded')}`,
  deleteLinks: [
    'DELETE FROM links WHERE anchor = @anchor',
    'DELETE FROM memberships WHERE group_anchor = @anchor',
    'DELETE FROM memberships WHERE member_anchor = @anchor',
  ],
  markSeen: 'UPDATE links SET last_seen_run = @runId WHERE anchor = @anchor',
  unseenLinksPage: `SELECT ${LINKS} FROM links
    WHERE anchor > @after AND (last_seen_run IS NULL OR last_seen_run <> @runId) ORDER BY anchor LIMIT @pageSize`,
  allLinksPage: `SELECT ${LINKS} FROM links WHERE anchor > @after ORDER BY anchor LIMIT @pageSize`,
  countLinks: 'SELECT count(*) AS count FROM links WHERE cloud_id IS NOT NULL',

  membershipsOfGroups: 'SELECT group_anchor, member_anchor FROM memberships WHERE group_anchor = @anchor',
  membersAmong: 'SELECT member_anchor FROM memberships WHERE group_anchor = @group AND member_anchor = @anchor',
  removeMembers: 'DELETE FROM memberships WHERE group_anchor = @group AND member_anchor = @anchor',
  addMembers: 'INSERT OR IGNORE INTO memberships (group_anchor, member_anchor) VALUES (@group, @anchor)',
  groupsOf: 'SELECT group_anchor FROM memberships WHERE member_anchor = @member ORDER BY group_anchor',
  countMemberships: 'SELECT count(*) AS count FROM memberships',

  rememberDeletedLinks: `INSERT OR REPLACE INTO deleted_links (${DELETED_LINKS}) VALUES (${valuesOf(DELETED_LINK_COLUMNS)})`,
  deletedLinksByAnchor: `SELECT ${DELETED_LINKS} FROM deleted_links WHERE anchor = @anchor`,
  forgetDeletedLinks: 'DELETE FROM deleted_links WHERE anchor = @anchor',
  // Times are ISO 8601 text in UTC, all of one length: they compare as text in time order.
  pruneDeletedLinks: 'DELETE FROM deleted_links WHERE deleted_at < @deletedBefore',

  addRetries: `INSERT INTO retries (anchor, first_failed_run, attempts) VALUES (@anchor, @runId, 1)
    ON CONFLICT (anchor) DO UPDATE SET attempts = attempts + 1`,
  clearRetries: 'DELETE FROM retries WHERE anchor = @anchor',
  listRetries: 'SELECT anchor FROM retries ORDER BY first_failed_run, anchor LIMIT @limit',

  getWatermark: 'SELECT value FROM watermarks WHERE source = @source',
  setWatermark: 'INSERT INTO watermarks (source, value) VALUES (@source, @value) ON CONFLICT (source) DO UPDATE SET value = excluded.value',
  deleteWatermark: 'DELETE FROM watermarks WHERE source = @source',

  startRun: `INSERT INTO runs (mode, started, status) VALUES (@mode, @started, 'in-progress') RETURNING id`,
  pruneRuns: 'DELETE FROM runs WHERE id < (SELECT min(id) FROM (SELECT id FROM runs ORDER BY id DESC LIMIT @retained))',
  setRunMode: 'UPDATE runs SET mode = @mode WHERE id = @runId',
  markInterruptedRuns: `UPDATE runs SET status = @status, ended = @ended, message = @message WHERE status = 'in-progress'`,
  recordObjectErrors: 'INSERT INTO run_errors (run_id, dn, anchor, code, message) VALUES (@runId, @dn, @anchor, @code, @message)',
  recordDeletedObjects: `INSERT OR REPLACE INTO deleted_objects (run_id, ${DELETED_OBJECTS}) VALUES (@runId, ${valuesOf(DELETED_OBJECT_COLUMNS)})`,
  deletedObjects: `SELECT ${DELETED_OBJECTS} FROM deleted_objects WHERE run_id = @runId ORDER BY anchor`,
  recordObjectChanges: `INSERT INTO run_changes (run_id, ${CHANGES}) VALUES (@runId, ${valuesOf(OBJECT_CHANGE_COLUMNS)})`,
  objectChanges: `SELECT ${CHANGES} FROM run_changes WHERE run_id = @runId ORDER BY id`,
  finishRun: `UPDATE runs SET status = @status, ended = @ended, message = @message, added = @added, updated = @updated, deleted = @deleted,
    unchanged = @unchanged, errors = @errors, not_exportable = @notExportable, reverted = @reverted, restored = @restored WHERE id = @runId`,
  listRuns: `SELECT ${columnList(RUN_COLUMNS)} FROM runs ORDER BY id DESC LIMIT @limit`,
  runErrors: 'SELECT dn, anchor, code, message FROM run_errors WHERE run_id = @runId ORDER BY id',
  // One object's history: the rows of one anchor in every kept run, through the indexes of migration v10.
  objectChangesOfAnchor: `SELECT run_id, ${CHANGES} FROM run_changes WHERE anchor = @anchor ORDER BY run_id, id`,
  deletedObjectsOfAnchor: `SELECT run_id, ${DELETED_OBJECTS} FROM deleted_objects WHERE anchor = @anchor ORDER BY run_id`,
  runErrorsOfAnchor: 'SELECT run_id, dn, anchor, code, message FROM run_errors WHERE anchor = @anchor ORDER BY run_id, id',
};
