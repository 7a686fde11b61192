// v8: the cloud objects DirSync deleted, by anchor, so that an AD object coming back into scope is restored from
// Entra's deleted items (which keep a deleted user 30 days) rather than created anew. Not tied to a run: pruned by age.
import { ANCHOR_COLLATION, type Migration } from './migration.ts';

/** The columns after the anchor on SQL Server, in the table and its table type alike. */
const COLUMNS_AFTER_ANCHOR = `kind varchar(16) NOT NULL,
       cloud_id nvarchar(64) COLLATE ${ANCHOR_COLLATION} NOT NULL,
       dn nvarchar(max) NOT NULL,
       deleted_at datetime2(3) NOT NULL,
       exported nvarchar(max) NOT NULL`;

export const deletedLinks: Migration = {
  version: 8,
  description: 'the cloud objects DirSync deleted, by anchor, for restoring a returning object',
  sqlite: [
    `CREATE TABLE deleted_links (
       anchor TEXT NOT NULL PRIMARY KEY CHECK (anchor <> ''),
       kind TEXT NOT NULL,
       cloud_id TEXT NOT NULL,
       dn TEXT NOT NULL,
       deleted_at TEXT NOT NULL,
       exported TEXT NOT NULL
     ) WITHOUT ROWID`,
    `CREATE INDEX deleted_links_by_time ON deleted_links (deleted_at)`,
  ],
  sqlServer: [
    `CREATE TABLE dbo.deleted_links (
       anchor nvarchar(128) COLLATE ${ANCHOR_COLLATION} NOT NULL CONSTRAINT pk_deleted_links PRIMARY KEY CONSTRAINT ck_deleted_links_anchor CHECK (anchor <> N''),
       ${COLUMNS_AFTER_ANCHOR}
     )`,
    `CREATE INDEX deleted_links_by_time ON dbo.deleted_links (deleted_at)`,
    `CREATE TYPE dbo.dirsync_deleted_link_rows AS TABLE (
       anchor nvarchar(128) COLLATE ${ANCHOR_COLLATION} NOT NULL PRIMARY KEY,
       ${COLUMNS_AFTER_ANCHOR}
     )`,
  ],
};
