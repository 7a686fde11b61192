// Builds the two sides of a cycle from the stored configuration and secrets: the AD source (read with the
// service account) and the Entra side (sign-in, Graph session, cloud reads, exporter).
import { readFile } from 'node:fs/promises';
import { DirSyncError } from '../core/errors.ts';
import type { Reporter } from '../core/reporter.ts';
import { ActiveDirectorySource } from '../connectors/ad/active-directory-source.ts';
import { CloudDirectory } from '../connectors/entra/cloud-directory.ts';
import type { CloudEndpoints } from '../connectors/entra/clouds.ts';
import { connectToEntra } from '../connectors/entra/connection.ts';
import { Exporter } from '../connectors/entra/exporter.ts';
import type { GraphCounters } from '../connectors/entra/graph-counters.ts';
import type { AppCredential } from '../connectors/entra/sign-in.ts';
import type { CloudTarget, DirectorySource, OperationSink } from '../engine/ports.ts';
import type { CloudConfiguration, Configuration } from '../install/configuration.ts';
import type { StoredSecrets } from '../install/secret-vault.ts';
import { configurationRequired } from './errors.ts';

export interface CycleConnection {
  source: DirectorySource;
  target: CloudTarget;
  exporter: OperationSink;
  /** What the Graph session has sent so far (live: the service's metrics read it during a cycle). */
  graphCounters: GraphCounters;
  close(): Promise<void>;
}

export async function connect(
  configuration: Configuration,
  secrets: StoredSecrets,
  options: { preview: boolean; reporter: Reporter; installationPath: string },
): Promise<CycleConnection> {
  // Sign in to the cloud first: it fails fast on a wrong secret, before AD is read at all.
  const cloud = await connectCloud(configuration, secrets, options);
  const source = openDirectorySource(configuration, secrets, options);
  return {
    ...cloud,
    source,
    close: async () => {
      await source.close();
      await cloud.close();
    },
  };
}

/** The AD side alone, read with the service account over the configured scope (what readiness needs). */
export function openDirectorySource(
  configuration: Configuration,
  secrets: StoredSecrets,
  options: { reporter: Reporter; installationPath: string },
): ActiveDirectorySource {
  const ad = configuration.activeDirectory;
  if (!ad || !secrets.adPassword) throw configurationRequired(options.installationPath, 'the installation is not fully configured');
  return new ActiveDirectorySource({
    url: ad.url,
    bindDn: ad.bindUser,
    password: secrets.adPassword,
    ...(ad.caFile ? { caFile: ad.caFile } : {}),
    allowPlainLdap: ad.allowPlainLdap,
    scope: {
      includeOus: configuration.scope.includeOus,
      excludeOus: configuration.scope.excludeOus,
      ...(configuration.scope.attributeFilter ? { attributeFilter: configuration.scope.attributeFilter } : {}),
    },
    output: options.reporter,
  });
}

/** The Entra side alone: sign-in, cloud reads and the exporter (what restore needs). */
export async function connectCloud(
  configuration: Configuration,
  secrets: StoredSecrets,
  options: { preview: boolean; reporter: Reporter; installationPath: string },
): Promise<Omit<CycleConnection, 'source'>> {
  const cloud = configuration.cloud;
  if (!cloud) throw configurationRequired(options.installationPath, 'the installation is not fully configured');
  const entra = await connectToEntra({
    tenantId: cloud.tenantId,
    clientId: cloud.clientId,
    credential: cloudCredential(cloud, secrets.clientSecret),
    cloud: cloudEndpoints(cloud),
    ...(await readCloudCa(cloud)),
    preview: options.preview,
    writeBudget: configuration.writeBudget,
  });
  try {
    const target = new CloudDirectory(entra.session, cloud.clientId, { onWarning: (message) => options.reporter.warning(message) });
    const sourceAnchorProperty = await target.ensureSourceAnchorExtension();
    return {
      target,
      exporter: new Exporter(entra.session, { sourceAnchorProperty }),
      graphCounters: entra.session.counters,
      close: async () => entra.close(),
    };
  } catch (error) {
    entra.close();
    throw error;
  }
}

export function cloudCredential(cloud: Pick<CloudConfiguration, 'certificateFile' | 'clientId'>, clientSecret: string | undefined): AppCredential {
  if (cloud.certificateFile) return { kind: 'certificate', pemFile: cloud.certificateFile };
  if (clientSecret) return { kind: 'client-secret', secret: clientSecret };
  throw new DirSyncError('CloudSignIn.credential-missing', `no credential is stored for application ${cloud.clientId}`, { target: cloud.clientId });
}

export function cloudEndpoints(cloud: Pick<CloudConfiguration, 'authorityHost' | 'graphEndpoint'>): CloudEndpoints {
  return { authorityHost: cloud.authorityHost, graphEndpoint: cloud.graphEndpoint };
}

export async function readCloudCa(cloud: Pick<CloudConfiguration, 'caFile'>): Promise<{ caPem?: string }> {
  return cloud.caFile ? { caPem: await readFile(cloud.caFile, 'utf8') } : {};
}
