// Opening the state store of an existing installation, with the secrets it needs.
import type { Installation } from '../install/installation.ts';
import { openStateStore } from '../install/open-store.ts';
import type { StateStore } from '../store/state-store.ts';
import { PRODUCT_VERSION } from '../version.ts';
import { ExitCode } from './exit-codes.ts';
import { CommandError } from './output.ts';

export async function openInstalledStore(installation: Installation): Promise<StateStore> {
  const manifest = await installation.readManifest();
  if (manifest.productVersion !== PRODUCT_VERSION) {
    // The store's schema belongs to the installed version: only install --upgrade may migrate it.
    throw new CommandError({
      errorId: 'UpgradeRequired',
      category: 'InvalidOperation',
      exitCode: ExitCode.usageOrConfiguration,
      message: `the installation in ${installation.path} is version ${manifest.productVersion}, and this is DirSync ${PRODUCT_VERSION}`,
      recommendedAction: `upgrade it first: dirsync install --upgrade --path ${installation.path} (Install-OnlineCoexistenceTool -Upgrade)`,
      target: installation.path,
    });
  }
  const sqlPassword = manifest.store.kind === 'sqlserver' ? (await installation.vault.read()).sqlPassword : undefined;
  return openStateStore(installation, manifest.store, sqlPassword);
}
