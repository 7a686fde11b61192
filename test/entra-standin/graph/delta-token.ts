// The state tokens of delta queries. "These tokens are opaque to the client" and "encode and include other query
// parameters (such as $select) specified in the initial delta query request" (delta query overview, State tokens):
// here, Base64url JSON of the query, the change numbers the round covers, and the paging position. A deltatoken
// also carries when it was issued, because "For directory objects, the limit is seven days" (Token duration).

import { graphErrors } from '../errors.ts';
import type { Directory } from '../directory.ts';
import type { ResourceType } from '../schema.ts';

const deltaLinkLifetimeMs = 7 * 24 * 3600 * 1000;

/** The query options of the first request, which every link of the delta cycle carries. */
export interface DeltaQuery {
  select?: string;
  expand?: string;
  filter?: string;
}

export interface DeltaToken {
  type: ResourceType;
  /** The sync-state generation it was issued in (a newer one makes it answer 410). */
  generation: number;
  query: DeltaQuery;
  /** The round reports changes numbered after this… */
  fromSeq: number;
  /** …up to this one (fixed on the round's first page). */
  toSeq: number;
  /** The first round reports every live object rather than changes. */
  initial: boolean;
  /** Paging inside a round: the last id already returned. */
  afterId: string;
  /** Directory clock time the deltaLink was issued (deltatokens only). */
  issuedAt?: number;
}

export const encodeToken = (token: DeltaToken): string => Buffer.from(JSON.stringify(token)).toString('base64url');

/** The request URL a client starts over with: the first request's query and an empty $deltatoken. */
export function restartUrl(deltaUrl: string, query: DeltaQuery): string {
  const options = Object.entries({ $select: query.select, $expand: query.expand, $filter: query.filter })
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${encodeURIComponent(value!)}`);
  return `${deltaUrl}?${[...options, '$deltatoken='].join('&')}`;
}

/**
 * The token of a nextLink or deltaLink of `type`: 410 with the restart URL when a new sync-state generation began
 * since, 400 syncStateNotFound when it is older than seven days (deltatokens) or was never issued here.
 */
export function decodeToken(text: string, type: ResourceType, kind: 'skip' | 'delta', directory: Directory, deltaUrl: string): DeltaToken {
  let token: DeltaToken;
  try {
    token = JSON.parse(Buffer.from(text, 'base64url').toString()) as DeltaToken;
  } catch {
    throw graphErrors.syncStateNotFound();
  }
  if (token?.type !== type || typeof token.fromSeq !== 'number' || typeof token.generation !== 'number') throw graphErrors.syncStateNotFound();
  if (token.generation !== directory.syncGeneration()) throw graphErrors.resyncRequired(restartUrl(deltaUrl, token.query ?? {}));
  if (kind === 'delta' && !(directory.now() - (token.issuedAt ?? Number.NEGATIVE_INFINITY) <= deltaLinkLifetimeMs)) {
    throw graphErrors.syncStateNotFound();
  }
  return token;
}
