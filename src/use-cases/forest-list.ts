// forest list (Get-CoexistenceForest): the installation's forests — the first, configured by configure, and those
// forest add brought in — with the account each is read with and its scope. Never a secret: only whether one is stored.
import * as z from 'zod';
import type { ActiveDirectoryConfiguration, Configuration } from '../install/configuration.ts';
import { Installation } from '../install/installation.ts';
import type { StoredSecrets } from '../install/secret-vault.ts';
import { ExitCode } from './exit-codes.ts';
import type { CommandOutput, CommandResult } from './output.ts';

export const forestListParameters = z.object({ path: z.string().min(1), name: z.string().min(1).optional() });
export type ForestListParameters = z.infer<typeof forestListParameters>;

export async function listForests(parameters: ForestListParameters, output: CommandOutput): Promise<number> {
  const installation = new Installation(parameters.path);
  const configuration = await installation.readConfiguration();
  const secrets = await installation.vault.read();
  const forests = forestResults(configuration, secrets).filter(
    (forest) => parameters.name === undefined || forest.properties.name === parameters.name,
  );
  if (forests.length === 0) output.warning(parameters.name ? `No forest named ${parameters.name} is configured.` : 'No forest is configured yet.');
  for (const forest of forests) output.result(forest);
  return ExitCode.success;
}

/** Each forest as DirSync.Forest: the first one first. */
export function forestResults(configuration: Configuration, secrets: StoredSecrets): CommandResult[] {
  const first = configuration.activeDirectory;
  return [
    ...(first
      ? [forestResult(first.forestName ?? '(not recorded: run configure again)', true, first, configuration.scope, Boolean(secrets.adPassword))]
      : []),
    ...configuration.forests.map((forest) =>
      forestResult(forest.name, false, forest.activeDirectory, forest.scope, Boolean(secrets.forestPasswords?.[forest.name])),
    ),
  ];
}

export function forestResult(
  name: string,
  first: boolean,
  ad: ActiveDirectoryConfiguration,
  scope: Configuration['scope'],
  passwordStored: boolean,
): CommandResult {
  return {
    typeName: 'DirSync.Forest',
    properties: {
      name,
      first,
      adServer: ad.url,
      adAccount: ad.bindUser,
      serviceAccount: ad.serviceAccount?.samAccountName ?? null,
      adPasswordStored: passwordStored,
      includeOus: scope.includeOus,
      excludeOus: scope.excludeOus,
      attributeFilter: scope.attributeFilter,
      deletionsVisibleToDelta: ad.deletionVisibility ? ad.deletionVisibility.visible : null,
    },
  };
}
