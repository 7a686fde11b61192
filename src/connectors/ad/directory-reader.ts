// Reads AD entries and turns them into the engine's SourceObjects: every attribute as strings keyed
// lower-case, multi-valued attributes read completely (range retrieval), DN references resolved to anchors.
import { DirSyncError } from '../../core/errors.ts';
import { NoSuchObjectError } from 'ldapts';
import type { Client, Control, Entry } from 'ldapts';
import { sourceAttributes } from '../../engine/mapping.ts';
import { DEFAULT_ATTRIBUTE_MAPPING } from '../../engine/mapping/attribute-mapping.ts';
import type { ObjectKind, SourceObject } from '../../engine/model.ts';
import { SELECTION_ATTRIBUTES } from './selection.ts';
import { ExtendedDnControl } from './controls/extended-dn-control.ts';
import { isForeignPrincipalDn, sidOfForeignPrincipalDn, type ForeignPrincipal, type ForeignPrincipals } from './foreign-principals.ts';
import {
  anchorFromGuid,
  sidToString,
  attributeValuesAsStrings,
  guidToHex,
  parseExtendedDn,
  parseRangedAttributeName,
  firstBuffer,
  firstString,
  valuesAsArray,
} from './values.ts';
import type { LdapValues } from './values.ts';

/** What the connector itself reads of every object: its GUID, whether it is a tombstone, its references, and what selection decides on. */
const CONNECTOR_ATTRIBUTES = ['objectGUID', 'isDeleted', 'member', 'manager', ...SELECTION_ATTRIBUTES];

/**
 * The attributes an import reads: the connector's own and those the engine asks for (what the attribute mapping's
 * expressions and DirSync's own rules read), each once — and no others.
 */
export function readAttributes(engineAttributes: readonly string[]): string[] {
  const byLowerCase = new Map<string, string>();
  for (const name of [...CONNECTOR_ATTRIBUTES, ...engineAttributes])
    if (!byLowerCase.has(name.toLowerCase())) byLowerCase.set(name.toLowerCase(), name);
  return [...byLowerCase.values()];
}

/** What an import reads with the default attribute mapping. */
export const DEFAULT_READ_ATTRIBUTES = readAttributes(sourceAttributes(DEFAULT_ATTRIBUTE_MAPPING));

/** Binary attributes, in the server's spelling (ldapts matches them case-sensitively). */
export const BINARY_ATTRIBUTES = ['objectGUID', 'objectSid'];

/** A deleted object as Show Deleted and the DirSync control return it: isDeleted=TRUE, under CN=Deleted Objects. */
export function isTombstone(entry: Entry): boolean {
  return firstString(entry.isDeleted as LdapValues | undefined)?.toUpperCase() === 'TRUE';
}

const lowerCaseNames = new Map<string, string>();

/** Attribute names lower-cased once: the schema's few names recur in every entry. */
function lowerCaseName(name: string): string {
  let lowerCase = lowerCaseNames.get(name);
  if (lowerCase === undefined) {
    lowerCase = name.toLowerCase();
    lowerCaseNames.set(name, lowerCase);
  }
  return lowerCase;
}

/** DN-valued attributes read as references to other objects, lower-case. */
type ReferenceAttribute = 'member' | 'manager' | 'memberof';
const REFERENCE_ATTRIBUTES: ReadonlySet<string> = new Set<ReferenceAttribute>(['member', 'manager', 'memberof']);

/** An entry as read, reduced to what every later step needs. */
export interface ReadEntry {
  guid: Buffer;
  dn: string;
  attributes: Record<string, string[]>;
  /** DN-valued attributes with their GUIDs (and SIDs), for references (memberOf only when asked for). */
  references: Record<ReferenceAttribute, Reference[]>;
}

interface Reference {
  guid: Buffer | undefined;
  sid?: Buffer | undefined;
  dn: string;
}

export class DirectoryReader {
  readonly #client: Client;
  /** The installation's other forests, when it has some: group members from them are resolved there. */
  readonly #foreign: ForeignPrincipals | undefined;

  constructor(client: Client, foreign?: ForeignPrincipals) {
    this.#client = client;
    this.#foreign = foreign;
  }

  /** Controls every read sends: DN values come with their GUIDs (see ExtendedDnControl). */
  static readControls(): ExtendedDnControl[] {
    return [new ExtendedDnControl()];
  }

  /**
   * The object with this GUID, optionally only if it matches `filter`; undefined otherwise. `controls` are sent
   * besides the read controls (e.g. Show Deleted).
   */
  async readByGuid(guid: Buffer, options: { filter?: string; attributes: readonly string[]; controls?: Control[] }): Promise<Entry | undefined> {
    const { searchEntries } = await this.#client.search(
      `<GUID=${guidToHex(guid)}>`,
      {
        scope: 'base',
        ...(options.filter === undefined ? {} : { filter: options.filter }),
        attributes: [...options.attributes],
        explicitBufferAttributes: BINARY_ATTRIBUTES,
      },
      [...(options.controls ?? []), ...DirectoryReader.readControls()],
    );
    return searchEntries[0];
  }

  /** Normalises an entry, fetching the remaining ranges of any multi-valued attribute the server cut short. */
  async complete(entry: Entry): Promise<ReadEntry> {
    const extendedDn = parseExtendedDn(entry.dn);
    const guid = firstBuffer(entry.objectGUID) ?? extendedDn.guid;
    if (guid === undefined) throw new DirSyncError('ActiveDirectory.unexpected-reply', `The entry ${entry.dn} came without objectGUID.`);

    const attributes: Record<string, string[]> = {};
    const references: ReadEntry['references'] = { member: [], manager: [], memberof: [] };
    // One pass over what ldapts parsed (this runs for every object of an import: see bench/import-rate.ts).
    for (const name in entry) {
      if (name === 'dn') continue;
      let values = valuesAsArray(entry[name] as LdapValues);
      let attribute = name;
      if (name.includes(';')) {
        const ranged = parseRangedAttributeName(name);
        if (ranged !== undefined) {
          attribute = ranged.attribute;
          if (ranged.high !== '*') values = [...values, ...(await this.#readRemainingRange(guid, ranged.attribute, ranged.high + 1))];
        }
      }
      // ldapts also lists each requested-but-absent attribute (empty): that never hides the ranged values.
      if (values.length === 0) continue;
      const lowerCase = lowerCaseName(attribute);
      if (lowerCase === 'objectguid') continue;
      if (REFERENCE_ATTRIBUTES.has(lowerCase)) {
        const parsed = values.filter((value) => typeof value === 'string').map((value) => parseExtendedDn(value));
        references[lowerCase as ReferenceAttribute] = parsed;
        // memberOf is a reference only: the mapping never reads it, so the object's attributes stay as a full import reads them.
        if (lowerCase !== 'memberof') attributes[lowerCase] = parsed.map(({ dn }) => dn);
        continue;
      }
      const strings = attributeValuesAsStrings(lowerCase, values as LdapValues);
      if (strings !== undefined) attributes[lowerCase] = strings;
    }
    return { guid, dn: extendedDn.dn, attributes, references };
  }

  /**
   * The SourceObject of a completed entry; references without a GUID are looked up by DN. `memberOf`: the entry was
   * read with memberOf, and the groups it names are wanted (a one-object run).
   */
  async toSourceObject(entry: ReadEntry, kind: ObjectKind, options: { memberOf?: boolean } = {}): Promise<SourceObject> {
    const object: SourceObject = { anchor: anchorFromGuid(entry.guid), kind, dn: entry.dn, attributes: entry.attributes, references: {} };
    if (kind === 'group') {
      const members = await this.#anchorsOfReferences(entry.references.member, entry.dn);
      // Members of a forest that cannot be read now may still be members: only additions can be trusted.
      if (members.unavailable.size === 0) object.references.members = members.anchors;
      else {
        object.references.memberChanges = { added: members.anchors, removed: [] };
        this.#foreign?.notice(
          `${entry.dn}: its members from ${[...members.unavailable].join(', ')} cannot be read this cycle, so members are only added to the cloud group, none removed, until they can.`,
        );
      }
    } else {
      const manager = entry.references.manager[0];
      object.references.manager = manager === undefined ? null : ((await this.#anchorOf(manager)) ?? null);
    }
    if (options.memberOf) object.references.memberOf = (await this.#anchorsOfReferences(entry.references.memberof, entry.dn)).anchors;
    return object;
  }

  /**
   * The anchors of DN values as the Extended DN control returns them (a group's members added or removed); references
   * to objects gone, and members of another forest that cannot be resolved now, are left out.
   */
  async anchorsOf(extendedDns: readonly string[], groupDn: string): Promise<string[]> {
    const { anchors, unavailable } = await this.#anchorsOfReferences(
      extendedDns.map((value) => parseExtendedDn(value)),
      groupDn,
    );
    if (unavailable.size > 0)
      this.#foreign?.notice(
        `${groupDn}: a change of its members from ${[...unavailable].join(', ')} cannot be resolved this cycle; the next full import brings it.`,
      );
    return anchors;
  }

  async #anchorsOfReferences(references: readonly Reference[], groupDn: string): Promise<{ anchors: string[]; unavailable: Set<string> }> {
    const anchors: string[] = [];
    const unavailable = new Set<string>();
    for (const reference of references) {
      const foreign = await this.#foreignMember(reference, groupDn);
      const anchor = foreign === undefined ? await this.#anchorOf(reference) : 'anchor' in foreign ? foreign.anchor : undefined;
      if (anchor !== undefined) anchors.push(anchor);
      if (foreign !== undefined && 'unavailable' in foreign) unavailable.add(foreign.unavailable);
    }
    return { anchors, unavailable };
  }

  /** A member that is a foreignSecurityPrincipal, resolved in the forest it stands for; undefined for any other member. */
  async #foreignMember(reference: Reference, groupDn: string): Promise<ForeignPrincipal | undefined> {
    if (this.#foreign === undefined || !isForeignPrincipalDn(reference.dn)) return undefined;
    const sid = reference.sid === undefined ? sidOfForeignPrincipalDn(reference.dn) : sidToString(reference.sid);
    if (sid === undefined) return undefined;
    const resolved = await this.#foreign.resolve(sid);
    if ('unresolved' in resolved)
      this.#foreign.notice(`${groupDn}: member ${sid} (a foreign security principal) is left out: ${resolved.unresolved}.`);
    return resolved;
  }

  async #readRemainingRange(guid: Buffer, attribute: string, from: number): Promise<(string | Buffer)[]> {
    const values: (string | Buffer)[] = [];
    for (let low: number | undefined = from; low !== undefined; ) {
      const { searchEntries } = await this.#client.search(
        `<GUID=${guidToHex(guid)}>`,
        { scope: 'base', attributes: [`${attribute};range=${low}-*`] },
        DirectoryReader.readControls(),
      );
      const entry = searchEntries[0];
      const rangedName =
        entry === undefined
          ? undefined
          : Object.keys(entry).find((name) => parseRangedAttributeName(name)?.attribute.toLowerCase() === attribute.toLowerCase());
      const range = rangedName === undefined ? undefined : parseRangedAttributeName(rangedName);
      if (entry === undefined || rangedName === undefined || range === undefined) break;
      values.push(...valuesAsArray(entry[rangedName] as LdapValues));
      low = range.high === '*' ? undefined : range.high + 1;
    }
    return values;
  }

  /** Fallback for servers that ignore the Extended DN control: one lookup per reference. */
  async #anchorOf(reference: Reference): Promise<string | undefined> {
    if (reference.guid !== undefined) return anchorFromGuid(reference.guid);
    try {
      const { searchEntries } = await this.#client.search(reference.dn, {
        scope: 'base',
        attributes: ['objectGUID'],
        explicitBufferAttributes: ['objectGUID'],
      });
      const guid = firstBuffer(searchEntries[0]?.objectGUID);
      return guid === undefined ? undefined : anchorFromGuid(guid);
    } catch (error) {
      // A reference to an object deleted meanwhile: it is no member any more.
      if (error instanceof NoSuchObjectError) return undefined;
      throw error;
    }
  }
}
