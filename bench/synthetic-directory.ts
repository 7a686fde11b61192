// A generated directory for the benchmarks: users and security groups with memberships, produced on the fly
// from their index (nothing held in memory but the pending changes), so a cycle's memory is the engine's own.
import { createHash } from 'node:crypto';
import { directoryImport } from '../src/engine/directory-import.ts';
import type { ImportChange, SourceObject, Watermark } from '../src/engine/model.ts';
import type { DeletionCandidate, DeletionVerdict, DirectoryImport, DirectorySource, ListingCoverage } from '../src/engine/ports.ts';

export interface DirectoryShape {
  users: number;
  groups: number;
  membersPerGroup: number;
  /** The UPN and mail suffix: a verified domain of the tenant, so every user exports as it is. */
  domain: string;
}

const USER_MARK = 0x5e1f0001;
const GROUP_MARK = 0x5e1f0002;
/** AD's groupType of a global security group. */
const GLOBAL_SECURITY_GROUP = String(0x80000002 | 0);
const NORMAL_ACCOUNT = '512';

/**
 * A GUID-like anchor that encodes the object's kind and index. The middle bytes are a hash of both: Entra ID
 * compares anchors case-insensitively, and anchors differing in one Base64 character could collide.
 */
function anchorOf(mark: number, index: number): string {
  const guid = Buffer.alloc(16);
  guid.writeUInt32BE(mark, 0);
  createHash('sha256').update(`${mark}:${index}`).digest().copy(guid, 4, 0, 8);
  guid.writeUInt32BE(index, 12);
  return guid.toString('base64');
}

const SYNTHETIC_OU = 'OU=Synthetic,DC=corp,DC=example,DC=test';
const userDn = (index: number) => `CN=Synthetic ${String(index + 1).padStart(6, '0')},OU=Staff ${index % 50},${SYNTHETIC_OU}`;
const groupDn = (index: number) => `CN=Synthetic Group ${String(index + 1).padStart(5, '0')},OU=Groups,${SYNTHETIC_OU}`;

export class SyntheticDirectory implements DirectorySource {
  readonly shape: DirectoryShape;
  /** How many times each modified user was changed: its title carries that revision. */
  readonly #revisions = new Map<number, number>();
  /** Users modified since the last import. */
  #pending = new Set<number>();
  #imports = 0;

  constructor(shape: DirectoryShape) {
    this.shape = shape;
  }

  fullImport(): DirectoryImport {
    return directoryImport(this.#fullImport());
  }

  deltaImport(): DirectoryImport {
    return directoryImport(this.#deltaImport());
  }

  async *#fullImport(): AsyncGenerator<ImportChange, Watermark> {
    this.#pending = new Set();
    for (let index = 0; index < this.shape.users; index++) yield { op: 'upsert', object: this.#user(index) };
    for (let index = 0; index < this.shape.groups; index++) yield { op: 'upsert', object: this.#group(index) };
    return String(++this.#imports);
  }

  async *#deltaImport(): AsyncGenerator<ImportChange, Watermark> {
    const changed = this.#pending;
    this.#pending = new Set();
    for (const index of changed) yield { op: 'upsert', object: this.#user(index) };
    return String(++this.#imports);
  }

  async *readObjects(anchors: readonly string[]): AsyncIterable<ImportChange> {
    for (const anchor of anchors) {
      const guid = Buffer.from(anchor, 'base64');
      const index = guid.readUInt32BE(12);
      yield { op: 'upsert', object: guid.readUInt32BE(0) === GROUP_MARK ? this.#group(index) : this.#user(index) };
    }
  }

  /** The anchor-only listing a delta runs where tombstones are not visible: every object, nothing but anchor and DN. */
  async *listScope(): AsyncIterable<DeletionCandidate> {
    for (let index = 0; index < this.shape.users; index++) yield { anchor: anchorOf(USER_MARK, index), dn: userDn(index) };
    for (let index = 0; index < this.shape.groups; index++) yield { anchor: anchorOf(GROUP_MARK, index), dn: groupDn(index) };
  }

  coverage(): ListingCoverage {
    return { searchBases: [{ dn: SYNTHETIC_OU, returned: this.shape.users + this.shape.groups }], contains: (base, dn) => dn.endsWith(`,${base}`) };
  }

  /** Nothing is ever deleted from a synthetic directory: every candidate is gone. */
  async *confirmDeletions(candidates: readonly DeletionCandidate[]): AsyncIterable<DeletionVerdict> {
    for (const { anchor, dn } of candidates) yield { anchor, verdict: 'gone', dn, kind: undefined, reason: 'no such object' };
  }

  /** Changes the title of `count` users spread evenly over the directory; the next delta returns them. */
  modifyUsers(count: number): void {
    const step = this.shape.users / count;
    for (let changed = 0; changed < count; changed++) {
      const index = Math.floor(changed * step);
      this.#revisions.set(index, (this.#revisions.get(index) ?? 0) + 1);
      this.#pending.add(index);
    }
  }

  #user(index: number): SourceObject {
    const number = String(index + 1).padStart(6, '0');
    const account = `synth.${number}`;
    const revision = this.#revisions.get(index);
    return {
      anchor: anchorOf(USER_MARK, index),
      kind: 'user',
      dn: userDn(index),
      attributes: {
        objectclass: ['top', 'person', 'organizationalPerson', 'user'],
        cn: [`Synthetic ${number}`],
        name: [`Synthetic ${number}`],
        samaccountname: [account],
        userprincipalname: [`${account}@${this.shape.domain}`],
        useraccountcontrol: [NORMAL_ACCOUNT],
        givenname: ['Synthetic'],
        sn: [number],
        displayname: [`Synthetic ${number}`],
        mail: [`${account}@${this.shape.domain}`],
        proxyaddresses: [`SMTP:${account}@${this.shape.domain}`],
        title: [revision === undefined ? 'Engineer' : `Engineer (revision ${revision})`],
        department: [`Department ${index % 50}`],
        company: ['Contoso'],
        l: ['Lyon'],
        c: ['FR'],
        co: ['France'],
        telephonenumber: [`+33 4 00 ${String(index % 100).padStart(2, '0')} ${String(index % 97).padStart(2, '0')} 00`],
      },
      references: { manager: null },
    };
  }

  #group(index: number): SourceObject {
    const name = `Synthetic Group ${String(index + 1).padStart(5, '0')}`;
    const { users, membersPerGroup } = this.shape;
    const members = Array.from({ length: Math.min(membersPerGroup, users) }, (_, offset) =>
      anchorOf(USER_MARK, (index * membersPerGroup + offset) % users),
    );
    return {
      anchor: anchorOf(GROUP_MARK, index),
      kind: 'group',
      dn: groupDn(index),
      attributes: {
        objectclass: ['top', 'group'],
        cn: [name],
        name: [name],
        samaccountname: [`synth-group-${index + 1}`],
        grouptype: [GLOBAL_SECURITY_GROUP],
        description: [`Generated group ${index + 1}`],
      },
      references: { members },
    };
  }
}

/** A synthetic user's cloud attributes as an initial sync exports them (about ten), shared by the store benches. */
export function syntheticUserAttributes(index: number): Record<string, unknown> {
  return {
    accountEnabled: true,
    displayName: `User ${String(index).padStart(6, '0')}`,
    givenName: 'User',
    surname: String(index),
    mailNickname: `user${index}`,
    userPrincipalName: `user${index}@example.com`,
    mail: `user${index}@example.com`,
    department: 'Operations',
    jobTitle: 'Engineer',
    usageLocation: 'FR',
  };
}
