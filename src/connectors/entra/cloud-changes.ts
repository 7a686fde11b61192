// What changed in the tenant since the last cycle, through Graph's delta query (/users/delta, /groups/delta): the
// engine compares it with what DirSync last exported to find drift. Facts from the Graph docs (delta query overview;
// user: delta; group: delta):
// - The first round (no token) lists every object that exists; it ends with an @odata.deltaLink, which later rounds
//   follow to get only what changed since — whoever changed it, DirSync's own writes included.
// - $select limits what is tracked: a change to a property not selected does not bring an object back. `manager`
//   (users) and `members` (groups) come back as manager@delta / members@delta; a removed one carries "@removed".
// - A deleted object comes back as its id with "@removed": {"reason": "changed"} (soft-deleted: restorable from
//   deleted items) or "deleted" (gone for good).
// - With `Prefer: return=minimal`, an updated object carries only the properties that changed (a cleared one as null).
// - A deltaLink expires (7 days for directory objects): 400 syncStateNotFound; 410 Gone also means "start over".
import type { CloudChange, CloudChangeRound, CloudDeltaLinks, TrackedProperties } from '../../engine/ports.ts';
import type { CloudObjectType } from '../../engine/operations.ts';
import { graphAnswerOf } from './errors.ts';
import type { GraphSession } from './graph-session.ts';

/** Graph's largest page for directory objects. */
const PAGE_SIZE = 999;

interface DeltaPage {
  value: Record<string, unknown>[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/** A round over users, then groups, each from its stored link, or from the start when there is none or it expired; 'now': no data, only a link from now on. */
export function readCloudChanges(session: GraphSession, from: CloudDeltaLinks | 'now' | undefined, tracked: TrackedProperties): CloudChangeRound {
  const links: Partial<CloudDeltaLinks> = {};
  const complete = new Set<CloudObjectType>();
  let finished = false;
  async function* changes(): AsyncIterable<CloudChange> {
    for (const objectType of ['user', 'group'] as const) {
      const collection = objectType === 'user' ? 'users' : 'groups';
      const select = [...tracked[objectType], objectType === 'user' ? 'manager' : 'members'];
      const start = `/${collection}/delta?$select=${select.join(',')}`;
      // "$deltatoken=latest": a deltaLink and no resource data (Graph docs, delta query: sync from now).
      const stored = from === 'now' ? `${start}&$deltatoken=latest` : from?.[collection];
      let round: RoundReader;
      try {
        round = await RoundReader.open(session, stored ?? start, stored === undefined);
      } catch (error) {
        if (stored === undefined || !isExpired(error)) throw error;
        round = await RoundReader.open(session, start, true);
      }
      if (round.complete) complete.add(objectType);
      for await (const object of round.objects()) yield toChange(objectType, object, round.complete);
      links[collection] = round.deltaLink;
    }
    finished = true;
  }
  return {
    changes: changes(),
    completeTypes: () => complete,
    resumeAt: () => {
      if (!finished || links.users === undefined || links.groups === undefined) throw new Error('the cloud changes were not read to their end');
      return { users: links.users, groups: links.groups };
    },
  };
}

/** One collection's round: its first page fetched on opening (so an expired link is known at once), then the rest. */
class RoundReader {
  deltaLink: string | undefined;
  readonly complete: boolean;
  readonly #session: GraphSession;
  #page: DeltaPage;

  private constructor(session: GraphSession, first: DeltaPage, complete: boolean) {
    this.#session = session;
    this.#page = first;
    this.complete = complete;
  }

  static async open(session: GraphSession, url: string, complete: boolean): Promise<RoundReader> {
    return new RoundReader(session, await session.get<DeltaPage>(url, preferences(complete)), complete);
  }

  async *objects(): AsyncIterable<Record<string, unknown>> {
    for (;;) {
      yield* this.#page.value;
      const next = this.#page['@odata.nextLink'];
      if (next === undefined) break;
      this.#page = await this.#session.get<DeltaPage>(next, preferences(this.complete));
    }
    this.deltaLink = this.#page['@odata.deltaLink'];
  }
}

/** Large pages; in a later round only the properties that changed (the first round has every object whole anyway). */
function preferences(complete: boolean): Record<string, string> {
  return { Prefer: complete ? `odata.maxpagesize=${PAGE_SIZE}` : `return=minimal, odata.maxpagesize=${PAGE_SIZE}` };
}

function isExpired(error: unknown): boolean {
  const answer = graphAnswerOf(error);
  return answer !== undefined && (answer.status === 410 || (answer.status === 400 && /syncStateNotFound/i.test(answer.code)));
}

function toChange(objectType: CloudObjectType, object: Record<string, unknown>, complete: boolean): CloudChange {
  const id = String(object.id);
  const removed = object['@removed'] as { reason?: string } | undefined;
  if (removed) return { kind: 'removed', objectType, id, restorable: removed.reason === 'changed' };
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(object)) if (name !== 'id' && !name.includes('@')) attributes[name] = value;
  const change: CloudChange = { kind: 'present', objectType, id, attributes, complete };
  const references = (name: string) => (object[name] as { id: string; '@removed'?: unknown }[] | undefined) ?? undefined;
  if (objectType === 'user') {
    const manager = references('manager@delta');
    // A first round reports the manager a user has; no manager@delta there means none.
    if (manager !== undefined && manager.length > 0) change.manager = manager[0]!['@removed'] ? null : manager[0]!.id;
    else if (complete) change.manager = null;
  } else {
    const members = references('members@delta') ?? [];
    if (members.length > 0 || complete) {
      change.members = {
        added: members.filter((member) => !member['@removed']).map((member) => member.id),
        removed: members.filter((member) => member['@removed']).map((member) => member.id),
      };
    }
  }
  return change;
}
