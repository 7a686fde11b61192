// npm run bench [-- --json] [-- --quick] [-- --large] [-- --forests]: how fast DirSync is and how it scales, measured side by side in one
// run (the machine is shared and noisy, so figures are compared as ratios). Progress goes to stderr; the
// table, or with --json one JSON document, to stdout. Not part of npm test.
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import type { ScopeOptions } from '../src/connectors/ad/scope.ts';
import { GRAPH_WRITE_BUDGET, type WriteBudgetLimits } from '../src/connectors/entra/write-budget.ts';
import { BULK, startDomain, type TestDomain } from '../test/support/ad/index.ts';
import { measureCloudDrift, type CloudDriftCost } from './cloud-drift.ts';
import { measureDeletionListing, type DeletionListingCost } from './deletion-listing.ts';
import { measureEngineOverhead, type EngineOverheadResult } from './engine-overhead.ts';
import { measureExportBudget, type ExportBudgetResult } from './export-budget.ts';
import { measureForests, type ForestsResult } from './forests.ts';
import { measureImportRate, type ImportRate } from './import-rate.ts';
import { measureLargeDirectory, type LargeDirectoryResult } from './large-directory.ts';
import { measureReadiness, type ReadinessCost } from './readiness.ts';
import { measureLargeGroup, type LargeGroupResult } from './large-group.ts';
import { measureScale, type ScaleResult } from './scale.ts';
import type { DirectoryShape } from './synthetic-directory.ts';

const BULK_USERS = 10_000;
/** --large: the 100,000-user template, built once per machine (it takes long: see the README). */
const LARGE_USERS = 100_000;
/** --large: groups added over LDAP to the clone of that template, every user in one of them. */
const LARGE_GROUPS = 5_000;
const LARGE_MEMBERS_PER_GROUP = 20;
/** --large: the size of group Cloud Sync stops at. */
const LARGE_GROUP_MEMBERS = 50_000;
/** Graph's documented budget, 3,000 writes / 150 s. */
const GRAPH_WRITES_PER_SECOND = GRAPH_WRITE_BUDGET.writes / GRAPH_WRITE_BUDGET.windowSeconds;

interface Plan {
  importRounds: number;
  exportShape: DirectoryShape;
  /** Graph's 3,000 writes / 150 s scaled by 1/5: same rate, and the exporter keeps the same 5 % burst share. */
  exportLimits: WriteBudgetLimits;
  engineScope: ScopeOptions;
  scaleObjects: number;
  storeRounds: number;
}

const SCALED_BUDGET: WriteBudgetLimits = { writes: 600, windowSeconds: 30 };

const FULL: Plan = {
  importRounds: 5,
  exportShape: { users: 1000, groups: 20, membersPerGroup: 50, domain: 'corp.example.test' },
  exportLimits: SCALED_BUDGET,
  engineScope: { includeOus: [BULK.ou], excludeOus: [] },
  scaleObjects: 100_000,
  storeRounds: 3,
};

const QUICK: Plan = {
  importRounds: 1,
  exportShape: { users: 300, groups: 5, membersPerGroup: 20, domain: 'corp.example.test' },
  exportLimits: SCALED_BUDGET,
  // bulk.00001 … bulk.00999: a tenth of the domain, through the same code.
  engineScope: { includeOus: [BULK.ou], excludeOus: [], attributeFilter: '(sAMAccountName=bulk.00*)' },
  scaleObjects: 10_000,
  storeRounds: 1,
};

interface StoreFigures {
  rounds: number;
  engines: string[];
  skipped: string[];
  steps: { step: string; itemsPerSecond: Record<string, number> }[];
}

type Outcome<T> = T | { error: string };

interface BenchReport {
  date: string;
  node: string;
  cpus: number;
  loadAverage: number;
  quick: boolean;
  importRate: Outcome<ImportRate>;
  deletionListing: Outcome<DeletionListingCost>;
  readiness: Outcome<ReadinessCost>;
  exportBudget: Outcome<ExportBudgetResult>;
  engineOverhead: Outcome<EngineOverheadResult>;
  largeGroup: Outcome<LargeGroupResult>;
  scale: Outcome<ScaleResult & { cloud: string }>;
  stores: Outcome<StoreFigures>;
  /** The drift check of a cycle at 10,000 owned users (and 100,000 with --large). */
  cloudDrift: Outcome<CloudDriftCost[]>;
  /** null unless --large. */
  largeDirectory: Outcome<LargeDirectoryResult & { group: LargeGroupResult }> | null;
  /** null unless --forests. */
  forests: Outcome<ForestsResult> | null;
}

const say = (message: string): void => void process.stderr.write(`${message}\n`);

/** A section that fails is reported as failed; the others still run. */
async function section<T>(title: string, measure: () => Promise<T>): Promise<Outcome<T>> {
  say(`${title}…`);
  const started = performance.now();
  try {
    return await measure();
  } catch (error) {
    say(`  failed: ${error instanceof Error ? error.message : String(error)}`);
    return { error: error instanceof Error ? error.message : String(error) };
  } finally {
    say(`  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
}

async function measureStores(rounds: number): Promise<StoreFigures> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'store.ts'), '--json'], {
    env: { ...process.env, DIRSYNC_BENCH_ROUNDS: String(rounds) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve, reject) => child.once('error', reject).once('exit', resolve));
  const [output, code] = await Promise.all([text(child.stdout), exited]);
  if (code !== 0) throw new Error(`bench/store.ts failed (exit code ${code}); its error is printed above.`);
  return JSON.parse(output) as StoreFigures;
}

function usersInScope(scope: ScopeOptions): number {
  const prefix = scope.attributeFilter?.match(/^\(sAMAccountName=(.*)\*\)$/)?.[1] ?? '';
  return Array.from({ length: BULK_USERS }, (_, index) => BULK.samAccountName(index)).filter((name) => name.startsWith(prefix)).length;
}

async function measureAll(plan: Plan, quick: boolean, large: boolean, forests: boolean): Promise<BenchReport> {
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    loadAverage: loadavg()[0]!,
    quick,
  } as BenchReport;
  say(`Starting the ${BULK_USERS.toLocaleString('en')}-user Samba domain (the first run on a machine builds its template: about 1.5 minutes)…`);
  let domain: TestDomain | undefined;
  try {
    domain = await startDomain({ variant: { bulkUsers: BULK_USERS } });
    const bulk = domain;
    report.importRate = await section('1. Import rate: DirSync vs ldapsearch', () => measureImportRate(bulk, BULK.ou, BULK_USERS, plan.importRounds));
    report.deletionListing = await section('1b. Deletion listing: anchors only vs full import', () =>
      measureDeletionListing(bulk, BULK.ou, BULK_USERS, plan.importRounds),
    );
    report.readiness = await section('1c. Readiness check: full import + every rule', () =>
      measureReadiness(bulk, BULK.ou, BULK_USERS, plan.importRounds),
    );
    report.exportBudget = await section('2. Export against the write budget', () => measureExportBudget(plan.exportShape, plan.exportLimits));
    report.engineOverhead = await section('3. Engine overhead: AD → engine → stand-in, unthrottled', () =>
      measureEngineOverhead(bulk, plan.engineScope, usersInScope(plan.engineScope)),
    );
    // Last on this domain: it adds a group to OU=Bulk, which the sections above count without.
    report.largeGroup = await section('3b. Large group: initial export, then one member added and one removed', () =>
      measureLargeGroup(bulk, BULK_USERS - 1),
    );
  } finally {
    await domain?.stop();
  }
  report.scale = await section(`4. Scale: ${plan.scaleObjects.toLocaleString('en')} synthetic objects`, async () => ({
    ...(await measureScale(plan.scaleObjects)),
    cloud: 'in-memory CloudTarget + OperationSink (bench/memory-cloud.ts)',
  }));
  report.stores = await section('5. Stores: node:sqlite vs better-sqlite3', () => measureStores(plan.storeRounds));
  report.cloudDrift = await section('5b. Drift check: the cloud compared with the ledger each cycle (Graph delta)', async () => {
    const sizes = large ? [BULK_USERS, LARGE_USERS] : [BULK_USERS];
    const costs: CloudDriftCost[] = [];
    for (const owned of sizes) costs.push(await measureCloudDrift(owned));
    return costs;
  });
  report.largeDirectory = large
    ? await section(
        `6. ${LARGE_USERS.toLocaleString('en')} users + ${LARGE_GROUPS.toLocaleString('en')} groups on real LDAP (the first run builds the users' template; the groups are added over LDAP, ~80 s)`,
        async () => {
          const domain = await startDomain({ variant: { bulkUsers: LARGE_USERS } });
          try {
            const directory = await measureLargeDirectory(
              domain,
              { includeOus: [BULK.ou], excludeOus: [] },
              { users: LARGE_USERS, groups: LARGE_GROUPS, membersPerGroup: LARGE_MEMBERS_PER_GROUP },
            );
            // Second: it adds the group to the OU the directory's sync counts without.
            return { ...directory, group: await measureLargeGroup(domain, LARGE_GROUP_MEMBERS) };
          } finally {
            await domain.stop();
          }
        },
      )
    : null;
  report.forests = forests
    ? await section(`7. Forests: two ${number(BULK_USERS)}-user forests vs one of ${number(2 * BULK_USERS)}, full sync then an unchanged delta`, () =>
        measureForests(BULK_USERS, plan.importRounds > 1 ? 3 : 1, say),
      )
    : null;
  return report;
}

// ---- the table

const number = (value: number, digits = 0): string =>
  Number.isFinite(value) ? value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';
const seconds = (value: number): string => (value < 1 ? `${number(value * 1000, 1)} ms` : `${number(value, value < 10 ? 2 : 1)} s`);
const percent = (value: number): string => (Number.isFinite(value) ? `${number(value * 100, 1)} %` : 'n/a');
const row = (label: string, value: string, note = ''): string => `  ${label.padEnd(46)}${value.padStart(16)}  ${note}`.trimEnd();

function failed<T extends object>(outcome: Outcome<T>): outcome is { error: string } {
  return 'error' in outcome;
}

function renderTable(report: BenchReport): string {
  const lines = [
    `DirSync benchmark — ${report.date.slice(0, 10)}, Node ${report.node}, ${report.cpus} CPUs (shared), load ${report.loadAverage.toFixed(1)}${report.quick ? ', --quick' : ''}`,
    '',
  ];
  const heading = (title: string, outcome: Outcome<object>): boolean => {
    lines.push(title);
    if (failed(outcome)) lines.push(`  FAILED: ${outcome.error}`, '');
    return !failed(outcome);
  };

  const importRate = report.importRate;
  if (
    heading(
      `1. Full import from AD (Samba, LDAPS), ${number(BULK_USERS)} users of OU=Bulk, best of ${failed(importRate) ? '?' : importRate.rounds}`,
      importRate,
    ) &&
    !failed(importRate)
  ) {
    lines.push(
      row(
        'DirSync ActiveDirectorySource (pages of 500)',
        seconds(importRate.dirSyncSeconds),
        `${number(importRate.objects / importRate.dirSyncSeconds)} objects/s`,
      ),
      row(
        'ldapsearch -E pr=1000, same attributes',
        seconds(importRate.ldapsearchSeconds),
        `${number(importRate.objects / importRate.ldapsearchSeconds)} objects/s`,
      ),
      row('DirSync time / ldapsearch time', number(importRate.ratio, 2), '(1.00 = as fast as the C client)'),
      row('DirSync CPU time (least of the rounds)', seconds(importRate.dirSyncCpuSeconds), 'the rest of its time it waits on Samba'),
      '',
    );
  }

  const listing = report.deletionListing;
  if (
    heading(
      `1b. Finding deletions by listing the scope (anchors only), ${number(BULK_USERS)} users of OU=Bulk, best of ${failed(listing) ? '?' : listing.rounds}`,
      listing,
    ) &&
    !failed(listing)
  ) {
    lines.push(
      row(
        'full import (ActiveDirectorySource.fullImport)',
        seconds(listing.fullImportSeconds),
        `${number(listing.objects / listing.fullImportSeconds)} objects/s`,
      ),
      row(
        'listing (listScope: selection attributes only)',
        seconds(listing.listingSeconds),
        `${number(listing.objects / listing.listingSeconds)} objects/s`,
      ),
      row('listing time / full import time', percent(listing.ratio)),
      row('confirming a deleted object by objectGUID', `${number(listing.confirmationMsPerCandidate, 2)} ms`, 'per deletion candidate'),
      '',
    );
  }

  const readiness = report.readiness;
  if (
    heading(
      `1c. Readiness check (dirsync readiness, tenant not consulted), ${number(BULK_USERS)} users of OU=Bulk, best of ${failed(readiness) ? '?' : readiness.rounds}`,
      readiness,
    ) &&
    !failed(readiness)
  ) {
    lines.push(
      row('full import alone', seconds(readiness.importSeconds), `${number(readiness.objects / readiness.importSeconds)} objects/s`),
      row(
        'full import + rules + duplicate index',
        seconds(readiness.readinessSeconds),
        `${number(readiness.objects / readiness.readinessSeconds)} objects/s`,
      ),
      row('findings', number(readiness.findings), `resident memory ${number(readiness.rssMiB)} MiB`),
      '',
    );
  }

  const exported = report.exportBudget;
  if (heading('2. Initial export against the write budget (Entra stand-in throttling, exporter budget the same)', exported) && !failed(exported)) {
    const { shape, limits } = exported;
    lines.push(
      row(
        'budget (Graph: 3,000 / 150 s, scaled by 1/5)',
        `${number(limits.writes)} / ${limits.windowSeconds} s`,
        `= ${number(exported.allowedPerSecond)} writes/s`,
      ),
      row('objects', `${number(shape.users)} + ${number(shape.groups)}`, `users + groups of ${shape.membersPerGroup} members`),
      row('writes accepted, time', number(exported.writesAccepted), seconds(exported.seconds)),
      row('achieved / allowed rate, whole cycle', percent(exported.ratio), `target ≥ 95 %; ${number(exported.achievedPerSecond, 1)} writes/s`),
      row(
        'achieved / allowed rate, after the 1st window',
        percent(exported.steadyRatio),
        `exporter refill rate ${percent(exported.pacingCeiling)} (+ its burst)`,
      ),
      row('429 answers received', number(exported.throttled), 'target: rare, all recovered'),
      row('every user, group and member arrived', exported.complete ? 'yes' : 'NO'),
      row(
        "100,000 creates at Graph's budget, steady rate",
        `${number(100_000 / (GRAPH_WRITES_PER_SECOND * exported.steadyRatio) / 60)} min`,
        '(floor: 83 min)',
      ),
      '',
    );
  }

  const engine = report.engineOverhead;
  if (heading('3. Full sync AD → engine → Entra stand-in, no throttling (DirSync in its own process)', engine) && !failed(engine)) {
    lines.push(
      row('objects, time', number(engine.objects), seconds(engine.seconds)),
      row('end to end', `${number(engine.objectsPerSecond)} objects/s`, '(Entra Connect documents 10k objects ≈ 10 min: 17/s)'),
      row('DirSync CPU time', seconds(engine.dirSyncCpuSeconds), `${number(engine.objectsPerDirSyncCpuSecond)} objects per CPU second`),
      row('Entra stand-in CPU time', seconds(engine.standInCpuSeconds), '(the test double answering Graph)'),
      row('Graph requests (batches of ≤ 20)', number(engine.graphRequests)),
      row('peak RSS of the DirSync process', `${number(engine.maxRssMb)} MB`),
      row('every object arrived', engine.complete ? 'yes' : 'NO'),
      '',
    );
  }

  const group = report.largeGroup;
  if (
    heading(`3b. A group of ${failed(group) ? '?' : number(group.members)} members, AD → engine → Entra stand-in, no throttling`, group) &&
    !failed(group)
  ) {
    lines.push(
      row(
        'full sync of OU=Bulk with the group',
        seconds(group.initialSeconds),
        `${number(group.initialMembershipRequests)} membership requests (20 members each)`,
      ),
      row('delta: one member added, one removed', seconds(group.deltaSeconds), `${number(group.deltaMemberValuesRead)} member values read from AD`),
      row('Graph membership writes of that delta', number(group.deltaMembershipWrites), '(2 = one add, one removal)'),
      '',
    );
  }

  const scale = report.scale;
  if (heading(`4. Scale: synthetic directory, real engine and SQLite store, cloud in memory`, scale) && !failed(scale)) {
    const { shape } = scale;
    lines.push(
      row('objects', number(scale.objects), `${number(shape.users)} users + ${number(shape.groups)} groups of ${shape.membersPerGroup}`),
      row(
        'full sync',
        seconds(scale.full.seconds),
        `${number(scale.objects / scale.full.seconds)} objects/s, peak RSS ${number(scale.fullMaxRssMb)} MB`,
      ),
      row(
        "first delta after it (reads the full's writes back once)",
        seconds(scale.deltaAfterFull.seconds),
        `delta / full = ${number(scale.afterFullRatio, 4)}`,
      ),
      row('delta, nothing changed', seconds(scale.deltaUnchanged.seconds), `delta / full = ${number(scale.unchangedRatio, 4)}`),
      row(
        `delta, 1 % changed (${number(scale.deltaOnePercent.counts.updated)} objects)`,
        seconds(scale.deltaOnePercent.seconds),
        `delta / full = ${number(scale.onePercentRatio, 4)}`,
      ),
      row('delta that lists the scope to find deletions', seconds(scale.deltaListing.seconds), `delta / full = ${number(scale.listingRatio, 4)}`),
      row('peak RSS of the DirSync process, all cycles', `${number(scale.maxRssMb)} MB`),
      '',
    );
  }

  const stores = report.stores;
  if (heading(`5. Store workload (bench/store.ts), items/s, best of ${failed(stores) ? '?' : stores.rounds}`, stores) && !failed(stores)) {
    lines.push(`  ${'step'.padEnd(52)}${stores.engines.map((name) => name.padStart(16)).join('')}`);
    for (const step of stores.steps)
      lines.push(`  ${step.step.padEnd(52)}${stores.engines.map((name) => number(step.itemsPerSecond[name]!).padStart(16)).join('')}`);
    for (const notice of stores.skipped) lines.push(`  ${notice}`);
    lines.push('');
  }
  const drift = report.cloudDrift;
  if (
    heading('5b. Drift check of one cycle: Graph requests and seconds of the engine phase (real connector, Entra stand-in)', drift) &&
    !failed(drift)
  ) {
    for (const cost of drift) {
      const show = (label: string, round: CloudDriftCost['firstRound'], note: string) =>
        lines.push(row(`${number(cost.owned)} owned users, ${label}`, seconds(round.seconds), `${number(round.requests)} requests${note}`));
      show('first round (every object compared)', cost.firstRound, '');
      show('no change (delta link in hand)', cost.noChange, '');
      show('1 % edited in the portal', cost.onePercent, `, ${number(cost.onePercent.drifted)} objects drifted`);
    }
    lines.push('');
  }
  const large = report.largeDirectory;
  if (
    large !== null &&
    heading(`6. ${number(LARGE_USERS)} users + ${number(LARGE_GROUPS)} groups on real LDAP: Samba → engine → Entra stand-in, no throttling`, large) &&
    !failed(large)
  ) {
    const engine = report.engineOverhead;
    lines.push(
      row('adding the groups over LDAP (Samba, not DirSync)', seconds(large.groupSeedingSeconds), `${number(large.membersPerGroup)} members each`),
      row(
        `full sync, ${number(large.objects)} objects`,
        seconds(large.full.seconds),
        `${number(large.full.objectsPerSecond)} objects/s, DirSync CPU ${seconds(large.full.dirSyncCpuSeconds)}`,
      ),
      row(
        'peak RSS of the DirSync process',
        `${number(large.full.maxRssMb)} MB`,
        failed(engine) ? '' : `${number(large.full.maxRssMb / engine.maxRssMb, 2)}× the 10,000-user sync's (goal < 400 MB)`,
      ),
      row('delta, nothing changed', seconds(large.deltaUnchanged.seconds), `delta / full = ${number(large.deltaUnchanged.share, 4)}`),
      row(
        `delta, 1 % changed (${number(large.deltaOnePercent.changed)} objects)`,
        seconds(large.deltaOnePercent.seconds),
        `delta / full = ${number(large.deltaOnePercent.share, 4)}; DirSync CPU ${seconds(large.deltaOnePercent.dirSyncCpuSeconds)}`,
      ),
      row('store on disk', `${number(large.storeMb, 1)} MB`),
      row(
        "at Graph's real budget",
        `${number(large.budgetBoundSeconds / 60)} min`,
        `${number(large.graphWrites)} writes; DirSync's own time ${percent(large.dirSyncShareOfBudgetBound)} of it`,
      ),
      row(
        `a ${number(large.group.members)}-member group: full sync with it`,
        seconds(large.group.initialSeconds),
        `${number(large.group.initialMembershipRequests)} membership requests`,
      ),
      row(
        '  one member added, one removed: delta',
        seconds(large.group.deltaSeconds),
        `${number(large.group.deltaMemberValuesRead)} member values read, ${number(large.group.deltaMembershipWrites)} Graph writes`,
      ),
      '',
    );
  }

  const forests = report.forests;
  if (
    forests !== null &&
    heading(
      `7. Forests: the same ${number(2 * BULK_USERS)} users as two forests and as one, best of ${failed(forests) ? '?' : forests.rounds}`,
      forests,
    ) &&
    !failed(forests)
  ) {
    for (const [label, shape] of [
      ['two forests of 10,000 (CORP, FABRIKAM)', forests.twoForests],
      ['one forest of 20,000', forests.oneForest],
    ] as const) {
      lines.push(
        row(
          `${label}: full sync`,
          seconds(shape.seconds),
          `${number(shape.objectsPerSecond)} objects/s, DirSync CPU ${seconds(shape.cpuSeconds)}, RSS ${number(shape.maxRssMb)} MB${shape.complete ? '' : ', INCOMPLETE'}`,
        ),
        row('  delta, nothing changed', seconds(shape.deltaSeconds)),
      );
    }
    lines.push(
      row(
        'two forests / one forest (time, CPU)',
        `${number(forests.ratio, 2)}, ${number(forests.cpuRatio, 2)}`,
        '(1.00: several forests cost nothing)',
      ),
      '',
    );
  }

  return `${lines.join('\n')}\n`;
}

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    large: { type: 'boolean', default: false },
    forests: { type: 'boolean', default: false },
  },
});
const report = await measureAll(values.quick ? QUICK : FULL, values.quick, values.large, values.forests);
process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderTable(report));
