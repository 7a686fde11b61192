// Import and plan: reads the directory's changes in chunks and, for each chunk, maps the objects to what the cloud
// should hold, plans updates of linked objects, joins the others (join.ts) and applies the chunk's operations.
// Deletes, memberships and managers are only noted here: later phases handle them once every object exists.
import { StopRequestedError } from '../../core/errors.ts';
import { changedAttributes, mapToCloud, ObjectMappingError, type MappingResult } from '../mapping.ts';
import type { ImportChange, SourceObject, Watermark } from '../model.ts';
import type { CloudOperation } from '../operations.ts';
import { isWatermarkRejected, type CloudTarget, type DirectoryImport, type DirectorySource } from '../ports.ts';
import type { ObjectLink, StateStore } from '../state-store.ts';
import type { Applier } from './apply.ts';
import { MANAGER_KEY, type CycleState, type OperationContext, type PendingDelete } from './cycle-state.ts';
import type { CycleLedger } from './ledger.ts';
import { restoreOperation } from './comebacks.ts';
import { joinSoftMatches, joinUnlinked, type Unlinked } from './join.ts';
import { holdClashingUpns } from './upn-clash.ts';

const CHUNK_SIZE = 500;

export interface ImportPhase {
  state: CycleState;
  store: StateStore;
  source: DirectorySource;
  target: CloudTarget;
  applier: Applier;
  ledger: CycleLedger;
  softMatch: boolean;
  /** An object run's anchors: the only objects it reads. */
  objects: readonly string[] | undefined;
  signal: AbortSignal | undefined;
  /** Called when a delta has to become a full import (its watermark was refused). */
  onFallbackToFull(reason: string): Promise<void>;
}

/**
 * The cycle's own import: a full import, a delta that becomes one when the directory refuses the watermark, or an
 * object run's objects. Returns the watermark the import ended at, which the cycle commits last (none for objects).
 */
export async function importChanges(phase: ImportPhase, watermark: string | undefined): Promise<Watermark | undefined> {
  const { state, source } = phase;
  if (state.mode === 'object') {
    // Read by GUID as retries are, with the groups they belong to: a change of nothing else, so no watermark moves.
    await processChanges(phase, source.readObjects(phase.objects ?? [], { memberOf: true }));
    await joinSoftMatches(phase);
    reportImported(state);
    return undefined;
  }
  let next: Watermark;
  if (state.mode === 'delta') {
    try {
      next = await processImport(phase, source.deltaImport(watermark!));
    } catch (error) {
      if (!isWatermarkRejected(error)) throw error;
      // Whatever the delta exported already is kept (replays are idempotent); the full import re-reads the rest and
      // finds what was deleted meanwhile.
      await phase.onFallbackToFull(error.message);
      next = await processImport(phase, source.fullImport());
    }
  } else {
    next = await processImport(phase, source.fullImport());
  }
  // A full import reads every object anyway; a delta re-reads the objects whose export failed before — once the
  // delta's own changes are exported, as they may be what clears the way (another object giving up a clashing
  // address). Those the delta carried already are not read twice.
  const retries = state.mode === 'delta' ? [...state.queuedRetries].filter((anchor) => !state.importedRetries.has(anchor)) : [];
  if (retries.length > 0) state.reporter.verbose(`Retrying ${retries.length} object(s) whose export failed in an earlier cycle.`);
  // Groups new to the cloud came as increments of a membership never exported: their complete list is read now; so
  // is every object the cloud changed (drift to revert, an object to bring back) that the delta did not carry.
  const reReads = [...new Set([...retries, ...state.groupsToReadWhole, ...(state.mode === 'delta' ? state.rereads : [])])];
  if (reReads.length > 0) await processChanges(phase, source.readObjects(reReads));
  await joinSoftMatches(phase);
  reportImported(state);
  return next;
}

function reportImported(state: CycleState): void {
  state.reporter.progress({ activity: 'Importing from Active Directory', status: `${state.imported} objects`, completed: true });
}

export function stopIfRequested(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new StopRequestedError();
}

async function processImport(phase: ImportPhase, run: DirectoryImport): Promise<Watermark> {
  await processChanges(phase, run.changes);
  return run.watermark();
}

async function processChanges(phase: ImportPhase, changes: AsyncIterable<ImportChange>): Promise<void> {
  let chunk: ImportChange[] = [];
  for await (const change of changes) {
    chunk.push(change);
    if (chunk.length >= CHUNK_SIZE) {
      await processChunk(phase, chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await processChunk(phase, chunk);
}

async function processChunk(phase: ImportPhase, chunk: ImportChange[]): Promise<void> {
  const { state, store } = phase;
  stopIfRequested(phase.signal);
  state.imported += chunk.length;
  state.reporter.progress({ activity: 'Importing from Active Directory', status: `${state.imported} objects`, current: state.imported });

  const upserts = noteDeletes(state, chunk);
  if (upserts.length === 0) return;
  const anchors = upserts.map((object) => object.anchor);
  const links = await store.getLinks(anchors);
  if (state.mode === 'full') await store.markSeen(state.runId, anchors);

  const { operations, context, unlinked, renamed, refused } = planUpserts(state, upserts, links);
  await noteGroupsJoinedAndLeft(
    state,
    store,
    upserts.filter((object) => context.has(object.anchor)),
  );
  const joined = await joinUnlinked(state, phase.target, store, unlinked, phase.softMatch);
  operations.push(...joined.operations);
  for (const operation of joined.softMatched) state.softMatches.set(operation.anchor, { operation, context: context.get(operation.anchor)! });
  for (const anchor of joined.returning) context.set(anchor, { ...context.get(anchor)!, comeback: 'returning' });
  for (const anchor of [...refused, ...joined.refused]) state.failedAnchors.add(anchor);
  await phase.ledger.queueRetries([...refused, ...joined.refused]);
  await phase.ledger.exported(renamed);
  await holdClashingUpns(state, phase.target, operations, context);
  await phase.applier.apply(operations, context);
  await forgetUnchangedMemberships(state, store, upserts, links);
}

/** Deletes are kept for the deletes phase (a later change of the same object in the import cancels them). */
function noteDeletes(state: CycleState, chunk: readonly ImportChange[]): SourceObject[] {
  const upserts: SourceObject[] = [];
  for (const change of chunk) {
    const anchor = change.op === 'delete' ? change.anchor : change.object.anchor;
    if (state.queuedRetries.has(anchor)) state.importedRetries.add(anchor);
    state.rereads.delete(anchor);
    if (change.op === 'delete') {
      state.deletes.set(change.anchor, pendingDelete(change));
    } else {
      state.deletes.delete(change.object.anchor);
      upserts.push(change.object);
    }
  }
  return upserts;
}

interface ChunkPlan {
  operations: CloudOperation[];
  context: Map<string, OperationContext>;
  unlinked: Unlinked[];
  renamed: ObjectLink[];
  /** Objects the mapping failed on (their per-object errors are recorded): retried with the next cycle. */
  refused: string[];
}

function planUpserts(state: CycleState, upserts: readonly SourceObject[], links: ReadonlyMap<string, ObjectLink>): ChunkPlan {
  const plan: ChunkPlan = { operations: [], context: new Map(), unlinked: [], renamed: [], refused: [] };
  for (const object of upserts) {
    const mapped = mapObject(state, object);
    const link = links.get(object.anchor);
    if (mapped === undefined) {
      // Do no harm: an object the mapping fails on keeps its cloud object as last exported; it is not deleted.
      plan.refused.push(object.anchor);
      continue;
    }
    if (!mapped.exportable) {
      state.countNotExportable(object.dn, mapped.reason);
      // Do no harm: a linked object that Graph can no longer take (a security group that gained mail) keeps its cloud
      // object as it is; it is not deleted.
      if (link?.cloudId)
        state.reporter.warning(
          `${object.dn} is no longer exportable (${mapped.reason}): its cloud object is kept as last exported and no longer updated.`,
        );
      continue;
    }
    state.notices.push(...mapped.notices);
    const exportedManager = (link?.exported[MANAGER_KEY] as string | null | undefined) ?? null;
    if (mapped.objectType === 'group') noteMembership(state, object, link);
    if (mapped.objectType === 'user' && exportedManager !== (object.references.manager ?? null))
      state.managers.set(object.anchor, object.references.manager ?? null);
    plan.context.set(object.anchor, {
      dn: object.dn,
      kind: object.kind,
      desired: mapped.attributes,
      createOnly: mapped.createOnly,
      previous: link?.exported ?? {},
      lastSeenRunId: link?.lastSeenRunId ?? null,
      exportedManager,
    });

    if (!link?.cloudId) {
      plan.unlinked.push({ object, objectType: mapped.objectType, desired: mapped.attributes, createOnly: mapped.createOnly });
      continue;
    }
    const missing = state.cloudMissing.get(object.anchor);
    if (missing) {
      // Deleted in the cloud, and still in scope in AD: the same object comes back (comebacks.ts).
      const comeback = restoreOperation(mapped.objectType, object.anchor, missing.cloudId, plan.context.get(object.anchor)!, 'missing');
      plan.operations.push(comeback.operation);
      plan.context.set(object.anchor, comeback.context);
      continue;
    }
    const changes = changedAttributes(link.exported, mapped.attributes);
    if (Object.keys(changes).length > 0) {
      plan.operations.push({ action: 'update', objectType: mapped.objectType, anchor: object.anchor, cloudId: link.cloudId, body: changes });
      continue;
    }
    state.count('unchanged', object.dn);
    // Remembered only where a reference step may still change the object (memory stays small).
    if (state.groupMembers.has(object.anchor) || state.groupMemberChanges.has(object.anchor) || state.managers.has(object.anchor))
      state.unchangedObjects.set(object.anchor, object.dn);
    if (link.dn !== object.dn) plan.renamed.push({ ...link, dn: object.dn });
  }
  return plan;
}

/** The object as the cloud should hold it; undefined (its error recorded) when the mapping fails on it. */
function mapObject(state: CycleState, object: SourceObject): MappingResult | undefined {
  try {
    return mapToCloud(object, state.tenant, state.mapping);
  } catch (error) {
    if (!(error instanceof ObjectMappingError)) throw error;
    state.recordError(object.anchor, object.dn, error.code, error.message);
    return undefined;
  }
}

const DELETE_REASONS = {
  'deleted-in-ad': 'deleted in Active Directory',
  'out-of-scope': 'moved out of the synchronization scope',
  'not-found': 'not found in Active Directory by its GUID',
} as const;

function pendingDelete(change: ImportChange & { op: 'delete' }): PendingDelete {
  const pending = { dn: change.dn, reason: DELETE_REASONS[change.reason] };
  return change.reason === 'not-found' ? { ...pending, unconfirmed: true } : pending;
}

/**
 * Keeps a group's membership for the references phase: its complete list, or the increments a delta read — merged
 * in order when the group comes more than once in a cycle (a DirSync reply that spans several pages).
 */
function noteMembership(state: CycleState, object: SourceObject, link: ObjectLink | undefined): void {
  const anchor = object.anchor;
  const changes = object.references.memberChanges;
  if (changes === undefined) {
    state.groupMembers.set(anchor, object.references.members ?? []);
    state.groupMemberChanges.delete(anchor);
    state.groupsToReadWhole.delete(anchor);
    return;
  }
  const complete = state.groupMembers.get(anchor);
  if (complete !== undefined) {
    const members = new Set(complete);
    for (const member of changes.removed) members.delete(member);
    for (const member of changes.added) members.add(member);
    state.groupMembers.set(anchor, [...members]);
    return;
  }
  // Increments mean nothing without the membership they change: the store has none for a group not yet exported.
  if (!link?.cloudId) {
    state.groupsToReadWhole.add(anchor);
    return;
  }
  const noted = state.groupMemberChanges.get(anchor) ?? { added: new Set<string>(), removed: new Set<string>() };
  for (const member of changes.removed) {
    noted.added.delete(member);
    noted.removed.add(member);
  }
  for (const member of changes.added) {
    noted.removed.delete(member);
    noted.added.add(member);
  }
  if (noted.added.size > 0 || noted.removed.size > 0) state.groupMemberChanges.set(anchor, noted);
  else state.groupMemberChanges.delete(anchor);
}

/**
 * An object read with its memberOf (an object run) joins the groups AD says it is in and leaves the others it was
 * exported into: one member's increments per group, which the references phase applies as it applies a delta's.
 */
async function noteGroupsJoinedAndLeft(state: CycleState, store: StateStore, objects: readonly SourceObject[]): Promise<void> {
  for (const object of objects) {
    const memberOf = object.references.memberOf;
    if (memberOf === undefined) continue;
    const wanted = new Set(memberOf);
    const left = (await store.groupsOf(object.anchor)).filter((group) => !wanted.has(group));
    for (const group of wanted) noteMemberIncrement(state, group, object.anchor, 'added');
    for (const group of left) noteMemberIncrement(state, group, object.anchor, 'removed');
  }
}

function noteMemberIncrement(state: CycleState, group: string, member: string, change: 'added' | 'removed'): void {
  const noted = state.groupMemberChanges.get(group) ?? { added: new Set<string>(), removed: new Set<string>() };
  noted[change].add(member);
  state.groupMemberChanges.set(group, noted);
}

/**
 * A known group whose members are exactly those last exported needs no membership step: it is not kept until the
 * end of the cycle, so a full import holds only the memberships that changed, not the directory's.
 */
async function forgetUnchangedMemberships(
  state: CycleState,
  store: StateStore,
  upserts: readonly SourceObject[],
  links: ReadonlyMap<string, ObjectLink>,
): Promise<void> {
  const groups = upserts
    .filter((object) => state.groupMembers.has(object.anchor) && links.get(object.anchor)?.cloudId)
    .map((object) => object.anchor);
  if (groups.length === 0) return;
  const exported = await store.getMemberships(groups);
  for (const group of groups) {
    const members = state.groupMembers.get(group)!;
    const last = exported.get(group)!;
    if (last.size === members.length && members.every((anchor) => last.has(anchor))) state.groupMembers.delete(group);
  }
}
