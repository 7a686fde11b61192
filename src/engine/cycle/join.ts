// Join: an AD object without a cloud object yet is matched by its anchor (hard match), then — users only, when
// allowed — by its primary SMTP address or UPN (soft match), or else created. Matching never takes over what it
// should not: a cloud user two AD objects claim matches neither, one already linked to another AD object is never
// re-linked, a UPN DirSync had to rewrite never matches, and administrators are never soft-matched (CloudTarget).
// Soft matches wait for the end of the import (joinSoftMatches): the import reads in chunks, and the second claimant
// of a cloud user may come thousands of objects later (another OU, another forest).
import { randomPassword } from '../../core/passwords.ts';
import { createBody, type CloudAttributes } from '../mapping.ts';
import type { SourceObject } from '../model.ts';
import type { CloudObjectType, CloudOperation } from '../operations.ts';
import type { Applier } from './apply.ts';
import type { CloudTarget, SoftMatchCandidate } from '../ports.ts';
import type { StateStore } from '../state-store.ts';
import { MEMBER_OF_KEY, restorable } from './comebacks.ts';
import type { CycleState, OperationContext } from './cycle-state.ts';
import type { CycleLedger } from './ledger.ts';

export interface Unlinked {
  object: SourceObject;
  objectType: CloudObjectType;
  desired: CloudAttributes;
  /** Sent when the object is created, and only then (the mapping's onCreate targets): never on a match. */
  createOnly: CloudAttributes;
}

/** The per-object error code of a match DirSync refused to make. */
export const MATCH_CONFLICT = 'DirSync.MatchConflict';

/**
 * The operations that join, bring back or create the objects; `softMatched`: the updates that join users by soft
 * match, held by the caller until the import ends (joinSoftMatches); `refused`: objects left unjoined because of a
 * conflict (retry them); `returning`: objects restored from the deleted items (their operation is a restore).
 */
export async function joinUnlinked(
  state: CycleState,
  target: CloudTarget,
  store: StateStore,
  unlinked: readonly Unlinked[],
  softMatch: boolean,
): Promise<{ operations: CloudOperation[]; softMatched: (CloudOperation & { action: 'update' })[]; refused: string[]; returning: Set<string> }> {
  if (unlinked.length === 0) return { operations: [], softMatched: [], refused: [], returning: new Set() };
  const matches = await hardMatches(target, unlinked);
  for (const entry of unlinked) {
    const cloudId = matches.get(entry.object.anchor);
    if (cloudId) state.reporter.verbose(`Hard match: ${entry.object.dn} joins the cloud ${entry.objectType} ${cloudId}.`);
  }
  // Back in scope within 30 days of DirSync deleting its cloud object: the same object is restored, not re-created.
  const deleted = restorable(
    await store.getDeletedLinks(unlinked.filter((entry) => !matches.has(entry.object.anchor)).map((entry) => entry.object.anchor)),
    state.startedAt,
  );
  for (const link of deleted.values()) {
    state.reporter.verbose(`${link.dn} is back in scope: its cloud user ${link.cloudId}, deleted ${link.deletedAt.toISOString()}, is restored.`);
    const memberOf = link.exported[MEMBER_OF_KEY];
    // Its groups are read again: the membership it comes back to is AD's.
    if (Array.isArray(memberOf)) for (const group of memberOf) state.rereads.add(String(group));
  }
  const remaining = unlinked.filter((entry) => !matches.has(entry.object.anchor) && !deleted.has(entry.object.anchor));
  const softMatched = softMatch ? await softMatches(target, remaining) : new Map<string, string>();
  const all = new Map([...matches, ...softMatched]);
  const refused = await refuseConflicts(
    state,
    store,
    claimantsOf(
      unlinked.filter((entry) => all.has(entry.object.anchor)),
      all,
    ),
  );

  const operations: CloudOperation[] = [];
  const held: (CloudOperation & { action: 'update' })[] = [];
  for (const entry of unlinked) {
    const anchor = entry.object.anchor;
    if (refused.has(anchor)) continue;
    const returning = deleted.get(anchor);
    if (returning) {
      operations.push({ action: 'restore', objectType: entry.objectType, anchor, cloudId: returning.cloudId });
      continue;
    }
    const cloudId = matches.get(anchor) ?? softMatched.get(anchor);
    if (cloudId) {
      (matches.has(anchor) ? operations : held).push({ action: 'update', objectType: entry.objectType, anchor, cloudId, body: entry.desired });
    } else {
      const created = createBody(entry.desired, entry.createOnly);
      const body =
        entry.objectType === 'user'
          ? {
              ...created,
              passwordProfile: {
                password: randomPassword(),
                forceChangePasswordNextSignIn: false,
              } /* nobody knows it: the user signs in otherwise or gets a reset */,
            }
          : created;
      operations.push({ action: 'create', objectType: entry.objectType, anchor, body });
    }
  }
  return { operations, softMatched: held, refused: [...refused], returning: new Set(deleted.keys()) };
}

export interface SoftMatchPhase {
  state: CycleState;
  store: StateStore;
  applier: Applier;
  ledger: CycleLedger;
}

/**
 * The soft matches of the whole import, joined now that every claimant has been read: a cloud user claimed by two AD
 * objects, or linked meanwhile to another (a hard match read later), is joined to none of them (retried next cycle).
 */
export async function joinSoftMatches(phase: SoftMatchPhase): Promise<void> {
  const { state } = phase;
  // An object deleted later in the same import (a delta) no longer claims anything.
  const held = [...state.softMatches.values()].filter(({ operation }) => !state.deletes.has(operation.anchor));
  state.softMatches.clear();
  if (held.length === 0) return;
  const claimants = new Map<string, Claimant[]>();
  for (const { operation, context } of held)
    claimants.set(operation.cloudId, [
      ...(claimants.get(operation.cloudId) ?? []),
      { anchor: operation.anchor, dn: context.dn, objectType: operation.objectType },
    ]);
  const refused = await refuseConflicts(state, phase.store, claimants);
  for (const anchor of refused) state.failedAnchors.add(anchor);
  await phase.ledger.queueRetries([...refused]);
  const joined = held.filter(({ operation }) => !refused.has(operation.anchor));
  for (const { operation, context } of joined)
    state.reporter.verbose(`Soft match: ${context.dn} joins the cloud user ${operation.cloudId} (same primary SMTP address or UPN).`);
  await phase.applier.apply(
    joined.map(({ operation }) => operation),
    new Map<string, OperationContext>(joined.map(({ operation, context }) => [operation.anchor, context])),
  );
}

async function hardMatches(target: CloudTarget, unlinked: readonly Unlinked[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const objectType of ['user', 'group'] as const) {
    const anchors = unlinked.filter((entry) => entry.objectType === objectType).map((entry) => entry.object.anchor);
    if (anchors.length === 0) continue;
    for (const [anchor, cloudId] of await target.findByAnchors(objectType, anchors)) found.set(anchor, cloudId);
  }
  return found;
}

async function softMatches(target: CloudTarget, remaining: readonly Unlinked[]): Promise<Map<string, string>> {
  const candidates = remaining.filter((entry) => entry.objectType === 'user').map(softMatchCandidate);
  return candidates.length === 0 ? new Map() : target.findSoftMatches(candidates);
}

/** What soft matching looks for in the cloud for a user: its primary SMTP address, and its UPN unless DirSync rewrote it. */
export function softMatchCandidate(entry: Unlinked): SoftMatchCandidate {
  return { anchor: entry.object.anchor, primarySmtpAddress: primarySmtpAddress(entry.object), userPrincipalName: upnAsInDirectory(entry) };
}

/** An AD object that claims a cloud object by a match. */
interface Claimant {
  anchor: string;
  dn: string;
  objectType: CloudObjectType;
}

/** The matched entries, by the cloud object each claims. */
function claimantsOf(matched: readonly Unlinked[], matches: ReadonlyMap<string, string>): Map<string, Claimant[]> {
  const claimants = new Map<string, Claimant[]>();
  for (const { object, objectType } of matched) {
    const cloudId = matches.get(object.anchor)!;
    claimants.set(cloudId, [...(claimants.get(cloudId) ?? []), { anchor: object.anchor, dn: object.dn, objectType }]);
  }
  return claimants;
}

/**
 * One cloud object is linked to one AD object at most. A cloud object two AD objects claim, or one the store links
 * to another AD object already, is taken by none of them: each gets an error naming the other.
 */
async function refuseConflicts(state: CycleState, store: StateStore, claimants: ReadonlyMap<string, Claimant[]>): Promise<Set<string>> {
  const refused = new Set<string>();
  const owners = await store.getLinksByCloudIds([...claimants.keys()]);
  for (const [cloudId, entries] of claimants) {
    const owner = owners.get(cloudId);
    const others = (entry: Claimant) => [
      ...entries.filter((other) => other.anchor !== entry.anchor).map((other) => other.dn),
      ...(owner && owner.anchor !== entry.anchor ? [`${owner.dn} (linked already)`] : []),
    ];
    for (const entry of entries) {
      const rivals = others(entry);
      if (rivals.length === 0) continue;
      refused.add(entry.anchor);
      state.recordError(
        entry.anchor,
        entry.dn,
        MATCH_CONFLICT,
        `the cloud ${entry.objectType} ${cloudId} is also claimed by ${rivals.join(', ')}: it is matched to none of them. Make the matching attribute (primary SMTP address, UPN) unique in AD.`,
      );
    }
  }
  return refused;
}

function primarySmtpAddress(object: SourceObject): string | undefined {
  const primary = object.attributes.proxyaddresses?.find((address) => address.startsWith('SMTP:'));
  return primary ? primary.slice(5) : object.attributes.mail?.[0];
}

/** The UPN as AD has it, or undefined when the cloud one differs (DirSync replaced an unverified suffix). */
function upnAsInDirectory(entry: Unlinked): string | undefined {
  const inDirectory = entry.object.attributes.userprincipalname?.[0];
  const exported = String(entry.desired.userPrincipalName ?? '');
  return inDirectory !== undefined && inDirectory.toLowerCase() === exported.toLowerCase() ? inDirectory : undefined;
}
