// What configure verifies before it saves anything, one named check at a time, so that the report says which
// part failed: AD sign-in as the administrator, the scope's OUs, the Exchange schema (hybrid), the service
// account and its sign-in, the cloud sign-in, the Graph permissions, the tenant's domains, the group anchor.
import type { Reporter } from '../core/reporter.ts';
import { openDirectoryConnection, type DirectoryClient } from '../connectors/ad/connection.ts';
import { ensureExchangeSchema, ensureOusExist } from '../connectors/ad/directory-checks.ts';
import { probeDeletionVisibility } from '../connectors/ad/deletion-visibility-probe.ts';
import { readForestName } from '../connectors/ad/root-dse.ts';
import { DirectoryScope } from '../connectors/ad/scope.ts';
import { CloudDirectory } from '../connectors/entra/cloud-directory.ts';
import { connectToEntra } from '../connectors/entra/connection.ts';
import { ensureRequiredPermissions } from '../connectors/entra/permissions.ts';
import type { ActiveDirectoryConfiguration, CloudConfiguration, Configuration } from '../install/configuration.ts';
import { ensureServiceAccount } from '../connectors/ad/service-account.ts';
import { entraSettings } from '../wiring/connections.ts';

export interface ConfigurationCheck {
  name: string;
  passed: boolean;
  detail?: string;
}

type Report = (check: ConfigurationCheck) => void;

/** Runs one check: reports it passed, or reports it failed and rethrows the failure as it was. */
async function check<T>(name: string, report: Report, body: () => Promise<T>, detail?: (value: T) => string): Promise<T> {
  try {
    const value = await body();
    report({ name, passed: true, ...(detail ? { detail: detail(value) } : {}) });
    return value;
  } catch (error) {
    report({ name, passed: false, detail: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

export interface DirectorySettings {
  url: string;
  adminUser: string;
  adminPassword: string;
  caFile: string | null;
  allowPlainLdap: boolean;
  useServiceAccount: boolean;
  existingServiceAccount: ActiveDirectoryConfiguration['serviceAccount'];
  hybridDeployment: boolean;
  scope: Configuration['scope'];
}

export async function checkActiveDirectory(
  settings: DirectorySettings,
  report: Report,
  output: Reporter,
): Promise<{ configuration: ActiveDirectoryConfiguration; password: string }> {
  const connection = { url: settings.url, allowPlainLdap: settings.allowPlainLdap, ...(settings.caFile ? { caFile: settings.caFile } : {}) };
  if (settings.allowPlainLdap) output.warning('Plain LDAP is allowed: passwords cross the network unencrypted. Use LDAPS or StartTLS outside a lab.');
  const admin = await check(`Active Directory sign-in as ${settings.adminUser}`, report, () =>
    openDirectoryConnection({ ...connection, bindDn: settings.adminUser, password: settings.adminPassword }),
  );
  try {
    const forestName = await readForestName(admin);
    const scope = new DirectoryScope({
      includeOus: settings.scope.includeOus,
      excludeOus: settings.scope.excludeOus,
      ...(settings.scope.attributeFilter ? { attributeFilter: settings.scope.attributeFilter } : {}),
    });
    await check('the organizational units in scope exist', report, () =>
      ensureOusExist(
        admin,
        [...scope.includeOus, ...scope.excludeOus].map((ou) => ou.dn),
      ),
    );
    if (settings.hybridDeployment) {
      await check('the Exchange schema holds the hybrid writeback attributes', report, () => ensureExchangeSchema(admin));
      output.warning('Exchange hybrid deployment is recorded, but the writeback of its attributes to AD is not built yet: nothing is written back.');
    }
    if (!settings.useServiceAccount) {
      output.warning(
        `No service account: DirSync will read AD as ${settings.adminUser}, and stores that account's password (encrypted) in the installation directory. ` +
          'Anyone who can read the directory and its key can then act as that account. Use an account with the least privileges ' +
          '(read access and Replicating Directory Changes), never a domain administrator, or let configure create the AAD_ service account.',
      );
      const deletionVisibility = await checkDeletionVisibility(
        admin,
        { ...connection, bindDn: settings.adminUser, password: settings.adminPassword },
        settings.scope,
        report,
      );
      return {
        configuration: {
          url: settings.url,
          bindUser: settings.adminUser,
          caFile: settings.caFile,
          allowPlainLdap: settings.allowPlainLdap,
          serviceAccount: null,
          deletionVisibility,
          forestName,
        },
        password: settings.adminPassword,
      };
    }
    const existing = settings.existingServiceAccount;
    const account = await check(
      'the AAD_ service account exists with the replication right it needs (Replicating Directory Changes, nothing more)',
      report,
      () => ensureServiceAccount(admin, existing ? { existingObjectGuid: existing.objectGuid, existingSamAccountName: existing.samAccountName } : {}),
      (created) =>
        `${created.samAccountName} (${created.dn})${created.changesAllRemoved ? '; the "Replicating Directory Changes All" right an earlier version granted was removed' : ''}`,
    );
    const reading = { ...connection, bindDn: account.userPrincipalName, password: account.password };
    const serviceConnection = await check(`Active Directory sign-in as ${account.userPrincipalName}`, report, () => openDirectoryConnection(reading));
    await serviceConnection.unbind();
    const deletionVisibility = await checkDeletionVisibility(admin, reading, settings.scope, report);
    return {
      configuration: {
        url: settings.url,
        bindUser: account.userPrincipalName,
        caFile: settings.caFile,
        allowPlainLdap: settings.allowPlainLdap,
        serviceAccount: { objectGuid: account.objectGuid, samAccountName: account.samAccountName, dn: account.dn },
        deletionVisibility,
        forestName,
      },
      password: account.password,
    };
  } finally {
    await admin.unbind();
  }
}

/**
 * Whether the reading account sees deletions in a delta. Informational: either answer is a working configuration
 * (deltas list the scope to find deletions when they cannot see them), so the check passes with the finding.
 */
async function checkDeletionVisibility(
  admin: DirectoryClient,
  reading: Parameters<typeof probeDeletionVisibility>[1],
  scope: Configuration['scope'],
  report: Report,
): Promise<ActiveDirectoryConfiguration['deletionVisibility']> {
  const result = await check(
    `does ${reading.bindDn} see deletions in a delta?`,
    report,
    () =>
      probeDeletionVisibility(admin, reading, {
        includeOus: scope.includeOus,
        excludeOus: scope.excludeOus,
        ...(scope.attributeFilter ? { attributeFilter: scope.attributeFilter } : {}),
      }),
    (probe) => `${probe.visible ? 'yes' : 'no (each delta lists the scope instead)'}: ${probe.detail}`,
  );
  return { visible: result.visible, checkedAt: new Date().toISOString(), detail: result.detail };
}

export async function checkCloud(
  cloud: Omit<CloudConfiguration, 'sourceAnchorProperty'>,
  clientSecret: string | undefined,
  writeBudget: Configuration['writeBudget'],
  report: Report,
): Promise<{ sourceAnchorProperty: string }> {
  const connection = await check(`Entra ID sign-in as application ${cloud.clientId}`, report, async () =>
    connectToEntra(await entraSettings(cloud, clientSecret, { writesCloud: true, writeBudget })),
  );
  try {
    await check('the application holds the Graph permissions DirSync needs', report, async () =>
      ensureRequiredPermissions(await connection.signIn.acquireToken(), cloud.clientId),
    );
    const directory = new CloudDirectory(connection.session, cloud.clientId);
    await check(
      "the tenant's verified domains can be read",
      report,
      () => directory.domains(),
      (domains) => `initial domain ${domains.initialDomain}; verified: ${[...domains.verifiedDomains].join(', ')}`,
    );
    const sourceAnchorProperty = await check(
      'the group anchor property is registered',
      report,
      () => directory.ensureSourceAnchorExtension(),
      (name) => name,
    );
    return { sourceAnchorProperty };
  } finally {
    connection.close();
  }
}
