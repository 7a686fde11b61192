// The tenant's directory held in memory: objects, soft-deleted items, app registrations, domains,
// the uniqueness rules Entra ID enforces, and the change log that delta queries read.

import { randomUUID } from 'node:crypto';
import { ChangeLog, type ChangeLogState, type DirectoryChange } from './change-log.ts';
import { graphErrors } from './errors.ts';
import type { ResourceType } from './schema.ts';
import { roleAssignmentId, roleNameOf, type RoleEligibility } from './roles.ts';

export interface DirectoryObject {
  type: ResourceType;
  id: string;
  /** Graph-visible properties (and write-only ones such as passwordProfile). */
  props: Record<string, unknown>;
  /** Member object ids of a group or directory role, in the order they were added. */
  members: string[];
  /** A user's manager (object id), set through /users/{id}/manager/$ref. */
  manager?: string;
}

export interface RegisteredCertificate {
  pem: string;
  /** Base64url SHA-1 of the DER certificate (the `x5t` header msal sends). */
  sha1: string;
  /** Base64url SHA-256 of the DER certificate (the `x5t#S256` header). */
  sha256: string;
}

export interface ExtensionPropertyDefinition {
  id: string;
  name: string;
  dataType: string;
  targetObjects: string[];
  isMultiValued: boolean;
  isSyncedFromOnPremises: boolean;
  appDisplayName: string;
}

export interface AppRegistration {
  /** Object id of the application object (GET /applications/{id}). */
  objectId: string;
  /** The client id. */
  appId: string;
  /** Object id of its service principal: the `oid` of its app-only tokens. */
  servicePrincipalId: string;
  displayName: string;
  createdDateTime: string;
  clientSecret: string | undefined;
  certificates: RegisteredCertificate[];
  /** Application permissions granted (admin-consented app roles of Microsoft Graph). */
  roles: string[];
  /** Whether public-client flows (device code) are allowed. */
  allowPublicClient: boolean;
  /** Service principal ids that own this application. */
  ownerIds: string[];
  extensionProperties: ExtensionPropertyDefinition[];
  /**
   * What PATCH /applications/{id} set: description, notes, tags and directory extension values on the application
   * (extension_… registered for the Application target). Absent in state files written before it was modelled.
   */
  properties?: Record<string, unknown>;
}

export interface DomainRecord {
  id: string;
  isInitial: boolean;
  isDefault: boolean;
  isVerified: boolean;
  authenticationType: 'Managed' | 'Federated';
}

/** A soft-deleted object: when it was deleted, and the groups and roles it belonged to (a restore rejoins them). */
export type DeletedObject = DirectoryObject & { deletedAt: number; formerMemberOf?: string[] };

// "Deleted items remain available to restore for up to 30 days. After 30 days, the items are permanently deleted."
// (Graph docs, directory resource type)
const softDeleteRetentionMs = 30 * 24 * 3600 * 1000;

/** Case-insensitive unique values (UPNs, immutable ids, proxy addresses) → the object holding them. */
class UniqueIndex {
  readonly #holders = new Map<string, string>();
  holder(value: string): string | undefined {
    return this.#holders.get(value.toLowerCase());
  }
  claim(value: string, id: string): void {
    this.#holders.set(value.toLowerCase(), id);
  }
  release(value: string, id: string): void {
    if (this.holder(value) === id) this.#holders.delete(value.toLowerCase());
  }
  clear(): void {
    this.#holders.clear();
  }
}

interface UniqueRule {
  property: string;
  index: UniqueIndex;
  /** The values of this rule an object holds. */
  values(object: DirectoryObject): string[];
  /** Whether soft-deleted objects keep their values reserved (immutable ids do, as in Entra ID). */
  keptWhenDeleted: boolean;
}

const stringValue = (value: unknown): string[] => (typeof value === 'string' && value !== '' ? [value] : []);

export interface DirectoryState extends ChangeLogState {
  objects: DirectoryObject[];
  deleted: DeletedObject[];
  applications: AppRegistration[];
  domains: DomainRecord[];
  clockOffsetMs: number;
  /** Absent in state files written before eligibilities were modelled. */
  eligibilities?: RoleEligibility[];
  licenses?: TenantLicenses;
}

/** Licences that change what Graph answers (PIM needs Entra ID P2 or ID Governance). */
export interface TenantLicenses {
  entraIdP2: boolean;
}

const defaultLicenses: TenantLicenses = { entraIdP2: true };

/** A tenant-wide role assignment, as /roleManagement/directory/roleAssignments shows it. */
export interface RoleAssignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  appScopeId: string | null;
}

export class Directory {
  readonly tenantId: string;
  readonly initialDomain: string;
  readonly organizationName: string;
  readonly createdDateTime: string;
  #objects = new Map<string, DirectoryObject>();
  #deleted = new Map<string, DeletedObject>();
  /** member id → the groups and roles listing it; built on demand, dropped by any change of objects or members. */
  #memberOfIndex: Map<string, DirectoryObject[]> | undefined;
  #applications = new Map<string, AppRegistration>();
  #domains: DomainRecord[] = [];
  readonly #changeLog = new ChangeLog();
  #clockOffsetMs = 0;
  #eligibilities: RoleEligibility[] = [];
  #licenses: TenantLicenses = { ...defaultLicenses };
  #sortedIds = new Map<ResourceType, string[]>();
  readonly #rules: UniqueRule[] = [
    {
      property: 'userPrincipalName',
      index: new UniqueIndex(),
      keptWhenDeleted: false,
      values: (o) => (o.type === 'user' ? stringValue(o.props.userPrincipalName) : []),
    },
    {
      property: 'onPremisesImmutableId',
      index: new UniqueIndex(),
      keptWhenDeleted: true,
      values: (o) => (o.type === 'user' ? stringValue(o.props.onPremisesImmutableId) : []),
    },
    {
      property: 'mailNickname',
      index: new UniqueIndex(),
      keptWhenDeleted: false,
      values: (o) => (o.type === 'user' ? stringValue(o.props.mailNickname) : []),
    },
    {
      property: 'proxyAddresses',
      index: new UniqueIndex(),
      keptWhenDeleted: false,
      // SMTP: (primary) and smtp: (secondary) spell the same address; the index ignores case.
      values: (o) => (Array.isArray(o.props.proxyAddresses) ? o.props.proxyAddresses.map(String) : []),
    },
  ];
  /** Called after every change, e.g. to persist the state. */
  onChange: () => void = () => {};

  constructor(options: { tenantId: string; initialDomain: string; organizationName: string; createdDateTime?: string }) {
    this.tenantId = options.tenantId;
    this.initialDomain = options.initialDomain;
    this.organizationName = options.organizationName;
    this.createdDateTime = options.createdDateTime ?? new Date().toISOString();
    this.#domains = [{ id: options.initialDomain, isInitial: true, isDefault: true, isVerified: true, authenticationType: 'Managed' }];
  }

  /** The directory's clock: wall time plus what tests advanced it by (to expire soft-deleted items). */
  now(): number {
    return Date.now() + this.#clockOffsetMs;
  }
  advanceClock(ms: number): void {
    this.#clockOffsetMs += ms;
    this.#purgeExpired();
    this.onChange();
  }

  // ---- objects

  get(id: string): DirectoryObject | undefined {
    return this.#objects.get(id.toLowerCase());
  }

  getOfType(type: ResourceType, id: string): DirectoryObject | undefined {
    const object = this.get(id);
    return object?.type === type ? object : undefined;
  }

  /**
   * The live objects of `type` holding `value` for a unique property (UPN, onPremisesImmutableId, mailNickname,
   * proxyAddresses); undefined when the property has no unique index.
   */
  holdersOf(type: ResourceType, property: string, value: string): DirectoryObject[] | undefined {
    const rule = this.#rules.find((candidate) => candidate.property.toLowerCase() === property.toLowerCase());
    if (!rule) return undefined;
    const object = this.#objects.get(rule.index.holder(value) ?? '');
    return object?.type === type ? [object] : [];
  }

  /** Live objects of one type, ordered by id (a stable order for paging). */
  list(type: ResourceType): DirectoryObject[] {
    return this.#idsOf(type)
      .map((id) => this.#objects.get(id))
      .filter((object): object is DirectoryObject => object !== undefined);
  }

  /** Up to `count` live objects of `type` with ids after `afterId`, in id order, and whether more follow. */
  listAfter(type: ResourceType, afterId: string, count: number): { objects: DirectoryObject[]; more: boolean } {
    const ids = this.#idsOf(type);
    let low = 0;
    let high = ids.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (ids[middle]! <= afterId) low = middle + 1;
      else high = middle;
    }
    const objects = ids.slice(low, low + count).map((id) => this.#objects.get(id)!);
    return { objects, more: low + count < ids.length };
  }

  count(type: ResourceType): number {
    return this.list(type).length;
  }

  /** Adds an object after checking the uniqueness rules; records the change for delta queries. */
  insert(type: ResourceType, props: Record<string, unknown>, members: string[] = []): DirectoryObject {
    const id = typeof props.id === 'string' ? props.id.toLowerCase() : randomUUID();
    const object: DirectoryObject = { type, id, props: { ...props, id }, members: [...members] };
    if (type !== 'directoryRole' && object.props.createdDateTime === undefined) object.props.createdDateTime = new Date(this.now()).toISOString();
    this.#assertUnique(object);
    this.#objects.set(id, object);
    this.#memberOfIndex = undefined;
    this.#claim(object);
    this.#sortedIds.delete(type);
    this.#record({ type, id, kind: 'created', addedMembers: [...members] });
    return object;
  }

  /** Replaces some properties after checking the uniqueness rules; records those whose value changed. */
  update(object: DirectoryObject, changes: Record<string, unknown>): void {
    const candidate: DirectoryObject = { ...object, props: { ...object.props, ...changes } };
    this.#assertUnique(candidate);
    const changed = Object.keys(changes).filter((property) => JSON.stringify(object.props[property]) !== JSON.stringify(changes[property]));
    this.#release(object, false);
    object.props = candidate.props;
    this.#claim(object);
    if (changed.length > 0) this.#record({ type: object.type, id: object.id, kind: 'updated', properties: changed });
    else this.onChange();
  }

  /** Sets (an id) or removes (undefined) a user's manager. */
  setManager(user: DirectoryObject, managerId: string | undefined): void {
    const previous = user.manager;
    if (previous === managerId) return;
    if (managerId === undefined) delete user.manager;
    else user.manager = managerId;
    this.#record({ type: user.type, id: user.id, kind: 'updated', properties: ['manager'], ...(previous ? { removedManager: previous } : {}) });
  }

  /** Soft delete: the object moves to deleted items for 30 days; its UPN, mail and nickname are freed. */
  softDelete(object: DirectoryObject): void {
    const formerMemberOf = this.memberOf(object.id).map((container) => container.id);
    this.#detach(object);
    this.#release(object, true);
    const deletedAt = this.now();
    object.props.deletedDateTime = new Date(deletedAt).toISOString();
    if (object.type === 'user' && typeof object.props.userPrincipalName === 'string') {
      // Entra ID renames a deleted user's UPN so that the original can be reused at once.
      object.props.userPrincipalName = `${object.id.replaceAll('-', '')}${object.props.userPrincipalName}`;
    }
    this.#deleted.set(object.id, { ...object, deletedAt, formerMemberOf });
  }

  /** Permanent delete (security groups, or purging a deleted item). */
  hardDelete(object: DirectoryObject): void {
    if (this.#deleted.has(object.id)) {
      this.#purge(object);
      return;
    }
    this.#detach(object);
    this.#release(object, false);
  }

  deletedItem(id: string): DirectoryObject | undefined {
    this.#purgeExpired();
    return this.#deleted.get(id.toLowerCase());
  }

  deletedItems(type: ResourceType): DirectoryObject[] {
    this.#purgeExpired();
    return [...this.#deleted.values()].filter((object) => object.type === type).sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * Brings a soft-deleted object back with its id, anchor and original UPN (or `userPrincipalName`), if nothing
   * took its unique values meanwhile (else the conflict error, and it stays deleted). `dropConflictingProxyAddresses`
   * removes the proxy addresses a live object holds now instead of failing on them. The object rejoins the groups
   * and roles it belonged to that still exist, and keeps those of its members that still exist.
   */
  restore(id: string, options: { dropConflictingProxyAddresses?: boolean; userPrincipalName?: string } = {}): DirectoryObject | undefined {
    this.#purgeExpired();
    const deleted = this.#deleted.get(id.toLowerCase());
    if (!deleted) return undefined;
    const { deletedAt: _deletedAt, formerMemberOf = [], manager, ...object } = deleted;
    const props: Record<string, unknown> = { ...object.props, deletedDateTime: null };
    if (object.type === 'user' && typeof props.userPrincipalName === 'string') {
      props.userPrincipalName = options.userPrincipalName ?? props.userPrincipalName.slice(object.id.replaceAll('-', '').length);
    }
    if (options.dropConflictingProxyAddresses && Array.isArray(props.proxyAddresses)) {
      const proxyRule = this.#rules.find((rule) => rule.property === 'proxyAddresses')!;
      props.proxyAddresses = props.proxyAddresses.filter((address) => [undefined, object.id].includes(proxyRule.index.holder(String(address))));
    }
    const restored: DirectoryObject = {
      ...object,
      props,
      members: object.members.filter((member) => this.#objects.has(member)),
      // Its manager link survives only if the manager does.
      ...(manager && this.#objects.has(manager) ? { manager } : {}),
    };
    this.#release(deleted, false);
    try {
      this.#assertUnique(restored);
    } catch (error) {
      this.#claim(deleted, true);
      throw error;
    }
    this.#deleted.delete(restored.id);
    this.#objects.set(restored.id, restored);
    this.#memberOfIndex = undefined;
    this.#claim(restored);
    this.#sortedIds.delete(restored.type);
    this.#record({ type: restored.type, id: restored.id, kind: 'restored', addedMembers: [...restored.members] });
    // "In the case of a recovered user account, the account also regains its membership of groups and any
    // administrative roles it held prior to deletion." (practical365.com, restoring deleted user accounts)
    for (const containerId of formerMemberOf) {
      const container = this.#objects.get(containerId);
      if (container && !container.members.includes(restored.id)) this.addMember(container, restored.id);
    }
    return restored;
  }

  // ---- membership

  addMember(group: DirectoryObject, memberId: string): void {
    group.members.push(memberId);
    this.#memberOfIndex = undefined;
    this.#record({ type: group.type, id: group.id, kind: 'updated', addedMembers: [memberId] });
  }

  removeMember(group: DirectoryObject, memberId: string): void {
    group.members = group.members.filter((id) => id !== memberId);
    this.#memberOfIndex = undefined;
    this.#record({ type: group.type, id: group.id, kind: 'updated', removedMembers: [memberId] });
  }

  /** Groups and directory roles that list `id` as a member. */
  memberOf(id: string): DirectoryObject[] {
    if (this.#memberOfIndex === undefined) {
      // Asked for every PATCH of a user (the administrator check): an index keeps that from scanning every group.
      const index = new Map<string, DirectoryObject[]>();
      for (const object of this.#objects.values())
        for (const member of new Set(object.members)) index.set(member, [...(index.get(member) ?? []), object]);
      this.#memberOfIndex = index;
    }
    return [...(this.#memberOfIndex.get(id) ?? [])];
  }

  /** Groups and directory roles `id` belongs to directly or through nested groups (each once). */
  transitiveMemberOf(id: string): DirectoryObject[] {
    const found = new Map<string, DirectoryObject>();
    const pending = [id];
    while (pending.length > 0) {
      for (const container of this.memberOf(pending.pop()!)) {
        if (found.has(container.id)) continue;
        found.set(container.id, container);
        pending.push(container.id);
      }
    }
    return [...found.values()];
  }

  // ---- directory roles

  /** The directoryRole of a template, activated (created) on first use as Entra ID does. */
  activateRole(templateId: string): DirectoryObject {
    const existing = this.list('directoryRole').find((role) => role.props.roleTemplateId === templateId);
    if (existing) return existing;
    const displayName = roleNameOf(templateId) ?? templateId;
    return this.insert('directoryRole', { displayName, description: displayName, roleTemplateId: templateId, deletedDateTime: null });
  }

  /**
   * Active tenant-wide role assignments. A directoryRole's members and the assignments at scope '/'
   * are the same facts in Entra ID, so they are derived from the role memberships.
   */
  roleAssignments(): RoleAssignment[] {
    return this.list('directoryRole').flatMap((role) =>
      role.members.map((principalId) => {
        const roleDefinitionId = String(role.props.roleTemplateId);
        return { id: roleAssignmentId(roleDefinitionId, principalId), principalId, roleDefinitionId, directoryScopeId: '/', appScopeId: null };
      }),
    );
  }

  /** Eligibilities in effect now (started, not ended). */
  eligibilities(): RoleEligibility[] {
    const now = this.now();
    return this.#eligibilities.filter(
      (eligibility) =>
        Date.parse(eligibility.startDateTime) <= now && (eligibility.endDateTime === null || Date.parse(eligibility.endDateTime) > now),
    );
  }

  addEligibility(eligibility: RoleEligibility): void {
    this.#eligibilities.push(eligibility);
    this.onChange();
  }

  licenses(): TenantLicenses {
    return { ...this.#licenses };
  }
  setLicenses(licenses: Partial<TenantLicenses>): void {
    this.#licenses = { ...this.#licenses, ...licenses };
    this.onChange();
  }

  // ---- applications and domains

  addApplication(app: AppRegistration): void {
    this.#applications.set(app.objectId, app);
    this.onChange();
  }
  applications(): AppRegistration[] {
    return [...this.#applications.values()];
  }
  applicationByAppId(appId: string): AppRegistration | undefined {
    return this.applications().find((app) => app.appId.toLowerCase() === appId.toLowerCase());
  }
  applicationByObjectId(id: string): AppRegistration | undefined {
    return this.#applications.get(id.toLowerCase());
  }
  /** All extension properties registered by any application in the tenant. */
  extensionProperties(): ExtensionPropertyDefinition[] {
    return this.applications().flatMap((app) => app.extensionProperties);
  }

  domains(): DomainRecord[] {
    return this.#domains;
  }
  addDomain(name: string, authenticationType: DomainRecord['authenticationType'] = 'Managed'): void {
    if (this.#domains.some((domain) => domain.id.toLowerCase() === name.toLowerCase())) return;
    this.#domains.push({ id: name.toLowerCase(), isInitial: false, isDefault: false, isVerified: true, authenticationType });
    this.onChange();
  }
  isVerifiedDomain(name: string): boolean {
    return this.#domains.some((domain) => domain.isVerified && domain.id.toLowerCase() === name.toLowerCase());
  }

  // ---- change log (what delta queries read)

  currentSeq(): number {
    return this.#changeLog.currentSeq();
  }
  changesSince(seq: number, type: ResourceType): DirectoryChange[] {
    this.#purgeExpired();
    return this.#changeLog.since(seq, type);
  }
  syncGeneration(): number {
    return this.#changeLog.generation();
  }
  /** Makes every delta link issued so far answer 410 Gone (Entra ID's internal maintenance, as a test sees it). */
  startNewSyncGeneration(): void {
    this.#changeLog.startNewGeneration();
    this.onChange();
  }

  // ---- persistence and reset

  toState(): DirectoryState {
    return {
      objects: [...this.#objects.values()],
      deleted: [...this.#deleted.values()],
      applications: this.applications(),
      domains: this.#domains,
      ...this.#changeLog.toState(),
      clockOffsetMs: this.#clockOffsetMs,
      eligibilities: this.#eligibilities,
      licenses: this.#licenses,
    };
  }

  loadState(state: DirectoryState): void {
    this.#objects = new Map(state.objects.map((object) => [object.id, object]));
    this.#memberOfIndex = undefined;
    this.#deleted = new Map(state.deleted.map((object) => [object.id, object]));
    this.#applications = new Map(state.applications.map((app) => [app.objectId, app]));
    this.#domains = state.domains;
    this.#changeLog.loadState(state);
    this.#clockOffsetMs = state.clockOffsetMs;
    this.#eligibilities = state.eligibilities ?? [];
    this.#licenses = { ...defaultLicenses, ...state.licenses };
    this.#sortedIds.clear();
    for (const rule of this.#rules) rule.index.clear();
    for (const object of this.#objects.values()) this.#claim(object);
    for (const object of this.#deleted.values()) this.#claim(object, true);
  }

  /**
   * Empties the directory of users, groups, contacts, deleted items and eligibilities; keeps apps, domains and roles;
   * default licences. Delta links issued before answer 410 (start over).
   */
  clearObjects(): void {
    this.#eligibilities = [];
    this.#licenses = { ...defaultLicenses };
    for (const object of [...this.#objects.values()]) {
      if (object.type !== 'directoryRole') this.#objects.delete(object.id);
      else object.members = [];
    }
    this.#memberOfIndex = undefined;
    this.#deleted.clear();
    this.#changeLog.reset();
    this.#sortedIds.clear();
    for (const rule of this.#rules) rule.index.clear();
    this.onChange();
  }

  // ---- internals

  /** The ids of the live objects of `type`, sorted; kept until a change of that type's objects drops it. */
  #idsOf(type: ResourceType): string[] {
    let ids = this.#sortedIds.get(type);
    if (!ids) {
      ids = [...this.#objects.values()]
        .filter((object) => object.type === type)
        .map((object) => object.id)
        .sort();
      this.#sortedIds.set(type, ids);
    }
    return ids;
  }

  #assertUnique(object: DirectoryObject): void {
    for (const rule of this.#rules) {
      for (const value of rule.values(object)) {
        const holder = rule.index.holder(value);
        if (holder !== undefined && holder !== object.id) throw graphErrors.conflict(rule.property);
      }
    }
  }

  #claim(object: DirectoryObject, deleted = false): void {
    for (const rule of this.#rules) {
      if (deleted && !rule.keptWhenDeleted) continue;
      for (const value of rule.values(object)) rule.index.claim(value, object.id);
    }
  }

  #release(object: DirectoryObject, keepDeletedReservations: boolean): void {
    for (const rule of this.#rules) {
      if (keepDeletedReservations && rule.keptWhenDeleted) continue;
      for (const value of rule.values(object)) rule.index.release(value, object.id);
    }
  }

  /** Takes a live object out of the directory and out of every group it belonged to. */
  #detach(object: DirectoryObject): void {
    // Its memberships, role assignments (role memberships) and eligibilities go with it.
    for (const group of this.memberOf(object.id)) this.removeMember(group, object.id);
    this.#eligibilities = this.#eligibilities.filter((eligibility) => eligibility.principalId !== object.id);
    // Like Entra ID, a deleted manager leaves its reports without one.
    for (const report of [...this.#objects.values()]) if (report.manager === object.id) this.setManager(report, undefined);
    this.#objects.delete(object.id);
    this.#memberOfIndex = undefined;
    this.#sortedIds.delete(object.type);
    this.#record({ type: object.type, id: object.id, kind: 'removed' });
  }

  /** Removes a deleted item for good: its reserved values are freed, and delta reports it deleted. */
  #purge(deleted: DirectoryObject): void {
    this.#deleted.delete(deleted.id);
    this.#release(deleted, false);
    this.#record({ type: deleted.type, id: deleted.id, kind: 'removed' });
  }

  #purgeExpired(): void {
    const cutoff = this.now() - softDeleteRetentionMs;
    for (const object of [...this.#deleted.values()]) if (object.deletedAt <= cutoff) this.#purge(object);
  }

  #record(change: Parameters<ChangeLog['record']>[0]): void {
    this.#changeLog.record(change);
    this.onChange();
  }
}
