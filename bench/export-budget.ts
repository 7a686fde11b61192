// Section 2: an initial export against Graph's write budget, scaled down so it fits a benchmark, with the
// exporter's own budget set to the same limits. How close does DirSync run to the allowed rate, and how
// often does it still run into a 429?
import { WriteBudget, type WriteBudgetLimits } from '../src/connectors/entra/write-budget.ts';
import { startEntraStandIn, type EntraStandIn } from '../test/entra-standin/stand-in.ts';
import { runCycleJob, type CycleJob } from './cycle-job.ts';
import type { DirectoryShape } from './synthetic-directory.ts';

export interface ExportBudgetResult {
  shape: DirectoryShape;
  limits: WriteBudgetLimits;
  seconds: number;
  /** Writes the stand-in accepted (each $batch item counts). */
  writesAccepted: number;
  achievedPerSecond: number;
  allowedPerSecond: number;
  /** achieved / allowed over the whole cycle: Graph's budget is the physical limit of an initial sync. */
  ratio: number;
  /** The same after the first window, when the initial burst no longer flatters the rate. */
  steadyRatio: number;
  /** The exporter's own pacing limit as a share of the allowed rate: its token bucket's refill rate. */
  pacingCeiling: number;
  /** 429 answers the stand-in gave (top level and inside $batch). */
  throttled: number;
  /** Every user, group and membership arrived. */
  complete: boolean;
}

export function standInTarget(standIn: EntraStandIn, writeBudget: WriteBudgetLimits): CycleJob['target'] {
  return {
    kind: 'stand-in',
    tenantId: standIn.tenantId,
    clientId: standIn.clientId,
    clientSecret: standIn.clientSecret,
    authorityHost: `https://${standIn.authorityHost}`,
    graphEndpoint: standIn.graphEndpoint,
    caPem: standIn.caPem,
    writeBudget,
  };
}

/** Every synthetic user and group exists in the stand-in, each group with all its members. */
function arrivedComplete(standIn: EntraStandIn, shape: DirectoryShape): boolean {
  const snapshot = standIn.control.snapshot();
  const users = snapshot.users.filter((user) => user.props.onPremisesImmutableId !== undefined && user.props.onPremisesImmutableId !== null);
  const groups = snapshot.groups.filter((group) => String(group.props.displayName).startsWith('Synthetic Group'));
  return (
    users.length === shape.users &&
    groups.length === shape.groups &&
    groups.every((group) => group.members.length === Math.min(shape.membersPerGroup, shape.users))
  );
}

/** Writes per second from one window after the first write to the last one (NaN when the run is shorter). */
function steadyRate(acceptedTimes: number[], windowSeconds: number): number {
  const from = Math.min(...acceptedTimes) + windowSeconds * 1000;
  const to = Math.max(...acceptedTimes);
  return to > from ? acceptedTimes.filter((time) => time > from).length / ((to - from) / 1000) : Number.NaN;
}

export async function measureExportBudget(shape: DirectoryShape, limits: WriteBudgetLimits): Promise<ExportBudgetResult> {
  const standIn = await startEntraStandIn({ throttle: limits, verifiedDomains: [shape.domain] });
  try {
    const result = await runCycleJob({
      source: { kind: 'synthetic', shape },
      target: standInTarget(standIn, limits),
      cycles: [{ label: 'initial', mode: 'full' }],
    });
    const cycle = result.cycles[0]!;
    if (cycle.status !== 'success')
      throw new Error(
        `The throttled export ended with status ${cycle.status} (${cycle.counts.errors} errors, e.g. ${cycle.firstErrors.join('; ')}).`,
      );
    const graphWrites = standIn.control
      .requests()
      .filter((request) => request.method !== 'GET' && request.path.startsWith('/v1.0/') && !request.path.endsWith('/$batch'));
    const acceptedTimes = graphWrites.filter((request) => request.status < 300).map((request) => Date.parse(request.time));
    const writesAccepted = acceptedTimes.length;
    const achievedPerSecond = writesAccepted / cycle.seconds;
    const allowedPerSecond = limits.writes / limits.windowSeconds;
    return {
      shape,
      limits,
      seconds: cycle.seconds,
      writesAccepted,
      achievedPerSecond,
      allowedPerSecond,
      ratio: achievedPerSecond / allowedPerSecond,
      steadyRatio: steadyRate(acceptedTimes, limits.windowSeconds) / allowedPerSecond,
      pacingCeiling: new WriteBudget(limits).refillPerSecond / allowedPerSecond,
      throttled: standIn.control.requests().filter((request) => request.status === 429).length,
      complete: arrivedComplete(standIn, shape),
    };
  } finally {
    await standIn.stop();
  }
}
