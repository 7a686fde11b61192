// Opening the state store of an existing installation, with the secrets it needs.
import { recommendedActions } from '../core/advice.ts';
import { DirSyncError } from '../core/errors.ts';
import type { Installation } from '../install/installation.ts';
import { openStateStore } from '../install/open-store.ts';
import type { DirSyncStore } from '../store/store.ts';
import { LATEST_SCHEMA_VERSION, schemaTooNew } from '../store/migrations/index.ts';
import { PRODUCT_VERSION } from '../version.ts';

export async function openInstalledStore(installation: Installation): Promise<DirSyncStore> {
  const manifest = await installation.readManifest();
  if (manifest.productVersion !== PRODUCT_VERSION) {
    // The store's schema belongs to the installed version: only install --upgrade may migrate it.
    throw new DirSyncError(
      'Installation.upgrade-required',
      `the installation in ${installation.path} is version ${manifest.productVersion}, and this is DirSync ${PRODUCT_VERSION}`,
      {
        ...recommendedActions((say) => `upgrade it first: ${say.run('install', '--upgrade', '--path', installation.path)}`),
        target: installation.path,
      },
    );
  }
  const sqlPassword = manifest.store.kind === 'sqlserver' ? (await installation.vault.read()).sqlPassword : undefined;
  const store = await openStateStore(installation, manifest.store, sqlPassword);
  // A newer DirSync migrated the store (a shared SQL Server database, a directory restored from a backup): this one
  // does not know its schema and must not write to it.
  const { schemaVersion } = await store.storeInfo();
  if (schemaVersion < LATEST_SCHEMA_VERSION) {
    // Only install --upgrade migrates: a store an older build of this version left behind must go through it too.
    await store.close();
    throw new DirSyncError(
      'Installation.upgrade-required',
      `the state store of ${installation.path} has schema version ${schemaVersion}, and this DirSync needs ${LATEST_SCHEMA_VERSION}`,
      {
        ...recommendedActions((say) => `upgrade it first: ${say.run('install', '--upgrade', '--path', installation.path)}`),
        target: installation.path,
      },
    );
  }
  if (schemaVersion > LATEST_SCHEMA_VERSION) {
    await store.close();
    const location =
      manifest.store.kind === 'sqlite' ? installation.file(manifest.store.file) : `${manifest.store.server}/${manifest.store.database}`;
    throw schemaTooNew(location, schemaVersion);
  }
  return store;
}
