// configure (Set-CoexistenceConfiguration): takes the on-premises Enterprise Administrator credential and the
// cloud application's credential, checks each part for real before saving anything, creates or re-keys the
// AAD_ service account that reads AD from then on, and stores the configuration (secrets sealed).
// Parameters not given keep their configured values, so re-entering credentials after an upgrade is short.
import * as z from 'zod';
import { clouds } from '../connectors/entra/clouds.ts';
import { CLOUDS, type CloudConfiguration, type Configuration } from '../install/configuration.ts';
import { Installation } from '../install/installation.ts';
import type { StoredSecrets } from '../install/secret-vault.ts';
import { recommendedActions } from '../core/advice.ts';
import { DirSyncError } from '../core/errors.ts';
import { runInstallationCycle } from '../wiring/cycle.ts';
import { ExitCode, exitCodeOfRun } from './exit-codes.ts';
import { invalidParameter } from './errors.ts';
import { configurationResult, storedSecretsShown } from './get-configuration.ts';
import {
  changesOnlyNotifications,
  configureNotifications,
  notificationParameters,
  notificationSecretsToStore,
  notificationSettingsFrom,
} from './configure-notifications.ts';
import type { CommandOutput } from './output.ts';
import type { SuppliedSecrets } from './secrets.ts';
import { checkActiveDirectory, checkCloud, type ConfigurationCheck } from './configure-checks.ts';
import { previewConfiguration, scopeAndMatching } from './configure-preview.ts';
import { syncRunResult } from './run-result.ts';

/** 'writes/seconds' (e.g. 3000/150), as --write-budget and -WriteBudget take it: the one place the format is read. */
const writeBudgetParameter = z
  .string()
  .trim()
  .regex(/^\d+\/\d+$/, 'writes/seconds, e.g. 3000/150')
  .transform((text) => {
    const [writes, windowSeconds] = text.split('/').map(Number);
    return { writes, windowSeconds };
  })
  .pipe(z.object({ writes: z.number().int().min(1), windowSeconds: z.number().int().min(1) }));

export const configureParameters = z.object({
  path: z.string().min(1),
  adUrl: z.string().min(1).optional(),
  adUser: z.string().min(1).optional(),
  adCaFile: z.string().min(1).optional(),
  allowPlainLdap: z.boolean().optional(),
  tenantId: z.string().min(1).optional(),
  clientId: z.string().uuid().optional(),
  clientCertificate: z.string().min(1).optional(),
  cloud: z.enum(CLOUDS).optional(),
  authorityHost: z.string().url().optional(),
  graphEndpoint: z.string().url().optional(),
  cloudCaFile: z.string().min(1).optional(),
  includeOu: z.array(z.string().min(1)).optional(),
  excludeOu: z.array(z.string().min(1)).optional(),
  attributeFilter: z.string().min(1).optional(),
  softMatch: z.enum(['smtp-then-upn', 'off']).optional(),
  enableHybridDeployment: z.boolean().optional(),
  enablePasswordSync: z.boolean().optional(),
  noServiceAccount: z.boolean().optional(),
  syncNow: z.boolean().optional(),
  /** The tenant's Graph write budget, when it is not the documented 3,000 writes per 150 s. */
  writeBudget: writeBudgetParameter.optional(),
  /** A standby installation (staging mode): plans every cycle against the cloud and exports nothing. */
  staging: z.boolean().optional(),
  /** Show what the changed scope or matching would do (a preview cycle's plan); save nothing (configure-preview.ts). */
  preview: z.boolean().optional(),
  /** Another installation's lease on the tenant may be taken over (sync --take-over-lease) once it is this old. */
  leaseStaleAfterHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .optional(),
  /** What a cycle does about changes made in the cloud to what DirSync owns. */
  cloudDrift: z.enum(['revert', 'report']).optional(),
  ...notificationParameters,
});
export type ConfigureParameters = z.infer<typeof configureParameters>;

export async function configure(
  parameters: ConfigureParameters,
  secrets: SuppliedSecrets,
  output: CommandOutput,
  signal?: AbortSignal,
  /** Settings to start from instead of the installation's own (settings import). */
  startingFrom?: Configuration,
): Promise<number> {
  if (parameters.enablePasswordSync) throw passwordSyncNotPossible();
  if (parameters.preview) return previewConfiguration(parameters, output, signal);
  if (!startingFrom && changesOnlyNotifications(parameters, secrets)) return configureNotifications(parameters, secrets, output);
  const installation = new Installation(parameters.path);
  const manifest = await installation.readManifest();
  const existing = startingFrom ?? (await installation.readConfiguration());

  const adUrl = parameters.adUrl ? normalizeAdUrl(parameters.adUrl) : existing.activeDirectory?.url;
  if (!adUrl)
    throw invalidParameter(
      'the Active Directory server is not configured yet',
      (say) => `give ${say.option('--ad-url')} ldaps://dc1.corp.example.com`,
    );
  if (!parameters.adUser || !secrets.adPassword) {
    throw invalidParameter(
      'configure needs the on-premises Enterprise Administrator credential (user and password) every time it runs: it creates or re-keys the service account with it, and does not store it',
      (say) => `give ${say.adCredential}`,
    );
  }
  const cloud = cloudSettings(parameters, existing.cloud);
  if (!cloud.certificateFile && !secrets.clientSecret) {
    throw invalidParameter(
      'the cloud application needs a credential: a certificate (--client-certificate) or a client secret',
      (say) => `give ${say.clientSecret}`,
    );
  }

  const configuration: Configuration = {
    ...existing,
    ...scopeAndMatching(parameters, existing),
    features: { hybridDeployment: parameters.enableHybridDeployment ?? existing.features.hybridDeployment, passwordSync: false },
    writeBudget: parameters.writeBudget ?? existing.writeBudget,
    standby: parameters.staging ?? existing.standby,
    activeLease: { staleAfterHours: parameters.leaseStaleAfterHours ?? existing.activeLease.staleAfterHours },
    cloudDrift: parameters.cloudDrift ?? existing.cloudDrift,
    notifications: notificationSettingsFrom(parameters, existing.notifications),
  };
  const stored = await storedSecretsToKeep(installation, manifest.store.kind === 'sqlserver', output);
  const notificationSecrets = notificationSecretsToStore(configuration.notifications, parameters, secrets, stored);

  const checks: ConfigurationCheck[] = [];
  const report = (check: ConfigurationCheck) => {
    checks.push(check);
    output.verbose(`Check ${check.passed ? 'passed' : 'FAILED'}: ${check.name}${check.detail ? ` — ${check.detail}` : ''}`);
  };
  const directory = await checkActiveDirectory(
    {
      url: adUrl,
      adminUser: parameters.adUser,
      adminPassword: secrets.adPassword,
      caFile: parameters.adCaFile ?? existing.activeDirectory?.caFile ?? null,
      allowPlainLdap: parameters.allowPlainLdap ?? existing.activeDirectory?.allowPlainLdap ?? false,
      useServiceAccount: !parameters.noServiceAccount,
      existingServiceAccount: existing.activeDirectory?.serviceAccount ?? null,
      hybridDeployment: configuration.features.hybridDeployment,
      scope: configuration.scope,
    },
    report,
    output,
  );
  const cloudResult = await checkCloud(cloud, secrets.clientSecret, configuration.writeBudget, report);

  configuration.activeDirectory = directory.configuration;
  configuration.cloud = { ...cloud, sourceAnchorProperty: cloudResult.sourceAnchorProperty };
  const sealed = {
    ...stored,
    adPassword: directory.password,
    ...(secrets.clientSecret ? { clientSecret: secrets.clientSecret } : { clientSecret: undefined }),
    ...notificationSecrets,
  };
  await installation.vault.write(sealed);
  await installation.writeConfiguration(configuration);
  const configured = { ...manifest, configurationRequired: false };
  await installation.writeManifest(configured);

  const result = configurationResult(installation, configured, configuration, storedSecretsShown(sealed));
  output.result({ ...result, properties: { ...result.properties, checks: checks.map((check) => ({ ...check })) } });
  if (parameters.syncNow) {
    output.verbose('Starting the first synchronization (--sync-now).');
    const run = await runInstallationCycle(installation.path, { full: true, preview: false, acceptDeletes: false }, output, signal ? { signal } : {});
    output.result(syncRunResult(run, run.errors, { withheld: run.withheld, forests: run.parts }));
    return exitCodeOfRun(run.status);
  }
  return ExitCode.success;
}

function passwordSyncNotPossible(): DirSyncError {
  return new DirSyncError(
    'Configuration.password-sync-not-supported',
    'password sync cannot be enabled: no public Microsoft Graph API accepts password hashes (the original tool used a private synchronization channel that applications cannot use). ' +
      'Users DirSync creates get a long random password that nobody knows.',
  );
}

/** A bare host name means LDAPS on it: production AD requires TLS for simple binds. Another scheme is refused. */
function normalizeAdUrl(value: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1];
  if (scheme === undefined) return `ldaps://${value}`;
  if (/^ldaps?$/i.test(scheme)) return value;
  const host = value.slice(scheme.length + 3).split(/[/:?#]/)[0] || 'dc1.corp.example.com';
  throw new DirSyncError(
    'ActiveDirectory.invalid-url',
    `--ad-url ${value} is not a domain controller's address: DirSync reads Active Directory over LDAPS (ldaps://) or LDAP with StartTLS (ldap://), not ${scheme}://`,
    {
      ...recommendedActions(
        (say) =>
          `give ${say.option('--ad-url')} ldaps://${host} (port 636), or ldap://${host} for StartTLS on port 389, or only the host name ${host}`,
      ),
      target: value,
    },
  );
}

function cloudSettings(parameters: ConfigureParameters, existing: CloudConfiguration | null): Omit<CloudConfiguration, 'sourceAnchorProperty'> {
  const tenantId = parameters.tenantId ?? existing?.tenantId;
  const clientId = parameters.clientId ?? existing?.clientId;
  if (!tenantId || !clientId)
    throw invalidParameter('the cloud tenant and application are not configured yet', (say) => `give ${say.cloudApplication}`);
  const custom = parameters.authorityHost !== undefined || parameters.graphEndpoint !== undefined;
  if (custom && parameters.cloud !== undefined) throw invalidParameter('give either --cloud or --authority-host with --graph-endpoint, not both');
  if (custom && !(parameters.authorityHost && parameters.graphEndpoint)) throw invalidParameter('--authority-host and --graph-endpoint go together');
  let endpoints: Pick<CloudConfiguration, 'cloud' | 'authorityHost' | 'graphEndpoint'>;
  if (custom) endpoints = { cloud: 'Custom', authorityHost: parameters.authorityHost!, graphEndpoint: parameters.graphEndpoint! };
  else if (parameters.cloud && parameters.cloud !== 'Custom') endpoints = { cloud: parameters.cloud, ...clouds[parameters.cloud] };
  else if (existing) endpoints = { cloud: existing.cloud, authorityHost: existing.authorityHost, graphEndpoint: existing.graphEndpoint };
  else endpoints = { cloud: 'AzureCloud', ...clouds.AzureCloud };
  return {
    ...endpoints,
    tenantId,
    clientId,
    certificateFile: parameters.clientCertificate ?? existing?.certificateFile ?? null,
    caFile: parameters.cloudCaFile ?? existing?.caFile ?? null,
  };
}

/**
 * What the vault holds besides the credentials configure replaces. Configure is the way out of an unreadable vault
 * (Secrets.unreadable says so): with the embedded store every secret is entered again here, so unreadable old ones
 * are replaced; a SQL Server store's password can only come from the vault, so there it stays an error.
 */
async function storedSecretsToKeep(installation: Installation, sqlServerStore: boolean, output: CommandOutput): Promise<StoredSecrets> {
  try {
    return await installation.vault.read();
  } catch (error) {
    if (sqlServerStore || !(error instanceof DirSyncError) || error.code !== 'Secrets.unreadable') throw error;
    output.warning(`The stored secrets could not be read (${error.message}): they are replaced by the credentials entered now.`);
    return {};
  }
}
