// The state store on a standalone SQL Server (the original's "-UseSQLServer" installations, beyond the
// embedded store's ~100,000 objects), through mssql/tedious. The policy is SqlStore's; this file is how SQL Server
// runs it: every value travels as a parameter, and a batch as one table-valued parameter whatever its size (a
// request holds 2,100 parameters at most). The SQL text is in sqlserver-statements.ts.
import sql from 'mssql';
import { DirSyncError } from '../core/errors.ts';
import type { Batch, Dialect, Executor, Parameters, ParameterName, StatementName, TransactionExecutor, Value } from './dialect.ts';
import { SqlStore } from './sql-store.ts';
import { PARAMETER_TYPES, SQL_SERVER_STATEMENTS, TABLE_TYPES } from './sqlserver-statements.ts';
import type { StoreOptions } from './store.ts';

/** Where the store lives and how DirSync signs in to it, as the installer records it. */
export interface SqlServerSettings {
  /** Host name of the SQL Server. */
  server: string;
  /** Named instance (found through the SQL Server Browser service), or null for the default instance. */
  instance: string | null;
  /** TCP port of a default instance, when not 1433. Ignored with a named instance. */
  port?: number;
  database: string;
  /**
   * SQL authentication, or Windows authentication (NTLM) with the service account's credential. The
   * driver cannot use the process's own Windows identity (SSPI) without a password.
   */
  credential: { kind: 'sql'; user: string; password: string } | { kind: 'windows'; domain: string; user: string; password: string };
  /** TLS to the server; default true. */
  encrypt?: boolean;
  /** Accept a server certificate no trusted authority issued; default false (only for test servers). */
  trustServerCertificate?: boolean;
}

/** Rows per page of the link sweeps. */
const SWEEP_PAGE_SIZE = 2000;
/** A batch of 100,000 rows takes seconds, not the driver's default 15. */
const REQUEST_TIMEOUT_MS = 300_000;

export function sqlServerConfig(settings: SqlServerSettings): sql.config {
  const { credential } = settings;
  return {
    server: settings.server,
    database: settings.database,
    ...(settings.port !== undefined ? { port: settings.port } : {}),
    user: credential.user,
    password: credential.password,
    ...(credential.kind === 'windows' ? { domain: credential.domain } : {}),
    options: {
      ...(settings.instance ? { instanceName: settings.instance } : {}),
      encrypt: settings.encrypt ?? true,
      trustServerCertificate: settings.trustServerCertificate ?? false,
    },
  };
}

class SqlServerDialect implements Dialect {
  readonly location: string;
  readonly pageSize = SWEEP_PAGE_SIZE;
  readonly #pool: sql.ConnectionPool;
  readonly #outside: Executor;

  constructor(pool: sql.ConnectionPool, location: string) {
    this.#pool = pool;
    this.location = location;
    this.#outside = executor(() => pool.request());
  }

  run(statement: StatementName, parameters?: Parameters, batch?: Batch): Promise<number> {
    return this.#outside.run(statement, parameters, batch);
  }

  all<Row>(statement: StatementName, parameters?: Parameters, batch?: Batch): Promise<Row[]> {
    return this.#outside.all<Row>(statement, parameters, batch);
  }

  async transaction<T>(work: (transaction: TransactionExecutor) => Promise<T>): Promise<T> {
    const transaction = new sql.Transaction(this.#pool);
    let rolledBack = false;
    transaction.on('rollback', () => {
      rolledBack = true;
    });
    await transaction.begin();
    try {
      const result = await work({
        ...executor(() => transaction.request()),
        applyMigration: async (migration) => {
          for (const statement of migration.sqlServer) await transaction.request().batch(statement);
        },
      });
      await transaction.commit();
      return result;
    } catch (error) {
      // The server may have rolled back already (an error that aborts the transaction); a failing rollback
      // means a lost connection, whose transaction the server rolls back: the original error is what matters.
      if (!rolledBack) await transaction.rollback().catch(() => undefined);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}

/** Sends statements on requests from `newRequest` (the pool's, or a transaction's). */
function executor(newRequest: () => sql.Request): Executor {
  function request(parameters: Parameters = {}, batch?: Batch): sql.Request {
    const request = newRequest();
    for (const [name, value] of Object.entries(parameters)) request.input(name, PARAMETER_TYPES[name as ParameterName], value);
    if (batch) request.input('rows', tableOf(batch));
    return request;
  }
  return {
    async run(statement, parameters, batch) {
      const result = await request(parameters, batch).query(SQL_SERVER_STATEMENTS[statement]);
      return result.rowsAffected.reduce((sum, count) => sum + count, 0);
    },
    async all<Row>(statement: StatementName, parameters?: Parameters, batch?: Batch) {
      const result = await request(parameters, batch).query<Row>(SQL_SERVER_STATEMENTS[statement]);
      return result.recordset ?? [];
    },
  };
}

/** A batch as the table-valued parameter of its table type. */
function tableOf(batch: Batch): sql.Table {
  const type = TABLE_TYPES[batch.kind] as { name: string; columns: readonly (readonly [string, sql.ISqlType | (() => sql.ISqlType), string?])[] };
  const table = new sql.Table(type.name);
  for (const [name, columnType, nullable] of type.columns) table.columns.add(name, columnType, { nullable: nullable === 'nullable' });
  for (const row of batch.rows as readonly Record<string, unknown>[]) table.rows.add(...type.columns.map(([name]) => row[name] as Value));
  return table;
}

export class SqlServerStore extends SqlStore {
  /** server\instance/database, for messages. */
  readonly location: string;

  private constructor(dialect: SqlServerDialect, options: StoreOptions) {
    super(dialect, options);
    this.location = dialect.location;
  }

  /** Connects (see sqlServerConfig for DirSync's settings). Call migrate() before anything else. */
  static async connect(config: sql.config, options: StoreOptions = {}): Promise<SqlServerStore> {
    const instance = config.options?.instanceName;
    const location = `${config.server}${instance ? `\\${instance}` : ''}/${config.database ?? '(default database)'}`;
    const pool = new sql.ConnectionPool({ requestTimeout: REQUEST_TIMEOUT_MS, ...config, options: { appName: 'DirSync', ...config.options } });
    try {
      await pool.connect();
    } catch (error) {
      throw new DirSyncError('Store.unreachable', `Cannot connect to the state store ${location}: ${(error as Error).message}.`, {
        target: location,
        cause: error,
      });
    }
    return new SqlServerStore(new SqlServerDialect(pool, location), options);
  }
}
