// Opens the state store an installation's manifest points to: the embedded SQLite file inside the
// installation directory, or the standalone SQL Server database.
import { DirSyncError } from '../core/errors.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import { SqlServerStore, sqlServerConfig } from '../store/sqlserver-store.ts';
import type { DirSyncStore } from '../store/store.ts';
import type { Installation, StoreLocation } from './installation.ts';

export async function openStateStore(installation: Installation, location: StoreLocation, sqlPassword: string | undefined): Promise<DirSyncStore> {
  if (location.kind === 'sqlite') return new SqliteStore(installation.file(location.file));
  if (!location.user || !sqlPassword) {
    throw new DirSyncError('Store.credential-missing', `the SQL Server store on ${location.server} needs a credential, and none is stored`, {
      target: location.server,
    });
  }
  const [domain, user] = location.user.includes('\\') ? location.user.split('\\', 2) : [undefined, location.user];
  const credential = domain
    ? { kind: 'windows' as const, domain, user: user!, password: sqlPassword }
    : { kind: 'sql' as const, user: user!, password: sqlPassword };
  return SqlServerStore.connect(sqlServerConfig({ server: location.server, instance: location.instance, database: location.database, credential }));
}
