// The engine's fakes: a directory the test edits, and an in-memory tenant that records what it is sent and tracks its
// changes as Graph's delta query does (every write, whoever made it; a "portal" for the writes of others).
import { DirSyncError } from '../../src/core/errors.ts';
import { directoryImport } from '../../src/engine/directory-import.ts';
import type { TenantContext } from '../../src/engine/mapping.ts';
import type { DirectoryExtension } from '../../src/engine/mapping/attribute-mapping.ts';
import type { ImportChange, SourceObject } from '../../src/engine/model.ts';
import type { CloudOperation, OperationOutcome } from '../../src/engine/operations.ts';
import type {
  CloudChange,
  CloudChangeRound,
  CloudDeltaLinks,
  CloudTarget,
  DeletionCandidate,
  DeletionVerdict,
  DirectoryImport,
  DirectorySource,
  ListingCoverage,
  OperationSink,
  SoftMatchCandidate,
  TrackedProperties,
} from '../../src/engine/ports.ts';

export const tenant: TenantContext = {
  initialDomain: 'contoso.onmicrosoft.com',
  verifiedDomains: new Set(['corp.example.test']),
  sourceAnchorProperty: 'extension_0123456789abcdef0123456789abcdef_dirSyncSourceAnchor',
  extensionProperties: new Map(),
};

/** A directory whose content the test edits; delta returns what changed since the last import. */
export class ScriptedDirectory implements DirectorySource {
  objects = new Map<string, SourceObject>();
  pendingChanges: ImportChange[] = [];
  rejectWatermark = false;
  /** Objects the listing does not return though they exist and are in scope (ACLs). */
  hidden = new Set<string>();
  /** Objects that exist but are outside the scope. */
  outOfScope = new Map<string, SourceObject>();
  /** Objects the account may not read by GUID either: a read answers "no such object" (Samba, an ancestor denies). */
  unreadable = new Set<string>();
  private generation = 0;
  private lastListing: { dn: string; returned: number }[] | undefined;

  put(object: SourceObject): void {
    this.objects.set(object.anchor, object);
    this.pendingChanges.push({ op: 'upsert', object });
  }
  remove(anchor: string): void {
    const object = this.objects.get(anchor)!;
    this.objects.delete(anchor);
    this.pendingChanges.push({ op: 'delete', anchor, dn: object.dn, reason: 'deleted-in-ad' });
  }
  fullImport(): DirectoryImport {
    return directoryImport(this.full());
  }
  private async *full(): AsyncGenerator<ImportChange, string> {
    this.pendingChanges = [];
    const listed = this.listed();
    for (const object of listed) yield { op: 'upsert', object };
    this.lastListing = [{ dn: 'OU=Corp,DC=corp,DC=example,DC=test', returned: listed.length }];
    return String(++this.generation);
  }
  async *listScope(): AsyncIterable<DeletionCandidate> {
    const listed = this.listed();
    this.lastListing = [{ dn: 'OU=Corp,DC=corp,DC=example,DC=test', returned: listed.length }];
    for (const object of listed) yield { anchor: object.anchor, dn: object.dn };
  }
  coverage(): ListingCoverage | undefined {
    return this.lastListing && { searchBases: this.lastListing, contains: (base, dn) => dn.toLowerCase().endsWith(`,${base.toLowerCase()}`) };
  }
  async *confirmDeletions(candidates: readonly DeletionCandidate[]): AsyncIterable<DeletionVerdict> {
    for (const { anchor, dn } of candidates) {
      if (this.outOfScope.has(anchor))
        yield { anchor, verdict: 'out-of-scope', dn: this.outOfScope.get(anchor)!.dn, kind: 'user', reason: 'moved out of the included OUs' };
      else if (!this.objects.has(anchor)) yield { anchor, verdict: 'gone', dn, kind: undefined, reason: 'no such object' };
      else yield { anchor, verdict: 'hidden', dn, kind: 'user', reason: 'denied list/read' };
    }
  }
  private listed(): SourceObject[] {
    return [...this.objects.values()].filter((object) => !this.hidden.has(object.anchor));
  }
  async *readObjects(anchors: readonly string[], options: { memberOf?: boolean } = {}): AsyncIterable<ImportChange> {
    for (const anchor of anchors) {
      const object = this.unreadable.has(anchor) ? undefined : this.objects.get(anchor);
      if (!object) {
        yield { op: 'delete', anchor, dn: '', reason: 'not-found' };
        continue;
      }
      const memberOf = [...this.objects.values()].filter((candidate) => candidate.references.members?.includes(anchor)).map((group) => group.anchor);
      yield { op: 'upsert', object: options.memberOf ? { ...object, references: { ...object.references, memberOf } } : object };
    }
  }
  deltaImport(): DirectoryImport {
    return directoryImport(this.delta());
  }
  private async *delta(): AsyncGenerator<ImportChange, string> {
    if (this.rejectWatermark) throw new DirSyncError('ActiveDirectory.watermark-rejected', 'cookie expired');
    const changes = this.pendingChanges;
    this.pendingChanges = [];
    yield* changes;
    return String(++this.generation);
  }
}

/** An in-memory tenant: ids, anchors, memberships; records every operation it receives. */
export class MemoryCloud implements CloudTarget, OperationSink {
  objects = new Map<string, { type: 'user' | 'group'; attributes: Record<string, unknown> }>();
  members = new Map<string, Set<string>>();
  managers = new Map<string, string | null>();
  deleted = new Map<string, { type: 'user' | 'group'; attributes: Record<string, unknown> }>();
  received: CloudOperation[] = [];
  failAnchors = new Set<string>();
  /** Simulates a process that dies after Graph applied a batch but before its answers were recorded. */
  crashAfterApplying = false;
  /** Counts cloudChanges() calls, and rounds that had to list everything. */
  rounds = { incremental: 0, complete: 0 };
  private nextId = 1;
  /** Every change, whoever made it, in order: the delta query's log. */
  private changeLog: string[] = [];
  /** Links of an earlier generation are expired (Graph's 7 days, or a 410). */
  private linkGeneration = 0;

  /** Someone edits the object in the portal (or a script). */
  portalUpdate(id: string, attributes: Record<string, unknown>): void {
    Object.assign(this.objects.get(id)!.attributes, attributes);
    this.changeLog.push(id);
  }
  /** Someone deletes it in the portal: users go to the deleted items, security groups are gone for good. */
  portalDelete(id: string): void {
    const object = this.objects.get(id)!;
    if (object.type === 'user') this.deleted.set(id, object);
    this.objects.delete(id);
    this.changeLog.push(id);
    // A deleted object leaves the groups it was in: their member lists change too.
    for (const [groupId, members] of this.members) if (members.delete(id)) this.changeLog.push(groupId);
  }
  /** The deleted item is purged (or 30 days passed). */
  purge(id: string): void {
    this.deleted.delete(id);
    this.changeLog.push(id);
  }
  portalMembers(groupId: string, change: { add?: string[]; remove?: string[] }): void {
    const set = this.members.get(groupId) ?? new Set<string>();
    for (const id of change.add ?? []) set.add(id);
    for (const id of change.remove ?? []) set.delete(id);
    this.members.set(groupId, set);
    this.changeLog.push(groupId);
  }
  portalManager(userId: string, managerId: string | null): void {
    this.managers.set(userId, managerId);
    this.changeLog.push(userId);
  }
  /** A cloud-only user (someone created it in the portal). */
  portalCreateUser(attributes: Record<string, unknown>): string {
    const id = `id-${this.nextId++}`;
    this.objects.set(id, { type: 'user', attributes });
    this.changeLog.push(id);
    return id;
  }
  /** Every link issued so far expires. */
  expireDeltaLinks(): void {
    this.linkGeneration++;
  }

  cloudChanges(from: CloudDeltaLinks | 'now' | undefined, tracked: TrackedProperties): CloudChangeRound {
    if (from === 'now') from = { users: `${this.linkGeneration}:${this.changeLog.length}`, groups: '' };
    const [generation, position] = from === undefined ? [undefined, 0] : from.users.split(':').map(Number);
    const complete = generation !== this.linkGeneration;
    if (complete) this.rounds.complete++;
    else this.rounds.incremental++;
    const end = this.changeLog.length;
    const ids = complete ? [...this.objects.keys()] : [...new Set(this.changeLog.slice(position))];
    const changes: CloudChange[] = ids.map((id) => {
      const object = this.objects.get(id);
      if (!object) return { kind: 'removed', objectType: this.deleted.get(id)?.type ?? 'group', id, restorable: this.deleted.has(id) };
      const attributes = Object.fromEntries(
        tracked[object.type].filter((name) => name in object.attributes).map((name) => [name, object.attributes[name]]),
      );
      return {
        kind: 'present',
        objectType: object.type,
        id,
        attributes,
        complete: true,
        ...(object.type === 'user'
          ? { manager: this.managers.get(id) ?? null }
          : { members: { added: [...(this.members.get(id) ?? [])], removed: [] } }),
      };
    });
    return {
      changes: (async function* () {
        yield* changes;
      })(),
      completeTypes: () => new Set(complete ? (['user', 'group'] as const) : []),
      resumeAt: () => ({ users: `${this.linkGeneration}:${end}`, groups: `${this.linkGeneration}:${end}` }),
    };
  }

  /** The directory extension properties the last cycle asked for. */
  extensionsAsked: DirectoryExtension[] = [];

  async tenant(extensions: readonly DirectoryExtension[] = []): Promise<TenantContext> {
    this.extensionsAsked = [...extensions];
    const names = extensions.map(
      (extension) => [extension.name.toLowerCase(), `extension_0123456789abcdef0123456789abcdef_${extension.name}`] as const,
    );
    return { ...tenant, extensionProperties: new Map(names) };
  }
  async findByAnchors(objectType: 'user' | 'group', anchors: readonly string[]): Promise<Map<string, string>> {
    const property = objectType === 'user' ? 'onPremisesImmutableId' : tenant.sourceAnchorProperty;
    const found = new Map<string, string>();
    for (const [id, object] of this.objects)
      if (object.type === objectType && anchors.includes(String(object.attributes[property]))) found.set(String(object.attributes[property]), id);
    return found;
  }
  async findSoftMatches(candidates: readonly SoftMatchCandidate[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const candidate of candidates) {
      for (const [id, object] of this.objects) {
        if (object.type !== 'user' || object.attributes.onPremisesImmutableId) continue;
        const sameMail = candidate.primarySmtpAddress !== undefined && object.attributes.mail === candidate.primarySmtpAddress;
        const sameUpn = candidate.userPrincipalName !== undefined && object.attributes.userPrincipalName === candidate.userPrincipalName;
        if (sameMail || sameUpn) found.set(candidate.anchor, id);
      }
    }
    return found;
  }
  async takenUserPrincipalNames(userPrincipalNames: readonly string[]): Promise<Set<string>> {
    const held = new Set([...this.objects.values()].map((object) => String(object.attributes.userPrincipalName ?? '').toLowerCase()));
    return new Set(userPrincipalNames.map((upn) => upn.toLowerCase()).filter((upn) => held.has(upn)));
  }
  async *apply(operations: readonly CloudOperation[]): AsyncIterable<OperationOutcome> {
    if (this.crashAfterApplying) {
      for await (const _ of this.applyAll(operations)) void _;
      throw new Error('the process died');
    }
    yield* this.applyAll(operations);
  }
  private async *applyAll(operations: readonly CloudOperation[]): AsyncIterable<OperationOutcome> {
    for (const operation of operations) {
      this.received.push(operation);
      this.logWrite(operation);
      if (this.failAnchors.has(operation.anchor)) {
        yield { ok: false, operation, httpStatus: 400, code: 'Request_BadRequest', message: 'Invalid value specified for property' };
        continue;
      }
      const upn = 'body' in operation ? operation.body.userPrincipalName : undefined;
      if (
        upn !== undefined &&
        [...this.objects].some(
          ([id, object]) =>
            String(object.attributes.userPrincipalName).toLowerCase() === String(upn).toLowerCase() &&
            !('cloudId' in operation && operation.cloudId === id),
        )
      ) {
        yield {
          ok: false,
          operation,
          httpStatus: 400,
          code: 'Request_BadRequest',
          message: 'Another object with the same value for property userPrincipalName already exists.',
          conflict: 'userPrincipalName',
        };
        continue;
      }
      switch (operation.action) {
        case 'create': {
          const id = `id-${this.nextId++}`;
          const { passwordProfile: _ignored, ...attributes } = operation.body;
          this.objects.set(id, { type: operation.objectType, attributes });
          this.changeLog.push(id);
          yield { ok: true, operation, cloudId: id };
          break;
        }
        case 'update':
          Object.assign(this.objects.get(operation.cloudId)!.attributes, operation.body);
          yield { ok: true, operation };
          break;
        case 'delete':
          // Entra keeps deleted users for 30 days; security groups are deleted for good.
          if (operation.objectType === 'user') this.deleted.set(operation.cloudId, this.objects.get(operation.cloudId)!);
          this.objects.delete(operation.cloudId);
          yield { ok: true, operation };
          break;
        case 'restore': {
          const object = this.deleted.get(operation.cloudId);
          if (!object) {
            yield { ok: false, operation, httpStatus: 404, code: 'Request_ResourceNotFound', message: 'not in deleted items' };
            break;
          }
          const restoredUpn = String(operation.newUserPrincipalName ?? object.attributes.userPrincipalName ?? '').toLowerCase();
          if ([...this.objects.values()].some((live) => String(live.attributes.userPrincipalName ?? '').toLowerCase() === restoredUpn)) {
            const message = 'Another object with the same value for property userPrincipalName already exists.';
            yield { ok: false, operation, httpStatus: 400, code: 'ObjectConflict', message, conflict: 'userPrincipalName' };
            break;
          }
          if (operation.newUserPrincipalName) object.attributes.userPrincipalName = operation.newUserPrincipalName;
          this.objects.set(operation.cloudId, object);
          this.deleted.delete(operation.cloudId);
          yield { ok: true, operation };
          break;
        }
        case 'add-members': {
          const set = this.members.get(operation.groupId) ?? new Set<string>();
          for (const member of operation.members) set.add(member.cloudId);
          this.members.set(operation.groupId, set);
          yield { ok: true, operation };
          break;
        }
        case 'remove-member':
          this.members.get(operation.groupId)?.delete(operation.member.cloudId);
          yield { ok: true, operation };
          break;
        case 'set-manager':
          this.managers.set(operation.userId, operation.manager?.cloudId ?? null);
          yield { ok: true, operation };
          break;
      }
    }
  }
  private logWrite(operation: CloudOperation): void {
    if (this.failAnchors.has(operation.anchor)) return;
    if ('cloudId' in operation) this.changeLog.push(operation.cloudId);
    if ('groupId' in operation) this.changeLog.push(operation.groupId);
    if ('userId' in operation) this.changeLog.push(operation.userId);
  }

  writes(): CloudOperation[] {
    const writes = this.received;
    this.received = [];
    return writes;
  }
  idOf(anchor: string): string | undefined {
    return [...this.objects].find(
      ([, object]) => object.attributes.onPremisesImmutableId === anchor || object.attributes[tenant.sourceAnchorProperty] === anchor,
    )?.[0];
  }
  byAnchor(anchor: string) {
    return [...this.objects.values()].find(
      (object) => object.attributes.onPremisesImmutableId === anchor || object.attributes[tenant.sourceAnchorProperty] === anchor,
    );
  }
}

export function user(anchor: string, name: string, extra: Record<string, string[]> = {}): SourceObject {
  return {
    anchor,
    kind: 'user',
    dn: `CN=${name},OU=Corp,DC=corp,DC=example,DC=test`,
    attributes: {
      samaccountname: [name],
      userprincipalname: [`${name}@corp.example.test`],
      useraccountcontrol: ['512'],
      displayname: [name],
      ...extra,
    },
    references: {},
  };
}

export function group(anchor: string, name: string, members: string[]): SourceObject {
  return {
    anchor,
    kind: 'group',
    dn: `CN=${name},OU=Corp,DC=corp,DC=example,DC=test`,
    attributes: { samaccountname: [name], grouptype: [String(-2147483646)] },
    references: { members },
  };
}
