// mapping test (Test-CoexistenceAttributeMapping): the effective attribute mapping evaluated on one real AD object, read
// as a cycle reads it (the reading account, the scope, the mapping's attributes): each target's value as it would be
// sent to Graph, or why the object fails on it. Registers and writes nothing in the tenant (its session is a preview's).
import * as z from 'zod';
import type { ObjectDirectory } from '../connectors/ad/object-directory.ts';
import { DirSyncError } from '../core/errors.ts';
import { evaluateTargets, notExportableReason, sourceAttributes } from '../engine/mapping.ts';
import { directoryExtensions } from '../engine/mapping/attribute-mapping.ts';
import type { SourceObject } from '../engine/model.ts';
import { resolveRunMode } from '../engine/run-mode.ts';
import { attributeMappingOf } from '../wiring/attribute-mapping.ts';
import { withInstallation } from '../wiring/installation-context.ts';
import { ExitCode } from './exit-codes.ts';
import type { CommandOutput } from './output.ts';

export const mappingTestParameters = z.object({ path: z.string().min(1), dn: z.string().min(1) });
export type MappingTestParameters = z.infer<typeof mappingTestParameters>;

export async function testMapping(parameters: MappingTestParameters, output: CommandOutput): Promise<number> {
  const needs = { directory: true, cloud: resolveRunMode({ kind: 'preview' }) } as const;
  return withInstallation(parameters.path, needs, output, async ({ configuration, source, cloud }) => {
    const mapping = attributeMappingOf(configuration);
    const object = await readObject(source, parameters.dn);
    output.verbose(`Read ${object.dn} with ${sourceAttributes(mapping).length} attribute(s) the mapping and DirSync's rules ask for.`);
    const tenant = await cloud.target.tenant(directoryExtensions(mapping));
    const notExportable = notExportableReason(object);
    const targets =
      object.kind === 'contact'
        ? []
        : evaluateTargets(object, tenant, mapping).map((outcome) => ({
            target: outcome.target,
            value: outcome.failure ? null : outcome.value,
            expression: outcome.expression,
            apply: outcome.apply,
            ...(outcome.failure ? { error: { code: outcome.failure.code, message: outcome.failure.message } } : {}),
          }));
    output.result({
      typeName: 'DirSync.AttributeMappingTest',
      properties: { dn: object.dn, objectType: object.kind, ...(notExportable ? { notExportable } : {}), targets },
    });
    return ExitCode.success;
  });
}

/** The object at `dn` as a cycle would import it; Mapping.object-not-synchronized when it is not one DirSync synchronizes. */
async function readObject(source: ObjectDirectory, dn: string): Promise<SourceObject> {
  const found = await source.findObject({ dn });
  if (found.found) {
    for await (const change of source.readObjects([found.anchor])) if (change.op === 'upsert') return change.object;
  }
  throw new DirSyncError('Mapping.object-not-synchronized', `${dn} is not an object DirSync synchronizes (not found, out of scope, or excluded)`, {
    target: dn,
  });
}
