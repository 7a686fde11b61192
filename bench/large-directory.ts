// Section 6 (opt-in, --large): a 100,000-user directory on real LDAP — Samba → engine → Entra stand-in with the
// write budget lifted, so DirSync itself is measured; then the same sync's time at Graph's real budget, projected.
// The template holds the users only: the groups are added over LDAP on the clone, so that the cached templates (keyed
// by the test harness's sources) stay valid.
import type { ScopeOptions } from '../src/connectors/ad/scope.ts';
import { GRAPH_WRITE_BUDGET } from '../src/connectors/entra/write-budget.ts';
import { startEntraStandIn } from '../test/entra-standin/stand-in.ts';
import { adminClient, BULK, type TestDomain } from '../test/support/ad/index.ts';
import { runCycleJob, type AdChange } from './cycle-job.ts';
import { standInTarget } from './export-budget.ts';

export interface LargeDirectoryResult {
  objects: number;
  users: number;
  groups: number;
  membersPerGroup: number;
  /** Adding the groups (with their members) over LDAP on the cloned domain: Samba's write rate, not DirSync's. */
  groupSeedingSeconds: number;
  full: { seconds: number; objectsPerSecond: number; dirSyncCpuSeconds: number; maxRssMb: number };
  /** A delta right after, nothing changed in AD, as a share of the full sync's time. */
  deltaUnchanged: { seconds: number; share: number };
  /** A delta after 1 % of the objects changed in AD (users' department, groups' description). */
  deltaOnePercent: { changed: number; updated: number; seconds: number; dirSyncCpuSeconds: number; share: number };
  storeMb: number;
  graphWrites: number;
  /** The full sync's Graph writes at Graph's budget (3,000 / 150 s): the least time the real initial sync takes. */
  budgetBoundSeconds: number;
  /** DirSync's own time as a share of that bound. */
  dirSyncShareOfBudgetBound: number;
}

const UNLIMITED = { writes: 1_000_000_000, windowSeconds: 1 };

const groupDn = (index: number): string => `CN=Bulk Group ${String(index + 1).padStart(5, '0')},${BULK.ou}`;

/** Global security groups, group i holding users i·m … i·m + m − 1: every user in one group when groups·m = users. */
async function addGroups(domain: TestDomain, groups: number, membersPerGroup: number, users: number): Promise<void> {
  const client = await adminClient(domain);
  try {
    for (let index = 0; index < groups; index++) {
      const member = Array.from({ length: membersPerGroup }, (_, offset) => BULK.userDn((index * membersPerGroup + offset) % users));
      await client.add(groupDn(index), {
        objectClass: ['top', 'group'],
        sAMAccountName: `bulk.group.${index + 1}`,
        groupType: String(-2147483646),
        member,
      });
    }
  } finally {
    await client.unbind();
  }
}

/** 1 % of the users and 1 % of the groups, spread over the directory, each with an attribute DirSync exports. */
function onePercentChanges(users: number, groups: number): AdChange[] {
  const every = 100;
  const changes: AdChange[] = [];
  for (let index = 0; index < users; index += every)
    changes.push({ dn: BULK.userDn(index), attribute: 'department', value: 'Changed for the 1 % delta' });
  for (let index = 0; index < groups; index += every)
    changes.push({ dn: groupDn(index), attribute: 'description', value: 'Changed for the 1 % delta' });
  return changes;
}

export async function measureLargeDirectory(
  domain: TestDomain,
  scope: ScopeOptions,
  shape: { users: number; groups: number; membersPerGroup: number },
): Promise<LargeDirectoryResult> {
  const { users, groups, membersPerGroup } = shape;
  const seeding = performance.now();
  await addGroups(domain, groups, membersPerGroup, users);
  const groupSeedingSeconds = (performance.now() - seeding) / 1000;
  const objects = users + groups;
  const changes = onePercentChanges(users, groups);
  const standIn = await startEntraStandIn({ verifiedDomains: [domain.realm.toLowerCase()] });
  try {
    const result = await runCycleJob({
      source: { kind: 'active-directory', url: domain.ldapsUrl, caPem: domain.caPem, bindDn: domain.adminDn, password: domain.adminPassword, scope },
      target: standInTarget(standIn, UNLIMITED),
      cycles: [
        { label: 'full', mode: 'full' },
        { label: 'delta, nothing changed', mode: 'delta' },
        { label: 'delta, 1 % changed', mode: 'delta', adChanges: changes },
      ],
    });
    const [full, unchanged, onePercent] = result.cycles as [(typeof result.cycles)[0], (typeof result.cycles)[0], (typeof result.cycles)[0]];
    for (const cycle of [full, unchanged, onePercent]) {
      if (cycle.status !== 'success')
        throw new Error(`The ${cycle.label} cycle ended with status ${cycle.status} (${cycle.firstErrors.join('; ')}).`);
    }
    if (full.counts.added !== objects) throw new Error(`The full sync added ${full.counts.added} objects, not ${objects}.`);
    if (onePercent.counts.updated !== changes.length)
      throw new Error(`The 1 % delta updated ${onePercent.counts.updated} objects, not ${changes.length}.`);
    const graphWrites = result.graph?.writes ?? 0;
    const budgetBoundSeconds = graphWrites / (GRAPH_WRITE_BUDGET.writes / GRAPH_WRITE_BUDGET.windowSeconds);
    return {
      objects,
      users,
      groups,
      membersPerGroup,
      groupSeedingSeconds,
      full: { seconds: full.seconds, objectsPerSecond: objects / full.seconds, dirSyncCpuSeconds: full.cpuSeconds, maxRssMb: full.maxRssMb },
      deltaUnchanged: { seconds: unchanged.seconds, share: unchanged.seconds / full.seconds },
      deltaOnePercent: {
        changed: changes.length,
        updated: onePercent.counts.updated,
        seconds: onePercent.seconds,
        dirSyncCpuSeconds: onePercent.cpuSeconds,
        share: onePercent.seconds / full.seconds,
      },
      storeMb: result.storeBytes / 1_048_576,
      graphWrites,
      budgetBoundSeconds,
      dirSyncShareOfBudgetBound: full.seconds / budgetBoundSeconds,
    };
  } finally {
    await standIn.stop();
  }
}
