// Opening the state store of an existing installation, with the secrets it needs.
import { DirSyncError } from '../core/errors.ts';
import type { Installation } from '../install/installation.ts';
import { openStateStore } from '../install/open-store.ts';
import type { StateStore } from '../engine/state-store.ts';
import type { DirSyncStore } from '../store/store.ts';
import { PRODUCT_VERSION } from '../version.ts';

export async function openInstalledStore(installation: Installation): Promise<DirSyncStore> {
  const manifest = await installation.readManifest();
  if (manifest.productVersion !== PRODUCT_VERSION) {
    // The store's schema belongs to the installed version: only install --upgrade may migrate it.
    throw new DirSyncError('Installation.upgrade-required', `the installation in ${installation.path} is version ${manifest.productVersion}, and this is DirSync ${PRODUCT_VERSION}`, {
      recommendedAction: `upgrade it first: dirsync install --upgrade --path ${installation.path} (Install-OnlineCoexistenceTool -Upgrade)`,
      target: installation.path,
    });
  }
  const sqlPassword = manifest.store.kind === 'sqlserver' ? (await installation.vault.read()).sqlPassword : undefined;
  return openStateStore(installation, manifest.store, sqlPassword);
}

/** Far more than a retry queue ever holds: a listing this long is the whole queue. */
const WHOLE_QUEUE = 1_000_000;

/** Every object waiting on the retry queue, oldest failure first. */
export function wholeRetryQueue(store: StateStore): Promise<string[]> {
  return store.listRetries(WHOLE_QUEUE);
}
