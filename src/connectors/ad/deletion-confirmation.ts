// Before a listing's missing object is deleted in the cloud, it is looked up by its objectGUID: an object the sync
// account merely cannot list must never be taken for a deleted one. A base search on <GUID=…> reaches an object
// the listing skipped; a GUID that no longer exists answers noSuchObject (32). Samba also answers 32 when an
// ancestor of the object denies the account access, but says so ("Access check failed on <DN>"): that is read
// as hidden, never as gone. Cost: a few searches per candidate, independent of the directory's size.
import { EqualityFilter, NoSuchObjectError } from 'ldapts';
import type { Client, Entry } from 'ldapts';
import type { ObjectKind } from '../../engine/model.ts';
import type { DeletionCandidate, DeletionVerdict, DeletionVerdictKind } from '../../engine/ports.ts';
import { ShowDeletedControl } from './controls/show-deleted-control.ts';
import { isTombstone, type DirectoryReader, type ReadEntry } from './directory-reader.ts';
import { parentDn, parseDn } from './distinguished-name.ts';
import { judgeScope } from './scope-judgement.ts';
import type { DirectoryScope } from './scope.ts';
import { SELECTION_ATTRIBUTES, kindOf } from './selection.ts';
import { valuesAsArray } from './values.ts';
import type { LdapValues } from './values.ts';

export interface ConfirmationContext {
  client: Client;
  reader: DirectoryReader;
  scope: DirectoryScope;
  /** The account the directory is read as, named in the reasons. */
  account: string;
  /** Turns an error into the one to throw when the connection itself is lost; returns other errors unchanged. */
  lostConnection: (error: unknown) => unknown;
}

/** One object looked up by its GUID: the verdict its deletion would get, and what the account could read of it. */
export interface Examination {
  verdict: DeletionVerdict;
  /** The object as read (selection attributes), when it exists and the account may read it. */
  read: ReadEntry | undefined;
  /** In scope, readable, and listed under each of its containers in scope: a full import returns it. */
  listed: boolean;
}

/** One verdict per candidate, in order. A failed lookup makes that candidate unconfirmed; a lost connection throws. */
export async function* confirmDeletions(context: ConfirmationContext, candidates: readonly DeletionCandidate[]): AsyncIterable<DeletionVerdict> {
  const confirmer = new Confirmer(context);
  for (const candidate of candidates) {
    try {
      yield (await confirmer.examine(candidate)).verdict;
    } catch (error) {
      const lost = context.lostConnection(error);
      if (lost !== error) throw lost;
      yield {
        anchor: candidate.anchor,
        verdict: 'unconfirmed',
        dn: candidate.dn,
        kind: undefined,
        reason: `it could not be looked up (${error instanceof Error ? error.message : String(error)}), so it is not deleted.`,
      };
    }
  }
}

/** What `explain` shows of one object: looked up as a deletion candidate is, whether or not a listing returned it. */
export function examineObject(context: ConfirmationContext, candidate: DeletionCandidate): Promise<Examination> {
  return new Confirmer(context).examine(candidate);
}

/** Samba's diagnostic when an ancestor of the base object denies the caller: "…Access check failed on <DN>…". */
const accessCheckFailure = /Access check failed on (.+?)(?: Code: 0x[0-9a-f]+)?$/i;

/** The container whose access check failed, when a noSuchObject answer says so (Samba): the object may well exist. */
export function accessDeniedAt(error: NoSuchObjectError): string | undefined {
  return accessCheckFailure.exec(error.message)?.[1];
}

class Confirmer {
  readonly #context: ConfirmationContext;
  /** Per call: whether a DN is listed under its parent / can be read, so siblings cost no extra search. */
  readonly #listed = new Map<string, boolean>();
  readonly #readable = new Map<string, boolean>();

  constructor(context: ConfirmationContext) {
    this.#context = context;
  }

  async examine(candidate: DeletionCandidate): Promise<Examination> {
    const unread = (kind: DeletionVerdictKind, reason: string): Examination => ({
      verdict: { anchor: candidate.anchor, verdict: kind, dn: candidate.dn, kind: undefined, reason },
      read: undefined,
      listed: false,
    });
    const verdict = (kind: DeletionVerdictKind, reason: string, read: ReadEntry, found: ObjectKind | undefined, listed = false): Examination => ({
      verdict: { anchor: candidate.anchor, verdict: kind, dn: read.dn, kind: found, reason },
      read,
      listed,
    });
    const guid = Buffer.from(candidate.anchor, 'base64');
    let entry: Entry | undefined;
    try {
      entry = await this.#context.reader.readByGuid(guid, {
        attributes: [...SELECTION_ATTRIBUTES, 'isDeleted'],
        controls: [new ShowDeletedControl()],
      });
    } catch (error) {
      if (!(error instanceof NoSuchObjectError)) throw error;
      const deniedAt = accessDeniedAt(error);
      if (deniedAt === undefined) return unread('gone', 'no object with its objectGUID exists in the directory.');
      if (parseDn(deniedAt)[0] === 'cn=deleted objects') return unread('gone', 'it is a deleted object (its objectGUID is in CN=Deleted Objects).');
      return unread(
        'hidden',
        `${this.#context.account} is refused access to ${deniedAt} (denied list contents or read), so it cannot see ${candidate.dn}. ` +
          `Check the permissions of ${deniedAt} for ${this.#context.account}; the object is not deleted in the cloud.`,
      );
    }
    if (entry === undefined)
      return unread('unconfirmed', 'the directory returned nothing for its objectGUID without saying it does not exist, so it is not deleted.');
    if (isTombstone(entry)) return unread('gone', 'it was deleted (it is a tombstone in CN=Deleted Objects).');

    const read = await this.#context.reader.complete(entry);
    const kind = kindOf(read.attributes);
    if (!isReadable(read, kind)) return { ...verdict('hidden', await this.#whyUnseen(read, 'read'), read, undefined), read: undefined };
    if (kind === undefined) return verdict('out-of-scope', 'it is no longer a user, group or contact that DirSync synchronises.', read, kind);
    const judgement = await judgeScope(this.#context.reader, this.#context.scope, read, kind, { attributeFilterApplied: false });
    if (!judgement.inScope) return verdict('out-of-scope', `${judgement.reason}.`, read, kind);
    const listed = (await this.#unlistedContainer(read.dn)) === undefined;
    return verdict('hidden', await this.#whyUnseen(read, 'list'), read, kind, listed);
  }

  /**
   * The likely cause of an in-scope object missing from the listing: the topmost container under which the
   * account cannot list, or (for an object whose attributes it cannot read) the topmost unreadable ancestor.
   */
  async #whyUnseen(object: ReadEntry, symptom: 'list' | 'read'): Promise<string> {
    const account = this.#context.account;
    const notDeleted = 'the object is not deleted in the cloud.';
    const chain = this.#chainInScope(object.dn);
    const unlistedParent = await this.#unlistedContainer(object.dn);
    if (unlistedParent !== undefined) {
      return (
        `${account} may not list the contents of ${unlistedParent} (a deny of list contents or read on it or inherited from above); ` +
        `check its permissions for ${account}: ${notDeleted}`
      );
    }
    if (symptom === 'read') {
      let unreadable = object.dn;
      for (const dn of chain.slice(1)) if (!(await this.#isReadable(dn))) unreadable = dn;
      const where = unreadable === object.dn ? `the object ${object.dn}` : `${unreadable} and everything under it`;
      return `${account} may not read ${where} (denied read property); check the permissions for ${account}: ${notDeleted}`;
    }
    return `it is in scope and ${account} can read it, but the listing did not return it (was it moved into the scope while the listing ran?); ${notDeleted}`;
  }

  /** The topmost container in scope under which the account cannot list the next one down to the object, if any. */
  async #unlistedContainer(dn: string): Promise<string | undefined> {
    const chain = this.#chainInScope(dn);
    let unlistedParent: string | undefined;
    // Upwards, the last container found is the topmost; the search base's own parent does not matter.
    for (let index = 0; index + 1 < chain.length; index++) {
      if (!(await this.#isListed(chain[index]!, chain[index + 1]!))) unlistedParent = chain[index + 1];
    }
    return unlistedParent;
  }

  /** The object's DN and its ancestors that are still in scope, the object first. */
  #chainInScope(dn: string): string[] {
    const chain = [dn];
    for (let parent = parentDn(dn); parent !== undefined && this.#context.scope.containsDn(parent); parent = parentDn(parent)) chain.push(parent);
    return chain;
  }

  /** Whether a one-level search of `parent` returns `dn` (distinguishedName is matched even where attributes are denied). */
  async #isListed(dn: string, parent: string): Promise<boolean> {
    const known = this.#listed.get(dn);
    if (known !== undefined) return known;
    let listed = false;
    try {
      const { searchEntries } = await this.#context.client.search(parent, {
        scope: 'one',
        filter: new EqualityFilter({ attribute: 'distinguishedName', value: dn }),
        attributes: ['1.1'],
      });
      listed = searchEntries.length > 0;
    } catch (error) {
      if (!(error instanceof NoSuchObjectError)) throw error;
    }
    this.#listed.set(dn, listed);
    return listed;
  }

  async #isReadable(dn: string): Promise<boolean> {
    const known = this.#readable.get(dn);
    if (known !== undefined) return known;
    let readable = false;
    try {
      const { searchEntries } = await this.#context.client.search(dn, { scope: 'base', attributes: ['objectClass'] });
      readable = valuesAsArray(searchEntries[0]?.objectClass as LdapValues | undefined).length > 0;
    } catch (error) {
      if (!(error instanceof NoSuchObjectError)) throw error;
    }
    this.#readable.set(dn, readable);
    return readable;
  }
}

/**
 * An object whose objectClass (or, for a user, sAMAccountName, which every user has) comes back empty is one the
 * account may not read: it cannot be judged, so it is never taken for out of scope.
 */
function isReadable(read: ReadEntry, kind: ObjectKind | undefined): boolean {
  if ((read.attributes.objectclass ?? []).length === 0) return false;
  return kind !== 'user' || (read.attributes.samaccountname ?? []).length > 0;
}
