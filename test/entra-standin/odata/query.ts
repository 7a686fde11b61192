// OData query options on collections and entities: $select (with the real default property sets),
// $filter, $top (≤ 999), $count with ConsistencyLevel: eventual, and @odata.nextLink paging.

import { graphErrors } from '../errors.ts';
import type { DirectoryObject } from '../directory.ts';
import { canonicalProperty, extensionPropertyPattern, type ResourceSchema } from '../schema.ts';
import type { GraphRequest, GraphResponse } from '../graph/types.ts';
import { advancedFilterProperty, evaluateFilter, filterProperties, largestDisjunction, parseFilter } from './filter.ts';

const defaultPageSize = 100;
const maxPageSize = 999;
/** Child clauses of one OR (an `in` counts its values) outside advanced queries; advanced queries take more. */
const maxOrClauses = 15;

/** What a resource module tells the query layer about the collection it serves. */
export interface CollectionContext {
  schema: ResourceSchema;
  /** Extension property names valid on this resource type. */
  extensionNames: readonly string[];
  /** e.g. `users`, `groups('…')/members`: the part of @odata.context after `#`. */
  contextPath: string;
}

export function isEventual(request: GraphRequest): boolean {
  return request.headers.consistencylevel?.toLowerCase() === 'eventual';
}

/** The properties to return: $select (validated) or the resource's default set. */
export function selectedProperties(request: GraphRequest, context: CollectionContext): string[] | undefined {
  return parseSelect(request.query.get('$select'), context);
}

/** A $select value as canonical property names (with `id`); undefined when empty; 400 for an unknown name. */
export function parseSelect(select: string | null | undefined, context: CollectionContext): string[] | undefined {
  if (!select) return undefined;
  const selected: string[] = [];
  for (const raw of select
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)) {
    if (extensionPropertyPattern.test(raw)) {
      // Graph silently omits extension properties that are not registered.
      const known = context.extensionNames.find((name) => name.toLowerCase() === raw.toLowerCase());
      if (known) selected.push(known);
      continue;
    }
    const property = canonicalProperty(context.schema, raw);
    if (!property) throw graphErrors.unknownQueryProperty(raw, context.schema.type);
    selected.push(property);
  }
  return selected.includes('id') ? selected : ['id', ...selected];
}

/** An object as Graph returns it: the selected properties, unset ones as null (collections as []). */
export function serialise(
  object: DirectoryObject,
  selected: string[] | undefined,
  schema: ResourceSchema,
  withType = false,
): Record<string, unknown> {
  const properties = (selected ?? schema.defaultSelect).filter((property) => !schema.hidden.includes(property));
  const result: Record<string, unknown> = withType ? { '@odata.type': `#microsoft.graph.${schema.type}` } : {};
  for (const property of properties) {
    const value = object.props[property];
    result[property] = value ?? (schema.collections.includes(property) ? [] : null);
  }
  return result;
}

function contextUrl(request: GraphRequest, context: CollectionContext, selected: string[] | undefined, suffix = ''): string {
  const selection = selected ? `(${selected.join(',')})` : '';
  return `${request.serviceRoot}/$metadata#${context.contextPath}${selection}${suffix}`;
}

/** Reads a property path of an object for $filter; names are case-insensitive in Graph. */
function readPath(object: DirectoryObject, path: string[]): unknown {
  let value: unknown = object.props;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    const record = value as Record<string, unknown>;
    const key = Object.keys(record).find((name) => name.toLowerCase() === segment.toLowerCase());
    value = key === undefined ? undefined : record[key];
  }
  return value;
}

function validateFilterProperties(paths: string[][], context: CollectionContext): void {
  for (const path of paths) {
    const name = path[0]!;
    const known = extensionPropertyPattern.test(name)
      ? context.extensionNames.some((extension) => extension.toLowerCase() === name.toLowerCase())
      : canonicalProperty(context.schema, name) !== undefined;
    if (!known || context.schema.hidden.includes(canonicalProperty(context.schema, name) ?? '')) {
      throw graphErrors.unknownQueryProperty(name, context.schema.type);
    }
  }
}

/** Applies $filter to objects; advanced operators, and more than 15 ORed values, need ConsistencyLevel: eventual, as in real Graph. */
export function applyFilter(request: GraphRequest, objects: DirectoryObject[], context: CollectionContext): DirectoryObject[] {
  const filterText = request.query.get('$filter');
  if (!filterText) return objects;
  const filter = parseFilter(filterText);
  validateFilterProperties(filterProperties(filter), context);
  const advanced = advancedFilterProperty(filter);
  if (advanced !== undefined && !isEventual(request)) throw graphErrors.unsupportedFilterClause(advanced, context.schema.resourceName);
  const orClauses = largestDisjunction(filter);
  if (orClauses > maxOrClauses && !isEventual(request)) throw graphErrors.tooManyOrClauses(orClauses);
  return objects.filter((object) => evaluateFilter(filter, (path) => readPath(object, path)));
}

export function pageSize(request: GraphRequest): number {
  const top = request.query.get('$top');
  if (top === null) return defaultPageSize;
  const size = Number(top);
  if (!Number.isInteger(size) || size < 1 || size > maxPageSize) throw graphErrors.invalidPageSize(top);
  return size;
}

/** A collection page: filter, $count, $top, $skiptoken (the last id of the previous page), $select. */
export function listCollection(request: GraphRequest, objects: DirectoryObject[], context: CollectionContext, withType = false): GraphResponse {
  const wantsCount = request.query.get('$count')?.toLowerCase() === 'true';
  if (wantsCount && !isEventual(request)) throw graphErrors.countNeedsEventual();
  const selected = selectedProperties(request, context);
  const matching = applyFilter(request, objects, context);
  const size = pageSize(request);
  const skipToken = request.query.get('$skiptoken');
  let start = 0;
  if (skipToken !== null) {
    const afterId = decodeSkipToken(skipToken);
    start = matching.findIndex((object) => object.id > afterId);
    if (start < 0) start = matching.length;
  }
  const page = matching.slice(start, start + size);
  const body: Record<string, unknown> = { '@odata.context': contextUrl(request, context, selected) };
  if (wantsCount) body['@odata.count'] = matching.length;
  if (start + size < matching.length) {
    const next = new URLSearchParams(request.query);
    next.set('$skiptoken', encodeSkipToken(page.at(-1)!.id));
    body['@odata.nextLink'] = `${request.serviceRoot}${request.path}?${next.toString()}`;
  }
  body.value = page.map((object) => serialise(object, selected, context.schema, withType));
  return { status: 200, body };
}

/** GET …/$count: a plain-text number, only with ConsistencyLevel: eventual. */
export function countCollection(request: GraphRequest, objects: DirectoryObject[], context: CollectionContext): GraphResponse {
  if (!isEventual(request)) throw graphErrors.rawCountNeedsEventual();
  return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: String(applyFilter(request, objects, context).length) };
}

export function entityResponse(request: GraphRequest, object: DirectoryObject, context: CollectionContext, status = 200): GraphResponse {
  const selected = selectedProperties(request, context);
  return {
    status,
    body: { '@odata.context': contextUrl(request, context, selected, '/$entity'), ...serialise(object, selected, context.schema) },
  };
}

function encodeSkipToken(lastId: string): string {
  return Buffer.from(`after:${lastId}`).toString('base64url');
}

function decodeSkipToken(token: string): string {
  const decoded = Buffer.from(token, 'base64url').toString();
  if (!decoded.startsWith('after:')) throw graphErrors.invalidSkipToken();
  return decoded.slice('after:'.length);
}
