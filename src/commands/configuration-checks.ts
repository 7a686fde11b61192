// What configure verifies before it saves anything, one named check at a time, so that the report says which
// part failed: AD sign-in as the administrator, the scope's OUs, the Exchange schema (hybrid), the service
// account and its sign-in, the cloud sign-in, the Graph permissions, the tenant's domains, the group anchor.
import type { Client } from 'ldapts';
import { openDirectoryConnection } from '../connectors/ad/connection.ts';
import { DirectoryScope } from '../connectors/ad/scope.ts';
import { CloudDirectory } from '../connectors/entra/cloud-directory.ts';
import { connectToEntra } from '../connectors/entra/connection.ts';
import type { ActiveDirectoryConfiguration, CloudConfiguration, Configuration } from '../install/configuration.ts';
import { ensureServiceAccount } from '../install/service-account.ts';
import { cloudCredential, cloudEndpoints, readCloudCa } from './connect.ts';
import { ExitCode } from './exit-codes.ts';
import { CommandError, type CommandOutput } from './output.ts';

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

/** Exchange attributes the hybrid deployment writes back (they exist only where Exchange extended the schema). */
const HYBRID_WRITEBACK_ATTRIBUTES = ['msExchArchiveStatus', 'msExchSafeSendersHash', 'msExchBlockedSendersHash', 'msExchSafeRecipientsHash', 'msExchUCVoiceMailSettings', 'msExchUserHoldPolicies'];

export async function checkActiveDirectory(
  settings: DirectorySettings,
  report: Report,
  output: CommandOutput,
): Promise<{ configuration: ActiveDirectoryConfiguration; password: string }> {
  const connection = { url: settings.url, allowPlainLdap: settings.allowPlainLdap, ...(settings.caFile ? { caFile: settings.caFile } : {}) };
  if (settings.allowPlainLdap) output.warning('Plain LDAP is allowed: passwords cross the network unencrypted. Use LDAPS or StartTLS outside a lab.');
  const admin = await check(`Active Directory sign-in as ${settings.adminUser}`, report, () => openDirectoryConnection({ ...connection, bindDn: settings.adminUser, password: settings.adminPassword }));
  try {
    const scope = new DirectoryScope({ includeOus: settings.scope.includeOus, excludeOus: settings.scope.excludeOus, ...(settings.scope.attributeFilter ? { attributeFilter: settings.scope.attributeFilter } : {}) });
    await check('the organizational units in scope exist', report, () => ensureOusExist(admin, [...scope.includeOus, ...scope.excludeOus].map((ou) => ou.dn)));
    if (settings.hybridDeployment) {
      await check('the Exchange schema holds the hybrid writeback attributes', report, () => ensureExchangeSchema(admin));
      output.warning('Exchange hybrid deployment is recorded, but the writeback of its attributes to AD is not built yet: nothing is written back.');
    }
    if (!settings.useServiceAccount) {
      output.warning(`No service account: DirSync will read AD as ${settings.adminUser}. Give it the least privileges it needs (Replicating Directory Changes for delta imports).`);
      return { configuration: { url: settings.url, bindUser: settings.adminUser, caFile: settings.caFile, allowPlainLdap: settings.allowPlainLdap, serviceAccount: null }, password: settings.adminPassword };
    }
    const account = await check(
      'the AAD_ service account exists with the replication rights',
      report,
      () => ensureServiceAccount(admin, settings.existingServiceAccount ? { existingObjectGuid: settings.existingServiceAccount.objectGuid } : {}),
      (created) => `${created.samAccountName} (${created.dn})`,
    );
    const serviceConnection = await check(`Active Directory sign-in as ${account.userPrincipalName}`, report, () => openDirectoryConnection({ ...connection, bindDn: account.userPrincipalName, password: account.password }));
    await serviceConnection.unbind();
    return {
      configuration: {
        url: settings.url,
        bindUser: account.userPrincipalName,
        caFile: settings.caFile,
        allowPlainLdap: settings.allowPlainLdap,
        serviceAccount: { objectGuid: account.objectGuid, samAccountName: account.samAccountName, dn: account.dn },
      },
      password: account.password,
    };
  } finally {
    await admin.unbind();
  }
}

async function ensureOusExist(client: Client, dns: string[]): Promise<void> {
  for (const dn of dns) {
    try {
      await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: ['objectClass'] });
    } catch (error) {
      throw new CommandError({
        errorId: 'OrganizationalUnitNotFound',
        category: 'ObjectNotFound',
        exitCode: ExitCode.usageOrConfiguration,
        message: `the organizational unit ${dn} does not exist in Active Directory (or the account cannot see it): ${(error as Error).message}`,
        recommendedAction: 'correct the OU distinguished name (--include-ou / --exclude-ou, -IncludeOU / -ExcludeOU); nothing was saved',
        target: dn,
        cause: error,
      });
    }
  }
}

async function ensureExchangeSchema(client: Client): Promise<void> {
  const { searchEntries: [rootDse] } = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['schemaNamingContext'] });
  const schema = String(rootDse?.schemaNamingContext ?? '');
  const filter = `(|${HYBRID_WRITEBACK_ATTRIBUTES.map((name) => `(lDAPDisplayName=${name})`).join('')})`;
  const { searchEntries } = await client.search(schema, { scope: 'one', filter, attributes: ['lDAPDisplayName'] });
  const present = new Set(searchEntries.map((entry) => String(entry.lDAPDisplayName).toLowerCase()));
  const missing = HYBRID_WRITEBACK_ATTRIBUTES.filter((name) => !present.has(name.toLowerCase()));
  if (missing.length > 0) {
    throw new CommandError({
      errorId: 'ExchangeSchemaMissing',
      category: 'InvalidOperation',
      exitCode: ExitCode.usageOrConfiguration,
      message: `Exchange hybrid deployment needs Exchange's schema extensions in Active Directory; missing: ${missing.join(', ')}`,
      recommendedAction: 'extend the schema with Exchange Server setup (/PrepareSchema), or configure without --enable-hybrid-deployment; nothing was saved',
    });
  }
}

/** Graph application permissions DirSync needs: each entry is satisfied by any one of its roles. */
const REQUIRED_PERMISSIONS: { purpose: string; anyOf: string[] }[] = [
  { purpose: 'create and update users', anyOf: ['User.ReadWrite.All', 'Directory.ReadWrite.All'] },
  { purpose: 'create and update groups and their members', anyOf: ['Group.ReadWrite.All', 'Directory.ReadWrite.All'] },
  { purpose: 'read the tenant\'s domains', anyOf: ['Domain.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All'] },
  { purpose: 'register the group anchor property on its own application', anyOf: ['Application.ReadWrite.OwnedBy', 'Application.ReadWrite.All'] },
];

export async function checkCloud(
  cloud: Omit<CloudConfiguration, 'sourceAnchorProperty'>,
  clientSecret: string | undefined,
  writeBudget: Configuration['writeBudget'],
  report: Report,
): Promise<{ sourceAnchorProperty: string }> {
  const connection = await check(`Entra ID sign-in as application ${cloud.clientId}`, report, async () =>
    connectToEntra({ tenantId: cloud.tenantId, clientId: cloud.clientId, credential: cloudCredential(cloud, clientSecret), cloud: cloudEndpoints(cloud), ...(await readCloudCa(cloud)), preview: false, writeBudget }),
  );
  try {
    await check('the application holds the Graph permissions DirSync needs', report, async () => {
      const roles = new Set(tokenRoles(await connection.signIn.acquireToken()));
      const missing = REQUIRED_PERMISSIONS.filter((permission) => !permission.anyOf.some((role) => roles.has(role)));
      if (missing.length > 0) {
        throw new CommandError({
          errorId: 'GraphPermissionMissing',
          category: 'PermissionDenied',
          exitCode: ExitCode.usageOrConfiguration,
          message: `application ${cloud.clientId} lacks Microsoft Graph application permissions: ${missing.map((permission) => `${permission.anyOf[0]} (to ${permission.purpose})`).join(', ')}`,
          recommendedAction: 'grant these application permissions to the app registration and give admin consent, then run configure again; nothing was saved',
        });
      }
    });
    const directory = new CloudDirectory(connection.session, cloud.clientId);
    await check('the tenant\'s verified domains can be read', report, () => directory.domains(), (domains) => `initial domain ${domains.initialDomain}; verified: ${[...domains.verifiedDomains].join(', ')}`);
    const sourceAnchorProperty = await check('the group anchor property is registered', report, () => directory.ensureSourceAnchorExtension(), (name) => name);
    return { sourceAnchorProperty };
  } finally {
    connection.close();
  }
}

/** The app roles of an access token (its payload's `roles` claim). The token was just issued to us over TLS. */
function tokenRoles(accessToken: string): string[] {
  const payload = accessToken.split('.')[1] ?? '';
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.filter((role): role is string => typeof role === 'string') : [];
  } catch {
    return [];
  }
}
