// v2: what bounded run history and object deletes need.
// - run_errors belong to their run (ON DELETE CASCADE), so pruning old runs takes their errors along;
//   SQLite cannot add a foreign key to an existing table, hence the rebuild that copies every row.
// - memberships gain an index by member, so deleting an object also forgets the groups it was in
//   without scanning every membership.
import type { Migration } from './migration.ts';

export const runHistoryRetention: Migration = {
  version: 2,
  description: 'run errors cascade with their run; memberships indexed by member',
  sqlite: [
    `CREATE TABLE run_errors_v2 (
       id INTEGER PRIMARY KEY,
       run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
       dn TEXT NOT NULL,
       anchor TEXT NOT NULL,
       code TEXT NOT NULL,
       message TEXT NOT NULL
     )`,
    `INSERT INTO run_errors_v2 (id, run_id, dn, anchor, code, message)
       SELECT id, run_id, dn, anchor, code, message FROM run_errors WHERE run_id IN (SELECT id FROM runs)`,
    `DROP TABLE run_errors`,
    `ALTER TABLE run_errors_v2 RENAME TO run_errors`,
    `CREATE INDEX run_errors_by_run ON run_errors (run_id)`,
    `CREATE INDEX memberships_by_member ON memberships (member_anchor)`,
  ],
  sqlServer: [
    `DELETE FROM dbo.run_errors WHERE run_id NOT IN (SELECT id FROM dbo.runs)`,
    `ALTER TABLE dbo.run_errors ADD CONSTRAINT fk_run_errors_run FOREIGN KEY (run_id) REFERENCES dbo.runs (id) ON DELETE CASCADE`,
    `CREATE INDEX memberships_by_member ON dbo.memberships (member_anchor)`,
  ],
};
