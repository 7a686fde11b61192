// The deletes phase: what left AD or the scope is deleted in the cloud — never what the account merely cannot see.
// Candidates a listing missed (the full import's sweep, or the anchor-only listing of a delta where the directory
// withholds tombstones) are confirmed one by one by GUID; an object still there and in scope is hidden by ACLs and
// withheld, as is everything under a part of the directory that returned nothing. Then the guard (deletion-guard.ts)
// decides on the cycle's deletes and membership removals together: all go, or none.
import { deletionGuardReasons, type DeletionGuardSettings } from '../deletion-guard.ts';
import type { CloudOperation } from '../operations.ts';
import type { DeletionCandidate, DirectorySource, ListingCoverage, SourceParts } from '../ports.ts';
import type { DeletedObject, StateStore } from '../state-store.ts';
import type { Applier } from './apply.ts';
import type { CycleState, OperationContext } from './cycle-state.ts';
import { findPendingCreates } from './pending-creates.ts';
import type { CycleLedger } from './ledger.ts';
import type { CloudTarget } from '../ports.ts';

/** A search base that lost this share of its objects (or all of them) is a signal, not a deletion. */
const SHRUNK_SEARCH_BASE = { minimumCandidates: 10, lostShare: 0.9 };

export interface DeletesPhase {
  state: CycleState;
  store: StateStore;
  source: DirectorySource;
  target: CloudTarget;
  applier: Applier;
  ledger: CycleLedger;
  acceptDeletes: boolean;
  guard: DeletionGuardSettings;
  /** How a delta learns of deletions: the directory's tombstones, or a listing of the scope compared with the store. */
  deltaDeletions: 'tombstones' | 'listing';
}

/** Runs the phase; true when the guard withheld the deletes (the watermark must then stay where it was). */
export async function exportDeletes(phase: DeletesPhase): Promise<boolean> {
  const { state } = phase;
  const { candidates, readByGuid } = await listingCandidates(phase);
  if (candidates.length > 0) await confirmCandidates(phase, candidates, readByGuid);

  const { operations, context, deleted, neverExported } = await planDeletes(phase);
  const removals = state.memberRemovals;
  if (operations.length === 0 && removals.length === 0) {
    await phase.ledger.forget(neverExported);
    return false;
  }
  const reasons = deletionGuardReasons(
    {
      objectDeletes: operations.length,
      synchronizedObjects: await phase.store.countLinks(),
      memberRemovals: removals.length,
      exportedMemberships: await phase.store.countMemberships(),
      emptiedGroups: state.emptiedGroups,
    },
    phase.guard,
  );
  if (phase.source.parts && operations.length > 0) reasons.push(...(await guardReasonsPerPart(phase, phase.source.parts, context)));
  if (reasons.length > 0 && !phase.acceptDeletes) {
    withholdAll(state, operations, context, reasons);
    return true;
  }
  await phase.ledger.forget(neverExported);
  const succeeded = await phase.applier.apply(operations, context);
  const done = new Set(succeeded.map((operation) => operation.anchor));
  for (const anchor of done) state.count('deleted', context.get(anchor)?.dn ?? '');
  await phase.ledger.deleted(
    deleted.filter((object) => done.has(object.anchor)),
    context,
  );
  await phase.applier.apply(
    removals.map((removal) => ({ action: 'remove-member', anchor: removal.groupAnchor, groupId: removal.groupId, member: removal.member })),
    new Map(removals.map((removal) => [removal.groupAnchor, { dn: removal.groupDn, kind: 'group' } satisfies OperationContext])),
  );
  return false;
}

/**
 * The guard applied to each part of a source read in parts (forests) on its own: a forest losing most of its objects
 * is stopped even when they are few against every forest's together.
 */
async function guardReasonsPerPart(phase: DeletesPhase, parts: SourceParts, deletes: ReadonlyMap<string, OperationContext>): Promise<string[]> {
  if (parts.outcomes().length < 2) return [];
  const deletesByPart = new Map<string, number>();
  for (const { dn } of deletes.values()) {
    const part = parts.partOf(dn);
    if (part !== undefined) deletesByPart.set(part, (deletesByPart.get(part) ?? 0) + 1);
  }
  const synchronizedByPart = new Map<string, number>();
  for await (const link of phase.store.allLinks()) {
    const part = link.cloudId ? parts.partOf(link.dn) : undefined;
    if (part !== undefined && deletesByPart.has(part)) synchronizedByPart.set(part, (synchronizedByPart.get(part) ?? 0) + 1);
  }
  return [...deletesByPart].flatMap(([part, objectDeletes]) =>
    deletionGuardReasons(
      { objectDeletes, synchronizedObjects: synchronizedByPart.get(part) ?? 0, memberRemovals: 0, exportedMemberships: 0, emptiedGroups: [] },
      phase.guard,
    ).map((reason) => `in ${part}: ${reason}`),
  );
}

/**
 * Deletes that need the source's word first: linked objects a listing did not return, that no change of this cycle
 * explains yet, and objects read by GUID and not found (deleted, or hidden from the account).
 */
async function listingCandidates(phase: DeletesPhase): Promise<{ candidates: DeletionCandidate[]; readByGuid: Set<string> }> {
  const { state, store, source } = phase;
  // An object run lists nothing: every delete it has comes from reading its objects by GUID.
  const readByGuid = new Set([...state.deletes].filter(([, pending]) => state.mode === 'object' || pending.unconfirmed).map(([anchor]) => anchor));
  const candidates = await readByGuidCandidates(phase, [...readByGuid]);
  const result = { candidates, readByGuid };
  if (state.mode === 'object') return result;
  if (state.mode === 'full') {
    for await (const link of store.unseenLinks(state.runId))
      if (!state.deletes.has(link.anchor) && !readByGuid.has(link.anchor)) candidates.push({ anchor: link.anchor, dn: link.dn });
    return result;
  }
  if (phase.deltaDeletions !== 'listing') return result;
  state.reporter.verbose('Listing the scope to find deletions (the directory does not show them to this account).');
  const listed = new Set<string>();
  for await (const entry of source.listScope()) listed.add(entry.anchor);
  for await (const link of store.allLinks()) {
    if (!listed.has(link.anchor) && !state.deletes.has(link.anchor) && !readByGuid.has(link.anchor))
      candidates.push({ anchor: link.anchor, dn: link.dn });
  }
  return result;
}

/**
 * Deletes read by GUID, where "no such object" may be an object the account cannot see: each is confirmed as a
 * listing's missing object is, and withheld when merely hidden. Those never exported need no confirmation.
 */
async function readByGuidCandidates(phase: DeletesPhase, anchors: readonly string[]): Promise<DeletionCandidate[]> {
  const { state } = phase;
  if (anchors.length === 0) return [];
  const links = await phase.store.getLinks(anchors);
  const candidates = [...links.values()].map((link) => ({ anchor: link.anchor, dn: state.deletes.get(link.anchor)?.dn || link.dn }));
  for (const candidate of candidates) state.deletes.delete(candidate.anchor);
  return candidates;
}

/**
 * Asks the source about each candidate. One read by GUID and withheld stays on the retry queue: the change that
 * brought it (an edit, drift to revert, a failed export) is applied once the account can read it again.
 */
async function confirmCandidates(phase: DeletesPhase, candidates: readonly DeletionCandidate[], readByGuid: ReadonlySet<string>): Promise<void> {
  const { state } = phase;
  const signalled = signalledSearchBases(phase.source.coverage(), candidates);
  const retried: string[] = [];
  for await (const verdict of phase.source.confirmDeletions(candidates)) {
    if (verdict.verdict === 'hidden' || verdict.verdict === 'unconfirmed') {
      if (readByGuid.has(verdict.anchor)) {
        state.failedAnchors.add(verdict.anchor);
        retried.push(verdict.anchor);
      }
      // Never deleted, whatever --accept-deletes says: the object may well exist.
      const why =
        verdict.verdict === 'hidden'
          ? `still in Active Directory and in scope, but hidden from the account DirSync reads with: ${verdict.reason}`
          : `its deletion could not be confirmed: ${verdict.reason}`;
      state.withheld.push({ anchor: verdict.anchor, dn: verdict.dn, objectType: verdict.kind ?? 'user', reason: why });
      state.reporter.warning(`Not deleted: ${verdict.dn}: ${why}.`);
      continue;
    }
    const reason = verdict.verdict === 'gone' ? 'no longer in Active Directory (confirmed by its GUID)' : `out of scope: ${verdict.reason}`;
    const base = signalled.find((entry) => phase.source.coverage()?.contains(entry.dn, verdict.dn));
    if (base && !phase.acceptDeletes) {
      state.withheld.push({ anchor: verdict.anchor, dn: verdict.dn, objectType: 'user', reason: `${base.why}; ${reason}` });
      continue;
    }
    state.deletes.set(verdict.anchor, { dn: verdict.dn, reason });
  }
  await phase.ledger.queueRetries(retried);
  for (const base of signalled) {
    state.reporter.warning(
      `Deletes under ${base.dn} withheld: ${base.why}. If the objects were really removed, run the sync with --accept-deletes; otherwise check the OU and the permissions of the account DirSync reads with.`,
    );
  }
}

/** Search bases that returned nothing, or far fewer objects than were linked under them. */
function signalledSearchBases(coverage: ListingCoverage | undefined, candidates: readonly DeletionCandidate[]): { dn: string; why: string }[] {
  if (!coverage) return [];
  const signalled: { dn: string; why: string }[] = [];
  for (const base of coverage.searchBases) {
    const missing = candidates.filter((candidate) => coverage.contains(base.dn, candidate.dn)).length;
    if (missing === 0) continue;
    if (base.returned === 0)
      signalled.push({ dn: base.dn, why: `${base.dn} returned no object at all, though ${missing} synchronized object(s) were under it` });
    else if (missing >= SHRUNK_SEARCH_BASE.minimumCandidates && missing >= SHRUNK_SEARCH_BASE.lostShare * (missing + base.returned)) {
      signalled.push({
        dn: base.dn,
        why: `${base.dn} returned ${base.returned} object(s), though ${missing} more synchronized object(s) were under it`,
      });
    }
  }
  return signalled;
}

interface PlannedDeletes {
  operations: CloudOperation[];
  context: Map<string, OperationContext>;
  /** What restore needs of each object, should its delete go through. */
  deleted: DeletedObject[];
  /** Linked but never created in the cloud: forgotten, nothing to delete. */
  neverExported: string[];
}

async function planDeletes(phase: DeletesPhase): Promise<PlannedDeletes> {
  const { state, store } = phase;
  const planned: PlannedDeletes = { operations: [], context: new Map(), deleted: [], neverExported: [] };
  if (state.deletes.size === 0) return planned;
  const links = await store.getLinks([...state.deletes.keys()]);
  const createdBeforeACrash = await findPendingCreates(
    phase.target,
    [...links.values()].filter((link) => link.cloudId === null),
  );
  const groups = [...links.values()].filter((link) => link.kind === 'group').map((link) => link.anchor);
  const memberships = await store.getMemberships(groups);
  for (const [anchor, pending] of state.deletes) {
    const link = links.get(anchor);
    if (!link) continue;
    const cloudId = link.cloudId ?? createdBeforeACrash.get(anchor);
    if (!cloudId) {
      planned.neverExported.push(anchor);
      continue;
    }
    const objectType = link.kind === 'group' ? 'group' : 'user';
    planned.operations.push({ action: 'delete', objectType, anchor, cloudId });
    planned.context.set(anchor, { dn: link.dn, kind: link.kind, reason: pending.reason });
    planned.deleted.push({
      anchor,
      kind: link.kind,
      cloudId,
      dn: link.dn,
      exported: link.exported,
      members: [...(memberships.get(anchor) ?? [])],
      memberOf: await store.groupsOf(anchor),
    });
    state.reporter.verbose(`Delete planned: ${link.dn} (${pending.reason}).`);
  }
  return planned;
}

function withholdAll(
  state: CycleState,
  operations: readonly CloudOperation[],
  context: ReadonlyMap<string, OperationContext>,
  reasons: readonly string[],
): void {
  const why = `withheld by accidental-delete prevention: ${reasons.join('; ')}`;
  for (const operation of operations) {
    const known = context.get(operation.anchor);
    state.withheld.push({ anchor: operation.anchor, dn: known?.dn ?? '', objectType: known?.kind ?? 'user', reason: why });
  }
  for (const removal of state.memberRemovals) {
    state.withheld.push({ anchor: removal.member.anchor, dn: removal.groupDn, objectType: 'membership', reason: why });
  }
  state.reporter.warning(
    `This cycle would make ${operations.length} delete(s) and ${state.memberRemovals.length} membership removal(s) in Entra ID (${reasons.join('; ')}): ` +
      'nothing was deleted and the watermark stays where it was. Check the list of withheld deletes; if they are intended, run the sync again with ' +
      '--accept-deletes (Start-OnlineCoexistenceSync -AcceptDeletes), or change the threshold (deletion-threshold, Set-PreventAccidentalDeletes); ' +
      'otherwise correct the filtering, permission or AD change that caused them.',
  );
}
