// Drift: what changed in the cloud on the objects DirSync owns, other than by DirSync. Read first in the cycle, from
// the tenant's change tracking (CloudTarget.cloudChanges): a change that matches what the ledger says DirSync last
// exported is DirSync's own write coming back and is not drift; anything else is. AD is the authority, so with the
// `revert` policy the ledger is corrected to what the cloud really holds and the object is re-read from AD: the
// cycle's ordinary planning then sends AD's values back (apply.ts lists them as reverted once they are). An object
// deleted in the cloud is restored (or created again) the same way, when AD still has it in scope (see join.ts and
// apply.ts). With `report`, drift is listed and nothing is changed.
import { DirSyncError } from '../../core/errors.ts';
import { managedProperties, trackedProperties } from '../mapping.ts';
import type { CloudObjectType } from '../operations.ts';
import type { CloudChange, CloudDeltaLinks, CloudTarget } from '../ports.ts';
import type { ObjectLink, StateStore } from '../state-store.ts';
import { cloudOnlyMember, isRecord, ledgerAsInCloud, sameCloudValue } from './cloud-values.ts';
import { MANAGER_KEY, type CycleState, type DriftEntry } from './cycle-state.ts';
import type { CycleLedger } from './ledger.ts';

/** The store key of the tenant's change-tracking links (advanced only with the AD watermark). */
export const CLOUD_WATERMARK = 'entra-id';

const CHUNK_SIZE = 500;

/** A complete round missing more than this share of the owned objects (and more than a few) is a signal, not deletions. */
const MISSING_SIGNAL = { minimum: 10, share: 0.2 };

export type CloudDriftPolicy = 'revert' | 'report';

export interface DriftPhase {
  state: CycleState;
  store: StateStore;
  target: CloudTarget;
  ledger: CycleLedger;
  policy: CloudDriftPolicy;
}

/**
 * Reads the tenant's changes and notes (and, to revert them, records) the drift; resolves to where the next round
 * resumes. A tenant that refuses its change tracking (a permission, an endpoint that does not serve delta queries)
 * costs this check, not the cycle: it is skipped with a warning, and the stored position kept.
 */
export async function detectCloudDrift(phase: DriftPhase): Promise<CloudDeltaLinks | undefined> {
  const { state, store } = phase;
  const stored = await store.getWatermark(CLOUD_WATERMARK);
  // A full cycle compares with the cloud itself; so does the first one, and one whose links expired. Owning nothing
  // yet, there is nothing to compare: the tracking starts from now.
  const from = state.mode === 'full' || stored === undefined ? undefined : (JSON.parse(stored) as CloudDeltaLinks);
  const ownsNothing = from === undefined && (await store.countLinks()) === 0;
  try {
    return await compareRound(phase, ownsNothing ? 'now' : from);
  } catch (error) {
    if (!(error instanceof DirSyncError) || error.transient || !error.code.startsWith('Graph.')) throw error;
    state.reporter.warning(
      `The tenant's changes could not be read (${error.message}): changes made in the cloud are not checked this cycle. ` +
        "Grant DirSync's application the read permissions it was given at configure time, or see whether this Graph endpoint serves delta queries.",
    );
    return from;
  }
}

async function compareRound(phase: DriftPhase, from: CloudDeltaLinks | 'now' | undefined): Promise<CloudDeltaLinks> {
  const { state } = phase;
  const round = phase.target.cloudChanges(from, trackedProperties(state.mapping));
  const seen = new Set<string>();
  let chunk: CloudChange[] = [];
  for await (const change of round.changes) {
    seen.add(change.id);
    chunk.push(change);
    if (chunk.length >= CHUNK_SIZE) {
      await compareChunk(phase, chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await compareChunk(phase, chunk);
  const complete = round.completeTypes();
  if (complete.size > 0) await noteMissing(phase, complete, seen);
  reportDrift(state, phase.policy);
  return round.resumeAt();
}

async function compareChunk(phase: DriftPhase, changes: readonly CloudChange[]): Promise<void> {
  const { store } = phase;
  const owners = await store.getLinksByCloudIds(changes.map((change) => change.id));
  const owned = changes.filter((change) => owners.has(change.id));
  if (owned.length === 0) return;
  const managed = { user: new Set(managedProperties(phase.state.mapping, 'user')), group: new Set(managedProperties(phase.state.mapping, 'group')) };
  // The references a change names, by cloud id: a manager, the members added or removed.
  const referenced = owned.flatMap((change) =>
    change.kind === 'present'
      ? [...(change.manager ? [change.manager] : []), ...(change.members?.added ?? []), ...(change.members?.removed ?? [])]
      : [],
  );
  const referencedLinks = await store.getLinksByCloudIds(referenced);
  const managerAnchors = owned.flatMap((change) => {
    const exported = owners.get(change.id)!.exported[MANAGER_KEY];
    return typeof exported === 'string' ? [exported] : [];
  });
  const exportedManagers = await store.getLinks(managerAnchors);
  for (const change of owned) {
    const link = owners.get(change.id)!;
    if (change.kind === 'removed') {
      // Users stay in the deleted items; DirSync's security groups are deleted for good.
      const restorable = change.restorable && link.kind === 'user';
      await cloudDeleted(phase, link, restorable ? 'deleted in the cloud (in its deleted items)' : 'deleted in the cloud for good', restorable);
      continue;
    }
    const entries = [
      ...attributeDrift(link, change.attributes, managed[link.kind === 'group' ? 'group' : 'user']),
      ...managerDrift(link, change.manager, (anchor) => exportedManagers.get(anchor)?.cloudId ?? undefined, referencedLinks),
      ...(await memberDrift(phase, link, change, referencedLinks)),
    ];
    if (entries.length > 0) await noteDrift(phase, link, entries);
  }
}

/**
 * Properties the cloud holds otherwise than DirSync last exported them (nested ones key by key), among those the
 * mapping keeps in step (`managed`: an onCreate target, or one the mapping no longer manages, is not drift).
 */
function attributeDrift(link: ObjectLink, attributes: Record<string, unknown>, managed: ReadonlySet<string>): DriftEntry[] {
  const entries: DriftEntry[] = [];
  for (const [name, cloudValue] of Object.entries(attributes)) {
    if (!(name in link.exported)) continue;
    const exported = link.exported[name];
    if (isRecord(exported) || isRecord(cloudValue)) {
      const cloudRecord = isRecord(cloudValue) ? cloudValue : {};
      const exportedRecord = isRecord(exported) ? exported : {};
      for (const key of new Set([...Object.keys(exportedRecord), ...Object.keys(cloudRecord)])) {
        if (!managed.has(`${name}.${key}`)) continue;
        if (!sameCloudValue(name, exportedRecord[key], cloudRecord[key]))
          entries.push(driftEntry(link, `${name}.${key}`, cloudRecord[key] ?? null, exportedRecord[key] ?? null));
      }
    } else if (managed.has(name) && !sameCloudValue(name, exported, cloudValue)) {
      entries.push(driftEntry(link, name, cloudValue ?? null, exported ?? null));
    }
  }
  return entries;
}

function managerDrift(
  link: ObjectLink,
  cloudManager: string | null | undefined,
  cloudIdOfExported: (anchor: string) => string | undefined,
  referenced: ReadonlyMap<string, ObjectLink>,
): DriftEntry[] {
  if (cloudManager === undefined || link.kind !== 'user') return [];
  const exportedAnchor = link.exported[MANAGER_KEY];
  const exportedId = typeof exportedAnchor === 'string' ? cloudIdOfExported(exportedAnchor) : null;
  if ((exportedId ?? null) === cloudManager) return [];
  const cloudOwner = cloudManager === null ? undefined : referenced.get(cloudManager);
  return [
    driftEntry(
      link,
      'manager',
      cloudManager === null ? null : (cloudOwner?.dn ?? cloudManager),
      typeof exportedAnchor === 'string' ? exportedAnchor : null,
      // The ledger then holds the manager the cloud has: the AD re-read sets it back.
      cloudManager === null ? null : (cloudOwner?.anchor ?? cloudOnlyMember(cloudManager)),
    ),
  ];
}

/** Members added or removed in the cloud, against the memberships DirSync last exported. */
async function memberDrift(
  phase: DriftPhase,
  link: ObjectLink,
  change: CloudChange & { kind: 'present' },
  referenced: ReadonlyMap<string, ObjectLink>,
): Promise<DriftEntry[]> {
  if (change.members === undefined || link.kind !== 'group') return [];
  const anchorOf = (cloudId: string) => referenced.get(cloudId)?.anchor ?? cloudOnlyMember(cloudId);
  // A member gone from the cloud itself is brought back with its memberships, not reverted here.
  const present = (anchor: string) => !phase.state.cloudMissing.has(anchor);
  const inCloud = change.members.added.map(anchorOf).filter(present);
  const leftCloud = change.members.removed.map(anchorOf).filter(present);
  // A complete round lists every member: compared with every member exported. Otherwise only those named are read,
  // whatever the group's size.
  const exported = change.complete
    ? ((await phase.store.getMemberships([link.anchor])).get(link.anchor) ?? new Set<string>())
    : await phase.store.getMembersAmong(link.anchor, [...inCloud, ...leftCloud]);
  const added = inCloud.filter((anchor) => !exported.has(anchor));
  const removed = change.complete
    ? [...exported].filter((anchor) => !new Set(inCloud).has(anchor))
    : leftCloud.filter((anchor) => exported.has(anchor));
  const entries: DriftEntry[] = [];
  for (const anchor of added)
    entries.push({ ...driftEntry(link, 'members', `added ${describeMember(anchor, referenced)}`, null), memberAdded: anchor });
  for (const anchor of removed)
    entries.push({ ...driftEntry(link, 'members', null, `${describeMember(anchor, referenced)}`), memberRemoved: anchor });
  return entries;
}

function describeMember(anchor: string, referenced: ReadonlyMap<string, ObjectLink>): string {
  for (const link of referenced.values()) if (link.anchor === anchor) return link.dn;
  return anchor;
}

/**
 * Records the drift. To revert it, the ledger takes the cloud's values (so that AD's differ from them again) and the
 * object is re-read from AD this cycle; memberships are recorded as the cloud has them, for the membership step.
 */
async function noteDrift(phase: DriftPhase, link: ObjectLink, entries: readonly DriftEntry[]): Promise<void> {
  const { state } = phase;
  state.drift.set(link.anchor, [...(state.drift.get(link.anchor) ?? []), ...entries]);
  if (phase.policy !== 'revert') return;
  await phase.ledger.exported([{ ...link, exported: ledgerAsInCloud(link.exported, entries) }]);
  const added = entries.flatMap((entry) => (entry.memberAdded ? [entry.memberAdded] : []));
  const removed = entries.flatMap((entry) => (entry.memberRemoved ? [entry.memberRemoved] : []));
  if (added.length > 0 || removed.length > 0) await phase.ledger.members(link.anchor, added, removed);
  state.rereads.add(link.anchor);
}

async function cloudDeleted(phase: DriftPhase, link: ObjectLink, how: string, restorable: boolean): Promise<void> {
  const { state } = phase;
  state.drift.set(link.anchor, [...(state.drift.get(link.anchor) ?? []), driftEntry(link, 'deleted', how, 'exists')]);
  if (phase.policy !== 'revert' || !link.cloudId) return;
  state.rereads.add(link.anchor);
  state.cloudMissing.set(link.anchor, { cloudId: link.cloudId, restorable });
  if (restorable) return;
  // Gone for good: created again, with its members, and added back to the groups it was in (re-read whole).
  for (const group of await phase.store.groupsOf(link.anchor)) state.rereads.add(group);
  await phase.ledger.forget([link.anchor]);
}

/**
 * Owned objects a complete round did not list are gone from the cloud. Many at once is a sign that the round could not
 * see them (a permission, a filter), not that they were deleted: reported, nothing restored or created.
 */
async function noteMissing(phase: DriftPhase, complete: ReadonlySet<CloudObjectType>, seen: ReadonlySet<string>): Promise<void> {
  const missing: ObjectLink[] = [];
  let owned = 0;
  for await (const link of phase.store.allLinks()) {
    if (!link.cloudId || !complete.has(link.kind === 'group' ? 'group' : 'user') || link.kind === 'contact') continue;
    owned++;
    if (!seen.has(link.cloudId)) missing.push(link);
  }
  if (missing.length >= MISSING_SIGNAL.minimum && missing.length > MISSING_SIGNAL.share * owned) {
    phase.state.reporter.warning(
      `The tenant did not list ${missing.length} of the ${owned} objects DirSync keeps there: nothing is restored or created again for them this cycle. ` +
        "If they were really deleted in the cloud, the next full cycle (sync --full) brings them back; otherwise check the application's read permissions.",
    );
    return;
  }
  for (const link of missing) await cloudDeleted(phase, link, 'deleted in the cloud', link.kind === 'user');
}

function reportDrift(state: CycleState, policy: CloudDriftPolicy): void {
  if (state.drift.size === 0) return;
  const objects = [...state.drift.values()];
  const attributes = objects.reduce((sum, entries) => sum + entries.length, 0);
  state.reporter.warning(
    policy === 'revert'
      ? `${state.drift.size} object(s) DirSync keeps were changed in the cloud (${attributes} change(s)): Active Directory's values are sent back this cycle.`
      : `${state.drift.size} object(s) DirSync keeps were changed in the cloud (${attributes} change(s)); the drift policy is "report": nothing is changed back.`,
  );
  for (const [anchor, entries] of state.drift) {
    for (const entry of entries)
      state.reporter.verbose(
        `Drift on ${entry.dn || anchor}: ${entry.attribute}: cloud ${JSON.stringify(entry.cloudValue)}, DirSync exported ${JSON.stringify(entry.adValue)}.`,
      );
  }
}

function driftEntry(link: ObjectLink, attribute: string, cloudValue: unknown, exportedValue: unknown, ledgerValue?: unknown): DriftEntry {
  return {
    anchor: link.anchor,
    dn: link.dn,
    kind: link.kind,
    attribute,
    cloudValue,
    adValue: exportedValue,
    ...(ledgerValue === undefined ? {} : { ledgerValue }),
  };
}
