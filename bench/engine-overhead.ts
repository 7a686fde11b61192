// Section 3: the whole pipeline without throttling — AD (Samba) → import → join → plan → $batch export →
// Entra stand-in → store — in objects per second, with the peak memory and the CPU time of the DirSync
// process alone. The stand-in's CPU time is reported beside it: it answers every $filter by scanning its
// whole directory, so at 10k objects its share says more about the stand-in than about DirSync.
import type { ScopeOptions } from '../src/connectors/ad/scope.ts';
import type { TestDomain } from '../test/support/ad/index.ts';
import { startEntraStandIn } from '../test/entra-standin/stand-in.ts';
import { runCycleJob } from './cycle-job.ts';
import { standInTarget } from './export-budget.ts';

export interface EngineOverheadResult {
  objects: number;
  seconds: number;
  objectsPerSecond: number;
  /** CPU time of the DirSync process, and the objects it handles per CPU second: its own ceiling. */
  dirSyncCpuSeconds: number;
  objectsPerDirSyncCpuSecond: number;
  /** CPU time the stand-in (in this process) spent answering. */
  standInCpuSeconds: number;
  maxRssMb: number;
  graphRequests: number;
  /** Every object in scope arrived in the stand-in. */
  complete: boolean;
}

/** So large that the exporter never waits: this section measures DirSync, not the budget. */
const UNLIMITED = { writes: 1_000_000_000, windowSeconds: 1 };

export async function measureEngineOverhead(domain: TestDomain, scope: ScopeOptions, expected: number): Promise<EngineOverheadResult> {
  const standIn = await startEntraStandIn({ verifiedDomains: [domain.realm.toLowerCase()] });
  try {
    const cpuBefore = process.cpuUsage();
    const result = await runCycleJob({
      source: { kind: 'active-directory', url: domain.ldapsUrl, caPem: domain.caPem, bindDn: domain.adminDn, password: domain.adminPassword, scope },
      target: standInTarget(standIn, UNLIMITED),
      cycles: [{ label: 'initial', mode: 'full' }],
    });
    const standInCpu = process.cpuUsage(cpuBefore);
    const cycle = result.cycles[0]!;
    if (cycle.status !== 'success') throw new Error(`The full sync ended with status ${cycle.status} (${cycle.firstErrors.join('; ')}).`);
    const anchored = standIn.control.snapshot().users.filter((user) => typeof user.props.onPremisesImmutableId === 'string').length;
    return {
      objects: cycle.counts.added,
      seconds: cycle.seconds,
      objectsPerSecond: cycle.counts.added / cycle.seconds,
      dirSyncCpuSeconds: cycle.cpuSeconds,
      objectsPerDirSyncCpuSecond: cycle.counts.added / cycle.cpuSeconds,
      standInCpuSeconds: (standInCpu.user + standInCpu.system) / 1e6,
      maxRssMb: cycle.maxRssMb,
      graphRequests: result.graph?.requests ?? 0,
      complete: cycle.counts.added === expected && anchored === expected,
    };
  } finally {
    await standIn.stop();
  }
}
