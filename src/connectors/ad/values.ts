// Codecs between AD's LDAP values and the engine's vocabulary.

/** sourceAnchor: Base64 of the 16 raw bytes of objectGUID (→ onPremisesImmutableId). */
export function anchorFromGuid(guid: Buffer): string {
  if (guid.length !== 16) throw new Error(`objectGUID must be 16 bytes, got ${guid.length}`);
  return guid.toString('base64');
}

/** The form `<GUID=…>` search bases and extended DNs use: the 16 bytes in order, in hexadecimal. */
export function guidToHex(guid: Buffer): string {
  return guid.toString('hex');
}

/** Security identifier in its usual string form, e.g. S-1-5-21-…-1104. */
export function sidToString(sid: Buffer): string {
  if (sid.length < 8 || sid.length !== 8 + 4 * sid.readUInt8(1)) throw new Error('malformed objectSid');
  const authority = sid.readUIntBE(2, 6);
  const subAuthorities = Array.from({ length: sid.readUInt8(1) }, (_, index) => sid.readUInt32LE(8 + 4 * index));
  return ['S', sid.readUInt8(0), authority, ...subAuthorities].join('-');
}

/** A DN as the Extended DN control returns it: `<GUID=hex>;<SID=hex>;CN=…` (GUID/SID absent for some). */
export interface ExtendedDn {
  guid: Buffer | undefined;
  sid: Buffer | undefined;
  dn: string;
}

const extendedDnPrefix = /^<([A-Za-z]+)=([^>]*)>;?/;

export function parseExtendedDn(value: string): ExtendedDn {
  const components = new Map<string, string>();
  let rest = value;
  for (let match = extendedDnPrefix.exec(rest); match; match = extendedDnPrefix.exec(rest)) {
    components.set(match[1]!.toUpperCase(), match[2]!);
    rest = rest.slice(match[0].length);
  }
  const hexBytes = (hex: string | undefined): Buffer | undefined =>
    hex !== undefined && /^(?:[0-9a-fA-F]{2})+$/.test(hex) ? Buffer.from(hex, 'hex') : undefined;
  return { guid: hexBytes(components.get('GUID')), sid: hexBytes(components.get('SID')), dn: rest };
}

/** `member;range=0-1499` → { attribute: 'member', low: 0, high: 1499 }; `…-*` (the last range) → high: '*'. */
export interface RangedAttributeName {
  attribute: string;
  low: number;
  high: number | '*';
}

const rangedName = /^([^;]+);range=(\d+)-(\d+|\*)$/i;

export function parseRangedAttributeName(name: string): RangedAttributeName | undefined {
  const match = rangedName.exec(name);
  if (!match) return undefined;
  return { attribute: match[1]!, low: Number(match[2]), high: match[3] === '*' ? '*' : Number(match[3]) };
}

export type LdapValues = string | string[] | Buffer | Buffer[];

/** The first value of an attribute as bytes (binary attributes read with explicitBufferAttributes). */
export function firstBuffer(values: LdapValues | undefined): Buffer | undefined {
  const first = valuesAsArray(values)[0];
  return Buffer.isBuffer(first) ? first : undefined;
}

/** The first value of an attribute as text. */
export function firstString(values: LdapValues | undefined): string | undefined {
  return valuesAsArray(values)[0]?.toString();
}

export function valuesAsArray(values: LdapValues | undefined): (string | Buffer)[] {
  if (values === undefined) return [];
  return Array.isArray(values) ? values : [values];
}

/**
 * One attribute's values as the engine carries them: strings; DN values without their Extended DN
 * prefix; objectSid in string form. Other binary values are not carried (undefined).
 */
export function attributeValuesAsStrings(attribute: string, values: LdapValues): string[] | undefined {
  const strings: string[] = [];
  for (const value of valuesAsArray(values)) {
    if (typeof value === 'string') strings.push(value.startsWith('<GUID=') ? parseExtendedDn(value).dn : value);
    else if (attribute.toLowerCase() === 'objectsid') strings.push(sidToString(value));
    else return undefined;
  }
  return strings;
}
