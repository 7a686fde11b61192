// v1: the initial schema. Anchors are Base64 and therefore case-sensitive: SQL Server compares them with a
// binary collation (its default collations are case-insensitive and would merge distinct anchors).
import { ANCHOR_COLLATION, type Migration } from './migration.ts';

/** The table type of link batches; v7 recreates it as written here (a table type cannot be altered). */
export const LINK_ROWS_TYPE = `CREATE TYPE dbo.dirsync_link_rows AS TABLE (
       anchor nvarchar(128) COLLATE ${ANCHOR_COLLATION} NOT NULL PRIMARY KEY,
       kind varchar(16) NOT NULL,
       cloud_id nvarchar(64) COLLATE ${ANCHOR_COLLATION} NULL,
       dn nvarchar(max) NOT NULL,
       exported nvarchar(max) NOT NULL,
       last_seen_run bigint NULL
     )`;

export const initialSchema: Migration = {
  version: 1,
  description: 'initial schema: links, memberships, watermarks, runs, run errors',
  sqlite: [
    `CREATE TABLE links (
       anchor TEXT NOT NULL PRIMARY KEY CHECK (anchor <> ''),
       kind TEXT NOT NULL CHECK (kind IN ('user', 'group', 'contact')),
       cloud_id TEXT,
       dn TEXT NOT NULL,
       exported TEXT NOT NULL,
       last_seen_run INTEGER
     )`,
    `CREATE TABLE memberships (
       group_anchor TEXT NOT NULL,
       member_anchor TEXT NOT NULL,
       PRIMARY KEY (group_anchor, member_anchor)
     ) WITHOUT ROWID`,
    `CREATE TABLE watermarks (source TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)`,
    // AUTOINCREMENT: run ids are never reused, because links remember the run that last saw them.
    `CREATE TABLE runs (
       id INTEGER PRIMARY KEY AUTOINCREMENT,
       mode TEXT NOT NULL,
       started TEXT NOT NULL,
       ended TEXT,
       status TEXT NOT NULL,
       added INTEGER NOT NULL DEFAULT 0,
       updated INTEGER NOT NULL DEFAULT 0,
       deleted INTEGER NOT NULL DEFAULT 0,
       unchanged INTEGER NOT NULL DEFAULT 0,
       errors INTEGER NOT NULL DEFAULT 0,
       message TEXT
     )`,
    `CREATE TABLE run_errors (
       id INTEGER PRIMARY KEY,
       run_id INTEGER NOT NULL,
       dn TEXT NOT NULL,
       anchor TEXT NOT NULL,
       code TEXT NOT NULL,
       message TEXT NOT NULL
     )`,
    `CREATE INDEX run_errors_by_run ON run_errors (run_id)`,
  ],
  sqlServer: [
    `CREATE TABLE dbo.links (
       anchor nvarchar(128) COLLATE ${ANCHOR_COLLATION} NOT NULL CONSTRAINT pk_links PRIMARY KEY CHECK (anchor <> N''),
       kind varchar(16) NOT NULL CHECK (kind IN ('user', 'group', 'contact')),
       cloud_id nvarchar(64) COLLATE ${ANCHOR_COLLATION} NULL,
       dn nvarchar(max) NOT NULL,
       exported nvarchar(max) NOT NULL,
       last_seen_run bigint NULL
     )`,
    `CREATE TABLE dbo.memberships (
       group_anchor nvarchar(128) COLLATE ${ANCHOR_COLLATION} NOT NULL,
       member_anchor nvarchar(128) COLLATE ${ANCHOR_COLLATION} NOT NULL,
       CONSTRAINT pk_memberships PRIMARY KEY (group_anchor, member_anchor)
     )`,
    `CREATE TABLE dbo.watermarks (
       source nvarchar(256) COLLATE ${ANCHOR_COLLATION} NOT NULL CONSTRAINT pk_watermarks PRIMARY KEY,
       value nvarchar(max) NOT NULL
     )`,
    `CREATE TABLE dbo.runs (
       id bigint IDENTITY(1, 1) NOT NULL CONSTRAINT pk_runs PRIMARY KEY,
       mode varchar(16) NOT NULL,
       started datetime2(3) NOT NULL,
       ended datetime2(3) NULL,
       status varchar(64) NOT NULL,
       added int NOT NULL DEFAULT 0,
       updated int NOT NULL DEFAULT 0,
       deleted int NOT NULL DEFAULT 0,
       unchanged int NOT NULL DEFAULT 0,
       errors int NOT NULL DEFAULT 0,
       message nvarchar(max) NULL
     )`,
    `CREATE TABLE dbo.run_errors (
       id bigint IDENTITY(1, 1) NOT NULL CONSTRAINT pk_run_errors PRIMARY KEY,
       run_id bigint NOT NULL,
       dn nvarchar(max) NOT NULL,
       anchor nvarchar(128) COLLATE ${ANCHOR_COLLATION} NOT NULL,
       code nvarchar(256) NOT NULL,
       message nvarchar(max) NOT NULL
     )`,
    `CREATE INDEX run_errors_by_run ON dbo.run_errors (run_id)`,
    // Table types carry whole batches in one parameter (a request holds at most 2,100 parameters).
    `CREATE TYPE dbo.dirsync_anchor_list AS TABLE (
       anchor nvarchar(128) COLLATE ${ANCHOR_COLLATION} NOT NULL PRIMARY KEY
     )`,
    LINK_ROWS_TYPE,
    `CREATE TYPE dbo.dirsync_run_error_rows AS TABLE (
       ordinal int NOT NULL PRIMARY KEY,
       dn nvarchar(max) NOT NULL,
       anchor nvarchar(128) COLLATE ${ANCHOR_COLLATION} NOT NULL,
       code nvarchar(256) NOT NULL,
       message nvarchar(max) NOT NULL
     )`,
  ],
};
