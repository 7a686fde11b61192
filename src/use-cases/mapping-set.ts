// mapping set (Set-CoexistenceAttributeMapping): checks an attribute mapping file — its format, every target, every
// expression (syntax, functions, arguments) and every AD attribute it reads, against the schema as the reading account
// sees it — and stores it; the next cycle then evaluates every object in scope again. Writes nothing to the tenant.
// With --preview it stores nothing: a preview cycle runs with the candidate mapping and returns its plan, every object
// whose cloud values would change and how (-WhatIf in the module).
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { openDirectoryConnection } from '../connectors/ad/connection.ts';
import { readableAttributes } from '../connectors/ad/directory-checks.ts';
import { DirSyncError } from '../core/errors.ts';
import { describeIssues } from '../core/validation.ts';
import { customMappingSchema, type AttributeMapping, type CustomMapping, type MappingEntry } from '../engine/mapping/attribute-mapping.ts';
import type { ObjectType } from '../engine/mapping/targets.ts';
import type { Configuration } from '../install/configuration.ts';
import { Installation } from '../install/installation.ts';
import { compileMapping } from '../wiring/attribute-mapping.ts';
import { configurationRequired } from '../wiring/configuration-required.ts';
import { adSettings } from '../wiring/connections.ts';
import { runInstallationCycle } from '../wiring/cycle.ts';
import { ExitCode, exitCodeOfRun } from './exit-codes.ts';
import { mappingResult } from './mapping-get.ts';
import type { CommandOutput } from './output.ts';
import { syncRunResult } from './run-result.ts';

export const mappingSetParameters = z.object({
  path: z.string().min(1),
  file: z.string().min(1),
  /** Store nothing: preview a cycle with this mapping (its impact). */
  preview: z.boolean().default(false),
});
export type MappingSetParameters = z.infer<typeof mappingSetParameters>;

export async function setMapping(parameters: MappingSetParameters, output: CommandOutput, signal?: AbortSignal): Promise<number> {
  const installation = new Installation(parameters.path);
  await installation.readManifest();
  const configuration = await installation.readConfiguration();
  const custom = await readMappingFile(parameters.file);
  const mapping = compileMapping(custom);
  await ensureAttributesInSchema(installation, configuration, mapping);
  if (parameters.preview) {
    const run = await runInstallationCycle(
      installation.path,
      { full: false, preview: true, acceptDeletes: false, mapping: custom },
      output,
      signal ? { signal } : {},
    );
    output.result(syncRunResult(run, run.errors, { plan: run.plan, withheld: run.withheld, upnClashes: run.upnClashes }));
    return exitCodeOfRun(run.status);
  }
  await installation.writeConfiguration({ ...configuration, attributeMapping: custom });
  output.verbose(`The attribute mapping is stored (${mapping.fingerprint}): the next cycle evaluates every object in scope again.`);
  output.result(mappingResult(custom));
  return ExitCode.success;
}

function customEntries(mapping: AttributeMapping): { objectType: ObjectType; entry: MappingEntry }[] {
  return (['user', 'group'] as const).flatMap((objectType) =>
    mapping[objectType].filter((entry) => entry.origin === 'custom').map((entry) => ({ objectType, entry })),
  );
}

/** The custom mapping in a file (null when it names no target), or Mapping.invalid-file saying what is wrong with it. */
async function readMappingFile(file: string): Promise<CustomMapping | null> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new DirSyncError('Mapping.invalid-file', `${file} cannot be read as JSON: ${(error as Error).message}`, { target: file, cause: error });
  }
  const parsed = customMappingSchema.safeParse(json);
  if (!parsed.success)
    throw new DirSyncError('Mapping.invalid-file', `${file} is not an attribute mapping: ${describeIssues(parsed.error.issues, '(file)')}`, {
      target: file,
    });
  // A mapping that names no target is the default one: `{}` goes back to it.
  const targets = Object.keys(parsed.data.user ?? {}).length + Object.keys(parsed.data.group ?? {}).length;
  return targets === 0 ? null : parsed.data;
}

/**
 * Every attribute a custom expression reads exists in the AD schema and can be read as text, as the reading account
 * sees it. The default expressions are not held to it: where the schema lacks an attribute they read (the Exchange
 * schema's extensionAttributeN), the target is simply empty, as it always was.
 */
async function ensureAttributesInSchema(installation: Installation, configuration: Configuration, mapping: AttributeMapping): Promise<void> {
  const ad = configuration.activeDirectory;
  if (!ad) throw configurationRequired(installation.path, 'Active Directory is not configured');
  const client = await openDirectoryConnection(adSettings(ad, await installation.vault.read(), installation.path));
  let readable: Map<string, string | undefined>;
  try {
    readable = await readableAttributes(client, [...new Set(customEntries(mapping).flatMap(({ entry }) => entry.expression.attributes))]);
  } finally {
    await client.unbind();
  }
  const problems = customEntries(mapping).flatMap(({ objectType, entry }) =>
    entry.expression.attributes
      .filter((attribute) => !readable.has(attribute) || readable.get(attribute) !== undefined)
      .map((attribute) => {
        const reason = readable.has(attribute) ? readable.get(attribute) : 'the Active Directory schema has no such attribute';
        return `${objectType}.${entry.target}: [${attribute}]: ${reason}`;
      }),
  );
  if (problems.length > 0)
    throw new DirSyncError('Mapping.unknown-attribute', `the attribute mapping reads what Active Directory cannot give: ${problems.join('; ')}`, {
      target: problems[0]!.split(':')[0],
    });
}
