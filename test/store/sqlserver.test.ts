// The contract suite against a real SQL Server, when DIRSYNC_TEST_SQLSERVER holds a connection string
// (e.g. "Server=localhost,1433;User Id=sa;Password=…;Encrypt=true;TrustServerCertificate=true").
// Each test gets a database of its own, created and dropped through that connection.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import sql from 'mssql';
import { DirSyncError } from '../../src/core/errors.ts';
import { SqlServerStore, sqlServerConfig } from '../../src/store/sqlserver-store.ts';
import { describeStoreContract } from './contract.ts';

const connectionString = process.env.DIRSYNC_TEST_SQLSERVER;

if (connectionString) {
  describeStoreContract('SQL Server', async () => {
    const serverConfig = sql.ConnectionPool.parseConnectionString(connectionString);
    const admin = await new sql.ConnectionPool(serverConfig).connect();
    // The name is generated here, never taken from input: identifiers cannot be parameters.
    const database = `dirsync_test_${randomBytes(6).toString('hex')}`;
    await admin.request().batch(`CREATE DATABASE [${database}]`);
    const storeConfig = { ...serverConfig, database };
    return {
      open: (options) => SqlServerStore.connect(storeConfig, options),
      execute: async (statement) => {
        const pool = await new sql.ConnectionPool(storeConfig).connect();
        try {
          await pool.request().batch(statement);
        } finally {
          await pool.close();
        }
      },
      destroy: async () => {
        try {
          await admin.request().batch(`ALTER DATABASE [${database}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [${database}];`);
        } finally {
          await admin.close();
        }
      },
    };
  });
} else {
  describe('the SQL Server state store (contract)', () => {
    it('skipped: no SQL Server (set DIRSYNC_TEST_SQLSERVER to a connection string to run the contract tests against one)');
  });
}

describe('the SQL Server state store connection', () => {
  it('encrypts and verifies the server certificate unless told otherwise, and maps instance and credentials', () => {
    const config = sqlServerConfig({
      server: 'sql01.example.com',
      instance: 'DIRSYNC',
      database: 'DirSync',
      credential: { kind: 'windows', domain: 'EXAMPLE', user: 'AAD_0123456789ab', password: 'secret' },
    });
    assert.deepEqual(config, {
      server: 'sql01.example.com',
      database: 'DirSync',
      user: 'AAD_0123456789ab',
      password: 'secret',
      domain: 'EXAMPLE',
      options: { instanceName: 'DIRSYNC', encrypt: true, trustServerCertificate: false },
    });
  });

  it('says which server it could not reach and what to check', async () => {
    // A port that is certainly closed: bind one, then release it.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const config = sqlServerConfig({
      server: '127.0.0.1',
      instance: null,
      port,
      database: 'DirSync',
      credential: { kind: 'sql', user: 'dirsync', password: 'secret' },
    });
    await assert.rejects(SqlServerStore.connect(config), (error: unknown) => {
      assert.ok(error instanceof DirSyncError && error.code === 'Store.unreachable' && error.transient);
      assert.match(error.message, /127\.0\.0\.1\/DirSync/);
      assert.match(error.recommendedAction, /SQL Server Browser/);
      assert.doesNotMatch(`${error.message} ${error.recommendedAction}`, /secret/);
      return true;
    });
  });
});
