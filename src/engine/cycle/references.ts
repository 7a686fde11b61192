// References, once every object of the cycle exists in the cloud: group memberships (additions now; removals are
// held for the deletes phase, which guards them like deletes) and managers. Read from the store a batch of groups or
// users at a time.
import { SHARE_FLOOR } from '../deletion-guard.ts';
import type { CloudOperation } from '../operations.ts';
import type { StateStore } from '../state-store.ts';
import type { Applier } from './apply.ts';
import type { CycleState, OperationContext } from './cycle-state.ts';
import type { CycleLedger } from './ledger.ts';
import { cloudOnlyMemberId } from './cloud-values.ts';
import { stopIfRequested } from './import-phase.ts';

const BATCH_SIZE = 500;

export interface ReferencesPhase {
  state: CycleState;
  store: StateStore;
  applier: Applier;
  ledger: CycleLedger;
  signal: AbortSignal | undefined;
}

/** What one group's membership step changes: members to add and to remove, by anchor. */
interface MembershipPlan {
  groupAnchor: string;
  add: string[];
  remove: string[];
  /** How many members were last exported (complete lists, and increments that lose many): tells a group the cycle would empty. */
  lastExported?: number;
}

/** Adds the members the cycle's changed groups gained; notes the members they lost for the deletes phase. */
export async function reconcileMemberships(phase: ReferencesPhase): Promise<void> {
  const { state, store } = phase;
  // Groups read whole: their list against every member last exported.
  const complete = [...state.groupMembers.keys()];
  for (let index = 0; index < complete.length; index += BATCH_SIZE) {
    stopIfRequested(phase.signal);
    const batch = complete.slice(index, index + BATCH_SIZE);
    const exported = await store.getMemberships(batch);
    await applyMembershipPlans(
      phase,
      batch.map((groupAnchor) => {
        const wanted = state.groupMembers.get(groupAnchor)!;
        const wantedSet = new Set(wanted);
        const last = exported.get(groupAnchor)!;
        return {
          groupAnchor,
          add: wanted.filter((anchor) => !last.has(anchor)),
          remove: [...last].filter((anchor) => !wantedSet.has(anchor)),
          lastExported: last.size,
        };
      }),
    );
  }
  // Groups read as increments: only the members named are looked up, whatever the group's size.
  const incremental = [...state.groupMemberChanges.keys()];
  for (let index = 0; index < incremental.length; index += BATCH_SIZE) {
    stopIfRequested(phase.signal);
    const plans: MembershipPlan[] = [];
    for (const groupAnchor of incremental.slice(index, index + BATCH_SIZE)) {
      const { added, removed } = state.groupMemberChanges.get(groupAnchor)!;
      const exported = await store.getMembersAmong(groupAnchor, [...added, ...removed]);
      const add = [...added].filter((anchor) => !exported.has(anchor));
      const remove = [...removed].filter((anchor) => exported.has(anchor));
      // Many members lost at once and none gained: the whole membership is read to tell an emptied group (a signal
      // the deletion guard withholds) from a large one that shrank. Rare, and bounded by the event.
      const lastExported =
        add.length === 0 && remove.length > SHARE_FLOOR ? (await store.getMemberships([groupAnchor])).get(groupAnchor)!.size : undefined;
      plans.push({ groupAnchor, add, remove, ...(lastExported === undefined ? {} : { lastExported }) });
    }
    await applyMembershipPlans(phase, plans);
  }
}

async function applyMembershipPlans(phase: ReferencesPhase, plans: readonly MembershipPlan[]): Promise<void> {
  const { state, store } = phase;
  const links = await store.getLinks([...new Set(plans.flatMap((plan) => [plan.groupAnchor, ...plan.add, ...plan.remove]))]);
  const operations: CloudOperation[] = [];
  const context = new Map<string, OperationContext>();
  for (const { groupAnchor, add, remove, lastExported } of plans) {
    const group = links.get(groupAnchor);
    if (!group?.cloudId) continue; // its create failed: already reported
    const toAdd: { anchor: string; cloudId: string }[] = [];
    const unresolved: string[] = [];
    for (const anchor of add) {
      const cloudId = links.get(anchor)?.cloudId;
      if (cloudId) toAdd.push({ anchor, cloudId });
      else unresolved.push(anchor);
    }
    if (unresolved.length > 0) await requeueIfMembersPending(phase, group.dn, groupAnchor, unresolved, (anchor) => links.has(anchor));
    if (toAdd.length > 0) operations.push({ action: 'add-members', anchor: groupAnchor, groupId: group.cloudId, members: toAdd });
    if (remove.length > 0 && remove.length === lastExported && toAdd.length === 0) state.emptiedGroups.push({ dn: group.dn, members: lastExported });
    const goneFromCloud: string[] = [];
    for (const anchor of remove) {
      // A member someone added in the cloud that DirSync does not own is known by its cloud id (cloud-drift.ts).
      const cloudId = links.get(anchor)?.cloudId ?? cloudOnlyMemberId(anchor);
      if (cloudId) state.memberRemovals.push({ groupAnchor, groupId: group.cloudId, groupDn: group.dn, member: { anchor, cloudId } });
      else goneFromCloud.push(anchor);
    }
    if (goneFromCloud.length > 0) await phase.ledger.members(groupAnchor, [], goneFromCloud); // gone from the cloud already
    if (toAdd.length > 0 || remove.length > 0) {
      context.set(groupAnchor, { dn: group.dn, kind: 'group' });
      state.countReferenceChange(groupAnchor);
    }
  }
  await phase.applier.apply(operations, context);
}

/**
 * A member whose create failed (its link has no cloud id yet) will exist once its retry succeeds: the group comes
 * back with it, or the member would never join (the group itself may not change in AD again).
 */
async function requeueIfMembersPending(
  phase: ReferencesPhase,
  groupDn: string,
  groupAnchor: string,
  unresolved: readonly string[],
  isKnown: (anchor: string) => boolean,
): Promise<void> {
  phase.state.reporter.verbose(
    `${groupDn}: ${unresolved.length} member(s) are not in the cloud (out of scope, not exportable, or failed) and are left out.`,
  );
  if (!unresolved.some(isKnown)) return;
  phase.state.requeuedGroups.add(groupAnchor);
  await phase.ledger.queueRetries([groupAnchor]);
}

/**
 * Sets or removes the managers that changed, once every user of the cycle exists in the cloud; `only`: just those of
 * these users, or naming them (after creates that waited for the deletes phase).
 */
export async function reconcileManagers(phase: ReferencesPhase, only?: ReadonlySet<string>): Promise<void> {
  const { state, store } = phase;
  const users = [...state.managers]
    .filter(([user, manager]) => !only || only.has(user) || (manager !== null && only.has(manager)))
    .map(([user]) => user);
  for (let index = 0; index < users.length; index += BATCH_SIZE) {
    stopIfRequested(phase.signal);
    const batch = users.slice(index, index + BATCH_SIZE);
    const managerAnchors = batch.map((anchor) => state.managers.get(anchor)).filter((anchor): anchor is string => typeof anchor === 'string');
    const links = await store.getLinks([...batch, ...managerAnchors]);
    const operations: CloudOperation[] = [];
    const context = new Map<string, OperationContext>();
    for (const anchor of batch) {
      const user = links.get(anchor);
      if (!user?.cloudId) continue; // its create failed: already reported
      const managerAnchor = state.managers.get(anchor) ?? null;
      const managerId = managerAnchor === null ? null : links.get(managerAnchor)?.cloudId;
      if (managerId === undefined) {
        state.reporter.verbose(`${user.dn}: its manager is not in the cloud (out of scope, not exportable, or failed) and is left unset.`);
        continue;
      }
      operations.push({
        action: 'set-manager',
        anchor,
        userId: user.cloudId,
        manager: managerAnchor === null || managerId === null ? null : { anchor: managerAnchor, cloudId: managerId },
      });
      context.set(anchor, { dn: user.dn, kind: 'user', link: user });
      state.countReferenceChange(anchor);
    }
    await phase.applier.apply(operations, context);
  }
}

/** Adds to their groups the members created after the deletes phase (their UPN was freed by a delete of the cycle). */
export async function addCreatedMembers(phase: ReferencesPhase, created: ReadonlySet<string>): Promise<void> {
  const { state, store } = phase;
  const plans: MembershipPlan[] = [];
  for (const groupAnchor of state.requeuedGroups) {
    const wanted = state.groupMembers.get(groupAnchor) ?? [...(state.groupMemberChanges.get(groupAnchor)?.added ?? [])];
    const candidates = wanted.filter((anchor) => created.has(anchor));
    if (candidates.length === 0) continue;
    const exported = await store.getMembersAmong(groupAnchor, candidates);
    plans.push({ groupAnchor, add: candidates.filter((anchor) => !exported.has(anchor)), remove: [] });
  }
  if (plans.length > 0) await applyMembershipPlans(phase, plans);
}
