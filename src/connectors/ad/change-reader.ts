// From the entries a search returns to the engine's ImportChanges, judged one way for the full import, both change
// trackers and the re-reads of failed exports: tombstone → delete; a live object re-read whole when the search
// carried only part of it, then judged against selection and scope → upsert, or delete when out of scope.
import { NoSuchObjectError } from 'ldapts';
import type { Client, Control, Entry } from 'ldapts';
import { DirSyncError } from '../../core/errors.ts';
import type { Reporter } from '../../core/reporter.ts';
import type { ImportChange } from '../../engine/model.ts';
import { DirectoryReader, isTombstone } from './directory-reader.ts';
import { pagedSearch, type ImportStatistics } from './paged-search.ts';
import { judgeScope } from './scope-judgement.ts';
import type { DirectoryScope } from './scope.ts';
import { kindOf } from './selection.ts';
import { anchorFromGuid, parseExtendedDn, valuesAsArray } from './values.ts';
import type { LdapValues } from './values.ts';

/** A group's membership change as the DirSync control's incremental values carry it, as extended DNs. */
export interface MemberIncrements {
  added: string[];
  removed: string[];
}

export interface ChangeOptions {
  /** The search that found the entry carried the scope's attribute filter, and asked for every attribute read. */
  attributeFilterApplied: boolean;
  /** The group's membership change, when the entry carried it as increments rather than the whole list. */
  memberIncrements?: MemberIncrements | undefined;
  /** Read the groups the object is a member of too (memberOf → references.memberOf): a one-object run. */
  memberOf?: boolean;
}

export interface ChangeReaderOptions {
  scope: DirectoryScope;
  /** Where the entries read and the member values converted are counted. */
  statistics: ImportStatistics;
  /** Entries per page of a paged search. */
  pageSize: number;
  /** Where skipped objects are reported (verbose). */
  output: Pick<Reporter, 'verbose'> | undefined;
  /** What is read of each object (readAttributes in directory-reader.ts). */
  attributes: readonly string[];
}

export class ChangeReader {
  readonly client: Client;
  readonly reader: DirectoryReader;
  readonly statistics: ImportStatistics;
  /** What is read of each object, and the same without `member` (a re-read that has the membership's increments). */
  readonly attributes: readonly string[];
  readonly #attributesButMember: readonly string[];
  readonly #options: ChangeReaderOptions;

  constructor(connection: { client: Client; reader: DirectoryReader }, options: ChangeReaderOptions) {
    this.client = connection.client;
    this.reader = connection.reader;
    this.statistics = options.statistics;
    this.attributes = options.attributes;
    this.#attributesButMember = options.attributes.filter((attribute) => attribute.toLowerCase() !== 'member');
    this.#options = options;
  }

  /** The changes a paged search of one search base finds, one page in memory at a time. */
  async *pagedChanges(searchBase: string, filter: string, controls: Control[], attributeFilterApplied: boolean): AsyncGenerator<ImportChange> {
    const search = {
      searchBase,
      filter,
      attributes: [...this.attributes],
      controls: [...controls, ...DirectoryReader.readControls()],
      pageSize: this.#options.pageSize,
    };
    for await (const entry of pagedSearch(this.client, search, this.statistics)) {
      const change = await this.changeFor(entry, { attributeFilterApplied });
      if (change !== undefined) yield change;
    }
  }

  /** The objects with these anchors as they are now: a delete when one no longer exists (or the account cannot see it). */
  async *objectsNow(anchors: readonly string[], options: { memberOf?: boolean } = {}): AsyncGenerator<ImportChange> {
    for (const anchor of anchors) {
      const live = await this.#reReadLive(Buffer.from(anchor, 'base64'));
      const change =
        live === undefined
          ? ({ op: 'delete', anchor, dn: '', reason: 'not-found' } as const)
          : await this.changeFor(live, { attributeFilterApplied: false, memberOf: options.memberOf === true });
      if (change !== undefined) yield change;
    }
  }

  /**
   * What an entry means for the cloud (see the head of this file). A DirSync reply carries only the changed
   * attributes: unless the search applied the filter and read everything, the object is re-read by GUID.
   * Undefined for objects DirSync never synchronises (and so never exported).
   */
  async changeFor(entry: Entry, options: ChangeOptions): Promise<ImportChange | undefined> {
    const entryDn = parseExtendedDn(entry.dn);
    const guid = valuesAsArray(entry.objectGUID as LdapValues | undefined).find(Buffer.isBuffer) ?? entryDn.guid;
    if (guid === undefined)
      throw new DirSyncError('ActiveDirectory.unexpected-reply', `The directory returned ${entryDn.dn} without its objectGUID.`);
    const anchor = anchorFromGuid(guid);
    if (isTombstone(entry)) return { op: 'delete', anchor, dn: entryDn.dn, reason: 'deleted-in-ad' };

    // With the membership's increments at hand, the re-read leaves out the (possibly huge) member list.
    const increments = options.memberIncrements;
    const complete = options.attributeFilterApplied
      ? entry
      : await this.#reReadLive(guid, [
          ...(increments === undefined ? this.attributes : this.#attributesButMember),
          ...(options.memberOf ? ['memberOf'] : []),
        ]);
    // Not a tombstone, yet not readable by GUID: deleted since, or hidden from this account (the engine confirms which).
    if (complete === undefined) return { op: 'delete', anchor, dn: entryDn.dn, reason: 'not-found' };
    const read = await this.reader.complete(complete);
    const kind = kindOf(read.attributes);
    if (kind === undefined) return undefined;

    const judgement = await judgeScope(this.reader, this.#options.scope, read, kind, options);
    if (!judgement.inScope) {
      if (judgement.excluded) this.#options.output?.verbose(`${read.dn} is not synchronised: ${judgement.reason}.`);
      return { op: 'delete', anchor, dn: read.dn, reason: 'out-of-scope' };
    }
    const object = await this.reader.toSourceObject(read, kind, { memberOf: options.memberOf === true });
    if (kind === 'group' && increments !== undefined) {
      delete object.references.members;
      object.references.memberChanges = {
        added: await this.reader.anchorsOf(increments.added, read.dn),
        removed: await this.reader.anchorsOf(increments.removed, read.dn),
      };
    }
    const { members, memberChanges } = object.references;
    this.statistics.memberValues +=
      (members?.length ?? 0) + (memberChanges === undefined ? 0 : memberChanges.added.length + memberChanges.removed.length);
    return { op: 'upsert', object };
  }

  /** The object as it is now; undefined when it no longer exists (deleted since the change was read). */
  async #reReadLive(guid: Buffer, attributes = this.attributes): Promise<Entry | undefined> {
    try {
      return await this.reader.readByGuid(guid, { attributes });
    } catch (error) {
      if (error instanceof NoSuchObjectError) return undefined;
      throw error;
    }
  }
}
