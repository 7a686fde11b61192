// uninstall: removes an installation; --keep-data keeps the store, configuration and secrets so that a later install
// adopts them (the links to cloud objects survive, so nothing is duplicated). The AAD_ service account stays in AD
// unless --remove-service-account is given with an administrator's credential: it is deleted, with its rights.
import * as z from 'zod';
import { openDirectoryConnection } from '../connectors/ad/connection.ts';
import { Installation } from '../install/installation.ts';
import { removeServiceAccount } from '../connectors/ad/service-account.ts';
import { acquireLock } from '../wiring/installation-context.ts';
import { invalidParameter } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import type { CommandOutput } from './output.ts';
import type { SuppliedSecrets } from './secrets.ts';

export const uninstallParameters = z.object({
  path: z.string().min(1),
  keepData: z.boolean().default(false),
  removeServiceAccount: z.boolean().default(false),
  /** The administrator who may delete the service account (with --remove-service-account). */
  adUser: z.string().min(1).optional(),
});
export type UninstallParameters = z.infer<typeof uninstallParameters>;

export async function uninstall(parameters: UninstallParameters, secrets: SuppliedSecrets, output: CommandOutput): Promise<number> {
  const installation = new Installation(parameters.path);
  const manifest = await installation.readManifest();
  const configuration = await installation.readConfiguration();
  const ad = configuration.activeDirectory;
  const account = ad?.serviceAccount ?? null;
  if (parameters.removeServiceAccount && (!parameters.adUser || !secrets.adPassword)) {
    throw invalidParameter(
      '--remove-service-account needs an administrator of the domain to delete the account',
      (say) => `give ${say.adCredential}`,
    );
  }
  const lock = await acquireLock(installation.path); // never pull the floor from under a running cycle
  let serviceAccountRemoved = false;
  try {
    if (parameters.removeServiceAccount && ad && account) {
      // Before anything is removed locally: if AD refuses, the installation (and its record of the account) stays.
      const admin = await openDirectoryConnection({
        url: ad.url,
        bindDn: parameters.adUser!,
        password: secrets.adPassword!,
        allowPlainLdap: ad.allowPlainLdap,
        ...(ad.caFile ? { caFile: ad.caFile } : {}),
      });
      try {
        const removal = await removeServiceAccount(admin, account);
        serviceAccountRemoved = removal.removed;
        output.verbose(
          removal.removed
            ? `Deleted the service account ${account.samAccountName} (${removal.dn}) and ${removal.aclEntriesRemoved} permission entries of it.`
            : `The service account ${account.samAccountName} no longer exists in Active Directory.`,
        );
      } finally {
        await admin.unbind();
      }
    } else if (account) {
      output.warning(
        `The service account ${account.samAccountName} (${account.dn}) still exists in Active Directory, with its replication right. Remove it with uninstall --remove-service-account (Uninstall-OnlineCoexistenceTool -RemoveServiceAccount), or delete it there.`,
      );
    }
    for (const forest of configuration.forests) {
      const other = forest.activeDirectory.serviceAccount;
      if (other)
        output.warning(
          `The service account ${other.samAccountName} (${other.dn}) of the forest ${forest.name} still exists there, with its replication right: delete it in that forest.`,
        );
    }
    if (manifest.store.kind === 'sqlserver') {
      output.warning(
        `The SQL Server database ${manifest.store.database} on ${manifest.store.server} is left in place; drop it there if it is no longer needed.`,
      );
    }
    await installation.remove(parameters.keepData);
  } finally {
    // Without --keep-data the lock file went with the directory.
    if (parameters.keepData) await lock.release();
  }
  output.result({
    typeName: 'DirSync.Uninstallation',
    properties: {
      path: installation.path,
      productVersion: manifest.productVersion,
      dataKept: parameters.keepData,
      serviceAccount: account?.samAccountName ?? null,
      serviceAccountRemoved,
    },
  });
  return ExitCode.success;
}
