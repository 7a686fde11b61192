// forest add (Add-CoexistenceForest): brings a further forest into the installation, synchronised into the same
// tenant. It does for that forest what configure does for the first (configure-checks.ts, the same checks): signs
// in as that forest's administrator, checks the scope's OUs, creates or re-keys its own AAD_ account with
// Replicating Directory Changes only, and probes whether that account sees deletions. Adding a forest already
// configured re-enters its credential and scope. A forest's name is its DNS root.
import * as z from 'zod';
import { readForestNameAs } from '../connectors/ad/root-dse.ts';
import { DirSyncError } from '../core/errors.ts';
import type { Configuration } from '../install/configuration.ts';
import { Installation } from '../install/installation.ts';
import { configurationRequired } from '../wiring/configuration-required.ts';
import { adSettings } from '../wiring/connections.ts';
import { checkActiveDirectory, type ConfigurationCheck } from './configure-checks.ts';
import { invalidParameter } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import { forestResult } from './forest-list.ts';
import type { CommandOutput } from './output.ts';
import type { SuppliedSecrets } from './secrets.ts';

export const forestAddParameters = z.object({
  path: z.string().min(1),
  adUrl: z.string().min(1),
  adUser: z.string().min(1),
  adCaFile: z.string().min(1).optional(),
  allowPlainLdap: z.boolean().optional(),
  noServiceAccount: z.boolean().optional(),
  includeOu: z.array(z.string().min(1)).optional(),
  excludeOu: z.array(z.string().min(1)).optional(),
  attributeFilter: z.string().min(1).optional(),
});
export type ForestAddParameters = z.infer<typeof forestAddParameters>;

export async function addForest(parameters: ForestAddParameters, secrets: SuppliedSecrets, output: CommandOutput): Promise<number> {
  const installation = new Installation(parameters.path);
  const manifest = await installation.readManifest();
  const configuration = await installation.readConfiguration();
  if (manifest.configurationRequired || !configuration.activeDirectory)
    throw configurationRequired(installation.path, 'the first forest is not configured yet (forest add brings in the others)');
  if (!secrets.adPassword)
    throw invalidParameter(
      "forest add needs the forest's administrator password: it creates or re-keys that forest's service account with it, and does not store it",
      (say) => `give ${say.adCredential}`,
    );
  const stored = await installation.vault.read();
  const url = /^ldaps?:\/\//i.test(parameters.adUrl) ? parameters.adUrl : `ldaps://${parameters.adUrl}`;
  const caFile = parameters.adCaFile ?? null;
  const allowPlainLdap = parameters.allowPlainLdap ?? false;
  const admin = { url, bindDn: parameters.adUser, password: secrets.adPassword, allowPlainLdap, ...(caFile ? { caFile } : {}) };
  const name = await readForestNameAs(admin);
  const firstName =
    configuration.activeDirectory.forestName ?? (await readForestNameAs(adSettings(configuration.activeDirectory, stored, installation.path)));
  if (name === firstName)
    throw new DirSyncError('Forest.is-the-first', `${url} is in ${name}, the installation's first forest: forest add brings in others`, {
      target: name,
    });
  const existing = configuration.forests.find((forest) => forest.name === name);
  const scope = {
    includeOus: parameters.includeOu ?? existing?.scope.includeOus ?? [],
    excludeOus: parameters.excludeOu ?? existing?.scope.excludeOus ?? [],
    attributeFilter: parameters.attributeFilter ?? existing?.scope.attributeFilter ?? null,
  };

  const checks: ConfigurationCheck[] = [];
  const directory = await checkActiveDirectory(
    {
      url,
      adminUser: parameters.adUser,
      adminPassword: secrets.adPassword,
      caFile,
      allowPlainLdap,
      useServiceAccount: !parameters.noServiceAccount,
      existingServiceAccount: existing?.activeDirectory.serviceAccount ?? null,
      hybridDeployment: configuration.features.hybridDeployment,
      scope,
    },
    (check) => {
      checks.push(check);
      output.verbose(`Check ${check.passed ? 'passed' : 'FAILED'}: ${check.name}${check.detail ? ` — ${check.detail}` : ''}`);
    },
    output,
  );

  const forest = { name, activeDirectory: directory.configuration, scope };
  const updated: Configuration = {
    ...configuration,
    activeDirectory: { ...configuration.activeDirectory, forestName: firstName },
    forests: [...configuration.forests.filter((other) => other.name !== name), forest],
  };
  await installation.vault.write({ ...stored, forestPasswords: { ...stored.forestPasswords, [name]: directory.password } });
  await installation.writeConfiguration(updated);
  if (!existing) output.verbose(`${name} is added: the next cycle reads it in full (the other forests as usual).`);
  const result = forestResult(name, false, forest.activeDirectory, scope, true);
  output.result({ ...result, properties: { ...result.properties, checks: checks.map((check) => ({ ...check })) } });
  return ExitCode.success;
}
