// v5: what "do no harm" needs from the store.
// - A cloud object is linked to one AD object at most: a unique index on links.cloud_id. Links that an earlier
//   version let two anchors share lose their cloud id and are queued for retry, so the next cycle joins each by its
//   anchor again (hard match) instead of guessing which of the two owned the cloud object.
// - What each run deleted in the cloud, so that `restore` can bring it back (kept with the run, pruned with it).
// The explicit COLLATE on retries.anchor lets a store that v3 gave another collation (see v7) migrate without error 468.
import { ANCHOR_COLLATION, type Migration } from './migration.ts';

const SHARED_CLOUD_IDS_SQLITE = 'SELECT cloud_id FROM links WHERE cloud_id IS NOT NULL GROUP BY cloud_id HAVING count(*) > 1';
const SHARED_CLOUD_IDS_SQLSERVER = 'SELECT cloud_id FROM dbo.links WHERE cloud_id IS NOT NULL GROUP BY cloud_id HAVING count(*) > 1';

export const safeLinksAndDeletedObjects: Migration = {
  version: 5,
  description: 'one link per cloud object; what each run deleted, for restore',
  sqlite: [
    `INSERT OR IGNORE INTO retries (anchor, first_failed_run, attempts)
       SELECT anchor, 0, 0 FROM links WHERE cloud_id IN (${SHARED_CLOUD_IDS_SQLITE})`,
    `UPDATE links SET cloud_id = NULL WHERE cloud_id IN (${SHARED_CLOUD_IDS_SQLITE})`,
    `CREATE UNIQUE INDEX links_by_cloud_id ON links (cloud_id) WHERE cloud_id IS NOT NULL`,
    `CREATE TABLE deleted_objects (
       run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
       anchor TEXT NOT NULL,
       kind TEXT NOT NULL,
       cloud_id TEXT NOT NULL,
       dn TEXT NOT NULL,
       exported TEXT NOT NULL,
       members TEXT NOT NULL,
       member_of TEXT NOT NULL,
       PRIMARY KEY (run_id, anchor)
     )`,
  ],
  sqlServer: [
    `INSERT INTO dbo.retries (anchor, first_failed_run, attempts)
       SELECT anchor, 0, 0 FROM dbo.links WHERE cloud_id IN (${SHARED_CLOUD_IDS_SQLSERVER})
       AND anchor NOT IN (SELECT anchor COLLATE ${ANCHOR_COLLATION} FROM dbo.retries)`,
    `UPDATE dbo.links SET cloud_id = NULL WHERE cloud_id IN (${SHARED_CLOUD_IDS_SQLSERVER})`,
    `CREATE UNIQUE INDEX links_by_cloud_id ON dbo.links (cloud_id) WHERE cloud_id IS NOT NULL`,
    `CREATE TABLE dbo.deleted_objects (
       run_id bigint NOT NULL CONSTRAINT fk_deleted_objects_run FOREIGN KEY REFERENCES dbo.runs (id) ON DELETE CASCADE,
       anchor nvarchar(128) COLLATE ${ANCHOR_COLLATION} NOT NULL,
       kind varchar(16) NOT NULL,
       cloud_id nvarchar(64) COLLATE ${ANCHOR_COLLATION} NOT NULL,
       dn nvarchar(max) NOT NULL,
       exported nvarchar(max) NOT NULL,
       members nvarchar(max) NOT NULL,
       member_of nvarchar(max) NOT NULL,
       CONSTRAINT pk_deleted_objects PRIMARY KEY (run_id, anchor)
     )`,
  ],
};
