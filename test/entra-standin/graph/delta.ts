// /users/delta, /groups/delta, /contacts/delta: a first round returning every object, then rounds
// returning what changed since the previous @odata.deltaLink — changed objects, removed ones with
// `@removed`, and group membership changes as `members@delta`. Links carry opaque tokens.

import { graphErrors } from '../errors.ts';
import type { Directory, DirectoryObject } from '../directory.ts';
import { schemas, type ResourceType } from '../schema.ts';
import { selectedProperties, serialise } from '../odata/query.ts';
import { permissions } from './permissions.ts';
import type { Router } from './router.ts';
import type { GraphRequest, GraphResponse } from './types.ts';
import { collectionContext } from './writes.ts';

const defaultPageSize = 100;

interface DeltaToken {
  type: ResourceType;
  /** Changes after this sequence number are reported (0 = the first, full round). */
  fromSeq: number;
  /** The round covers changes up to this sequence number (fixed on its first page). */
  toSeq: number;
  /** Paging inside a round: the last id already returned. */
  afterId: string;
  select: string[] | undefined;
  initial: boolean;
}

const encode = (token: DeltaToken): string => Buffer.from(JSON.stringify(token)).toString('base64url');

function decode(text: string, type: ResourceType): DeltaToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString()) as DeltaToken;
    if (token.type === type && typeof token.fromSeq === 'number') return token;
  } catch {
    // falls through to the Graph error
  }
  throw graphErrors.invalidDeltaToken();
}

interface DeltaEntry {
  id: string;
  object: DirectoryObject | undefined;
  addedMembers: Set<string>;
  removedMembers: Set<string>;
}

function memberReference(directory: Directory, id: string, removed: boolean): Record<string, unknown> {
  const type = directory.get(id)?.type ?? directory.deletedItem(id)?.type ?? 'user';
  return { '@odata.type': `#microsoft.graph.${type}`, id, ...(removed ? { '@removed': { reason: 'deleted' } } : {}) };
}

/** What a round reports: every live object (first round), or the objects changed in (fromSeq, toSeq]. */
function entries(directory: Directory, token: DeltaToken): DeltaEntry[] {
  if (token.initial) {
    return directory
      .list(token.type)
      .map((object) => ({ id: object.id, object, addedMembers: new Set(object.members), removedMembers: new Set<string>() }));
  }
  const byId = new Map<string, DeltaEntry>();
  for (const change of directory.changesSince(token.fromSeq, token.type)) {
    if (change.seq > token.toSeq) break;
    const entry = byId.get(change.id) ?? { id: change.id, object: undefined, addedMembers: new Set<string>(), removedMembers: new Set<string>() };
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
  for (const entry of byId.values()) entry.object = directory.get(entry.id);
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function render(directory: Directory, entry: DeltaEntry, token: DeltaToken): Record<string, unknown> {
  if (!entry.object) {
    // Soft-deleted objects can come back ("changed"); permanently deleted ones cannot.
    const reason = directory.deletedItem(entry.id) ? 'changed' : 'deleted';
    return { id: entry.id, '@removed': { reason } };
  }
  const result = serialise(entry.object, token.select, schemas[token.type]);
  if (token.type === 'group' && (entry.addedMembers.size > 0 || entry.removedMembers.size > 0)) {
    result['members@delta'] = [
      ...[...entry.addedMembers].map((id) => memberReference(directory, id, false)),
      ...[...entry.removedMembers].map((id) => memberReference(directory, id, true)),
    ];
  }
  return result;
}

function pageSize(request: GraphRequest): number {
  const match = /odata\.maxpagesize=(\d+)/i.exec(request.headers.prefer ?? '');
  return match ? Math.max(1, Number(match[1])) : defaultPageSize;
}

function deltaPage(request: GraphRequest, directory: Directory, type: ResourceType, contextPath: string): GraphResponse {
  const skipToken = request.query.get('$skiptoken');
  const deltaToken = request.query.get('$deltatoken');
  let token: DeltaToken;
  if (skipToken) token = decode(skipToken, type);
  else if (deltaToken) token = { ...decode(deltaToken, type), toSeq: directory.currentSeq(), afterId: '' };
  else {
    const select = selectedProperties(request, collectionContext(directory, schemas[type], contextPath));
    token = { type, fromSeq: 0, toSeq: directory.currentSeq(), afterId: '', select, initial: true };
  }
  const all = entries(directory, token);
  const remaining = all.filter((entry) => entry.id > token.afterId);
  const page = remaining.slice(0, pageSize(request));
  const link = `${request.serviceRoot}/${contextPath}/delta`;
  const body: Record<string, unknown> = { '@odata.context': `${request.serviceRoot}/$metadata#${contextPath}/delta` };
  if (remaining.length > page.length) {
    body['@odata.nextLink'] = `${link}?$skiptoken=${encode({ ...token, afterId: page.at(-1)!.id })}`;
  } else {
    body['@odata.deltaLink'] =
      `${link}?$deltatoken=${encode({ type, fromSeq: token.toSeq, toSeq: token.toSeq, afterId: '', select: token.select, initial: false })}`;
  }
  body.value = page.map((entry) => render(directory, entry, token));
  return { status: 200, body };
}

export function registerDelta(router: Router, directory: Directory): void {
  router.add('GET', '/users/delta', permissions.readUsers, (request) => deltaPage(request, directory, 'user', 'users'));
  router.add('GET', '/groups/delta', permissions.readGroups, (request) => deltaPage(request, directory, 'group', 'groups'));
  router.add('GET', '/contacts/delta', permissions.readContacts, (request) => deltaPage(request, directory, 'orgContact', 'contacts'));
}
