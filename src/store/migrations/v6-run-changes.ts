// v6: what each run changed, object by object and attribute by attribute (old → new), for the run report. Kept
// with the run and pruned with it (ON DELETE CASCADE), so the run history's retention bounds it too.
import { ANCHOR_COLLATION, type Migration } from './migration.ts';

/** A change's columns on SQL Server, in its table and in the table type v7 adds for batches of changes. */
export const RUN_CHANGE_COLUMNS = `anchor nvarchar(128) COLLATE ${ANCHOR_COLLATION} NOT NULL,
       dn nvarchar(max) NOT NULL,
       kind varchar(16) NOT NULL,
       action varchar(32) NOT NULL,
       attributes nvarchar(max) NOT NULL,
       reason nvarchar(max) NULL`;

export const runChanges: Migration = {
  version: 6,
  description: 'what each run added, updated and withheld, for its report',
  sqlite: [
    `CREATE TABLE run_changes (
       id INTEGER PRIMARY KEY,
       run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
       anchor TEXT NOT NULL,
       dn TEXT NOT NULL,
       kind TEXT NOT NULL,
       action TEXT NOT NULL,
       attributes TEXT NOT NULL,
       reason TEXT
     )`,
    `CREATE INDEX run_changes_by_run ON run_changes (run_id, id)`,
  ],
  sqlServer: [
    `CREATE TABLE dbo.run_changes (
       id bigint IDENTITY(1,1) NOT NULL CONSTRAINT pk_run_changes PRIMARY KEY,
       run_id bigint NOT NULL CONSTRAINT fk_run_changes_run FOREIGN KEY REFERENCES dbo.runs (id) ON DELETE CASCADE,
       ${RUN_CHANGE_COLUMNS}
     )`,
    `CREATE INDEX run_changes_by_run ON dbo.run_changes (run_id, id)`,
  ],
};
