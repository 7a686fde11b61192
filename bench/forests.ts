// Section 7 (--forests): the same 20,000 users as two forests of 10,000 (CORP and FABRIKAM, read one after the other
// by the multi-forest source) and as one forest of 20,000, each synchronised in full to an empty Entra stand-in and
// then once more as a delta with nothing changed, side by side, best of N. The question: what do several forests cost
// over one forest of the same size — a second connection and watermark, the per-forest bookkeeping.
import { bulkOf, CORP_REALM, FABRIKAM_REALM, startDomain, type Realm, type TestDomain } from '../test/support/ad/index.ts';
import { startEntraStandIn } from '../test/entra-standin/stand-in.ts';
import { runCycleJob, type AdConnection, type CycleJob, type CycleMeasurement } from './cycle-job.ts';
import { standInTarget } from './export-budget.ts';

export interface ForestsShape {
  seconds: number;
  cpuSeconds: number;
  objectsPerSecond: number;
  maxRssMb: number;
  graphRequests: number;
  /** The delta right after, nothing changed. */
  deltaSeconds: number;
  /** Every user arrived, once. */
  complete: boolean;
}

export interface ForestsResult {
  users: number;
  rounds: number;
  twoForests: ForestsShape;
  oneForest: ForestsShape;
  /** twoForests.seconds / oneForest.seconds (1.00: several forests cost nothing over one of the same size). */
  ratio: number;
  cpuRatio: number;
}

/** So large that the exporter never waits: this measures DirSync, not the write budget. */
const UNLIMITED = { writes: 1_000_000_000, windowSeconds: 1 };

export async function measureForests(usersPerForest: number, rounds: number, say: (message: string) => void): Promise<ForestsResult> {
  say(
    `  starting two ${usersPerForest.toLocaleString('en')}-user forests and one of ${(2 * usersPerForest).toLocaleString('en')} (the first run builds their templates)…`,
  );
  const domains: TestDomain[] = [];
  try {
    const [corp, fabrikam, single] = await Promise.all([
      startDomain({ variant: { bulkUsers: usersPerForest } }),
      startDomain({ variant: { bulkUsers: usersPerForest, forest: 'fabrikam' } }),
      startDomain({ variant: { bulkUsers: 2 * usersPerForest } }),
    ]);
    domains.push(corp, fabrikam, single);
    const connection = (domain: TestDomain, realm: Realm): AdConnection => ({
      url: domain.ldapsUrl,
      caPem: domain.caPem,
      bindDn: domain.adminDn,
      password: domain.adminPassword,
      scope: { includeOus: [bulkOf(realm).ou], excludeOus: [] },
    });
    const two: CycleJob['source'] = {
      kind: 'forests',
      forests: [
        { name: CORP_REALM.dnsDomain, ...connection(corp, CORP_REALM) },
        { name: FABRIKAM_REALM.dnsDomain, ...connection(fabrikam, FABRIKAM_REALM) },
      ],
    };
    const one: CycleJob['source'] = { kind: 'active-directory', ...connection(single, CORP_REALM) };
    const best = { two: [] as ForestsShape[], one: [] as ForestsShape[] };
    for (let round = 1; round <= rounds; round++) {
      // Alternated, so that the machine's load falls on both alike.
      best.two.push(await measureOnce(two, 2 * usersPerForest));
      best.one.push(await measureOnce(one, 2 * usersPerForest));
      say(`  round ${round}: two forests ${best.two.at(-1)!.seconds.toFixed(1)} s, one forest ${best.one.at(-1)!.seconds.toFixed(1)} s`);
    }
    const fastest = (shapes: ForestsShape[]) => shapes.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const twoForests = fastest(best.two);
    const oneForest = fastest(best.one);
    return {
      users: 2 * usersPerForest,
      rounds,
      twoForests,
      oneForest,
      ratio: twoForests.seconds / oneForest.seconds,
      cpuRatio: twoForests.cpuSeconds / oneForest.cpuSeconds,
    };
  } finally {
    await Promise.all(domains.map((domain) => domain.stop()));
  }
}

async function measureOnce(source: CycleJob['source'], users: number): Promise<ForestsShape> {
  const standIn = await startEntraStandIn({ verifiedDomains: [CORP_REALM.dnsDomain, FABRIKAM_REALM.dnsDomain] });
  try {
    const result = await runCycleJob({
      source,
      target: standInTarget(standIn, UNLIMITED),
      cycles: [
        { label: 'initial', mode: 'full' },
        { label: 'unchanged', mode: 'delta' },
      ],
    });
    const [full, delta] = result.cycles as [CycleMeasurement, CycleMeasurement];
    if (full.status !== 'success') throw new Error(`The full sync ended with status ${full.status} (${full.firstErrors.join('; ')}).`);
    const anchored = standIn.control.snapshot().users.filter((user) => typeof user.props.onPremisesImmutableId === 'string').length;
    return {
      seconds: full.seconds,
      cpuSeconds: full.cpuSeconds,
      objectsPerSecond: full.counts.added / full.seconds,
      maxRssMb: full.maxRssMb,
      graphRequests: result.graph?.requests ?? 0,
      deltaSeconds: delta.seconds,
      complete: full.counts.added === users && anchored === users,
    };
  } finally {
    await standIn.stop();
  }
}

// node bench/forests.ts [rounds]: this section alone, as JSON.
if (import.meta.main) {
  const result = await measureForests(10_000, Number(process.argv[2] ?? 3), (message) => void process.stderr.write(`${message}\n`));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
