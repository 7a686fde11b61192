// v3: the retry queue. An object whose export failed is re-read and retried by the next cycles until it
// succeeds, as the original retried its pending exports; without this, a delta cycle would not look at the
// object again until it changed in AD.
import type { Migration } from './index.ts';

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
       anchor NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL PRIMARY KEY CHECK (anchor <> N''),
       first_failed_run BIGINT NOT NULL,
       attempts INT NOT NULL
     )`,
  ],
};
