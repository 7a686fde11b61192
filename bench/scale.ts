// Section 4: a synthetic directory (users, security groups, memberships) through the same engine and the
// real SQLite store, against an in-memory cloud: a full sync, the first delta after it (its drift check reads back,
// once, what the full sync wrote: the cloud's change tracking reports every write, DirSync's own included), then a
// delta with nothing changed and a delta with 1 % of the objects changed. A delta must cost what changed, not what exists — except the delta that lists the
// scope to find deletions (the AAD_ account on Samba): it reads every anchor, and is measured as a share of the full sync.
import { runCycleJob, type CycleMeasurement } from './cycle-job.ts';
import type { DirectoryShape } from './synthetic-directory.ts';

export interface ScaleResult {
  shape: DirectoryShape;
  objects: number;
  full: CycleMeasurement;
  /** The first delta after the full sync: nothing changed in AD, the full sync's own writes come back from the cloud once. */
  deltaAfterFull: CycleMeasurement;
  deltaUnchanged: CycleMeasurement;
  deltaOnePercent: CycleMeasurement;
  /** A delta with nothing changed that lists the scope (anchors only) to find deletions, and confirms none. */
  deltaListing: CycleMeasurement;
  /** Delta time / full time. */
  afterFullRatio: number;
  unchangedRatio: number;
  onePercentRatio: number;
  listingRatio: number;
  /** Peak RSS of the DirSync process after the full sync, and after everything. */
  fullMaxRssMb: number;
  maxRssMb: number;
}

/** About 5 % of the objects are groups, each with 20 members. */
export function directoryOf(objects: number): DirectoryShape {
  const groups = Math.round(objects / 20);
  return { users: objects - groups, groups, membersPerGroup: 20, domain: 'corp.example.test' };
}

export async function measureScale(objects: number): Promise<ScaleResult> {
  const shape = directoryOf(objects);
  const changed = Math.round(objects / 100);
  const result = await runCycleJob({
    source: { kind: 'synthetic', shape },
    target: {
      kind: 'memory',
      initialDomain: 'contoso.onmicrosoft.com',
      verifiedDomains: [shape.domain],
      sourceAnchorProperty: 'extension_bench_dirSyncSourceAnchor',
    },
    cycles: [
      { label: 'full', mode: 'full' },
      { label: 'first delta after the full sync', mode: 'delta' },
      { label: 'delta, nothing changed', mode: 'delta' },
      { label: `delta, ${changed} objects changed`, mode: 'delta', modifyUsers: changed },
      { label: 'delta, nothing changed, deletions found by listing the scope', mode: 'delta', deltaDeletions: 'listing' },
    ],
  });
  const [full, deltaAfterFull, deltaUnchanged, deltaOnePercent, deltaListing] = result.cycles as [
    CycleMeasurement,
    CycleMeasurement,
    CycleMeasurement,
    CycleMeasurement,
    CycleMeasurement,
  ];
  for (const cycle of result.cycles) if (cycle.status !== 'success') throw new Error(`The ${cycle.label} cycle ended with status ${cycle.status}.`);
  if (full.counts.added !== objects) throw new Error(`The full sync added ${full.counts.added} objects, not ${objects}.`);
  if (deltaOnePercent.counts.updated !== changed) throw new Error(`The 1 % delta updated ${deltaOnePercent.counts.updated} objects, not ${changed}.`);
  return {
    shape,
    objects,
    full,
    deltaAfterFull,
    deltaUnchanged,
    deltaOnePercent,
    deltaListing,
    afterFullRatio: deltaAfterFull.seconds / full.seconds,
    unchangedRatio: deltaUnchanged.seconds / full.seconds,
    onePercentRatio: deltaOnePercent.seconds / full.seconds,
    listingRatio: deltaListing.seconds / full.seconds,
    fullMaxRssMb: full.maxRssMb,
    maxRssMb: Math.max(...result.cycles.map((cycle) => cycle.maxRssMb)),
  };
}
