// Sync cycles run in a child process (bench/cycle-worker.ts): the job and its result, and how to run one.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import type { ScopeOptions } from '../src/connectors/ad/scope.ts';
import type { WriteBudgetLimits } from '../src/connectors/entra/write-budget.ts';
import type { RunCounts, RunStatus } from '../src/engine/state-store.ts';
import type { DirectoryShape } from './synthetic-directory.ts';

export interface CycleJob {
  source:
    | ({ kind: 'active-directory' } & AdConnection)
    /** Several forests behind one source, as an installation with forests besides the first reads them. */
    | { kind: 'forests'; forests: (AdConnection & { name: string })[] }
    | { kind: 'synthetic'; shape: DirectoryShape };
  target:
    | {
        kind: 'stand-in';
        tenantId: string;
        clientId: string;
        clientSecret: string;
        /** https://127.0.0.1:PORT */
        authorityHost: string;
        graphEndpoint: string;
        caPem: string;
        writeBudget: WriteBudgetLimits;
      }
    | { kind: 'memory'; initialDomain: string; verifiedDomains: string[]; sourceAnchorProperty: string };
  /**
   * Run in order against the same store; `modifyUsers` changes that many synthetic users first, `adChanges` writes
   * those values to AD (as the job's bind account) before the cycle's clock starts.
   */
  cycles: {
    label: string;
    mode: 'full' | 'delta';
    modifyUsers?: number;
    adChanges?: AdChange[];
    /** How the delta finds deletions (the listing is what the AAD_ account needs on Samba). */
    deltaDeletions?: 'tombstones' | 'listing';
  }[];
}

export interface AdConnection {
  url: string;
  caPem: string;
  bindDn: string;
  password: string;
  scope: ScopeOptions;
}

/** One attribute of one AD object replaced with a new value. */
export interface AdChange {
  dn: string;
  attribute: string;
  value: string;
}

export interface CycleMeasurement {
  label: string;
  seconds: number;
  /** CPU time of the DirSync process (user + system) during the cycle. */
  cpuSeconds: number;
  status: RunStatus;
  counts: RunCounts & { notExportable: number };
  /** The worker's peak resident memory so far (process.resourceUsage().maxRSS). */
  maxRssMb: number;
  /** A sample of the export errors, to say what went wrong. */
  firstErrors: string[];
}

export interface CycleJobResult {
  cycles: CycleMeasurement[];
  warnings: number;
  /** Links in the store after the last cycle. */
  links: number;
  /** The SQLite store's size on disk after the last cycle. */
  storeBytes: number;
  /** The Graph session's counters, when the target was the stand-in. */
  graph?: { requests: number; writes: number; throttled: number; retries: number };
}

export async function runCycleJob(job: CycleJob): Promise<CycleJobResult> {
  // DirSync as the module and the single executable start it (module/private/Resolve-DirSyncExecutable.ps1).
  const worker = spawn(process.execPath, ['--max-semi-space-size=8', join(import.meta.dirname, 'cycle-worker.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', resolve);
  });
  worker.stdin.end(JSON.stringify(job));
  const [output, code] = await Promise.all([text(worker.stdout), exited]);
  if (code !== 0) throw new Error(`The benchmark's sync cycles failed (worker exit code ${code}); its error is printed above.`);
  return JSON.parse(output) as CycleJobResult;
}
