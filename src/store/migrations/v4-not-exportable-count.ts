// v4: runs record how many objects were not exportable (contacts, mail-enabled groups), so the run history shows
// the same counts as the cycle's own report.
import type { Migration } from './migration.ts';

export const notExportableCount: Migration = {
  version: 4,
  description: 'runs count the objects Graph cannot take',
  sqlite: ['ALTER TABLE runs ADD COLUMN not_exportable INTEGER NOT NULL DEFAULT 0'],
  sqlServer: ['ALTER TABLE dbo.runs ADD not_exportable INT NOT NULL CONSTRAINT df_runs_not_exportable DEFAULT 0'],
};
