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
import {
  anchorFromGuid,
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

/** An entry as read, reduced to what every later step needs. */
export interface ReadEntry {
  guid: Buffer;
  dn: string;
  attributes: Record<string, string[]>;
  /** DN-valued attributes with their GUIDs, for references. */
  references: Record<'member' | 'manager', { guid: Buffer | undefined; dn: string }[]>;
}

export class DirectoryReader {
  readonly #client: Client;

  constructor(client: Client) {
    this.#client = client;
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
    const references: ReadEntry['references'] = { member: [], manager: [] };
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
      if (lowerCase === 'member' || lowerCase === 'manager') {
        const parsed = values.filter((value) => typeof value === 'string').map((value) => parseExtendedDn(value));
        references[lowerCase] = parsed.map(({ guid: referenceGuid, dn }) => ({ guid: referenceGuid, dn }));
        attributes[lowerCase] = parsed.map(({ dn }) => dn);
        continue;
      }
      const strings = attributeValuesAsStrings(lowerCase, values as LdapValues);
      if (strings !== undefined) attributes[lowerCase] = strings;
    }
    return { guid, dn: extendedDn.dn, attributes, references };
  }

  /** The SourceObject of a completed entry; references without a GUID are looked up by DN. */
  async toSourceObject(entry: ReadEntry, kind: ObjectKind): Promise<SourceObject> {
    const object: SourceObject = { anchor: anchorFromGuid(entry.guid), kind, dn: entry.dn, attributes: entry.attributes, references: {} };
    if (kind === 'group') {
      object.references.members = await this.#anchorsOfReferences(entry.references.member);
    } else {
      const manager = entry.references.manager[0];
      object.references.manager = manager === undefined ? null : ((await this.#anchorOf(manager)) ?? null);
    }
    return object;
  }

  /** The anchors of DN values as the Extended DN control returns them; references to objects gone are left out. */
  anchorsOf(extendedDns: readonly string[]): Promise<string[]> {
    return this.#anchorsOfReferences(extendedDns.map((value) => parseExtendedDn(value)));
  }

  async #anchorsOfReferences(references: readonly { guid: Buffer | undefined; dn: string }[]): Promise<string[]> {
    const anchors: string[] = [];
    for (const reference of references) {
      const anchor = await this.#anchorOf(reference);
      if (anchor !== undefined) anchors.push(anchor);
    }
    return anchors;
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
  async #anchorOf(reference: { guid: Buffer | undefined; dn: string }): Promise<string | undefined> {
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
