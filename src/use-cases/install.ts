// install / install --upgrade: the original's Install-OnlineCoexistenceTool [-UseSQLServer] [-Upgrade].
import { recommendedActions } from '../core/advice.ts';
import * as z from 'zod';
import { Installation, type InstallationManifest, type StoreLocation, SQLITE_FILE } from '../install/installation.ts';
import { OLDEST_UPGRADABLE_VERSION, parseProductVersion, upgradeVerdict } from '../install/versions.ts';
import { openStateStore } from '../install/open-store.ts';
import { PRODUCT_VERSION } from '../version.ts';
import { DirSyncError } from '../core/errors.ts';
import { invalidParameter } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import type { CommandOutput } from './output.ts';

export const installParameters = z.object({
  path: z.string().min(1),
  sqlServer: z.string().min(1).optional(),
  sqlInstance: z.string().min(1).optional(),
  sqlDatabase: z.string().min(1).optional(),
  upgrade: z.boolean().default(false),
});
export type InstallParameters = z.infer<typeof installParameters>;

export interface InstallSecrets {
  sqlUser?: string;
  sqlPassword?: string;
}

export async function install(parameters: InstallParameters, secrets: InstallSecrets, output: CommandOutput): Promise<number> {
  if (!parameters.sqlServer && (parameters.sqlInstance || parameters.sqlDatabase)) {
    throw invalidParameter('--sql-instance and --sql-database need --sql-server', (say) => `name the SQL Server with ${say.option('--sql-server')}`);
  }
  if (Boolean(secrets.sqlUser) !== Boolean(secrets.sqlPassword)) {
    throw invalidParameter(
      'a SQL user needs a SQL password and a SQL password needs a user',
      'supply both (DIRSYNC_SQL_USER and DIRSYNC_SQL_PASSWORD, or sqlUser and sqlPassword on stdin), or neither for integrated authentication',
    );
  }
  const installation = new Installation(parameters.path);
  const manifest = parameters.upgrade
    ? await upgrade(installation, parameters, secrets, output)
    : await freshInstall(installation, parameters, secrets, output);
  output.result(installationResult(installation, manifest));
  return ExitCode.success;
}

async function freshInstall(
  installation: Installation,
  parameters: InstallParameters,
  secrets: InstallSecrets,
  output: CommandOutput,
): Promise<InstallationManifest> {
  if (await installation.exists()) {
    const existing = await installation.readManifest();
    throw new DirSyncError('Installation.already-installed', `DirSync ${existing.productVersion} is already installed in ${installation.path}`, {
      target: installation.path,
    });
  }
  const location = storeLocation(parameters, secrets);
  const manifest = await installation.create(location);
  if (secrets.sqlPassword) await installation.vault.write({ ...(await installation.vault.read()), sqlPassword: secrets.sqlPassword });
  output.verbose(`Creating the ${location.kind === 'sqlite' ? 'embedded' : 'SQL Server'} state store.`);
  await migrateStore(installation, location, secrets);
  output.verbose(`DirSync ${PRODUCT_VERSION} is installed in ${installation.path}; run configure next.`);
  return manifest;
}

async function upgrade(
  installation: Installation,
  parameters: InstallParameters,
  secrets: InstallSecrets,
  output: CommandOutput,
): Promise<InstallationManifest> {
  const manifest = await installation.readManifest();
  const installed = parseProductVersion(manifest.productVersion);
  const verdict = upgradeVerdict(installed, parseProductVersion(PRODUCT_VERSION));
  if (!verdict.allowed) {
    switch (verdict.reason) {
      case 'too-old':
        throw new DirSyncError(
          'Installation.upgrade-not-supported',
          `the installed version ${manifest.productVersion} cannot be upgraded in place: Directory Sync tool versions earlier than ${OLDEST_UPGRADABLE_VERSION.text} cannot be upgraded`,
          {
            ...recommendedActions(
              (say) =>
                `uninstall the installed version (${say.run('uninstall', '--path', installation.path)}), then install this version (${PRODUCT_VERSION}) and configure it again`,
            ),
            target: installation.path,
          },
        );
      case 'newer-installed':
        throw new DirSyncError(
          'Installation.newer-version-installed',
          `a newer version (${manifest.productVersion}) is installed in ${installation.path} than this one (${PRODUCT_VERSION})`,
          { target: installation.path },
        );
      case 'same-version':
        output.warning(`DirSync ${PRODUCT_VERSION} is already installed in ${installation.path}: nothing to upgrade.`);
        return manifest;
    }
  }
  const location = manifest.store;
  if (location.kind === 'sqlserver') {
    const requested = { server: parameters.sqlServer ?? location.server, instance: parameters.sqlInstance ?? location.instance };
    if (!sameText(requested.server, location.server) || !sameText(requested.instance, location.instance)) {
      throw new DirSyncError(
        'Installation.sql-server-mismatch',
        `an upgrade must use the same SQL Server and instance as the installation: recorded server "${location.server}", instance "${location.instance ?? '(default)'}"; given server "${requested.server}", instance "${requested.instance ?? '(default)'}"`,
        {
          ...recommendedActions(
            (say) =>
              `run the upgrade with ${say.option('--sql-server')} ${location.server}${location.instance ? ` ${say.option('--sql-instance')} ${location.instance}` : ''}`,
          ),
          target: installation.path,
        },
      );
    }
  } else if (parameters.sqlServer) {
    throw invalidParameter(
      `the installation in ${installation.path} uses the embedded store; an in-place upgrade cannot move it to SQL Server`,
      (say) => `upgrade without ${say.option('--sql-server')}`,
    );
  }
  output.verbose(`Upgrading DirSync ${manifest.productVersion} to ${PRODUCT_VERSION}: migrating the state store in place.`);
  const sqlSecrets = { ...secrets, ...(secrets.sqlPassword ? {} : { sqlPassword: (await installation.vault.read()).sqlPassword }) };
  await migrateStore(installation, location, sqlSecrets);
  const upgraded: InstallationManifest = {
    ...manifest,
    productVersion: PRODUCT_VERSION,
    upgradedAt: new Date().toISOString(),
    configurationRequired: true,
  };
  await installation.writeManifest(upgraded);
  output.warning(
    'The upgrade is complete. Run configure again (Set-CoexistenceConfiguration) before the next synchronization: the credentials must be entered again, ' +
      'and configure takes away the "Replicating Directory Changes All" right that versions before this one granted the AAD_ service account (DirSync needs only "Replicating Directory Changes").',
  );
  return upgraded;
}

function storeLocation(parameters: InstallParameters, secrets: InstallSecrets): StoreLocation {
  if (!parameters.sqlServer) return { kind: 'sqlite', file: SQLITE_FILE };
  return {
    kind: 'sqlserver',
    server: parameters.sqlServer,
    instance: parameters.sqlInstance ?? null,
    database: parameters.sqlDatabase ?? 'DirSync',
    user: secrets.sqlUser ?? null,
  };
}

async function migrateStore(installation: Installation, location: StoreLocation, secrets: InstallSecrets): Promise<void> {
  const store = await openStateStore(installation, location, secrets.sqlPassword);
  try {
    await store.migrate();
  } finally {
    await store.close();
  }
}

export function installationResult(installation: Installation, manifest: InstallationManifest) {
  return {
    typeName: 'DirSync.Installation',
    properties: {
      path: installation.path,
      productVersion: manifest.productVersion,
      store:
        manifest.store.kind === 'sqlite'
          ? `embedded (${installation.file(manifest.store.file)})`
          : `SQL Server ${manifest.store.server}${manifest.store.instance ? `\\${manifest.store.instance}` : ''}, database ${manifest.store.database}`,
      createdAt: new Date(manifest.createdAt),
      upgradedAt: manifest.upgradedAt ? new Date(manifest.upgradedAt) : null,
      configurationRequired: manifest.configurationRequired,
    },
  };
}

function sameText(a: string | null, b: string | null): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}
