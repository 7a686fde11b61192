// Which part of the directory is synchronised: OUs included/excluded (by DN suffix) and an optional LDAP
// filter on attributes. Filtering an object out deletes it in the cloud, so the rules live here, once.
import { createHash } from 'node:crypto';
import { FilterParser } from 'ldapts';
import { InvalidDnError, isRdnSuffix, parseDn } from './distinguished-name.ts';
import type { NormalizedRdn } from './distinguished-name.ts';
import { directoryConfigurationError } from './errors.ts';

export interface ScopeOptions {
  /** OUs (or containers, or whole domains) to synchronise; empty = the whole naming context. */
  includeOus: string[];
  /** OUs below an included one that are left out, with everything under them. */
  excludeOus: string[];
  /** An LDAP filter every synchronised object must match, e.g. `(extensionAttribute1=sync)`. */
  attributeFilter?: string;
}

interface ParsedOu {
  dn: string;
  rdns: NormalizedRdn[];
}

export class DirectoryScope {
  readonly includeOus: readonly ParsedOu[];
  readonly excludeOus: readonly ParsedOu[];
  readonly attributeFilter: string | undefined;

  constructor(options: ScopeOptions) {
    this.includeOus = withoutNestedOus(options.includeOus.map((dn) => parseOu(dn, 'includeOus')));
    this.excludeOus = options.excludeOus.map((dn) => parseOu(dn, 'excludeOus'));
    this.attributeFilter = options.attributeFilter?.trim() || undefined;
    if (this.attributeFilter !== undefined) validateFilter(this.attributeFilter);
  }

  /** Whether an object at this DN is in scope as far as OUs go (the attribute filter is the server's job). */
  containsDn(dn: string): boolean {
    const rdns = parseDn(dn);
    const included = this.includeOus.length === 0 || this.includeOus.some((ou) => isRdnSuffix(rdns, ou.rdns));
    return included && this.#excludedOuOfRdns(rdns) === undefined;
  }

  /** The rule that keeps an object at this DN in scope (an included OU, or the whole domain), for explain. */
  inclusionOf(dn: string): string {
    const rdns = parseDn(dn);
    const ou = this.includeOus.find((candidate) => isRdnSuffix(rdns, candidate.rdns));
    const where = ou === undefined ? 'in the domain, all of which is in scope (no --include-ou)' : `under the included OU ${ou.dn}`;
    return this.attributeFilter === undefined ? where : `${where}, and it matches the attribute filter ${this.attributeFilter}`;
  }

  /** The excluded OU a DN lies under, if any: the reason it is out of scope although under an included OU. */
  excludedOuOf(dn: string): string | undefined {
    return this.#excludedOuOfRdns(parseDn(dn));
  }

  #excludedOuOfRdns(rdns: readonly NormalizedRdn[]): string | undefined {
    return this.excludeOus.find((ou) => isRdnSuffix(rdns, ou.rdns))?.dn;
  }

  /**
   * Where the full import searches within a naming context: the included OUs inside it (nested ones
   * dropped, they are searched with their parent), or the whole context when no OU is listed.
   */
  searchBasesIn(namingContext: string): string[] {
    if (this.includeOus.length === 0) return [namingContext];
    const contextRdns = parseDn(namingContext);
    return this.includeOus.filter((ou) => isRdnSuffix(ou.rdns, contextRdns)).map((ou) => ou.dn);
  }

  /** `filter` narrowed by the attribute filter, when there is one. */
  narrow(filter: string): string {
    return this.attributeFilter === undefined ? filter : `(&${filter}${parenthesize(this.attributeFilter)})`;
  }

  /** Changes whenever the scope does: a watermark taken under another scope cannot be resumed from. */
  fingerprint(): string {
    const canonical = JSON.stringify({
      include: this.includeOus.map((ou) => ou.rdns.join(',')).sort(),
      exclude: this.excludeOus.map((ou) => ou.rdns.join(',')).sort(),
      filter: this.attributeFilter ?? null,
    });
    return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
  }
}

function parseOu(dn: string, option: string): ParsedOu {
  try {
    const rdns = parseDn(dn);
    if (rdns.length === 0) throw new InvalidDnError(dn, 'it is empty');
    return { dn, rdns };
  } catch (error) {
    if (!(error instanceof InvalidDnError)) throw error;
    throw directoryConfigurationError(
      `The scope option ${option} lists ${error.message}.`,
      'Write each OU as a full distinguished name, e.g. OU=Sales,DC=corp,DC=example,DC=com; escape a comma inside a name as "\\,".',
      dn,
    );
  }
}

function withoutNestedOus(ous: ParsedOu[]): ParsedOu[] {
  return ous.filter(
    (ou, index) =>
      !ous.some(
        (other, otherIndex) => otherIndex !== index && isRdnSuffix(ou.rdns, other.rdns) && (other.rdns.length < ou.rdns.length || otherIndex < index),
      ),
  );
}

function parenthesize(filter: string): string {
  return filter.startsWith('(') ? filter : `(${filter})`;
}

function validateFilter(filter: string): void {
  try {
    FilterParser.parseString(parenthesize(filter));
  } catch (error) {
    throw directoryConfigurationError(
      `The scope's attribute filter "${filter}" is not a valid LDAP filter: ${(error as Error).message}.`,
      'Write it in RFC 4515 syntax, e.g. (&(department=Sales)(!(extensionAttribute1=nosync))).',
      filter,
    );
  }
}
