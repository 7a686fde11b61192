// Distinguished names (RFC 4514) as AD writes them, parsed properly so that `OU=Sales\, EMEA` is one RDN and
// comparisons ignore case and hex-escaping differences, the way AD compares them.

/** One relative distinguished name, normalised: `type=value` lower-cased, escapes resolved, AVAs sorted. */
export type NormalizedRdn = string;

export class InvalidDnError extends Error {
  constructor(dn: string, reason: string) {
    super(`"${dn}" is not a valid distinguished name: ${reason}`);
    this.name = 'InvalidDnError';
  }
}

/** Splits a DN into its normalised RDNs, leaf first. An empty string is the root (no RDN). */
export function parseDn(dn: string): NormalizedRdn[] {
  const rdns: NormalizedRdn[] = [];
  let attributeValueAssertions: string[] = [];
  let type = '';
  let readingValue = false;
  // The value so far; hex escapes (`\C3\A9`, UTF-8 bytes) wait in `escapedBytes` until a character follows.
  let value = '';
  let escapedBytes: number[] = [];
  let trailingSpaces = 0;

  const flushEscapedBytes = (): void => {
    if (escapedBytes.length === 0) return;
    value += Buffer.from(escapedBytes).toString('utf8');
    escapedBytes = [];
  };
  const finishAva = (): void => {
    flushEscapedBytes();
    const typeName = type.trim().toLowerCase();
    if (!readingValue || typeName === '') throw new InvalidDnError(dn, 'an RDN lacks "type=value"');
    const kept = trailingSpaces > 0 ? value.slice(0, value.length - trailingSpaces) : value;
    attributeValueAssertions.push(`${typeName}=${kept.toLowerCase()}`);
    type = '';
    value = '';
    readingValue = false;
    trailingSpaces = 0;
  };
  const finishRdn = (): void => {
    finishAva();
    rdns.push(attributeValueAssertions.length === 1 ? attributeValueAssertions[0]! : attributeValueAssertions.sort().join('+'));
    attributeValueAssertions = [];
  };

  if (dn.trim() === '') return [];
  for (let index = 0; index < dn.length; index++) {
    const character = dn[index]!;
    if (!readingValue) {
      if (character === '=') readingValue = true;
      else if (character === ',' || character === '+' || character === '\\')
        throw new InvalidDnError(dn, `unexpected "${character}" in an attribute type`);
      else type += character;
      continue;
    }
    if (character === '\\') {
      if (isHexDigit(dn.charCodeAt(index + 1)) && isHexDigit(dn.charCodeAt(index + 2))) {
        escapedBytes.push(Number.parseInt(dn.slice(index + 1, index + 3), 16));
        index += 2;
      } else if (index + 1 < dn.length) {
        flushEscapedBytes();
        value += dn[index + 1]!;
        index += 1;
      } else {
        throw new InvalidDnError(dn, 'it ends with a lone backslash');
      }
      trailingSpaces = 0;
    } else if (character === ',' || character === ';') {
      finishRdn();
    } else if (character === '+') {
      finishAva();
    } else if (character === ' ' && value.length === 0 && escapedBytes.length === 0) {
      // Spaces after "=" (and after a separator, in the type) are not part of the value.
    } else {
      flushEscapedBytes();
      value += character;
      trailingSpaces = character === ' ' ? trailingSpaces + 1 : 0;
    }
  }
  finishRdn();
  return rdns;
}

function isHexDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/** The DN in one canonical spelling, for use as a map key or in a fingerprint. */
export function normalizeDn(dn: string): string {
  return parseDn(dn).join(',');
}

/** True when `dn` is `ancestor` itself or lies anywhere below it. */
export function isDnWithin(dn: string, ancestor: string): boolean {
  return isRdnSuffix(parseDn(dn), parseDn(ancestor));
}

export function isRdnSuffix(rdns: readonly NormalizedRdn[], suffix: readonly NormalizedRdn[]): boolean {
  if (suffix.length > rdns.length) return false;
  const offset = rdns.length - suffix.length;
  return suffix.every((rdn, index) => rdns[offset + index] === rdn);
}

/** The DN one level up, spelled as given (`CN=A\, B,OU=X,DC=y` → `OU=X,DC=y`); undefined for a single RDN. */
export function parentDn(dn: string): string | undefined {
  for (let index = 0; index < dn.length; index++) {
    if (dn[index] === '\\') index++;
    else if (dn[index] === ',') return dn.slice(index + 1).trimStart();
  }
  return undefined;
}

/** Of `containers`, the deepest one `dn` is within (e.g. a DN's naming context), or undefined. */
export function deepestContainerOf(dn: string, containers: readonly string[]): string | undefined {
  const rdns = parseDn(dn);
  return containers
    .map((container) => ({ container, rdns: parseDn(container) }))
    .filter((candidate) => isRdnSuffix(rdns, candidate.rdns))
    .sort((a, b) => b.rdns.length - a.rdns.length)[0]?.container;
}

/** A domain's DNS name from its DN: DC=fabrikam,DC=example,DC=test → fabrikam.example.test. */
export function dnsNameOfDomainDn(dn: string): string {
  return parseDn(dn)
    .filter((rdn) => rdn.startsWith('dc='))
    .map((rdn) => rdn.slice(3))
    .join('.');
}

/** A domain's DN from its DNS name: fabrikam.example.test → DC=fabrikam,DC=example,DC=test. */
export function domainDnOfDnsName(name: string): string {
  return name
    .split('.')
    .map((label) => `DC=${label}`)
    .join(',');
}
