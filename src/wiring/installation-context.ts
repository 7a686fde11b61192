// What a use case needs of an installation, opened in one place and closed again whatever happens: its configuration
// (refused until configured, saying why), the run lock, the state store, the AD source and the Entra connection —
// each only when asked for. The Entra connection's Graph guard follows the run mode: a preview's or a standby's
// session refuses every write, whatever the sink; a run that writes holds the tenant's lease first (tenant-lease.ts).
import { DirSyncError } from '../core/errors.ts';
import type { Reporter } from '../core/reporter.ts';
import type { ObjectDirectory } from '../connectors/ad/object-directory.ts';
import type { RunParts } from '../engine/run-mode.ts';
import type { Configuration } from '../install/configuration.ts';
import { Installation } from '../install/installation.ts';
import { acquireRunLock } from '../install/run-lock.ts';
import type { StoredSecrets } from '../install/secret-vault.ts';
import type { DirSyncStore } from '../store/store.ts';
import { configurationRequired } from './configuration-required.ts';
import { connectCloud, openDirectorySource, type CloudConnection } from './connections.ts';
import { openForests } from './forests.ts';
import { openInstalledStore } from './installed-store.ts';
import { holdTenantLease } from './tenant-lease.ts';

export interface InstallationNeeds {
  /** Hold the installation's run lock (anything that writes the store or the cloud). */
  lock?: boolean;
  store?: boolean;
  /** Read AD with the stored account(s); `withdrawnForests`: forests being removed, read no more (forest remove). */
  directory?: boolean | { withdrawnForests: readonly string[] };
  /** AD attributes to read besides the attribute mapping's (a use case's own rules'). */
  alsoRead?: readonly string[];
  /** The configuration as this use case should see it (a candidate attribute mapping to preview), never stored. */
  amend?: (configuration: Configuration) => Configuration;
  /** Connect to the tenant; the session writes only if the run mode does. */
  cloud?: RunParts;
}

export interface BaseContext {
  installation: Installation;
  configuration: Configuration;
  secrets: StoredSecrets;
}

export type InstallationContext<Needs extends InstallationNeeds> = BaseContext &
  (Needs['store'] extends true ? { store: DirSyncStore } : unknown) &
  (Needs['directory'] extends true | { withdrawnForests: readonly string[] } ? { source: ObjectDirectory } : unknown) &
  (Needs['cloud'] extends RunParts ? { cloud: CloudConnection } : unknown);

/**
 * Opens what `needs` names for a configured installation, runs `work` with it, and closes everything again
 * (connections, store, lock, in that order).
 */
export async function withInstallation<Needs extends InstallationNeeds, T>(
  path: string,
  needs: Needs,
  reporter: Reporter,
  work: (context: InstallationContext<Needs>) => Promise<T>,
): Promise<T> {
  const installation = new Installation(path);
  const manifest = await installation.readManifest();
  if (manifest.configurationRequired) {
    throw configurationRequired(
      installation.path,
      manifest.upgradedAt
        ? 'the installation was upgraded and its configuration must be entered again'
        : 'the installation has not been configured yet',
    );
  }
  const stored = await installation.readConfiguration();
  const configuration = needs.amend ? needs.amend(stored) : stored;
  const closers: (() => Promise<void> | void)[] = [];
  try {
    if (needs.lock) {
      const lock = await acquireLock(installation.path);
      closers.push(() => lock.release());
    }
    const secrets = await installation.vault.read();
    const base: BaseContext = { installation, configuration, secrets };
    const context: Record<string, unknown> = { ...base };
    if (needs.store) {
      const store = await openInstalledStore(installation);
      closers.push(() => store.close());
      context.store = store;
    }
    return await withConnections(base, needs, reporter, (connected) => work({ ...context, ...connected } as InstallationContext<Needs>));
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

/**
 * Connects what `needs` names (the tenant, AD) for an installation already opened, runs `work`, and closes the
 * connections again. A cycle opens the installation first and connects in a second step, so that a cycle that cannot
 * connect is still recorded in the store (src/wiring/cycle.ts).
 */
export async function withConnections<Needs extends Pick<InstallationNeeds, 'directory' | 'alsoRead' | 'cloud'>, T>(
  context: BaseContext,
  needs: Needs,
  reporter: Reporter,
  work: (connected: Omit<InstallationContext<Needs>, keyof BaseContext>) => Promise<T>,
): Promise<T> {
  const { installation, configuration, secrets } = context;
  const closers: (() => Promise<void> | void)[] = [];
  const connected: Record<string, unknown> = {};
  try {
    // The cloud first: a wrong secret fails fast, before AD is read at all.
    if (needs.cloud) {
      const cloud = await connectCloud(configuration, secrets, {
        writesCloud: needs.cloud.writesCloud,
        reporter,
        installationPath: installation.path,
      });
      closers.push(() => cloud.close());
      connected.cloud = cloud;
      // Before anything is read: a run that writes holds the tenant's lease, or refuses here.
      if (needs.cloud.lease) {
        const lease = { installationId: await installation.installationId(), path: installation.path, ...configuration.activeLease };
        await holdTenantLease(cloud.lease, needs.cloud.lease, lease, reporter);
      }
    }
    if (needs.directory) {
      const withdrawn = typeof needs.directory === 'object' ? needs.directory.withdrawnForests : [];
      const reading = { reporter, installationPath: installation.path, ...(needs.alsoRead ? { alsoRead: needs.alsoRead } : {}) };
      const source =
        configuration.forests.length > 0 || withdrawn.length > 0
          ? openForests(configuration, secrets, { ...reading, withdrawn })
          : openDirectorySource(configuration, secrets, reading);
      closers.push(() => source.close());
      connected.source = source;
    }
    try {
      return await work(connected as Omit<InstallationContext<Needs>, keyof BaseContext>);
    } catch (error) {
      throw serviceAccountProblem(error, configuration) ?? error;
    }
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

/** The installation's run lock; a cycle already running is Sync.already-running, naming its process. */
export function acquireLock(installationPath: string): Promise<{ release(): Promise<void> }> {
  return acquireRunLock(installationPath);
}

/**
 * The AAD_ service account cannot sign in any more: moved out of the domain, deleted, disabled, or its password
 * changed by someone else. Say so by name, and what to do; the original warned that this breaks synchronization.
 */
function serviceAccountProblem(error: unknown, configuration: Configuration): DirSyncError | undefined {
  const account = configuration.activeDirectory?.serviceAccount;
  if (!account || !(error instanceof DirSyncError) || !error.code.startsWith('ActiveDirectory.') || error.category !== 'AuthenticationError')
    return undefined;
  return new DirSyncError(
    'ServiceAccount.cannot-sign-in',
    `the DirSync service account ${account.samAccountName} (${account.dn} when configured) cannot sign in to Active Directory: ${error.message} It may have been removed, disabled, moved to another domain, or had its password changed.`,
    { target: account.samAccountName, cause: error },
  );
}
