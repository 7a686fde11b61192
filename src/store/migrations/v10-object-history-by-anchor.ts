// v10: one object's history (explain) read by its anchor. What the runs recorded was keyed by run only, so the history
// of one object read every row of every kept run: 100,000+ changes after an initial sync. Each table now has an index
// by anchor, then run and row, in the order the history reads them. deleted_objects' primary key (run_id, anchor)
// leads with the run, so it cannot serve a lookup by anchor either.
import type { Migration } from './migration.ts';

export const objectHistoryByAnchor: Migration = {
  version: 10,
  description: "one object's run history read by its anchor",
  sqlite: [
    'CREATE INDEX run_changes_by_anchor ON run_changes (anchor, run_id, id)',
    'CREATE INDEX deleted_objects_by_anchor ON deleted_objects (anchor, run_id)',
    'CREATE INDEX run_errors_by_anchor ON run_errors (anchor, run_id, id)',
  ],
  sqlServer: [
    'CREATE INDEX run_changes_by_anchor ON dbo.run_changes (anchor, run_id, id)',
    'CREATE INDEX deleted_objects_by_anchor ON dbo.deleted_objects (anchor, run_id)',
    'CREATE INDEX run_errors_by_anchor ON dbo.run_errors (anchor, run_id, id)',
  ],
};
