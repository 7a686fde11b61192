// v9: runs record how many objects they changed back to AD's values after a change in the cloud (drift), and how many
// they brought back from the tenant's deleted items rather than creating them again (issue 18: AD is the authority).
import type { Migration } from './migration.ts';

export const driftCounts: Migration = {
  version: 9,
  description: 'runs count the objects reverted after cloud drift and those restored from the deleted items',
  sqlite: ['ALTER TABLE runs ADD COLUMN reverted INTEGER NOT NULL DEFAULT 0', 'ALTER TABLE runs ADD COLUMN restored INTEGER NOT NULL DEFAULT 0'],
  sqlServer: [
    'ALTER TABLE dbo.runs ADD reverted INT NOT NULL CONSTRAINT df_runs_reverted DEFAULT 0',
    'ALTER TABLE dbo.runs ADD restored INT NOT NULL CONSTRAINT df_runs_restored DEFAULT 0',
  ],
};
