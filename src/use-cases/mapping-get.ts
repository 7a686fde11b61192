// mapping get (Get-CoexistenceAttributeMapping): the effective attribute mapping, defaults included — one entry per
// target with its expression, when it applies and where it comes from; a default target a custom mapping stopped
// managing is listed without an expression.
import * as z from 'zod';
import type { CustomMapping } from '../engine/mapping/attribute-mapping.ts';
import { DEFAULT_MAPPING } from '../engine/mapping/default-mapping.ts';
import type { ObjectType } from '../engine/mapping/targets.ts';
import { Installation } from '../install/installation.ts';
import { compileMapping } from '../wiring/attribute-mapping.ts';
import { ExitCode } from './exit-codes.ts';
import type { CommandOutput, CommandResult } from './output.ts';

export const mappingGetParameters = z.object({ path: z.string().min(1) });
export type MappingGetParameters = z.infer<typeof mappingGetParameters>;

export async function getMapping(parameters: MappingGetParameters, output: CommandOutput): Promise<number> {
  const installation = new Installation(parameters.path);
  await installation.readManifest();
  output.result(mappingResult((await installation.readConfiguration()).attributeMapping));
  return ExitCode.success;
}

/** The effective mapping as a result: `entries`, one per target (DirSync.AttributeMappingEntry in the module). */
export function mappingResult(custom: CustomMapping | null): CommandResult {
  const mapping = compileMapping(custom);
  const entries = (['user', 'group'] as const).flatMap((objectType: ObjectType) => [
    ...mapping[objectType].map((entry) => ({
      objectType,
      target: entry.target,
      expression: entry.expression.text,
      apply: entry.apply,
      dataType: entry.dataType ?? null,
      origin: entry.origin,
    })),
    ...DEFAULT_MAPPING[objectType]
      .filter(([target]) => custom?.[objectType]?.[target] === null)
      .map(([target]) => ({ objectType, target, expression: null, apply: 'never', dataType: null, origin: 'custom' })),
  ]);
  return { typeName: 'DirSync.AttributeMapping', properties: { customized: custom !== null, fingerprint: mapping.fingerprint, entries } };
}
