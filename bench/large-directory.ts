// Section 6 (opt-in, --large): a 100,000-user directory on real LDAP — Samba → engine → Entra stand-in with the
// write budget lifted, so DirSync itself is measured; then the same sync's time at Graph's real budget, projected.
import type { ScopeOptions } from '../src/connectors/ad/scope.ts';
import { GRAPH_WRITE_BUDGET } from '../src/connectors/entra/write-budget.ts';
import { startEntraStandIn } from '../test/entra-standin/stand-in.ts';
import type { TestDomain } from '../test/support/ad/index.ts';
import { runCycleJob } from './cycle-job.ts';
import { standInTarget } from './export-budget.ts';

export interface LargeDirectoryResult {
  objects: number;
  full: { seconds: number; objectsPerSecond: number; dirSyncCpuSeconds: number; maxRssMb: number };
  /** A delta right after, nothing changed in AD, as a share of the full sync's time. */
  deltaUnchanged: { seconds: number; share: number };
  storeMb: number;
  graphWrites: number;
  /** The full sync's Graph writes at Graph's budget (3,000 / 150 s): the least time the real initial sync takes. */
  budgetBoundSeconds: number;
  /** DirSync's own time as a share of that bound. */
  dirSyncShareOfBudgetBound: number;
}

const UNLIMITED = { writes: 1_000_000_000, windowSeconds: 1 };

export async function measureLargeDirectory(domain: TestDomain, scope: ScopeOptions, expected: number): Promise<LargeDirectoryResult> {
  const standIn = await startEntraStandIn({ verifiedDomains: [domain.realm.toLowerCase()] });
  try {
    const result = await runCycleJob({
      source: { kind: 'active-directory', url: domain.ldapsUrl, caPem: domain.caPem, bindDn: domain.adminDn, password: domain.adminPassword, scope },
      target: standInTarget(standIn, UNLIMITED),
      cycles: [{ label: 'full', mode: 'full' }, { label: 'delta, nothing changed', mode: 'delta' }],
    });
    const [full, delta] = result.cycles as [typeof result.cycles[0], typeof result.cycles[0]];
    for (const cycle of [full, delta]) {
      if (cycle.status !== 'success') throw new Error(`The ${cycle.label} cycle ended with status ${cycle.status} (${cycle.firstErrors.join('; ')}).`);
    }
    if (full.counts.added !== expected) throw new Error(`The full sync added ${full.counts.added} objects, not ${expected}.`);
    const graphWrites = result.graph?.writes ?? 0;
    const budgetBoundSeconds = graphWrites / (GRAPH_WRITE_BUDGET.writes / GRAPH_WRITE_BUDGET.windowSeconds);
    return {
      objects: expected,
      full: { seconds: full.seconds, objectsPerSecond: expected / full.seconds, dirSyncCpuSeconds: full.cpuSeconds, maxRssMb: full.maxRssMb },
      deltaUnchanged: { seconds: delta.seconds, share: delta.seconds / full.seconds },
      storeMb: result.storeBytes / 1_048_576,
      graphWrites,
      budgetBoundSeconds,
      dirSyncShareOfBudgetBound: full.seconds / budgetBoundSeconds,
    };
  } finally {
    await standIn.stop();
  }
}
