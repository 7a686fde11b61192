// Rules shared by every write: which properties a client may set (declared, writable, or a
// registered directory extension), their value types, and the caller-side protections of Entra ID.

import { graphErrors } from '../errors.ts';
import type { Directory, DirectoryObject, ExtensionPropertyDefinition } from '../directory.ts';
import { canonicalProperty, extensionPropertyPattern, type ResourceSchema } from '../schema.ts';
import type { CollectionContext } from '../odata/query.ts';
import type { GraphRequest } from './types.ts';

const maxExtensionStringLength = 256;

export function requestBody(request: GraphRequest): Record<string, unknown> {
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw graphErrors.invalidJson();
  return body as Record<string, unknown>;
}

/** Extension properties of the tenant that target a resource ('User', 'Group'). */
export function extensionsFor(directory: Directory, target: string): ExtensionPropertyDefinition[] {
  return directory.extensionProperties().filter((extension) => extension.targetObjects.includes(target));
}

export function collectionContext(directory: Directory, schema: ResourceSchema, contextPath: string): CollectionContext {
  return { schema, contextPath, extensionNames: extensionsFor(directory, schema.resourceName).map((extension) => extension.name) };
}

/**
 * Splits a write body into canonical property → value, rejecting read-only and unknown properties
 * the way Graph does. Annotations (`…@odata.bind`) are left to the caller, listed in `annotations`.
 */
export function writableProperties(
  body: Record<string, unknown>,
  schema: ResourceSchema,
  directory: Directory,
): { values: Record<string, unknown>; annotations: Record<string, unknown> } {
  const values: Record<string, unknown> = {};
  const annotations: Record<string, unknown> = {};
  const extensions = extensionsFor(directory, schema.resourceName);
  for (const [name, value] of Object.entries(body)) {
    if (name.includes('@')) {
      annotations[name] = value;
      continue;
    }
    if (extensionPropertyPattern.test(name)) {
      const extension = extensions.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
      if (!extension) throw graphErrors.unknownProperty(name);
      values[extension.name] = checkedExtensionValue(extension, value);
      continue;
    }
    const property = canonicalProperty(schema, name);
    if (!property) throw graphErrors.unknownProperty(name);
    if (!schema.writable.includes(property)) throw graphErrors.readOnlyProperty(property);
    values[property] = value;
  }
  return { values, annotations };
}

function checkedExtensionValue(extension: ExtensionPropertyDefinition, value: unknown): unknown {
  if (value === null) return null;
  const valid = (() => {
    switch (extension.dataType) {
      case 'String':
        return typeof value === 'string' && value.length <= maxExtensionStringLength;
      case 'Boolean':
        return typeof value === 'boolean';
      case 'Integer':
      case 'LargeInteger':
        return Number.isInteger(value);
      case 'DateTime':
        return typeof value === 'string' && !Number.isNaN(Date.parse(value));
      default:
        return typeof value === 'string';
    }
  })();
  if (!valid) throw graphErrors.invalidValue(extension.name, 'extensionProperty');
  return value;
}

export function requireProperties(values: Record<string, unknown>, required: readonly string[], schema: ResourceSchema): void {
  for (const property of required) {
    if (values[property] === undefined || values[property] === null || values[property] === '')
      throw graphErrors.requiredProperty(property, schema.resourceName);
  }
}

/** Objects another sync tool masters cannot be changed through Graph. */
export function assertCloudManaged(object: DirectoryObject): void {
  if (object.props.onPremisesSyncEnabled === true) throw graphErrors.syncedObjectWrite();
}

export function assertPermission(request: GraphRequest, accepted: readonly string[]): void {
  if (!accepted.some((permission) => request.caller.permissions.has(permission))) throw graphErrors.insufficientPrivileges();
}

/** The id at the end of an `@odata.id` / `@odata.bind` URL (…/directoryObjects/{id}). */
export function referencedId(url: unknown): string {
  if (typeof url !== 'string') throw graphErrors.invalidReference();
  const match =
    /\/(?:directoryObjects|users|groups|contacts)\/([0-9a-f-]{36})\/?$/i.exec(url) ?? /\/directoryObjects\('([0-9a-f-]{36})'\)$/i.exec(url);
  if (!match) throw graphErrors.invalidReference();
  return match[1]!.toLowerCase();
}
