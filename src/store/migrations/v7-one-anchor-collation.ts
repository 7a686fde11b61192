// v7 (SQL Server only): one collation for every anchor and cloud id, and batches as table-valued parameters.
// - v3 gave dbo.retries.anchor a collation of its own, which its joins with the anchor list type could not resolve
//   (error 468). The table is rebuilt: the primary key and check constraint, named by the server, stand in the way of
//   ALTER COLUMN. Cloud ids take the anchors' collation too (getLinksByCloudIds joins them with the anchor list); an
//   index on a column also stands in the way of a collation change, hence links_by_cloud_id is dropped and recreated.
//   The link rows type is recreated for its cloud_id column (a table type cannot be altered).
// - What a run deleted and changed travels as one table-valued parameter per batch, like every other batch.
// On a store created with the corrected v1, v3 and v5 the same statements only rewrite what is already right.
import { ANCHOR_COLLATION, type Migration } from './migration.ts';
import { LINK_ROWS_TYPE } from './v1-initial-schema.ts';
import { RUN_CHANGE_COLUMNS } from './v6-run-changes.ts';

export const oneAnchorCollation: Migration = {
  version: 7,
  description: 'SQL Server: one collation for anchors and cloud ids; table types for deleted objects and run changes',
  sqlite: [],
  sqlServer: [
    `CREATE TABLE dbo.retries_v7 (
       anchor nvarchar(128) COLLATE ${ANCHOR_COLLATION} NOT NULL CONSTRAINT pk_retries PRIMARY KEY CONSTRAINT ck_retries_anchor CHECK (anchor <> N''),
       first_failed_run bigint NOT NULL,
       attempts int NOT NULL
     )`,
    `INSERT INTO dbo.retries_v7 (anchor, first_failed_run, attempts) SELECT anchor, first_failed_run, attempts FROM dbo.retries`,
    `DROP TABLE dbo.retries`,
    `EXEC sp_rename N'dbo.retries_v7', N'retries'`,
    `DROP INDEX links_by_cloud_id ON dbo.links`,
    `ALTER TABLE dbo.links ALTER COLUMN cloud_id nvarchar(64) COLLATE ${ANCHOR_COLLATION} NULL`,
    `CREATE UNIQUE INDEX links_by_cloud_id ON dbo.links (cloud_id) WHERE cloud_id IS NOT NULL`,
    `ALTER TABLE dbo.deleted_objects ALTER COLUMN cloud_id nvarchar(64) COLLATE ${ANCHOR_COLLATION} NOT NULL`,
    `DROP TYPE dbo.dirsync_link_rows`,
    LINK_ROWS_TYPE,
    `CREATE TYPE dbo.dirsync_deleted_object_rows AS TABLE (
       anchor nvarchar(128) COLLATE ${ANCHOR_COLLATION} NOT NULL PRIMARY KEY,
       kind varchar(16) NOT NULL,
       cloud_id nvarchar(64) COLLATE ${ANCHOR_COLLATION} NOT NULL,
       dn nvarchar(max) NOT NULL,
       exported nvarchar(max) NOT NULL,
       members nvarchar(max) NOT NULL,
       member_of nvarchar(max) NOT NULL
     )`,
    `CREATE TYPE dbo.dirsync_object_change_rows AS TABLE (
       ordinal int NOT NULL PRIMARY KEY,
       ${RUN_CHANGE_COLUMNS}
     )`,
  ],
};
