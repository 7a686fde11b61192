// The seam between the store's policy (sql-store.ts) and a database engine. The policy asks for statements by name
// with named parameters; a dialect holds the SQL text of each name for its engine, and knows how to send it:
// - a batch (rows of one shape, e.g. links to save) runs its statement once per row inside the caller's transaction on
//   SQLite, and travels as one table-valued parameter, @rows, on SQL Server (a request holds 2,100 parameters at most);
// - parameters are written @name in both dialects' SQL (the SQLite dialect binds them by position).
import type { Migration } from './migrations/migration.ts';
import type { DeletedLinkRow, DeletedObjectRow, LinkRow, Numbered, ObjectChangeRow, RunErrorRow } from './rows.ts';

/** Every statement the store sends, by name; each dialect answers with its SQL text for each. */
export type StatementName =
  | 'schemaVersionTableExists'
  | 'prepareMigration'
  | 'schemaVersion'
  | 'recordSchemaVersion'
  | 'linksByAnchor'
  | 'linksByCloudId'
  | 'saveLinks'
  | 'deleteLinks'
  | 'markSeen'
  | 'unseenLinksPage'
  | 'allLinksPage'
  | 'countLinks'
  | 'membershipsOfGroups'
  | 'membersAmong'
  | 'removeMembers'
  | 'addMembers'
  | 'groupsOf'
  | 'countMemberships'
  | 'rememberDeletedLinks'
  | 'deletedLinksByAnchor'
  | 'forgetDeletedLinks'
  | 'pruneDeletedLinks'
  | 'addRetries'
  | 'clearRetries'
  | 'listRetries'
  | 'getWatermark'
  | 'setWatermark'
  | 'deleteWatermark'
  | 'startRun'
  | 'pruneRuns'
  | 'setRunMode'
  | 'markInterruptedRuns'
  | 'recordObjectErrors'
  | 'recordDeletedObjects'
  | 'deletedObjects'
  | 'recordObjectChanges'
  | 'objectChanges'
  | 'finishRun'
  | 'listRuns'
  | 'runErrors'
  | 'objectChangesOfAnchor'
  | 'deletedObjectsOfAnchor'
  | 'runErrorsOfAnchor';

/** The scalar parameters the statements take (SQL Server declares a type for each). */
export type ParameterName =
  | 'version'
  | 'productVersion'
  | 'migratedAt'
  | 'runId'
  | 'anchor'
  | 'after'
  | 'pageSize'
  | 'group'
  | 'member'
  | 'limit'
  | 'source'
  | 'value'
  | 'mode'
  | 'started'
  | 'retained'
  | 'status'
  | 'ended'
  | 'message'
  | 'added'
  | 'updated'
  | 'deleted'
  | 'unchanged'
  | 'errors'
  | 'notExportable'
  | 'reverted'
  | 'restored'
  | 'deletedBefore';

export type Value = string | number | Date | null;
export type Parameters = Partial<Record<ParameterName, Value>>;

/** The row shapes batches carry (on SQL Server, each is a table type created by a migration). */
export interface BatchRows {
  anchors: { anchor: string };
  links: LinkRow;
  deletedLinks: DeletedLinkRow;
  runErrors: RunErrorRow;
  deletedObjects: DeletedObjectRow;
  objectChanges: Numbered<ObjectChangeRow>;
}
export type BatchKind = keyof BatchRows;
export type Batch = { [Kind in BatchKind]: { kind: Kind; rows: readonly BatchRows[Kind][] } }[BatchKind];

export interface Executor {
  /** Runs a statement (with a batch: for all its rows); → how many rows it changed. */
  run(statement: StatementName, parameters?: Parameters, batch?: Batch): Promise<number>;
  /** Runs a query (with a batch: for all its rows); → the rows it read. */
  all<Row>(statement: StatementName, parameters?: Parameters, batch?: Batch): Promise<Row[]>;
}

/** Statements sent inside one transaction. */
export interface TransactionExecutor extends Executor {
  /** Runs this engine's statements of a schema migration. */
  applyMigration(migration: Migration): Promise<void>;
}

export interface Dialect extends Executor {
  /** Where the store is, for messages: a file, or server\instance/database. */
  readonly location: string;
  /** Rows per page of the link sweeps. */
  readonly pageSize: number;
  /** Runs `work` in one write transaction: all of it is committed, or none of it. Inside, use only `transaction`. */
  transaction<T>(work: (transaction: TransactionExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
