// /users/delta, /groups/delta, /contacts/delta, as the Graph docs describe them (delta query overview; user: delta;
// group: delta; Get incremental changes for users, for groups). Facts relied on:
// - The first round returns "the resources that currently exist in the collection"; objects created and deleted
//   before it are not returned. Pages follow @odata.nextLink until a page carries @odata.deltaLink instead.
// - A deltaLink round returns what changed since: created objects whole; updated ones with the selected properties
//   (default) or, with `Prefer: return=minimal`, only the changed ones; removed ones as id + "@removed" with reason
//   "changed" (restorable from deleted items) or "deleted" (gone for good); restored ones with no annotation.
// - "If a $select query parameter is used, … If a change occurs to a property that is not selected, the resource for
//   which that property changed does not appear in the delta response". "$select also supports manager and members
//   navigation properties for users and groups respectively": they come back as manager@delta / members@delta,
//   a removed member with "@removed": {"reason": "deleted"}. members@delta is included "by default, when the $select
//   query parameter has not been specified, or when the $expand=members parameter is explicitly specified".
// - "If the property has never been set before it will not be included in the response at all."
// - `$deltatoken=latest` answers "a @odata.deltaLink and no resource data" ("sync from now").
// - "The only supported $filter expression is for tracking changes on a specific object: $filter=id+eq+{value}. You
//   can filter multiple objects … There is a limit of 50 filtered objects."
// Every change is reported whoever made it: the calling app's own writes come back like anyone else's.

import { graphErrors } from '../errors.ts';
import type { Directory, DirectoryObject } from '../directory.ts';
import type { DirectoryChange } from '../change-log.ts';
import { disjuncts, filterProperties, parseFilter } from '../odata/filter.ts';
import { parseSelect, serialise } from '../odata/query.ts';
import { schemas, type ResourceSchema, type ResourceType } from '../schema.ts';
import { decodeToken, encodeToken, type DeltaQuery, type DeltaToken } from './delta-token.ts';
import { permissions } from './permissions.ts';
import type { Router } from './router.ts';
import type { GraphRequest, GraphResponse } from './types.ts';
import { collectionContext } from './writes.ts';

const defaultPageSize = 100;
const maxScopedIds = 50;

/** What a delta cycle returns and tracks, from the query options of its first request. */
interface DeltaShape {
  schema: ResourceSchema;
  /** Properties returned (with `id`): the $select'ed ones, or the type's default set. */
  returned: string[];
  /** Properties whose change brings an object into a round; undefined: every property. */
  tracked: string[] | undefined;
  members: boolean;
  manager: boolean;
  /** $filter=id eq … or id eq …: the only objects tracked. */
  ids: Set<string> | undefined;
}

/** What one round reports about one object. */
interface DeltaEntry {
  id: string;
  /** Created or restored during the round (or any object of a first round): reported whole. */
  whole: boolean;
  removed: boolean;
  properties: Set<string>;
  addedMembers: Set<string>;
  removedMembers: Set<string>;
  managerChanged: boolean;
  removedManager?: string;
}

/** Query options by name, case-insensitively (the docs spell both `$deltatoken` and `$deltaToken`). */
function option(request: GraphRequest, name: string): string | undefined {
  for (const [key, value] of request.query) if (key.toLowerCase() === name.toLowerCase()) return value;
  return undefined;
}

function queryOf(request: GraphRequest): DeltaQuery {
  const query: DeltaQuery = {};
  for (const name of ['select', 'expand', 'filter'] as const) {
    const value = option(request, `$${name}`);
    if (value) query[name] = value;
  }
  return query;
}

function scopedIds(filterText: string, schema: ResourceSchema): Set<string> {
  const ids = disjuncts(parseFilter(filterText)).map((clause) => {
    const [left, right] = clause.kind === 'compare' ? [clause.left, clause.right] : [];
    const isIdEquality = clause.kind === 'compare' && clause.op === 'eq' && left?.kind === 'property' && left.path.join('/').toLowerCase() === 'id';
    if (!isIdEquality || right?.kind !== 'literal' || typeof right.value !== 'string') {
      throw graphErrors.unsupportedFilterClause(filterProperties(clause)[0]?.join('/') ?? 'id', schema.resourceName);
    }
    return right.value.toLowerCase();
  });
  if (ids.length > maxScopedIds) throw graphErrors.unsupportedFilterClause('id', schema.resourceName);
  return new Set(ids);
}

function shapeOf(directory: Directory, type: ResourceType, contextPath: string, query: DeltaQuery): DeltaShape {
  const schema = schemas[type];
  const relationship = type === 'user' ? 'manager' : type === 'group' ? 'members' : undefined;
  const names = (query.select ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const relationshipSelected = names.some((name) => name.toLowerCase() === relationship);
  const plain = names.filter((name) => name.toLowerCase() !== relationship);
  const selected = parseSelect(plain.join(','), collectionContext(directory, schema, contextPath));
  const expanded = (query.expand ?? '').split(',').some((name) => name.trim().toLowerCase() === 'members');
  return {
    schema,
    returned: query.select ? (selected ?? ['id']) : [...schema.defaultSelect],
    tracked: query.select ? (selected ?? []) : undefined,
    members: type === 'group' && (!query.select || relationshipSelected || expanded),
    manager: type === 'user' && relationshipSelected,
    ids: query.filter ? scopedIds(query.filter, schema) : undefined,
  };
}

const newEntry = (id: string, whole: boolean): DeltaEntry => ({
  id,
  whole,
  removed: false,
  properties: new Set(),
  addedMembers: new Set(),
  removedMembers: new Set(),
  managerChanged: false,
});

/** The round's changes folded per object: the net membership change, every property touched, the last manager removed. */
function changedEntries(changes: DirectoryChange[], toSeq: number): DeltaEntry[] {
  const byId = new Map<string, DeltaEntry>();
  for (const change of changes) {
    if (change.seq > toSeq) break;
    const entry = byId.get(change.id) ?? newEntry(change.id, false);
    if (change.kind === 'created' || change.kind === 'restored') entry.whole = true;
    if (change.kind === 'removed') entry.removed = true;
    for (const property of change.properties) {
      if (property !== 'manager') entry.properties.add(property);
      else entry.managerChanged = true;
    }
    if (change.removedManager) entry.removedManager = change.removedManager;
    for (const member of change.addedMembers) {
      entry.addedMembers.add(member);
      entry.removedMembers.delete(member);
    }
    for (const member of change.removedMembers) {
      entry.removedMembers.add(member);
      entry.addedMembers.delete(member);
    }
    byId.set(change.id, entry);
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Whether a change the round saw is one the cycle tracks. */
function isReported(entry: DeltaEntry, shape: DeltaShape): boolean {
  if (shape.ids && !shape.ids.has(entry.id)) return false;
  if (entry.whole || entry.removed) return true;
  if ([...entry.properties].some((property) => shape.tracked === undefined || shape.tracked.includes(property))) return true;
  if (shape.members && entry.addedMembers.size + entry.removedMembers.size > 0) return true;
  return shape.manager && entry.managerChanged;
}

function reference(directory: Directory, id: string, removed: boolean): Record<string, unknown> {
  const type = directory.get(id)?.type ?? directory.deletedItem(id)?.type ?? 'user';
  return { '@odata.type': `#microsoft.graph.${type}`, id, ...(removed ? { '@removed': { reason: 'deleted' } } : {}) };
}

function render(directory: Directory, entry: DeltaEntry, shape: DeltaShape, minimal: boolean): Record<string, unknown> {
  const object = directory.getOfType(shape.schema.type, entry.id);
  if (!object) return { id: entry.id, '@removed': { reason: directory.deletedItem(entry.id) ? 'changed' : 'deleted' } };
  const properties =
    minimal && !entry.whole ? shape.returned.filter((property) => property === 'id' || entry.properties.has(property)) : shape.returned;
  const result = serialise(object, properties, shape.schema);
  for (const property of properties) {
    const neverSet = !(property in object.props) && !shape.schema.collections.includes(property);
    if (property !== 'id' && neverSet) delete result[property];
  }
  if (shape.members && entry.addedMembers.size + entry.removedMembers.size > 0) {
    result['members@delta'] = [
      ...[...entry.addedMembers].map((id) => reference(directory, id, false)),
      ...[...entry.removedMembers].map((id) => reference(directory, id, true)),
    ];
  }
  const managerDelta = managerReference(directory, object, entry);
  if (shape.manager && managerDelta) result['manager@delta'] = [managerDelta];
  return result;
}

/** The manager to report: the current one (whole objects, or after a change), else the one a change took away. */
function managerReference(directory: Directory, user: DirectoryObject, entry: DeltaEntry): Record<string, unknown> | undefined {
  if (!entry.whole && !entry.managerChanged) return undefined;
  if (user.manager) return reference(directory, user.manager, false);
  return !entry.whole && entry.removedManager ? reference(directory, entry.removedManager, true) : undefined;
}

/** The first round's page: live objects after the last id returned (scoped to the filtered ids, if any). */
function firstRoundPage(directory: Directory, token: DeltaToken, shape: DeltaShape, size: number): { entries: DeltaEntry[]; more: boolean } {
  const wholeEntry = (object: DirectoryObject): DeltaEntry => ({ ...newEntry(object.id, true), addedMembers: new Set(object.members) });
  if (shape.ids) {
    const objects = [...shape.ids]
      .sort()
      .filter((id) => id > token.afterId)
      .map((id) => directory.getOfType(token.type, id))
      .filter((object): object is DirectoryObject => object !== undefined);
    return { entries: objects.slice(0, size).map(wholeEntry), more: objects.length > size };
  }
  const { objects, more } = directory.listAfter(token.type, token.afterId, size);
  return { entries: objects.map(wholeEntry), more };
}

function deltaPage(request: GraphRequest, directory: Directory, type: ResourceType, contextPath: string): GraphResponse {
  const deltaUrl = `${request.serviceRoot}/${contextPath}/delta`;
  const skipToken = option(request, '$skiptoken');
  const deltaToken = option(request, '$deltatoken');
  const generation = directory.syncGeneration();
  const latestSeq = directory.currentSeq();
  let token: DeltaToken;
  if (skipToken) token = decodeToken(skipToken, type, 'skip', directory, deltaUrl);
  else if (deltaToken === 'latest')
    token = { type, generation, query: queryOf(request), fromSeq: latestSeq, toSeq: latestSeq, initial: false, afterId: '' };
  else if (deltaToken) token = { ...decodeToken(deltaToken, type, 'delta', directory, deltaUrl), toSeq: latestSeq, afterId: '' };
  else token = { type, generation, query: queryOf(request), fromSeq: 0, toSeq: latestSeq, initial: true, afterId: '' };
  const shape = shapeOf(directory, type, contextPath, token.query);

  const prefer = request.headers.prefer ?? '';
  const size = Math.max(1, Number(/odata\.maxpagesize=(\d+)/i.exec(prefer)?.[1] ?? defaultPageSize));
  let page: { entries: DeltaEntry[]; more: boolean };
  if (token.initial) page = firstRoundPage(directory, token, shape, size);
  else {
    const remaining = changedEntries(directory.changesSince(token.fromSeq, type), token.toSeq).filter(
      (entry) => entry.id > token.afterId && isReported(entry, shape),
    );
    page = { entries: remaining.slice(0, size), more: remaining.length > size };
  }

  const body: Record<string, unknown> = { '@odata.context': `${request.serviceRoot}/$metadata#${contextPath}` };
  if (page.more) body['@odata.nextLink'] = `${deltaUrl}?$skiptoken=${encodeToken({ ...token, afterId: page.entries.at(-1)!.id })}`;
  else {
    const next: DeltaToken = { type, generation, query: token.query, fromSeq: token.toSeq, toSeq: token.toSeq, initial: false, afterId: '' };
    body['@odata.deltaLink'] = `${deltaUrl}?$deltatoken=${encodeToken({ ...next, issuedAt: directory.now() })}`;
  }
  const minimal = !token.initial && /return=minimal/i.test(prefer);
  body.value = page.entries.map((entry) => render(directory, entry, shape, minimal));
  return { status: 200, body };
}

export function registerDelta(router: Router, directory: Directory): void {
  router.add('GET', '/users/delta', permissions.readUsers, (request) => deltaPage(request, directory, 'user', 'users'));
  router.add('GET', '/groups/delta', permissions.readGroups, (request) => deltaPage(request, directory, 'group', 'groups'));
  router.add('GET', '/contacts/delta', permissions.readContacts, (request) => deltaPage(request, directory, 'orgContact', 'contacts'));
}
