// Change tracking with Microsoft's "DirSync control" (ReplicationChangesControl): a cookie per naming context,
// valid on every DC of the domain, that returns what changed since it — deletions included, as tombstones — and a
// group's membership change as the members added and removed. Needs "Replicating Directory Changes" on the domain.
import { AdminLimitExceededError, BusyError, InsufficientAccessError, ResultCodeError, TimeLimitExceededError, UnavailableError } from 'ldapts';
import type { Client, Control, Entry, SearchOptions } from 'ldapts';
import type { ImportChange, Watermark } from '../../engine/model.ts';
import type { ChangeReader, MemberIncrements } from './change-reader.ts';
import { ReplicationChangesControl, ReplicationChangesFlags } from './controls/replication-changes-control.ts';
import { ShowDeletedControl } from './controls/show-deleted-control.ts';
import { BINARY_ATTRIBUTES, DirectoryReader } from './directory-reader.ts';
import { watermarkRejectedError } from './errors.ts';
import { CHANGE_FILTER, MATCH_NOTHING_FILTER } from './selection.ts';
import { parseRangedAttributeName, valuesAsArray } from './values.ts';
import type { LdapValues } from './values.ts';
import { encodeWatermark, WATERMARK_VERSION } from './watermark.ts';
import type { ReplicationChangesWatermark } from './watermark.ts';

/**
 * Incremental values: a group's changed membership comes as the members added (`member;range=1-1`) and removed
 * (`member;range=0-0`), not as the whole list — one member of a 50k-member group costs one value. Samba 4.17
 * honours it like Windows. Sent from the first cookie on, so every cookie is read with the flags it was taken with.
 */
const FLAGS = ReplicationChangesFlags.incrementalValues;

/**
 * The cookie of the naming context's state now: an empty cookie and a filter matching nothing return it without
 * transferring the directory. Throws ldapts's InsufficientAccessError when the account may not use the control.
 */
export async function currentCookie(client: Client, namingContext: string): Promise<Buffer> {
  const control = new ReplicationChangesControl({ flags: FLAGS });
  do {
    await client.search(namingContext, { filter: MATCH_NOTHING_FILTER, attributes: ['objectGUID'] }, control);
  } while (control.moreResults);
  return control.cookie;
}

/**
 * The entries of a naming context changed since `cookie`, one reply at a time (Samba answers in one, real AD pages
 * by size); returns the cookie to resume from. Show Deleted: how Microsoft documents DirSync clients over LDAP
 * receiving deletions.
 */
export async function* changedEntries(
  client: Client,
  namingContext: string,
  cookie: Buffer,
  search: Pick<SearchOptions, 'filter' | 'attributes' | 'explicitBufferAttributes'>,
  controls: Control[] = [],
): AsyncGenerator<Entry[], Buffer, undefined> {
  const control = new ReplicationChangesControl({ flags: FLAGS, cookie });
  do {
    const { searchEntries } = await client.search(namingContext, search, [control, new ShowDeletedControl(), ...controls]);
    yield searchEntries;
  } while (control.moreResults);
  return control.cookie;
}

export class ReplicationChangesTracker {
  readonly #changes: ChangeReader;
  /** The account the directory is read as, named when it loses the right. */
  readonly #account: string;

  constructor(changes: ChangeReader, account: string) {
    this.#changes = changes;
    this.#account = account;
  }

  /** The watermark of the directory's state now, for a full import to start from. Throws InsufficientAccessError. */
  async watermarkNow(scope: string, namingContexts: readonly string[]): Promise<Watermark> {
    const cookies: Record<string, string> = {};
    for (const namingContext of namingContexts)
      cookies[namingContext] = (await currentCookie(this.#changes.client, namingContext)).toString('base64');
    return encodeWatermark({ version: WATERMARK_VERSION, scope, mechanism: 'dirsync', cookies });
  }

  /**
   * The changes since `stored`, and (returned once they are read) the watermark to resume from. A cookie the
   * directory refuses throws ActiveDirectory.watermark-rejected; a busy or unreachable server does not.
   */
  async *deltaImport(stored: ReplicationChangesWatermark): AsyncGenerator<ImportChange, Watermark, undefined> {
    const { client, statistics } = this.#changes;
    const cookies: Record<string, string> = {};
    for (const [namingContext, cookie] of Object.entries(stored.cookies)) {
      const replies = changedEntries(
        client,
        namingContext,
        Buffer.from(cookie, 'base64'),
        { filter: CHANGE_FILTER, attributes: [...this.#changes.attributes], explicitBufferAttributes: BINARY_ATTRIBUTES },
        DirectoryReader.readControls(),
      );
      // Only the searches' failures can mean a refused cookie, not those of the re-reads between them.
      const nextReply = () =>
        replies.next().catch((error: unknown) => {
          throw this.#asRejectedCookie(error, namingContext);
        });
      let reply = await nextReply();
      while (!reply.done) {
        statistics.pages += 1;
        for (const entry of reply.value) {
          statistics.entries += 1;
          const change = await this.#changes.changeFor(entry, { attributeFilterApplied: false, memberIncrements: memberIncrementsOf(entry) });
          if (change !== undefined) yield change;
        }
        reply = await nextReply();
      }
      cookies[namingContext] = reply.value.toString('base64');
    }
    return encodeWatermark({ ...stored, cookies });
  }

  /** DirSync errors that mean "this cookie cannot be resumed from" (not: the server is busy or gone). */
  #asRejectedCookie(error: unknown, namingContext: string): unknown {
    if (!(error instanceof ResultCodeError)) return error;
    const transient = [BusyError, UnavailableError, TimeLimitExceededError, AdminLimitExceededError];
    if (transient.some((errorClass) => error instanceof errorClass)) return error;
    const message =
      error instanceof InsufficientAccessError
        ? `${this.#account} may no longer use the DirSync control on ${namingContext}; a full import will switch change tracking to uSNChanged.`
        : `The domain controller rejected the DirSync cookie for ${namingContext}: ${error.message}`;
    return watermarkRejectedError(message, { target: namingContext, cause: error });
  }
}

/**
 * The increments a DirSync entry carries (none: the membership did not change); undefined when it carries the
 * complete list instead (as a server without incremental values sends it), which the re-read then reads whole.
 */
function memberIncrementsOf(entry: Entry): MemberIncrements | undefined {
  const increments: MemberIncrements = { added: [], removed: [] };
  for (const name in entry) {
    const values = valuesAsArray(entry[name] as LdapValues).filter((value) => typeof value === 'string');
    if (values.length === 0) continue;
    if (name.toLowerCase() === 'member') return undefined;
    const ranged = parseRangedAttributeName(name);
    if (ranged?.attribute.toLowerCase() !== 'member') continue;
    // [MS-ADTS]: range=1-1 holds the values added, range=0-0 those removed.
    (ranged.low === 0 ? increments.removed : increments.added).push(...values);
  }
  return increments;
}
