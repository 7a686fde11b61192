// The installation's effective attribute mapping: the default one with the stored custom mapping over it, and the
// mapping's problems as DirSync errors (the first problem's code, every problem in the message).
import { DirSyncError } from '../core/errors.ts';
import { effectiveMapping, MappingInvalidError, type AttributeMapping, type CustomMapping } from '../engine/mapping/attribute-mapping.ts';
import type { Configuration } from '../install/configuration.ts';

export function attributeMappingOf(configuration: Pick<Configuration, 'attributeMapping'>): AttributeMapping {
  return compileMapping(configuration.attributeMapping);
}

/** Compiles a custom mapping (null: the default alone); its problems as one DirSyncError, positions included. */
export function compileMapping(custom: CustomMapping | null): AttributeMapping {
  try {
    return effectiveMapping(custom);
  } catch (error) {
    if (!(error instanceof MappingInvalidError)) throw error;
    const first = error.problems[0]!;
    throw new DirSyncError(first.code, `the attribute mapping is not valid: ${error.message}`, { target: `${first.objectType}.${first.target}` });
  }
}
