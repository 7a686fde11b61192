// Group members from another forest. AD stores them as foreignSecurityPrincipals under CN=ForeignSecurityPrincipals of
// the group's domain, named by the member's objectSid; the member itself lives in the forest whose domain SID the
// SID extends. When that forest is configured too, the member is resolved there (its own objectGUID is the anchor);
// otherwise it is left out and reported, never an error of the cycle.
import { parseDn } from './distinguished-name.ts';

/** What a foreign security principal stands for, as the installation's forests can tell. */
export type ForeignPrincipal =
  /** The member, in the forest that holds it. */
  | { anchor: string }
  /** No configured forest holds it (an external domain, a deleted account): left out, with why. */
  | { unresolved: string }
  /** Its forest could not be read this cycle: whether it is still a member cannot be told. */
  | { unavailable: string };

/** The installation's other forests, as one forest's reader sees them. */
export interface ForeignPrincipals {
  resolve(sid: string): Promise<ForeignPrincipal>;
  /** A member left out, or a membership held back: reported object by object. */
  notice(message: string): void;
}

/** Whether a member DN is a foreignSecurityPrincipal's (in CN=ForeignSecurityPrincipals of its domain). */
export function isForeignPrincipalDn(dn: string): boolean {
  return parseDn(dn)[1] === 'cn=foreignsecurityprincipals';
}

/** The SID a foreignSecurityPrincipal is named after (its CN is the SID's string form). */
export function sidOfForeignPrincipalDn(dn: string): string | undefined {
  const match = /^cn=(s-1-[0-9-]+)$/i.exec(parseDn(dn)[0] ?? '');
  return match?.[1]?.toUpperCase();
}

/** The domain SID of an account SID: every sub-authority but the last (the RID). */
export function domainOfSid(sid: string): string {
  return sid.slice(0, sid.lastIndexOf('-')).toUpperCase();
}

/** A forest as the resolver asks it: its domain's SID, and the object holding a SID. */
export interface PrincipalDirectory {
  name: string;
  reader: { domainSid(): Promise<string>; anchorOfSid(sid: string): Promise<string | undefined> };
}

/** Which forests were read this cycle, and where a forest's failure is recorded (it stays unread for the cycle). */
export interface ForestHealth {
  isUnread(forest: string): boolean;
  fail(forest: string, error: unknown): void;
}

/** Resolves foreign security principals across the installation's forests; one answer per SID and cycle. */
export class ForeignPrincipalResolver {
  readonly #forests: readonly PrincipalDirectory[];
  readonly #health: ForestHealth;
  /** Learnt on first need: a domain's SID never changes. */
  readonly #domainSids = new Map<string, string>();
  readonly #resolved = new Map<string, ForeignPrincipal>();

  constructor(forests: readonly PrincipalDirectory[], health: ForestHealth) {
    this.#forests = forests;
    this.#health = health;
  }

  /** A new cycle: members are resolved again (they may have been deleted or re-created since). */
  reset(): void {
    this.#resolved.clear();
  }

  async resolve(sid: string, from: string): Promise<ForeignPrincipal> {
    let resolved = this.#resolved.get(sid);
    if (resolved === undefined) {
      resolved = await this.#resolveNow(sid, from);
      this.#resolved.set(sid, resolved);
    }
    return resolved;
  }

  /** In the forest whose domain SID the member's SID extends; unavailable when that may be a forest not read now. */
  async #resolveNow(sid: string, from: string): Promise<ForeignPrincipal> {
    const domain = domainOfSid(sid);
    const unknown: string[] = [];
    for (const forest of this.#forests) {
      if (forest.name === from) continue;
      const forestSid = await this.#domainSidOf(forest);
      if (forestSid === undefined) unknown.push(forest.name);
      if (forestSid !== domain) continue;
      if (this.#health.isUnread(forest.name)) return { unavailable: forest.name };
      try {
        const anchor = await forest.reader.anchorOfSid(sid);
        return anchor === undefined ? { unresolved: `${forest.name} holds no object with that SID (deleted?)` } : { anchor };
      } catch (error) {
        this.#health.fail(forest.name, error);
        return { unavailable: forest.name };
      }
    }
    if (unknown.length > 0) return { unavailable: unknown.join(', ') };
    return { unresolved: `it belongs to no forest of this installation (${this.#forests.map((forest) => forest.name).join(', ')})` };
  }

  async #domainSidOf(forest: PrincipalDirectory): Promise<string | undefined> {
    const known = this.#domainSids.get(forest.name);
    if (known !== undefined || this.#health.isUnread(forest.name)) return known;
    try {
      const sid = (await forest.reader.domainSid()).toUpperCase();
      this.#domainSids.set(forest.name, sid);
      return sid;
    } catch (error) {
      this.#health.fail(forest.name, error);
      return undefined;
    }
  }
}
