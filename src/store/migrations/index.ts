// Schema migrations: versioned, forward only, one file per version holding both dialects.
// A store applies the missing ones in order, each in its own transaction, and records the version reached.
import { DirSyncError } from '../../core/errors.ts';
import { initialSchema } from './v1-initial-schema.ts';
import { runHistoryRetention } from './v2-run-history-retention.ts';
import { exportRetries } from './v3-export-retries.ts';
import { notExportableCount } from './v4-not-exportable-count.ts';
import { safeLinksAndDeletedObjects } from './v5-safe-links-and-deleted-objects.ts';
import { runChanges } from './v6-run-changes.ts';
import { oneAnchorCollation } from './v7-one-anchor-collation.ts';
import { deletedLinks } from './v8-deleted-links.ts';
import { driftCounts } from './v9-drift-counts.ts';
import { objectHistoryByAnchor } from './v10-object-history-by-anchor.ts';
import type { Migration } from './migration.ts';

export type { Migration } from './migration.ts';

export const MIGRATIONS: readonly Migration[] = [
  initialSchema,
  runHistoryRetention,
  exportRetries,
  notExportableCount,
  safeLinksAndDeletedObjects,
  runChanges,
  oneAnchorCollation,
  deletedLinks,
  driftCounts,
  objectHistoryByAnchor,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

/** The store was migrated by a newer DirSync than this one: this one must not touch it. */
export function schemaTooNew(location: string, found: number): DirSyncError {
  return new DirSyncError(
    'Store.schema-too-new',
    `The state store ${location} has schema version ${found}, newer than this DirSync supports (${LATEST_SCHEMA_VERSION}): a newer DirSync has upgraded it.`,
    { target: location },
  );
}

/** The migrations that take a store from `current` to `target` (the latest by default), in order. */
export function pendingMigrations(location: string, current: number, target = LATEST_SCHEMA_VERSION): Migration[] {
  if (current > LATEST_SCHEMA_VERSION) throw schemaTooNew(location, current);
  if (!Number.isInteger(target) || target < 0 || target > LATEST_SCHEMA_VERSION) {
    throw new RangeError(`schema version ${target} does not exist (versions 1 to ${LATEST_SCHEMA_VERSION})`);
  }
  return MIGRATIONS.filter((migration) => migration.version > current && migration.version <= target);
}
