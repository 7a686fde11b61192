// What a schema migration is, apart from the list of them (index.ts), so that each migration file imports its type
// without importing the list that imports it.

export interface Migration {
  version: number;
  description: string;
  /** Statements for the embedded SQLite store, run in order inside one transaction. */
  sqlite: readonly string[];
  /** Statements for SQL Server, each sent as its own batch inside one transaction. */
  sqlServer: readonly string[];
}

/**
 * The collation of every SQL Server column that holds an anchor or a cloud id, in tables and table types alike.
 * Anchors are Base64, so case-sensitive: a binary collation keeps "abc=" and "ABC=" apart, where SQL Server's default
 * collations would merge them. One collation everywhere, because two would meet in the joins between a table and a
 * table-valued parameter as error 468 ("cannot resolve the collation conflict"). test/store/tsql-check.test.ts checks
 * that every such column declares it. Changing it takes a migration that alters every such column (as v7 did).
 */
export const ANCHOR_COLLATION = 'Latin1_General_BIN2';
