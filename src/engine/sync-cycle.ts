// One synchronization cycle: import from AD (full or delta), join each object to its cloud object,
// plan the operations against what was last exported, export them, record the outcome.
// Streaming throughout: the directory flows through in chunks; only the cycle's deletes and the changed
// groups' memberships are held until the end (memberships need every member to exist first; deletes need
// the whole count before the accidental-delete threshold can decide).
import { randomBytes, randomInt } from 'node:crypto';
import { MAX_MEMBERS_PER_ADD, type CloudOperation } from '../connectors/entra/operations.ts';
import type { ObjectLink, ObjectError, RunCounts, RunMode, RunStatus, StateStore } from '../store/state-store.ts';
import { CommandError, type CommandOutput } from '../commands/output.ts';
import { changedAttributes, mapToCloud, type CloudAttributes, type TenantContext } from './mapping.ts';
import type { ImportChange, SourceObject } from './model.ts';
import { WatermarkRejectedError, type CloudTarget, type DirectorySource, type OperationSink } from './ports.ts';

/** The store key of the AD watermark. */
export const AD_WATERMARK = 'active-directory';

const CHUNK_SIZE = 500;
/** Where a user's link keeps the anchor of the manager last exported (references are kept by anchor). */
const MANAGER_KEY = 'manager';
/** How many queued retries one cycle takes on (the rest wait for the next cycle). */
const RETRIES_PER_CYCLE = 5000;

export interface DeletionThreshold {
  enabled: boolean;
  threshold: number;
}

export interface CycleOptions {
  mode: 'full' | 'delta';
  preview: boolean;
  /** Export this cycle's deletes even above the threshold (the administrator's one-run override). */
  acceptDeletes: boolean;
  deletionThreshold: DeletionThreshold;
  softMatch: 'smtp-then-upn' | 'off';
}

export interface CycleDependencies {
  store: StateStore;
  source: DirectorySource;
  target: CloudTarget;
  /** The exporter, or the plan recorder of a preview. */
  sink: OperationSink;
  output: CommandOutput;
  /** Aborting stops the cycle after the batch in flight; the run is recorded as stopped-by-request. */
  signal?: AbortSignal;
  now?: () => Date;
}

export interface PlannedOperation {
  action: CloudOperation['action'];
  anchor: string;
  dn: string;
  objectType: 'user' | 'group';
  changes?: string[];
}

export interface CycleResult {
  runId: number;
  mode: RunMode;
  status: RunStatus;
  counts: RunCounts;
  errors: ObjectError[];
  /** Preview only: what would have been sent. */
  plan: PlannedOperation[];
  startedAt: Date;
  endedAt: Date;
}

interface PendingDelete {
  dn: string;
  reason: string;
}

interface OperationContext {
  dn: string;
  kind: SourceObject['kind'];
  /** The full attribute set wanted in the cloud: what the link records as exported once the operation succeeds. */
  desired?: CloudAttributes;
  lastSeenRunId?: number | null;
  /** The manager (anchor) last exported for a user: kept in its link until the manager step changes it. */
  exportedManager?: string | null;
  /** The object's link, for operations on references (set-manager) that update it. */
  link?: ObjectLink;
}

export async function runSyncCycle(options: CycleOptions, dependencies: CycleDependencies): Promise<CycleResult> {
  return new SyncCycle(options, dependencies).run();
}

class SyncCycle {
  private readonly options: CycleOptions;
  private readonly store: StateStore;
  private readonly source: DirectorySource;
  private readonly target: CloudTarget;
  private readonly sink: OperationSink;
  private readonly output: CommandOutput;
  private readonly now: () => Date;
  private readonly signal: AbortSignal | undefined;

  private mode: 'full' | 'delta';
  private runId = 0;
  private tenant!: TenantContext;
  private readonly counts = { added: 0, updated: 0, deleted: 0, unchanged: 0, errors: 0, notExportable: 0 };
  private readonly errors: ObjectError[] = [];
  private readonly plan: PlannedOperation[] = [];
  private readonly deletes = new Map<string, PendingDelete>();
  /** Groups whose membership must be reconciled once every object of the cycle exists: anchor → member anchors. */
  private readonly groupMembers = new Map<string, string[]>();
  /** Objects counted as unchanged so far: a membership or manager change moves them to updated. */
  private readonly unchangedObjects = new Set<string>();
  /** Users whose manager must be set once every object of the cycle exists: anchor → manager anchor (null: none). */
  private readonly managers = new Map<string, string | null>();
  private readonly notExportableReasons = new Map<string, number>();
  private readonly notices: string[] = [];
  /** Objects on the retry queue when the cycle started: taken off it at the end unless they failed again. */
  private queuedRetries = new Set<string>();
  private readonly failedAnchors = new Set<string>();
  /** Groups queued for the next cycle because members they should hold are still to be created. */
  private readonly requeuedGroups = new Set<string>();
  /** Queued retries the cycle's own import carried. */
  private readonly importedRetries = new Set<string>();
  private imported = 0;
  private exported = 0;
  private readonly startedAt: Date;

  constructor(options: CycleOptions, dependencies: CycleDependencies) {
    this.options = options;
    this.store = dependencies.store;
    this.source = dependencies.source;
    this.target = dependencies.target;
    this.sink = dependencies.sink;
    this.output = dependencies.output;
    this.now = dependencies.now ?? (() => new Date());
    this.signal = dependencies.signal;
    this.mode = options.mode;
    this.startedAt = this.now();
  }

  async run(): Promise<CycleResult> {
    const watermark = await this.store.getWatermark(AD_WATERMARK);
    if (this.mode === 'delta' && watermark === undefined) {
      this.output.verbose('No delta watermark is stored yet: running a full import.');
      this.mode = 'full';
    }
    this.runId = await this.store.startRun(this.runMode(), this.startedAt);
    try {
      this.tenant = await this.target.tenant();
      this.queuedRetries = new Set(await this.store.listRetries(RETRIES_PER_CYCLE));
      await this.importAndExportObjects(watermark);
      await this.reconcileMemberships();
      await this.reconcileManagers();
      if (this.mode === 'full') await this.sweepObjectsNotSeen();
      this.stopIfRequested();
      const thresholdExceeded = await this.exportDeletes();
      if (!this.options.preview) await this.settleRetryQueue();
      const status = this.finalStatus(thresholdExceeded);
      if (!this.options.preview && !thresholdExceeded) {
        // Committed last: a cycle that dies before this point is replayed from the old watermark, and the
        // replay is idempotent (links and last-exported attributes make repeated changes no-ops).
        await this.store.setWatermark(AD_WATERMARK, this.source.watermark);
      }
      this.reportSummaries();
      return await this.finish(status);
    } catch (error) {
      if (error instanceof CycleStoppedError) {
        this.output.warning('The cycle was stopped on request after the batch in flight; the next cycle resumes from the last recorded watermark.');
        return await this.finish('stopped-by-request', error.message);
      }
      // A directory or service out of reach is the original's stopped-server-down; anything else failed.
      const unreachable = error instanceof CommandError && error.category === 'ConnectionError';
      await this.finish(unreachable ? 'stopped-server-down' : 'failed', error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  private stopIfRequested(): void {
    if (this.signal?.aborted) throw new CycleStoppedError();
  }

  private runMode(): RunMode {
    if (this.options.preview) return this.mode === 'full' ? 'preview-full' : 'preview-delta';
    return this.mode;
  }

  private async importAndExportObjects(watermark: string | undefined): Promise<void> {
    let changes: AsyncIterator<ImportChange>;
    if (this.mode === 'delta') {
      changes = this.source.deltaImport(watermark!)[Symbol.asyncIterator]();
      try {
        const first = await changes.next();
        changes = prepend(first, changes);
      } catch (error) {
        if (!(error instanceof WatermarkRejectedError)) throw error;
        this.output.warning(`Active Directory no longer accepts the stored watermark (${error.message}): running a full import, which also finds what was deleted meanwhile.`);
        this.mode = 'full';
        changes = this.source.fullImport()[Symbol.asyncIterator]();
      }
    } else {
      changes = this.source.fullImport()[Symbol.asyncIterator]();
    }
    await this.processChanges(changes);
    // A full import reads every object anyway; a delta re-reads the objects whose export failed before — once
    // the delta's own changes are exported, as they may be what clears the way (another object giving up a
    // clashing address). Those the delta carried already are not read twice.
    const retries = this.mode === 'delta' ? [...this.queuedRetries].filter((anchor) => !this.importedRetries.has(anchor)) : [];
    if (retries.length > 0) {
      this.output.verbose(`Retrying ${retries.length} object(s) whose export failed in an earlier cycle.`);
      await this.processChanges(this.source.readObjects(retries)[Symbol.asyncIterator]());
    }
    this.output.progress({ activity: 'Importing from Active Directory', status: `${this.imported} objects`, completed: true });
  }

  private async processChanges(changes: AsyncIterator<ImportChange>): Promise<void> {
    let chunk: ImportChange[] = [];
    for (let next = await changes.next(); !next.done; next = await changes.next()) {
      chunk.push(next.value);
      if (chunk.length >= CHUNK_SIZE) {
        await this.processChunk(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) await this.processChunk(chunk);
  }

  private async processChunk(chunk: ImportChange[]): Promise<void> {
    this.stopIfRequested();
    this.imported += chunk.length;
    this.output.progress({ activity: 'Importing from Active Directory', status: `${this.imported} objects`, current: this.imported });

    const upserts: SourceObject[] = [];
    for (const change of chunk) {
      const anchor = change.op === 'delete' ? change.anchor : change.object.anchor;
      if (this.queuedRetries.has(anchor)) this.importedRetries.add(anchor);
      if (change.op === 'delete') {
        this.deletes.set(change.anchor, { dn: change.dn, reason: change.reason });
      } else {
        this.deletes.delete(change.object.anchor);
        upserts.push(change.object);
      }
    }
    if (upserts.length === 0) return;
    const anchors = upserts.map((object) => object.anchor);
    const links = await this.store.getLinks(anchors);
    if (this.mode === 'full') await this.store.markSeen(this.runId, anchors);

    const operations: CloudOperation[] = [];
    const context = new Map<string, OperationContext>();
    const unjoined: { object: SourceObject; objectType: 'user' | 'group'; desired: CloudAttributes }[] = [];
    const renamed: ObjectLink[] = [];

    for (const object of upserts) {
      const mapped = mapToCloud(object, this.tenant);
      const link = links.get(object.anchor);
      if (!mapped.exportable) {
        this.counts.notExportable++;
        this.notExportableReasons.set(mapped.reason, (this.notExportableReasons.get(mapped.reason) ?? 0) + 1);
        this.output.verbose(`Not exportable: ${object.dn}: ${mapped.reason}.`);
        if (link) this.deletes.set(object.anchor, { dn: object.dn, reason: 'no longer exportable' });
        continue;
      }
      this.notices.push(...mapped.notices);
      if (mapped.objectType === 'group') this.groupMembers.set(object.anchor, object.references.members ?? []);
      if (mapped.objectType === 'user') {
        const manager = object.references.manager ?? null;
        if ((link?.exported[MANAGER_KEY] ?? null) !== manager) this.managers.set(object.anchor, manager);
      }
      context.set(object.anchor, { dn: object.dn, kind: object.kind, desired: mapped.attributes, lastSeenRunId: link?.lastSeenRunId ?? null, exportedManager: (link?.exported[MANAGER_KEY] as string | null | undefined) ?? null });

      if (link?.cloudId) {
        const changes = changedAttributes(link.exported, mapped.attributes);
        if (Object.keys(changes).length === 0) {
          this.counts.unchanged++;
          // Remembered only where a reference step may still change the object (memory stays small).
          if (this.groupMembers.has(object.anchor) || this.managers.has(object.anchor)) this.unchangedObjects.add(object.anchor);
          if (link.dn !== object.dn) renamed.push({ ...link, dn: object.dn });
        } else {
          operations.push({ action: 'update', objectType: mapped.objectType, anchor: object.anchor, cloudId: link.cloudId, body: changes });
        }
      } else {
        unjoined.push({ object, objectType: mapped.objectType, desired: mapped.attributes });
      }
    }

    operations.push(...(await this.join(unjoined)));
    if (renamed.length > 0 && !this.options.preview) await this.store.saveLinks(renamed);
    await this.apply(operations, context);
    await this.forgetUnchangedMemberships(upserts, links);
  }

  /**
   * A known group whose members are exactly those last exported needs no membership step: it is not kept until
   * the end of the cycle, so a full import holds only the memberships that changed, not the directory's.
   */
  private async forgetUnchangedMemberships(upserts: readonly SourceObject[], links: Map<string, ObjectLink>): Promise<void> {
    for (const object of upserts) {
      const members = this.groupMembers.get(object.anchor);
      if (members === undefined || !links.get(object.anchor)?.cloudId) continue;
      const exported = await this.store.getMembers(object.anchor);
      if (exported.size === members.length && members.every((anchor) => exported.has(anchor))) this.groupMembers.delete(object.anchor);
    }
  }

  /** Hard match on the anchor, then soft match (users), else create. */
  private async join(unjoined: { object: SourceObject; objectType: 'user' | 'group'; desired: CloudAttributes }[]): Promise<CloudOperation[]> {
    const operations: CloudOperation[] = [];
    const remaining: typeof unjoined = [];
    for (const objectType of ['user', 'group'] as const) {
      const candidates = unjoined.filter((entry) => entry.objectType === objectType);
      if (candidates.length === 0) continue;
      const matches = await this.target.findByAnchors(objectType, candidates.map((entry) => entry.object.anchor));
      for (const entry of candidates) {
        const cloudId = matches.get(entry.object.anchor);
        if (cloudId) {
          this.output.verbose(`Hard match: ${entry.object.dn} joins the cloud ${objectType} ${cloudId}.`);
          operations.push({ action: 'update', objectType, anchor: entry.object.anchor, cloudId, body: entry.desired });
        } else {
          remaining.push(entry);
        }
      }
    }

    let softMatches = new Map<string, string>();
    const users = remaining.filter((entry) => entry.objectType === 'user');
    if (this.options.softMatch !== 'off' && users.length > 0) {
      softMatches = await this.target.findSoftMatches(
        users.map((entry) => ({
          anchor: entry.object.anchor,
          primarySmtpAddress: primarySmtpAddress(entry.object),
          userPrincipalName: String(entry.desired.userPrincipalName),
        })),
      );
    }
    for (const entry of remaining) {
      const cloudId = softMatches.get(entry.object.anchor);
      if (cloudId) {
        this.output.verbose(`Soft match: ${entry.object.dn} joins the cloud user ${cloudId} (same primary SMTP address or UPN).`);
        operations.push({ action: 'update', objectType: entry.objectType, anchor: entry.object.anchor, cloudId, body: entry.desired });
      } else {
        const body = entry.objectType === 'user' ? { ...entry.desired, passwordProfile: { password: randomPassword(), forceChangePasswordNextSignIn: false } } : entry.desired;
        operations.push({ action: 'create', objectType: entry.objectType, anchor: entry.object.anchor, body });
      }
    }
    return operations;
  }

  /** Sends the operations and records each outcome as it arrives. */
  private async apply(operations: CloudOperation[], context: Map<string, OperationContext>): Promise<void> {
    if (operations.length === 0) return;
    if (!this.options.preview) await this.recordPendingCreates(operations, context);
    const saved: ObjectLink[] = [];
    const removed: string[] = [];
    const rejoined: CloudOperation[] = [];
    const failed: string[] = [];
    for await (const outcome of this.sink.apply(operations)) {
      this.exported++;
      const operation = outcome.operation;
      const known = context.get(operation.anchor);
      if (this.options.preview) this.plan.push(describe(operation, known?.dn ?? ''));
      if (!outcome.ok) {
        this.recordError(operation.anchor, known?.dn ?? '', outcome.code, outcome.message);
        failed.push(operation.anchor);
        continue;
      }
      switch (operation.action) {
        case 'create':
        case 'update': {
          if (operation.action === 'create' && outcome.rejoined) {
            // The object was created by an earlier, interrupted cycle: bring it to the wanted state.
            rejoined.push({ action: 'update', objectType: operation.objectType, anchor: operation.anchor, cloudId: outcome.cloudId!, body: known?.desired ?? {} });
            continue;
          }
          if (operation.action === 'create') this.counts.added++;
          else this.counts.updated++;
          saved.push({
            anchor: operation.anchor,
            kind: known?.kind ?? operation.objectType,
            cloudId: operation.action === 'create' ? outcome.cloudId! : operation.cloudId,
            dn: known?.dn ?? '',
            exported: { ...(known?.desired ?? operation.body), ...(operation.objectType === 'user' ? { [MANAGER_KEY]: known?.exportedManager ?? null } : {}) },
            lastSeenRunId: this.mode === 'full' ? this.runId : (known?.lastSeenRunId ?? null),
          });
          break;
        }
        case 'delete':
          this.counts.deleted++;
          removed.push(operation.anchor);
          break;
        case 'add-members':
          await this.recordMembers(operation.anchor, operation.members.map((member) => member.anchor), []);
          break;
        case 'remove-member':
          await this.recordMembers(operation.anchor, [], [operation.member.anchor]);
          break;
        case 'set-manager':
          if (known?.link) saved.push({ ...known.link, exported: { ...known.link.exported, [MANAGER_KEY]: operation.manager?.anchor ?? null } });
          break;
      }
      this.output.progress({ activity: 'Exporting to Entra ID', status: `${this.exported} operations`, current: this.exported });
    }
    if (!this.options.preview) {
      if (saved.length > 0) await this.store.saveLinks(saved);
      if (removed.length > 0) await this.store.deleteLinks(removed);
      for (const anchor of failed) this.failedAnchors.add(anchor);
      if (failed.length > 0) await this.store.addRetries(this.runId, failed);
    }
    if (rejoined.length > 0) await this.apply(rejoined, context);
  }

  /**
   * Links with no cloud id yet, written before the creates are sent: if the process dies after a create reached
   * the cloud but before its outcome was recorded, the store still knows the anchor, so a later delete (or the
   * full import's sweep) looks the object up in the cloud instead of leaving it there for ever.
   */
  private async recordPendingCreates(operations: readonly CloudOperation[], context: Map<string, OperationContext>): Promise<void> {
    const pending: ObjectLink[] = [];
    for (const operation of operations) {
      if (operation.action !== 'create') continue;
      const known = context.get(operation.anchor);
      pending.push({ anchor: operation.anchor, kind: known?.kind ?? operation.objectType, cloudId: null, dn: known?.dn ?? '', exported: {}, lastSeenRunId: this.mode === 'full' ? this.runId : null });
    }
    if (pending.length > 0) await this.store.saveLinks(pending);
  }

  /** The retries this cycle took on leave the queue, unless they failed again or wait for a member. */
  private async settleRetryQueue(): Promise<void> {
    const done = [...this.queuedRetries].filter((anchor) => !this.failedAnchors.has(anchor) && !this.requeuedGroups.has(anchor));
    if (done.length > 0) await this.store.clearRetries(done);
  }

  private async recordMembers(groupAnchor: string, added: string[], removed: string[]): Promise<void> {
    if (!this.options.preview) await this.store.setMembers(groupAnchor, added, removed);
  }

  /** Adds and removes members of the cycle's changed groups; every member object exists by now. */
  private async reconcileMemberships(): Promise<void> {
    for (const [groupAnchor, memberAnchors] of this.groupMembers) {
      this.stopIfRequested();
      const group = (await this.store.getLinks([groupAnchor])).get(groupAnchor);
      if (!group?.cloudId) continue; // its create failed: already reported
      const wanted = new Map<string, string>();
      const memberLinks = await this.store.getLinks(memberAnchors);
      for (const anchor of memberAnchors) {
        const cloudId = memberLinks.get(anchor)?.cloudId;
        if (cloudId) wanted.set(anchor, cloudId);
      }
      const unresolved = memberAnchors.filter((anchor) => !wanted.has(anchor));
      if (unresolved.length > 0) {
        this.output.verbose(`${group.dn}: ${unresolved.length} member(s) are not in the cloud (out of scope, not exportable, or failed) and are left out.`);
        // A member whose create failed (its link has no cloud id yet) will exist once its retry succeeds: the
        // group comes back with it, or it would never join (the group itself may not change in AD again).
        if (!this.options.preview && unresolved.some((anchor) => memberLinks.has(anchor))) {
          this.requeuedGroups.add(groupAnchor);
          await this.store.addRetries(this.runId, [groupAnchor]);
        }
      }
      const exported = await this.store.getMembers(groupAnchor);
      const toAdd = [...wanted].filter(([anchor]) => !exported.has(anchor)).map(([anchor, cloudId]) => ({ anchor, cloudId }));
      const toRemove = [...exported].filter((anchor) => !wanted.has(anchor));
      const removeLinks = await this.store.getLinks(toRemove);

      const operations: CloudOperation[] = [];
      for (let index = 0; index < toAdd.length; index += MAX_MEMBERS_PER_ADD) {
        operations.push({ action: 'add-members', anchor: groupAnchor, groupId: group.cloudId, members: toAdd.slice(index, index + MAX_MEMBERS_PER_ADD) });
      }
      for (const anchor of toRemove) {
        const cloudId = removeLinks.get(anchor)?.cloudId;
        if (cloudId) operations.push({ action: 'remove-member', anchor: groupAnchor, groupId: group.cloudId, member: { anchor, cloudId } });
        else await this.recordMembers(groupAnchor, [], [anchor]); // the member is gone from the cloud already
      }
      if (operations.length > 0) {
        await this.apply(operations, new Map([[groupAnchor, { dn: group.dn, kind: 'group' }]]));
        this.countReferenceChange(groupAnchor);
      }
    }
  }

  /** Sets or removes the managers that changed, once every user of the cycle exists in the cloud. */
  private async reconcileManagers(): Promise<void> {
    const users = [...this.managers.keys()];
    for (let index = 0; index < users.length; index += CHUNK_SIZE) {
      this.stopIfRequested();
      const chunk = users.slice(index, index + CHUNK_SIZE);
      const managerAnchors = chunk.map((anchor) => this.managers.get(anchor)).filter((anchor): anchor is string => anchor !== null && anchor !== undefined);
      const links = await this.store.getLinks([...chunk, ...managerAnchors]);
      const operations: CloudOperation[] = [];
      const context = new Map<string, OperationContext>();
      for (const anchor of chunk) {
        const user = links.get(anchor);
        if (!user?.cloudId) continue; // its create failed: already reported
        const managerAnchor = this.managers.get(anchor) ?? null;
        const managerId = managerAnchor === null ? null : links.get(managerAnchor)?.cloudId;
        if (managerId === undefined) {
          this.output.verbose(`${user.dn}: its manager is not in the cloud (out of scope, not exportable, or failed) and is left unset.`);
          continue;
        }
        operations.push({ action: 'set-manager', anchor, userId: user.cloudId, manager: managerAnchor === null || managerId === null ? null : { anchor: managerAnchor, cloudId: managerId } });
        context.set(anchor, { dn: user.dn, kind: 'user', link: user });
        this.countReferenceChange(anchor);
      }
      await this.apply(operations, context);
    }
  }

  /** An object whose only change is a reference (members, manager) counts as updated, not unchanged. */
  private countReferenceChange(anchor: string): void {
    if (this.unchangedObjects.delete(anchor)) {
      this.counts.unchanged--;
      this.counts.updated++;
    }
  }

  /** After a full import, every linked object the import did not see has left AD or the scope. */
  private async sweepObjectsNotSeen(): Promise<void> {
    for await (const link of this.store.unseenLinks(this.runId)) {
      if (!this.deletes.has(link.anchor)) this.deletes.set(link.anchor, { dn: link.dn, reason: 'no longer in Active Directory or in scope' });
    }
  }

  /** Pending creates whose outcome was never recorded: the cloud objects, if they were created after all. */
  private async cloudIdsOfPendingCreates(links: readonly ObjectLink[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const objectType of ['user', 'group'] as const) {
      const anchors = links.filter((link) => (link.kind === 'group') === (objectType === 'group')).map((link) => link.anchor);
      if (anchors.length === 0) continue;
      for (const [anchor, cloudId] of await this.target.findByAnchors(objectType, anchors)) found.set(anchor, cloudId);
    }
    return found;
  }

  /** Returns true when the accidental-delete threshold withheld the deletes. */
  private async exportDeletes(): Promise<boolean> {
    if (this.deletes.size === 0) return false;
    const links = await this.store.getLinks([...this.deletes.keys()]);
    const operations: CloudOperation[] = [];
    const context = new Map<string, OperationContext>();
    const neverExported: string[] = [];
    const createdBeforeACrash = await this.cloudIdsOfPendingCreates([...links.values()].filter((link) => link.cloudId === null && this.deletes.has(link.anchor)));
    for (const [anchor, pending] of this.deletes) {
      const link = links.get(anchor);
      if (!link) continue;
      const cloudId = link.cloudId ?? createdBeforeACrash.get(anchor);
      if (!cloudId) {
        neverExported.push(anchor);
        continue;
      }
      operations.push({ action: 'delete', objectType: link.kind === 'group' ? 'group' : 'user', anchor, cloudId });
      context.set(anchor, { dn: link.dn, kind: link.kind });
      this.output.verbose(`Delete planned: ${link.dn} (${pending.reason}).`);
    }
    const { enabled, threshold } = this.options.deletionThreshold;
    if (enabled && operations.length > threshold && !this.options.acceptDeletes) {
      this.output.warning(
        `This cycle would delete ${operations.length} objects in Entra ID, more than the accidental-delete threshold of ${threshold}: ` +
          'no delete was exported. If the deletes are intended, run the sync again with --accept-deletes ' +
          '(Start-OnlineCoexistenceSync -AcceptDeletes), or raise the threshold; otherwise correct the filtering or AD change that caused them.',
      );
      for (const operation of operations) this.plan.push(describe(operation, context.get(operation.anchor)?.dn ?? ''));
      return true;
    }
    if (!this.options.preview && neverExported.length > 0) await this.store.deleteLinks(neverExported);
    await this.apply(operations, context);
    return false;
  }

  private recordError(anchor: string, dn: string, code: string, message: string): void {
    this.counts.errors++;
    this.errors.push({ anchor, dn, code, message });
    this.output.warning(`Export failed for ${dn || anchor}: ${code}: ${message}`);
  }

  private finalStatus(thresholdExceeded: boolean): RunStatus {
    if (thresholdExceeded) return 'stopped-deletion-threshold-exceeded';
    return this.counts.errors > 0 ? 'completed-export-errors' : 'success';
  }

  private reportSummaries(): void {
    for (const [reason, count] of this.notExportableReasons) {
      this.output.warning(`${count} object(s) not exported: ${reason}.`);
    }
    const shown = this.notices.slice(0, 5);
    for (const notice of shown) this.output.warning(notice);
    if (this.notices.length > shown.length) this.output.warning(`… and ${this.notices.length - shown.length} more such notices (run with verbose output to see them all).`);
  }

  private async finish(status: RunStatus, message?: string): Promise<CycleResult> {
    const endedAt = this.now();
    const counts = { ...this.counts };
    if (this.errors.length > 0) await this.store.recordObjectErrors(this.runId, this.errors);
    await this.store.finishRun(this.runId, status, counts, endedAt, message);
    return { runId: this.runId, mode: this.runMode(), status, counts, errors: this.errors, plan: this.plan, startedAt: this.startedAt, endedAt };
  }
}

class CycleStoppedError extends Error {
  constructor() {
    super('stopped on request');
  }
}

function describe(operation: CloudOperation, dn: string): PlannedOperation {
  const objectType = operation.action === 'add-members' || operation.action === 'remove-member' ? 'group' : operation.action === 'set-manager' ? 'user' : operation.objectType;
  const changes = operation.action === 'create' || operation.action === 'update' ? Object.keys(operation.body).filter((name) => name !== 'passwordProfile') : undefined;
  return { action: operation.action, anchor: operation.anchor, dn, objectType, ...(changes ? { changes } : {}) };
}

function primarySmtpAddress(object: SourceObject): string | undefined {
  const primary = object.attributes.proxyaddresses?.find((address) => address.startsWith('SMTP:'));
  return primary ? primary.slice(5) : object.attributes.mail?.[0];
}

/** A random password meeting Entra ID's complexity rules; never logged or stored (the user signs in otherwise or gets a reset). */
function randomPassword(): string {
  const symbols = '!#%+-=?@^_~';
  return `${randomBytes(24).toString('base64url')}a${randomInt(10)}Z${symbols[randomInt(symbols.length)]}`;
}

function prepend<T>(first: IteratorResult<T>, rest: AsyncIterator<T>): AsyncIterator<T> {
  let pending: IteratorResult<T> | undefined = first;
  return {
    next: async () => {
      if (pending) {
        const result = pending;
        pending = undefined;
        return result;
      }
      return rest.next();
    },
  };
}
