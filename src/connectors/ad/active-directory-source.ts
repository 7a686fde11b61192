// The Active Directory side of a sync cycle: full import (paged, streaming) and delta import (DirSync
// control, or uSNChanged + Show Deleted when the account lacks the replication rights), producing the
// engine's ImportChanges.
import {
  AdminLimitExceededError,
  BusyError,
  InsufficientAccessError,
  NoSuchObjectError,
  ResultCodeError,
  TimeLimitExceededError,
  UnavailableError,
} from 'ldapts';
import type { Client, Control, Entry } from 'ldapts';
import type { Reporter } from '../../core/reporter.ts';
import type { ImportChange, ObjectKind, Watermark } from '../../engine/model.ts';
import { WatermarkRejectedError } from '../../engine/ports.ts';
import type { DeletionCandidate, DeletionVerdict, DirectorySource, ListingCoverage } from '../../engine/ports.ts';
import { DirSyncError } from '../../core/errors.ts';
import { lostConnectionError, openDirectoryConnection } from './connection.ts';
import type { DirectoryConnectionOptions } from './connection.ts';
import { DirSyncControl, DirSyncFlags } from './controls/dir-sync-control.ts';
import { ShowDeletedControl } from './controls/show-deleted-control.ts';
import { BINARY_ATTRIBUTES, DirectoryReader, READ_ATTRIBUTES } from './directory-reader.ts';
import { confirmDeletions } from './deletion-confirmation.ts';
import { deepestContainerOf, isDnWithin } from './distinguished-name.ts';
import { directoryConfigurationError } from './errors.ts';
import { DirectoryScope } from './scope.ts';
import type { ScopeOptions } from './scope.ts';
import { judgeScope } from './scope-judgement.ts';
import { CHANGE_FILTER, MATCH_NOTHING_FILTER, SELECTION_ATTRIBUTES, SELECTION_FILTER, exclusionReason, kindOf } from './selection.ts';
import { anchorFromGuid, parseExtendedDn, parseRangedAttributeName, valuesAsArray } from './values.ts';
import type { LdapValues } from './values.ts';
import { WATERMARK_VERSION, decodeWatermark, encodeWatermark } from './watermark.ts';
import type { AdWatermark, DirSyncWatermark, UsnWatermark } from './watermark.ts';

export interface ActiveDirectorySourceOptions extends DirectoryConnectionOptions {
  scope: ScopeOptions;
  /** Entries per page of the full import (AD's MaxPageSize is 1000). */
  pageSize?: number;
  /**
   * How changes are tracked between imports. 'auto': the DirSync control, falling back to uSNChanged when
   * the account lacks the replication rights; 'usn': uSNChanged + Show Deleted on the connected DC only.
   */
  changeTracking?: 'auto' | 'usn';
  /** Where skipped objects (verbose) and weakened change tracking (warning) are reported. */
  output?: Pick<Reporter, 'verbose' | 'warning'>;
}

/** What the last import (or listing) read, for progress reports and for tests that check the import streams. */
export interface ImportStatistics {
  /** Search result pages (full import) or change batches (delta) received. */
  pages: number;
  entries: number;
  /**
   * Full import and listing: the synchronised objects found under each search base (every base searched is
   * present, 0 included), so an OU that suddenly returns nothing can be told from one that was emptied.
   */
  bySearchBase: Map<string, number>;
  /** Group members read, as complete lists or as a delta's increments: what a change to a large group costs. */
  memberValues: number;
}

/** An object a listing of the scope found: its anchor and where it is. */
export interface ListedObject {
  anchor: string;
  dn: string;
  kind: ObjectKind;
}

interface RootDse {
  defaultNamingContext: string;
  namingContexts: string[];
  dsServiceName: string;
  highestCommittedUsn: string;
}

/**
 * Incremental values: a group's changed membership comes as the members added (`member;range=1-1`) and removed
 * (`member;range=0-0`), not as the whole list — one member of a 50k-member group costs one value. Samba 4.17
 * honours it like Windows. Sent from the first cookie on, so every cookie is read with the flags it was taken with.
 */
const DIRSYNC_FLAGS = DirSyncFlags.incrementalValues;

/** A listing's entries are small: it pages by AD's MaxPageSize (fewer round trips, measured 15 % faster on Samba). */
const LISTING_PAGE_SIZE = 1000;

export class ActiveDirectorySource implements DirectorySource {
  /** After a full or delta import has been iterated to its end: the watermark to store for the next delta. */
  watermark: Watermark | undefined;
  readonly statistics: ImportStatistics = emptyStatistics();
  /** What the last listScope() read. */
  readonly listingStatistics: ImportStatistics = emptyStatistics();

  readonly #options: ActiveDirectorySourceOptions;
  readonly #scope: DirectoryScope;
  /** The statistics of the last full import or listing that ran to its end. */
  #lastListing: ImportStatistics | undefined;
  #client: Client | undefined;
  #reader: DirectoryReader | undefined;

  constructor(options: ActiveDirectorySourceOptions) {
    this.#options = options;
    this.#scope = new DirectoryScope(options.scope);
  }

  /**
   * Every in-scope object, as upserts, one search page at a time. The watermark is taken before the first
   * page, so a change made while the import runs is replayed by the next delta rather than lost.
   */
  fullImport(): AsyncIterable<ImportChange> {
    return this.#namingServerOnLostConnection(this.#fullImport());
  }

  /** The changes since `watermark`. Throws WatermarkRejectedError when it cannot be resumed from. */
  deltaImport(watermark: Watermark): AsyncIterable<ImportChange> {
    return this.#namingServerOnLostConnection(this.#deltaImport(watermark));
  }

  /**
   * The objects as they are now, judged like delta changes: an upsert when in scope, a delete when gone or out of
   * scope. The engine re-reads the objects whose export failed this way, to retry them.
   */
  readObjects(anchors: readonly string[]): AsyncIterable<ImportChange> {
    return this.#namingServerOnLostConnection(this.#readObjects(anchors));
  }

  /**
   * Every synchronised object of the scope, as anchors and DNs only: a paged search of each search base asking
   * just what selection needs, cheap enough to run each delta cycle and find the deletions a delta cannot see.
   * Objects missing from it are deletion candidates to confirm with confirmDeletions, never deletions.
   */
  listScope(): AsyncIterable<ListedObject> {
    return this.#namingServerOnLostConnection(this.#listScope());
  }

  /**
   * Looks up each candidate (an object a full import or listing did not return) by its objectGUID: gone,
   * out-of-scope, or hidden from this account (see DeletionVerdict). One failed lookup does not stop the others.
   */
  confirmDeletions(candidates: readonly DeletionCandidate[]): AsyncIterable<DeletionVerdict> {
    return this.#namingServerOnLostConnection(this.#confirmDeletions(candidates));
  }

  /** Where the last full import or scope listing searched, and how many objects each search base returned. */
  coverage(): ListingCoverage | undefined {
    const listing = this.#lastListing;
    if (listing === undefined) return undefined;
    return {
      searchBases: [...listing.bySearchBase].map(([dn, returned]) => ({ dn, returned })),
      contains: (searchBase, dn) => isDnWithin(dn, searchBase),
    };
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#reader = undefined;
    await client?.unbind();
  }

  /** A DC that stops or a network that drops mid-import is reported naming the server, not as ldapts's bare words. */
  async *#namingServerOnLostConnection<T>(items: AsyncIterable<T>): AsyncIterable<T> {
    try {
      yield* items;
    } catch (error) {
      throw lostConnectionError(error, this.#options.url);
    }
  }

  async *#fullImport(): AsyncIterable<ImportChange> {
    this.#startImport();
    const { client, reader } = await this.#connection();
    const rootDse = await this.#readRootDse(client);
    const namingContexts = this.#namingContextsInScope(rootDse);
    const nextWatermark = await this.#captureWatermark(client, rootDse, namingContexts);

    for (const namingContext of namingContexts) {
      for (const searchBase of this.#scope.searchBasesIn(namingContext)) {
        let found = 0;
        this.statistics.bySearchBase.set(searchBase, found);
        const changes = this.#pagedSearchChanges(reader, client, searchBase, this.#scope.narrow(SELECTION_FILTER), [], true);
        for await (const change of changes) {
          // Objects out of scope are simply not imported: the engine's sweep deletes what it no longer sees.
          if (change.op !== 'upsert') continue;
          this.statistics.bySearchBase.set(searchBase, ++found);
          yield change;
        }
      }
    }
    this.watermark = encodeWatermark(nextWatermark);
    this.#lastListing = this.statistics;
  }

  async *#listScope(): AsyncIterable<ListedObject> {
    resetStatistics(this.listingStatistics);
    const { client, reader } = await this.#connection();
    const rootDse = await this.#readRootDse(client);
    for (const namingContext of this.#namingContextsInScope(rootDse)) {
      for (const searchBase of this.#scope.searchBasesIn(namingContext)) {
        let found = 0;
        this.listingStatistics.bySearchBase.set(searchBase, found);
        const entries = this.#pagedSearch(
          client,
          searchBase,
          this.#scope.narrow(SELECTION_FILTER),
          SELECTION_ATTRIBUTES,
          [],
          this.listingStatistics,
          LISTING_PAGE_SIZE,
        );
        for await (const entry of entries) {
          // complete() only normalises here: none of the selection attributes comes in ranges.
          const read = await reader.complete(entry);
          const kind = kindOf(read.attributes);
          if (kind === undefined || !this.#scope.containsDn(read.dn) || exclusionReason(kind, read.attributes) !== undefined) continue;
          this.listingStatistics.bySearchBase.set(searchBase, ++found);
          yield { anchor: anchorFromGuid(read.guid), dn: read.dn, kind };
        }
      }
    }
    this.#lastListing = this.listingStatistics;
  }

  async *#confirmDeletions(candidates: readonly DeletionCandidate[]): AsyncIterable<DeletionVerdict> {
    const { client, reader } = await this.#connection();
    yield* confirmDeletions(
      {
        client,
        reader,
        scope: this.#scope,
        account: this.#options.bindDn,
        lostConnection: (error) => lostConnectionError(error, this.#options.url),
      },
      candidates,
    );
  }

  async *#deltaImport(watermark: Watermark): AsyncIterable<ImportChange> {
    this.#startImport();
    const stored = decodeWatermark(watermark, this.#scope.fingerprint());
    const { client, reader } = await this.#connection();
    const changes =
      stored.mechanism === 'dirsync'
        ? this.#dirSyncChanges(client, reader, stored)
        : this.#usnChanges(client, reader, stored, await this.#readRootDse(client));
    for await (const change of changes) yield change;
  }

  async *#readObjects(anchors: readonly string[]): AsyncIterable<ImportChange> {
    const { reader } = await this.#connection();
    for (const anchor of anchors) {
      const live = await this.#reReadLive(reader, Buffer.from(anchor, 'base64'));
      const change =
        live === undefined
          ? ({ op: 'delete', anchor, dn: '', reason: 'deleted-in-ad' } as const)
          : await this.#changeFor(reader, live, { attributeFilterApplied: false });
      if (change !== undefined) yield change;
    }
  }

  #startImport(): void {
    this.watermark = undefined;
    resetStatistics(this.statistics);
  }

  async #connection(): Promise<{ client: Client; reader: DirectoryReader }> {
    if (this.#client === undefined || !this.#client.isBound) {
      await this.#client?.unbind().catch(() => undefined);
      this.#client = await openDirectoryConnection(this.#options);
      this.#reader = new DirectoryReader(this.#client);
    }
    return { client: this.#client, reader: this.#reader! };
  }

  async #readRootDse(client: Client): Promise<RootDse> {
    const { searchEntries } = await client.search('', {
      scope: 'base',
      attributes: ['defaultNamingContext', 'namingContexts', 'dsServiceName', 'highestCommittedUSN'],
    });
    const rootDse = searchEntries[0];
    const text = (name: string): string => String(valuesAsArray(rootDse?.[name] as LdapValues | undefined)[0] ?? '');
    return {
      defaultNamingContext: text('defaultNamingContext'),
      namingContexts: valuesAsArray(rootDse?.namingContexts as LdapValues | undefined).map(String),
      dsServiceName: text('dsServiceName'),
      highestCommittedUsn: text('highestCommittedUSN'),
    };
  }

  /** The naming contexts holding the included OUs (each in its deepest context), or the default one. */
  #namingContextsInScope(rootDse: RootDse): string[] {
    if (this.#scope.includeOus.length === 0) return [rootDse.defaultNamingContext];
    const inScope = new Set<string>();
    for (const ou of this.#scope.includeOus) {
      const namingContext = deepestContainerOf(ou.dn, rootDse.namingContexts);
      if (namingContext === undefined) {
        throw directoryConfigurationError(
          `The included OU ${ou.dn} is not in a naming context of the domain controller ${rootDse.dsServiceName} (it holds ${rootDse.namingContexts.join('; ')}).`,
          "Check the OU's distinguished name, or connect to a domain controller of the OU's domain.",
          ou.dn,
        );
      }
      inScope.add(namingContext);
    }
    return [...inScope];
  }

  /**
   * The watermark as of now, taken before the full import reads anything. DirSync: a DirSync search with an
   * empty cookie and a filter matching nothing returns the cookie of the current state without any entry.
   * An account without the replication rights falls back to the DC's highestCommittedUSN.
   */
  async #captureWatermark(client: Client, rootDse: RootDse, namingContexts: string[]): Promise<AdWatermark> {
    const scope = this.#scope.fingerprint();
    const usnWatermark: UsnWatermark = {
      version: WATERMARK_VERSION,
      scope,
      mechanism: 'usn',
      server: rootDse.dsServiceName,
      highestCommittedUsn: rootDse.highestCommittedUsn,
      namingContexts,
    };
    if (this.#options.changeTracking === 'usn') return usnWatermark;
    try {
      const cookies: Record<string, string> = {};
      for (const namingContext of namingContexts) {
        const control = new DirSyncControl({ flags: DIRSYNC_FLAGS });
        do {
          await client.search(namingContext, { filter: MATCH_NOTHING_FILTER, attributes: ['objectGUID'] }, control);
        } while (control.moreResults);
        cookies[namingContext] = control.cookie.toString('base64');
      }
      return { version: WATERMARK_VERSION, scope, mechanism: 'dirsync', cookies } satisfies DirSyncWatermark;
    } catch (error) {
      if (!(error instanceof InsufficientAccessError)) throw error;
      this.#options.output?.warning(
        `${this.#options.bindDn} may not use the DirSync control (it lacks "Replicating Directory Changes" on the domain), ` +
          `so changes are tracked with uSNChanged on ${rootDse.dsServiceName} alone. Deletions are seen only if the account ` +
          'may list CN=Deleted Objects; otherwise they wait for the next full import. Grant the right to restore DirSync tracking.',
      );
      return usnWatermark;
    }
  }

  async *#dirSyncChanges(client: Client, reader: DirectoryReader, stored: DirSyncWatermark): AsyncIterable<ImportChange> {
    const cookies: Record<string, string> = {};
    for (const [namingContext, cookie] of Object.entries(stored.cookies)) {
      const control = new DirSyncControl({ flags: DIRSYNC_FLAGS, cookie: Buffer.from(cookie, 'base64') });
      do {
        let entries: Entry[];
        try {
          ({ searchEntries: entries } = await client.search(
            namingContext,
            { filter: CHANGE_FILTER, attributes: READ_ATTRIBUTES, explicitBufferAttributes: BINARY_ATTRIBUTES },
            // Show Deleted: how Microsoft documents DirSync clients over LDAP receiving deletions.
            [control, new ShowDeletedControl(), ...DirectoryReader.readControls()],
          ));
        } catch (error) {
          throw this.#asRejectedCookie(error, namingContext);
        }
        this.statistics.pages += 1;
        for (const entry of entries) {
          this.statistics.entries += 1;
          const change = await this.#changeFor(reader, entry, { attributeFilterApplied: false, memberIncrements: memberIncrementsOf(entry) });
          if (change !== undefined) yield change;
        }
      } while (control.moreResults);
      cookies[namingContext] = control.cookie.toString('base64');
    }
    this.watermark = encodeWatermark({ ...stored, cookies });
  }

  async *#usnChanges(client: Client, reader: DirectoryReader, stored: UsnWatermark, rootDse: RootDse): AsyncIterable<ImportChange> {
    if (rootDse.dsServiceName !== stored.server) {
      throw new WatermarkRejectedError(
        `The watermark holds update sequence numbers of ${stored.server}, but this connection reached ${rootDse.dsServiceName}.`,
      );
    }
    if (BigInt(rootDse.highestCommittedUsn) < BigInt(stored.highestCommittedUsn)) {
      throw new WatermarkRejectedError(
        `${rootDse.dsServiceName} is at update sequence number ${rootDse.highestCommittedUsn}, behind the watermark's ${stored.highestCommittedUsn} (was it restored from a backup?).`,
      );
    }
    const changedSince = `(uSNChanged>=${BigInt(stored.highestCommittedUsn) + 1n})`;
    for (const namingContext of stored.namingContexts) {
      yield* this.#pagedSearchChanges(reader, client, namingContext, `(&${changedSince}${CHANGE_FILTER})`, [new ShowDeletedControl()], false);
    }
    // Read before the search ran: anything committed meanwhile is seen again next time, never skipped.
    this.watermark = encodeWatermark({ ...stored, highestCommittedUsn: rootDse.highestCommittedUsn });
  }

  /** The changes an ordinary paged search finds, one page in memory at a time. */
  async *#pagedSearchChanges(
    reader: DirectoryReader,
    client: Client,
    searchBase: string,
    filter: string,
    controls: Control[],
    attributeFilterApplied: boolean,
  ): AsyncIterable<ImportChange> {
    const entries = this.#pagedSearch(client, searchBase, filter, READ_ATTRIBUTES, [...controls, ...DirectoryReader.readControls()], this.statistics);
    for await (const entry of entries) {
      const change = await this.#changeFor(reader, entry, { attributeFilterApplied });
      if (change !== undefined) yield change;
    }
  }

  /** The entries of a paged search, one page in memory at a time, counted into `statistics`. */
  async *#pagedSearch(
    client: Client,
    searchBase: string,
    filter: string,
    attributes: string[],
    controls: Control[],
    statistics: ImportStatistics,
    pageSize = this.#options.pageSize ?? 500,
  ): AsyncIterable<Entry> {
    const pages = client.searchPaginated(
      searchBase,
      { filter, attributes, explicitBufferAttributes: BINARY_ATTRIBUTES, paged: { pageSize } },
      controls,
    );
    let pagesReceived = 0;
    try {
      for await (const page of readingAhead(pages)) {
        pagesReceived += 1;
        statistics.pages += 1;
        statistics.entries += page.searchEntries.length;
        yield* page.searchEntries;
      }
    } catch (error) {
      if (!(error instanceof NoSuchObjectError) || pagesReceived > 0) throw error;
      throw directoryConfigurationError(
        `${searchBase} does not exist in the directory.`,
        'Correct the OU in the synchronisation scope (includeOus): it may have been renamed or moved.',
        searchBase,
      );
    }
  }

  /**
   * What an entry means for the cloud: tombstone → delete; a live object is re-read whole (a DirSync reply
   * carries only the changed attributes) and judged against selection and scope → upsert or out-of-scope
   * delete. Undefined for objects DirSync never synchronises (and so never exported).
   */
  async #changeFor(
    reader: DirectoryReader,
    entry: Entry,
    options: { attributeFilterApplied: boolean; memberIncrements?: MemberIncrements | undefined },
  ): Promise<ImportChange | undefined> {
    const entryDn = parseExtendedDn(entry.dn);
    const isTombstone =
      valuesAsArray(entry.isDeleted as LdapValues | undefined)[0]
        ?.toString()
        .toUpperCase() === 'TRUE';
    const guid = valuesAsArray(entry.objectGUID as LdapValues | undefined).find(Buffer.isBuffer) ?? entryDn.guid;
    if (guid === undefined)
      throw new DirSyncError('ActiveDirectory.unexpected-reply', `The directory returned ${entryDn.dn} without its objectGUID.`);
    const anchor = anchorFromGuid(guid);
    if (isTombstone) return { op: 'delete', anchor, dn: entryDn.dn, reason: 'deleted-in-ad' };

    // With the membership's increments at hand, the re-read leaves out the (possibly huge) member list.
    const increments = options.memberIncrements;
    const complete = options.attributeFilterApplied
      ? entry
      : await this.#reReadLive(reader, guid, increments === undefined ? READ_ATTRIBUTES : ATTRIBUTES_BUT_MEMBER);
    if (complete === undefined) return { op: 'delete', anchor, dn: entryDn.dn, reason: 'deleted-in-ad' };
    const read = await reader.complete(complete);
    const kind = kindOf(read.attributes);
    if (kind === undefined) return undefined;

    const judgement = await judgeScope(reader, this.#scope, read, kind, options);
    if (!judgement.inScope) {
      if (judgement.excluded) this.#options.output?.verbose(`${read.dn} is not synchronised: ${judgement.reason}.`);
      return { op: 'delete', anchor, dn: read.dn, reason: 'out-of-scope' };
    }
    const object = await reader.toSourceObject(read, kind);
    if (kind === 'group' && increments !== undefined) {
      delete object.references.members;
      object.references.memberChanges = { added: await reader.anchorsOf(increments.added), removed: await reader.anchorsOf(increments.removed) };
    }
    const { members, memberChanges } = object.references;
    this.statistics.memberValues +=
      (members?.length ?? 0) + (memberChanges === undefined ? 0 : memberChanges.added.length + memberChanges.removed.length);
    return { op: 'upsert', object };
  }

  /** The object as it is now; undefined when it no longer exists (deleted since the change was read). */
  async #reReadLive(reader: DirectoryReader, guid: Buffer, attributes = READ_ATTRIBUTES): Promise<Entry | undefined> {
    try {
      return await reader.readByGuid(guid, { attributes });
    } catch (error) {
      if (error instanceof NoSuchObjectError) return undefined;
      throw error;
    }
  }

  /** DirSync errors that mean "this cookie cannot be resumed from" (not: the server is busy or gone). */
  #asRejectedCookie(error: unknown, namingContext: string): unknown {
    if (!(error instanceof ResultCodeError)) return error;
    const transient = [BusyError, UnavailableError, TimeLimitExceededError, AdminLimitExceededError];
    if (transient.some((errorClass) => error instanceof errorClass)) return error;
    if (error instanceof InsufficientAccessError) {
      return new WatermarkRejectedError(
        `${this.#options.bindDn} may no longer use the DirSync control on ${namingContext}; a full import will switch change tracking to uSNChanged.`,
        { cause: error },
      );
    }
    return new WatermarkRejectedError(`The domain controller rejected the DirSync cookie for ${namingContext}: ${error.message}`, { cause: error });
  }
}

const ATTRIBUTES_BUT_MEMBER = READ_ATTRIBUTES.filter((attribute) => attribute !== 'member');

/** A DirSync reply's membership change, as extended DNs (see DIRSYNC_FLAGS). */
interface MemberIncrements {
  added: string[];
  removed: string[];
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

/**
 * The pages of a paged search, the next one requested before the current one is handed on: the server prepares
 * it while the entries are converted (without this the two took turns, and the import waited on each page).
 */
async function* readingAhead<T>(pages: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = pages.next();
  try {
    for (let page = await next; !page.done; page = await next) {
      next = pages.next();
      // A failure of the page read ahead surfaces when it is awaited, not as an unhandled rejection meanwhile.
      next.catch(() => undefined);
      yield page.value;
    }
  } finally {
    // A consumer that stops early ends the search once the page in flight has arrived.
    await pages.return(undefined);
  }
}

function emptyStatistics(): ImportStatistics {
  return { pages: 0, entries: 0, bySearchBase: new Map(), memberValues: 0 };
}

function resetStatistics(statistics: ImportStatistics): void {
  statistics.pages = 0;
  statistics.entries = 0;
  statistics.memberValues = 0;
  statistics.bySearchBase.clear();
}
