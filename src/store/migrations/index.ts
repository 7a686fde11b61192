// Schema migrations: versioned, forward only, one file per version holding both dialects.
// A store applies the missing ones in order, each in its own transaction, and records the version reached.
import { initialSchema } from './v1-initial-schema.ts';
import { runHistoryRetention } from './v2-run-history-retention.ts';
import { exportRetries } from './v3-export-retries.ts';
import { notExportableCount } from './v4-not-exportable-count.ts';

export interface Migration {
  version: number;
  description: string;
  /** Statements for the embedded SQLite store, run in order inside one transaction. */
  sqlite: readonly string[];
  /** Statements for SQL Server, each sent as its own batch inside one transaction. */
  sqlServer: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [initialSchema, runHistoryRetention, exportRetries, notExportableCount];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

/** The store was migrated by a newer DirSync than this one: this one must not touch it. */
export class StoreSchemaTooNewError extends Error {
  constructor(location: string, found: number) {
    super(
      `The state store ${location} has schema version ${found}, newer than this DirSync supports (${LATEST_SCHEMA_VERSION}): ` +
        'a newer DirSync has upgraded it. Install that version (or newer) again; older versions cannot use the store.',
    );
    this.name = 'StoreSchemaTooNewError';
  }
}

/** The migrations that take a store from `current` to `target` (the latest by default), in order. */
export function pendingMigrations(location: string, current: number, target = LATEST_SCHEMA_VERSION): Migration[] {
  if (current > LATEST_SCHEMA_VERSION) throw new StoreSchemaTooNewError(location, current);
  if (!Number.isInteger(target) || target < 0 || target > LATEST_SCHEMA_VERSION) {
    throw new RangeError(`schema version ${target} does not exist (versions 1 to ${LATEST_SCHEMA_VERSION})`);
  }
  return MIGRATIONS.filter((migration) => migration.version > current && migration.version <= target);
}
