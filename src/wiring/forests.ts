// An installation with forests besides the first (forest add): each read with its own account over its own scope,
// all of them behind one DirectorySource (connectors/ad/multi-forest-source.ts). An installation with one forest keeps
// reading it with the single-forest source, exactly as before forests existed.
import { ActiveDirectorySource } from '../connectors/ad/active-directory-source.ts';
import type { DirectoryConnectionOptions } from '../connectors/ad/connection.ts';
import { MultiForestSource } from '../connectors/ad/multi-forest-source.ts';
import type { Reporter } from '../core/reporter.ts';
import type { Configuration, ForestConfiguration } from '../install/configuration.ts';
import type { StoredSecrets } from '../install/secret-vault.ts';
import { configurationRequired } from './configuration-required.ts';
import { adSettings, readByTheEngine, scopeOptions } from './connections.ts';

/** The first forest's name (configure records it; forest add makes sure it is). */
export function firstForestName(configuration: Configuration, installationPath: string): string {
  const name = configuration.activeDirectory?.forestName;
  if (!name) throw configurationRequired(installationPath, "the first forest's name is not recorded (it was configured by an earlier version)");
  return name;
}

/**
 * Every forest of the installation but `withdrawn` (forests being removed: read no more, their objects deleted as out
 * of scope), behind one source.
 */
export function openForests(
  configuration: Configuration,
  secrets: StoredSecrets,
  options: { reporter: Reporter; installationPath: string; withdrawn: readonly string[]; alsoRead?: readonly string[] },
): MultiForestSource {
  const attributes = readByTheEngine(configuration, options.alsoRead);
  const path = options.installationPath;
  if (!configuration.activeDirectory) throw configurationRequired(path, 'Active Directory is not configured');
  const forests = [
    { name: firstForestName(configuration, path), connection: adSettings(configuration.activeDirectory, secrets, path), scope: configuration.scope },
    ...configuration.forests
      .filter((forest) => !options.withdrawn.includes(forest.name))
      .map((forest) => ({ name: forest.name, connection: forestSettings(forest, secrets, path), scope: forest.scope })),
  ];
  return new MultiForestSource(
    forests.map((forest) => ({
      name: forest.name,
      open: (foreignPrincipals) =>
        new ActiveDirectorySource({
          ...forest.connection,
          scope: scopeOptions(forest.scope),
          output: options.reporter,
          foreignPrincipals,
          attributes,
        }),
    })),
    { withdrawn: options.withdrawn, output: options.reporter },
  );
}

/** How to reach a forest besides the first as its stored reading account. */
export function forestSettings(forest: ForestConfiguration, secrets: StoredSecrets, installationPath: string): DirectoryConnectionOptions {
  const password = secrets.forestPasswords?.[forest.name];
  if (!password) throw configurationRequired(installationPath, `no Active Directory password is stored for the forest ${forest.name}`);
  return adSettings(forest.activeDirectory, { adPassword: password }, installationPath);
}

/** Tombstones only when every forest's account sees them; otherwise each delta lists the scope (of every forest) to find deletions. */
export function deltaDeletionsOf(configuration: Configuration): 'tombstones' | 'listing' {
  const forests = [configuration.activeDirectory, ...configuration.forests.map((forest) => forest.activeDirectory)];
  return forests.every((ad) => ad?.deletionVisibility?.visible) ? 'tombstones' : 'listing';
}
