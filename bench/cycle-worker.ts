// Runs sync cycles in a process of their own, so that the peak memory measured (maxRSS) is DirSync's alone,
// not the Entra stand-in's or Samba's. The job comes as JSON on stdin (it carries passwords: never in argv);
// the result goes to stdout as one JSON line. Started by bench/cycle-job.ts.
import { DEFAULT_ATTRIBUTE_MAPPING } from '../src/engine/mapping/attribute-mapping.ts';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { Attribute, Change, Client } from 'ldapts';
import type { Reporter } from '../src/core/reporter.ts';
import { ActiveDirectorySource } from '../src/connectors/ad/active-directory-source.ts';
import { MultiForestSource } from '../src/connectors/ad/multi-forest-source.ts';
import { CloudDirectory } from '../src/connectors/entra/cloud-directory.ts';
import { connectToEntra } from '../src/connectors/entra/connection.ts';
import { Exporter } from '../src/connectors/entra/exporter.ts';
import type { CloudTarget, DirectorySource, OperationSink } from '../src/engine/ports.ts';
import { resolveRunMode } from '../src/engine/run-mode.ts';
import { runSyncCycle } from '../src/engine/sync-cycle.ts';
import { SqliteStore } from '../src/store/sqlite-store.ts';
import type { AdChange, CycleJob, CycleJobResult, CycleMeasurement } from './cycle-job.ts';
import { MemoryCloud } from './memory-cloud.ts';
import { SyntheticDirectory } from './synthetic-directory.ts';

/** Counts what the engine reports instead of printing it: a benchmark shows figures, not 10,000 notices. */
class CountingOutput implements Reporter {
  warnings = 0;
  progress(): void {}
  verbose(): void {}

  warning(): void {
    this.warnings++;
  }
}

function cpuSecondsSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

/** The store's files (database, write-ahead log) once closed. */
async function directorySize(directory: string): Promise<number> {
  let bytes = 0;
  for (const name of await readdir(directory)) bytes += (await stat(join(directory, name))).size;
  return bytes;
}

/** The changes a delta is to find, written before its clock starts. */
async function writeToActiveDirectory(source: CycleJob['source'], changes: readonly AdChange[]): Promise<void> {
  if (source.kind !== 'active-directory') throw new Error('AD changes need an active-directory source.');
  const client = new Client({ url: source.url, tlsOptions: { ca: [source.caPem] }, timeout: 30_000 });
  try {
    await client.bind(source.bindDn, source.password);
    for (const { dn, attribute, value } of changes) {
      await client.modify(dn, [new Change({ operation: 'replace', modification: new Attribute({ type: attribute, values: [value] }) })]);
    }
  } finally {
    await client.unbind();
  }
}

const maxRssMegabytes = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

async function run(job: CycleJob): Promise<CycleJobResult> {
  const closers: (() => unknown)[] = [];
  const storeDirectory = await mkdtemp(join(tmpdir(), 'dirsync-bench-store-'));
  try {
    let source: DirectorySource;
    let synthetic: SyntheticDirectory | undefined;
    if (job.source.kind === 'active-directory') {
      const { url, caPem, bindDn, password, scope } = job.source;
      const directory = new ActiveDirectorySource({ url, caPem, bindDn, password, scope });
      closers.push(() => directory.close());
      source = directory;
    } else if (job.source.kind === 'forests') {
      const forests = new MultiForestSource(
        job.source.forests.map(({ name, url, caPem, bindDn, password, scope }) => ({
          name,
          open: (foreignPrincipals) => new ActiveDirectorySource({ url, caPem, bindDn, password, scope, foreignPrincipals }),
        })),
      );
      closers.push(() => forests.close());
      source = forests;
    } else {
      source = synthetic = new SyntheticDirectory(job.source.shape);
    }

    let target: CloudTarget;
    let sink: OperationSink;
    let counters: CycleJobResult['graph'];
    if (job.target.kind === 'stand-in') {
      const { tenantId, clientId, clientSecret, authorityHost, graphEndpoint, caPem, writeBudget } = job.target;
      const entra = await connectToEntra({
        tenantId,
        clientId,
        caPem,
        writeBudget,
        preview: false,
        credential: { kind: 'client-secret', secret: clientSecret },
        cloud: { authorityHost, graphEndpoint },
      });
      closers.push(() => entra.close());
      const cloud = new CloudDirectory(entra.session, clientId);
      target = cloud;
      sink = new Exporter(entra.session, { sourceAnchorProperty: await cloud.ensureSourceAnchorExtension() });
      counters = entra.session.counters;
    } else {
      const { initialDomain, verifiedDomains, sourceAnchorProperty } = job.target;
      target = sink = new MemoryCloud({
        initialDomain,
        verifiedDomains: new Set(verifiedDomains),
        sourceAnchorProperty,
        extensionProperties: new Map(),
      });
    }

    const store = new SqliteStore(join(storeDirectory, 'dirsync.db'));
    await store.migrate();
    closers.push(() => store.close());
    const output = new CountingOutput();
    const cycles: CycleMeasurement[] = [];
    for (const cycle of job.cycles) {
      if (cycle.modifyUsers) synthetic!.modifyUsers(cycle.modifyUsers);
      if (cycle.adChanges) await writeToActiveDirectory(job.source, cycle.adChanges);
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const result = await runSyncCycle(
        {
          mode: cycle.mode,
          runMode: resolveRunMode({ kind: 'live' }),
          acceptDeletes: false,
          deletionGuard: { enabled: true, threshold: 500, sharePercent: 20 },
          softMatch: 'smtp-then-upn',
          deltaDeletions: cycle.deltaDeletions ?? 'tombstones',
          cloudDrift: 'revert',
          mapping: DEFAULT_ATTRIBUTE_MAPPING,
        },
        { store, source, target, exporter: sink, reporter: output },
      );
      cycles.push({
        label: cycle.label,
        seconds: (performance.now() - started) / 1000,
        cpuSeconds: cpuSecondsSince(cpuBefore),
        status: result.status,
        counts: result.counts,
        maxRssMb: maxRssMegabytes(),
        firstErrors: result.errors.slice(0, 3).map((error) => `${error.dn}: ${error.code}: ${error.message}`),
      });
    }
    const links = await store.countLinks();
    await store.close();
    return {
      cycles,
      warnings: output.warnings,
      links,
      storeBytes: await directorySize(storeDirectory),
      ...(counters ? { graph: { ...counters } } : {}),
    };
  } finally {
    for (const close of closers.reverse()) await close();
    await rm(storeDirectory, { recursive: true, force: true });
  }
}

const job = JSON.parse(await text(process.stdin)) as CycleJob;
process.stdout.write(`${JSON.stringify(await run(job))}\n`);
