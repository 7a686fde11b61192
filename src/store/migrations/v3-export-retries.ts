// v3: the retry queue. An object whose export failed is re-read and retried by the next cycles until it
// succeeds, as the original retried its pending exports; without this, a delta cycle would not look at the
// object again until it changed in AD. (Its first release gave dbo.retries.anchor a collation of its own: v7 aligns it.)
import { ANCHOR_COLLATION, type Migration } from './migration.ts';

export const exportRetries: Migration = {
  version: 3,
  description: 'objects whose export failed, retried by the next cycles',
  sqlite: [
    `CREATE TABLE retries (
       anchor TEXT PRIMARY KEY NOT NULL CHECK (anchor <> ''),
       first_failed_run INTEGER NOT NULL,
       attempts INTEGER NOT NULL
     ) WITHOUT ROWID`,
  ],
  sqlServer: [
    `CREATE TABLE dbo.retries (
       anchor NVARCHAR(128) COLLATE ${ANCHOR_COLLATION} NOT NULL PRIMARY KEY CHECK (anchor <> N''),
       first_failed_run BIGINT NOT NULL,
       attempts INT NOT NULL
     )`,
  ],
};
