// get-configuration: what is configured (Get-CoexistenceConfiguration) — never a secret, only whether one is stored.
import * as z from 'zod';
import type { Configuration } from '../install/configuration.ts';
import type { StoredSecrets } from '../install/secret-vault.ts';
import { Installation, type InstallationManifest } from '../install/installation.ts';
import { ExitCode } from './exit-codes.ts';
import type { CommandOutput, CommandResult } from './output.ts';

export const getConfigurationParameters = z.object({ path: z.string().min(1) });
export type GetConfigurationParameters = z.infer<typeof getConfigurationParameters>;

export async function getConfiguration(parameters: GetConfigurationParameters, output: CommandOutput): Promise<number> {
  const installation = new Installation(parameters.path);
  const manifest = await installation.readManifest();
  const configuration = await installation.readConfiguration();
  const secrets = await installation.vault.read();
  output.result(configurationResult(installation, manifest, configuration, storedSecretsShown(secrets)));
  return ExitCode.success;
}

/** Which secrets the vault holds: never their values. */
export function storedSecretsShown(secrets: StoredSecrets): StoredSecretsShown {
  return {
    adPassword: Boolean(secrets.adPassword),
    clientSecret: Boolean(secrets.clientSecret),
    smtpAccount: Boolean(secrets.smtpPassword),
    webhookSecret: Boolean(secrets.webhookSecret),
  };
}

export interface StoredSecretsShown {
  adPassword: boolean;
  clientSecret: boolean;
  smtpAccount: boolean;
  webhookSecret: boolean;
}

/** How get-configuration shows the mail connection's protection. */
const SMTP_TLS_SHOWN = { starttls: ' (STARTTLS)', implicit: ' (implicit TLS)', none: '' } as const;

export function configurationResult(
  installation: Installation,
  manifest: InstallationManifest,
  configuration: Configuration,
  storedSecrets: StoredSecretsShown,
): CommandResult {
  const { smtp, webhookUrl, on } = configuration.notifications;
  const ad = configuration.activeDirectory;
  const cloud = configuration.cloud;
  return {
    typeName: 'DirSync.Configuration',
    properties: {
      path: installation.path,
      installationId: manifest.installationId ?? null,
      productVersion: manifest.productVersion,
      configurationRequired: manifest.configurationRequired,
      adServer: ad?.url ?? null,
      adAccount: ad?.bindUser ?? null,
      serviceAccount: ad?.serviceAccount?.samAccountName ?? null,
      adPasswordStored: storedSecrets.adPassword,
      cloud: cloud?.cloud ?? null,
      tenantId: cloud?.tenantId ?? null,
      clientId: cloud?.clientId ?? null,
      cloudCredential: cloud
        ? cloud.certificateFile
          ? `certificate ${cloud.certificateFile}`
          : storedSecrets.clientSecret
            ? 'client secret (stored encrypted)'
            : 'none stored'
        : null,
      authorityHost: cloud?.authorityHost ?? null,
      graphEndpoint: cloud?.graphEndpoint ?? null,
      includeOus: configuration.scope.includeOus,
      excludeOus: configuration.scope.excludeOus,
      attributeFilter: configuration.scope.attributeFilter,
      softMatch: configuration.matching.softMatch,
      hybridDeployment: configuration.features.hybridDeployment,
      passwordSync: configuration.features.passwordSync,
      deletionThresholdEnabled: configuration.deletionThreshold.enabled,
      deletionThreshold: configuration.deletionThreshold.threshold,
      deletionSharePercent: configuration.deletionThreshold.sharePercent,
      deletionsVisibleToDelta: ad?.deletionVisibility ? ad.deletionVisibility.visible : null,
      deletionVisibilityCheck: ad?.deletionVisibility ? `${ad.deletionVisibility.checkedAt}: ${ad.deletionVisibility.detail}` : null,
      syncIntervalMinutes: configuration.schedule.intervalMinutes,
      fullImportIntervalHours: configuration.schedule.fullImportIntervalHours,
      staging: configuration.standby, // the public name is Microsoft's "staging mode"; the code says standby
      leaseStaleAfterHours: configuration.activeLease.staleAfterHours,
      /** Every forest's name, the first one first (forest list has the details). */
      forests: [...(ad?.forestName ? [ad.forestName] : []), ...configuration.forests.map((forest) => forest.name)],
      cloudDrift: configuration.cloudDrift,
      notifySmtp: smtp ? `${smtp.host.includes(':') ? `[${smtp.host}]` : smtp.host}:${smtp.port}${SMTP_TLS_SHOWN[smtp.tls]}` : null,
      notifySmtpTls: smtp?.tls ?? null,
      notifyFrom: smtp?.from ?? null,
      notifyTo: smtp?.to ?? [],
      notifySmtpAccountStored: storedSecrets.smtpAccount,
      notifyWebhook: webhookUrl,
      /** Whether the webhook's requests are signed (a secret is stored): never the secret. */
      notifyWebhookSecretStored: storedSecrets.webhookSecret,
      notifyOn: smtp || webhookUrl ? on : [],
    },
  };
}
