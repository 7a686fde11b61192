// The one place that turns a stored configuration and its secrets into connection settings: the AD side (read with
// the service account over the configured scope) and the Entra side (sign-in, Graph session, cloud reads, exporter).
// Every use case connects through here, so a new option is added once.
import { readFile } from 'node:fs/promises';
import { ActiveDirectorySource } from '../connectors/ad/active-directory-source.ts';
import type { DirectoryConnectionOptions } from '../connectors/ad/connection.ts';
import type { ScopeOptions } from '../connectors/ad/scope.ts';
import { ApplicationLease } from '../connectors/entra/application-lease.ts';
import { CloudDirectory } from '../connectors/entra/cloud-directory.ts';
import { CloudObjectReads } from '../connectors/entra/cloud-object-reads.ts';
import { connectToEntra, type EntraConnection, type EntraConnectionSettings } from '../connectors/entra/connection.ts';
import { Exporter } from '../connectors/entra/exporter.ts';
import type { GraphCounters } from '../connectors/entra/graph-counters.ts';
import type { AppCredential } from '../connectors/entra/sign-in.ts';
import { DirSyncError } from '../core/errors.ts';
import type { Reporter } from '../core/reporter.ts';
import type { CloudTarget, OperationSink } from '../engine/ports.ts';
import type { ActiveDirectoryConfiguration, CloudConfiguration, Configuration } from '../install/configuration.ts';
import type { StoredSecrets } from '../install/secret-vault.ts';
import { sourceAttributes } from '../engine/mapping.ts';
import { attributeMappingOf } from './attribute-mapping.ts';
import { configurationRequired } from './configuration-required.ts';

/** The Entra side of a run: cloud reads, the exporter, and the session's counters (the service's metrics read them live). */
export interface CloudConnection {
  target: CloudDirectory & CloudTarget;
  exporter: Exporter & OperationSink;
  /** One object's reads (explain). */
  reads: CloudObjectReads;
  graphCounters: GraphCounters;
  /** The tenant's record of its active installation (tenant-lease.ts). */
  lease: ApplicationLease;
  close(): void;
}

/** How to reach AD as the stored reading account (the service account, or the account configured without one). */
export function adSettings(ad: ActiveDirectoryConfiguration, secrets: StoredSecrets, installationPath: string): DirectoryConnectionOptions {
  if (!secrets.adPassword) throw configurationRequired(installationPath, 'no Active Directory password is stored');
  return {
    url: ad.url,
    bindDn: ad.bindUser,
    password: secrets.adPassword,
    ...(ad.caFile ? { caFile: ad.caFile } : {}),
    allowPlainLdap: ad.allowPlainLdap,
  };
}

export function scopeOptions(scope: Configuration['scope']): ScopeOptions {
  return { includeOus: scope.includeOus, excludeOus: scope.excludeOus, ...(scope.attributeFilter ? { attributeFilter: scope.attributeFilter } : {}) };
}

/**
 * The AD side: read with the stored account over the configured scope, asking for what the attribute mapping and
 * DirSync's rules read (and `alsoRead`: a use case's own needs, e.g. the readiness rules').
 */
export function openDirectorySource(
  configuration: Configuration,
  secrets: StoredSecrets,
  options: { reporter: Reporter; installationPath: string; alsoRead?: readonly string[] },
): ActiveDirectorySource {
  const ad = configuration.activeDirectory;
  if (!ad) throw configurationRequired(options.installationPath, 'Active Directory is not configured');
  return new ActiveDirectorySource({
    ...adSettings(ad, secrets, options.installationPath),
    scope: scopeOptions(configuration.scope),
    output: options.reporter,
    attributes: readByTheEngine(configuration, options.alsoRead),
  });
}

/** The AD attributes an import asks for besides the connector's own: the attribute mapping's, and a use case's own. */
export function readByTheEngine(configuration: Configuration, alsoRead: readonly string[] = []): string[] {
  return [...sourceAttributes(attributeMappingOf(configuration)), ...alsoRead];
}

/**
 * How to sign in to the tenant. `writesCloud` false puts the session behind its preview guard: no write leaves the
 * process, whatever the caller does.
 */
export async function entraSettings(
  cloud: Omit<CloudConfiguration, 'sourceAnchorProperty'>,
  clientSecret: string | undefined,
  options: { writesCloud: boolean; writeBudget?: Configuration['writeBudget'] },
): Promise<EntraConnectionSettings> {
  return {
    tenantId: cloud.tenantId,
    clientId: cloud.clientId,
    credential: cloudCredential(cloud, clientSecret),
    cloud: { authorityHost: cloud.authorityHost, graphEndpoint: cloud.graphEndpoint },
    ...(cloud.caFile ? { caPem: await readFile(cloud.caFile, 'utf8') } : {}),
    preview: !options.writesCloud,
    ...(options.writeBudget ? { writeBudget: options.writeBudget } : {}),
  };
}

/** Signs in to the configured tenant (`writesCloud` false: every write is refused). */
export async function signInToTenant(
  configuration: Configuration,
  secrets: StoredSecrets,
  options: { writesCloud: boolean; installationPath: string },
): Promise<EntraConnection> {
  const cloud = configuration.cloud;
  if (!cloud) throw configurationRequired(options.installationPath, 'the cloud tenant is not configured');
  return connectToEntra(
    await entraSettings(cloud, secrets.clientSecret, { writesCloud: options.writesCloud, writeBudget: configuration.writeBudget }),
  );
}

/** The Entra side of a run: sign-in, cloud reads and the exporter. */
export async function connectCloud(
  configuration: Configuration,
  secrets: StoredSecrets,
  options: { writesCloud: boolean; reporter: Reporter; installationPath: string },
): Promise<CloudConnection> {
  const entra = await signInToTenant(configuration, secrets, options);
  try {
    const target = new CloudDirectory(entra.session, configuration.cloud!.clientId, {
      mayRegisterExtension: options.writesCloud,
      onWarning: (message) => options.reporter.warning(message),
    });
    const sourceAnchorProperty = await target.ensureSourceAnchorExtension();
    return {
      target,
      exporter: new Exporter(entra.session, { sourceAnchorProperty }),
      reads: new CloudObjectReads(entra.session, sourceAnchorProperty),
      graphCounters: entra.session.counters,
      lease: new ApplicationLease(entra.session, configuration.cloud!.clientId),
      close: () => entra.close(),
    };
  } catch (error) {
    entra.close();
    throw error;
  }
}

function cloudCredential(cloud: Pick<CloudConfiguration, 'certificateFile' | 'clientId'>, clientSecret: string | undefined): AppCredential {
  if (cloud.certificateFile) return { kind: 'certificate', pemFile: cloud.certificateFile };
  if (clientSecret) return { kind: 'client-secret', secret: clientSecret };
  throw new DirSyncError('CloudSignIn.credential-missing', `no credential is stored for application ${cloud.clientId}`, { target: cloud.clientId });
}
