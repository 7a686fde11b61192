// The embedded state store: one SQLite file through node:sqlite (built into Node, so it bundles into the
// single executable with no native addon). The policy is SqlStore's; this file is how SQLite runs it.
//
// Durability: WAL journal with synchronous=FULL. WAL alone already survives a killed process; FULL adds an
// fsync of the WAL at every commit so that a power cut cannot roll back commits either. DirSync's commits
// record cloud writes that cannot be taken back (created objects and their ids, the watermark after an
// export), and it commits once per batch of objects, so one fsync per batch is a cheap price.
//
// node:sqlite is synchronous: each call runs to completion before returning, and handles one batch, so the event
// loop is held for one batch (milliseconds), never for a whole sweep: the sweeps read one page per step. One
// connection has one transaction at a time, so calls take turns: a call made while a transaction is open waits for
// it to end instead of running inside it.
import { closeSync, openSync } from 'node:fs';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { DirSyncError } from '../core/errors.ts';
import type { Batch, Dialect, ParameterName, Parameters, StatementName, TransactionExecutor, Value } from './dialect.ts';
import type { Migration } from './migrations/migration.ts';
import { SqlStore } from './sql-store.ts';
import { SQLITE_STATEMENTS } from './sqlite-statements.ts';
import type { StoreOptions } from './store.ts';

/** Rows per page of the link sweeps. */
const SWEEP_PAGE_SIZE = 1000;
/** How long a writer waits for another connection's lock before failing (e.g. a status query mid-sync). */
const BUSY_TIMEOUT_MS = 10_000;

class SqliteDialect implements Dialect {
  readonly location: string;
  readonly pageSize = SWEEP_PAGE_SIZE;
  readonly #database: DatabaseSync;
  /** Prepared statements by name, each a list when its text is. */
  readonly #prepared = new Map<StatementName, Prepared[]>();
  /** The end of the last call queued: the next one starts after it. */
  #turn: Promise<unknown> = Promise.resolve();
  readonly #inTransaction: TransactionExecutor = {
    run: async (statement, parameters, batch) => this.#run(statement, parameters, batch),
    all: async <Row>(statement: StatementName, parameters?: Parameters, batch?: Batch) => this.#all(statement, parameters, batch) as Row[],
    applyMigration: async (migration: Migration) => {
      for (const statement of migration.sqlite) this.#database.exec(statement);
    },
  };

  /** Opens (creating it owner-only if missing) the store file. */
  constructor(file: string) {
    this.location = file;
    try {
      // Create the file first with mode 0600: SQLite gives the -wal and -shm files the database file's mode.
      closeSync(openSync(file, 'a', 0o600));
      this.#database = new DatabaseSync(file, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
      this.#database.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
    } catch (error) {
      // The file cannot be opened: missing folder, no permission, or not an SQLite database.
      throw new DirSyncError('Store.open-failed', `Cannot open the state store ${file}: ${(error as Error).message}.`, {
        target: file,
        cause: error,
      });
    }
  }

  run(statement: StatementName, parameters?: Parameters, batch?: Batch): Promise<number> {
    return this.#inTurn(async () => this.#run(statement, parameters, batch));
  }

  all<Row>(statement: StatementName, parameters?: Parameters, batch?: Batch): Promise<Row[]> {
    return this.#inTurn(async () => this.#all(statement, parameters, batch) as Row[]);
  }

  transaction<T>(work: (transaction: TransactionExecutor) => Promise<T>): Promise<T> {
    return this.#inTurn(async () => {
      // IMMEDIATE takes the write lock now, so that what the work reads stays true until it commits.
      this.#database.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(this.#inTransaction);
        this.#database.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.#database.isTransaction) this.#database.exec('ROLLBACK');
        throw error;
      }
    });
  }

  close(): Promise<void> {
    return this.#inTurn(async () => {
      if (!this.#database.isOpen) return;
      this.#prepared.clear();
      // Lets SQLite refresh the statistics its query planner relies on, as its documentation recommends on close.
      this.#database.exec('PRAGMA optimize');
      this.#database.close();
    });
  }

  #inTurn<T>(call: () => Promise<T>): Promise<T> {
    const result = this.#turn.then(call);
    this.#turn = result.catch(() => undefined);
    return result;
  }

  #run(statement: StatementName, parameters: Parameters = {}, batch?: Batch): number {
    let changed = 0;
    for (const { statement: prepared, names } of this.#prepare(statement)) {
      const bind = binder(names, parameters, batch);
      for (const row of rowsOf(batch)) changed += Number(prepared.run(...bind(row)).changes);
    }
    return changed;
  }

  #all(statement: StatementName, parameters: Parameters = {}, batch?: Batch): unknown[] {
    const [{ statement: query, names }] = this.#prepare(statement) as [Prepared];
    const bind = binder(names, parameters, batch);
    if (!batch || batch.rows.length === 1) return query.all(...bind(batch?.rows[0] as Record<string, Value> | undefined));
    const rows: unknown[] = [];
    for (const row of batch.rows) for (const found of query.all(...bind(row as Record<string, Value>))) rows.push(found);
    return rows;
  }

  /**
   * Prepares a statement's texts on first use. Their @name parameters become positional ones, bound from a list
   * of values in the same order: binding by position is about a third faster than by name in node:sqlite.
   */
  #prepare(statement: StatementName): Prepared[] {
    let prepared = this.#prepared.get(statement);
    if (!prepared) {
      const texts = SQLITE_STATEMENTS[statement];
      prepared = (typeof texts === 'string' ? [texts] : texts).map((text) => {
        const names: string[] = [];
        const positional = text.replace(/@(\w+)/g, (_, name: string) => {
          names.push(name);
          return '?';
        });
        return { statement: this.#database.prepare(positional), names };
      });
      this.#prepared.set(statement, prepared);
    }
    return prepared;
  }
}

interface Prepared {
  statement: StatementSync;
  /** The names of its parameters, in the order of their positions. */
  names: readonly string[];
}

/** The rows a statement runs for: each row of its batch, or once (undefined) without a batch. */
function rowsOf(batch: Batch | undefined): readonly (Record<string, Value> | undefined)[] {
  return batch ? (batch.rows as readonly Record<string, Value>[]) : [undefined];
}

/**
 * How to bind a call's statement: for each parameter name, its value in the row when the batch's rows have that
 * column, else in the call's parameters (decided once per call: a batch's rows all have one shape).
 */
function binder(
  names: readonly string[],
  parameters: Parameters,
  batch: Batch | undefined,
): (row: Record<string, Value> | undefined) => SQLInputValue[] {
  const first = batch?.rows[0] as Record<string, Value> | undefined;
  const fromRow = names.map((name) => first !== undefined && name in first);
  const fixed = names.map((name, index) => (fromRow[index] ? null : sqliteValue(name, parameters[name as ParameterName])));
  return (row) => names.map((name, index) => (fromRow[index] ? sqliteValue(name, row![name]) : fixed[index]!));
}

function sqliteValue(name: string, value: Value | undefined): SQLInputValue {
  if (value === undefined) throw new RangeError(`no value for the parameter @${name}`);
  // SQLite has no time type: times are ISO 8601 text in UTC.
  return value instanceof Date ? value.toISOString() : value;
}

export class SqliteStore extends SqlStore {
  readonly file: string;

  /** Opens (creating it owner-only if missing) the store file. Call migrate() before anything else. */
  constructor(file: string, options: StoreOptions = {}) {
    super(new SqliteDialect(file), options);
    this.file = file;
  }
}
