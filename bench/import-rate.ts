// Section 1: how fast DirSync's full import reads AD, against the fastest client there is for the same
// objects — OpenLDAP's ldapsearch paging over LDAPS with the same attributes and the same Extended DN control.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActiveDirectorySource } from '../src/connectors/ad/active-directory-source.ts';
import { DEFAULT_READ_ATTRIBUTES } from '../src/connectors/ad/directory-reader.ts';
import { SELECTION_FILTER } from '../src/connectors/ad/selection.ts';
import type { TestDomain } from '../test/support/ad/index.ts';

export interface ImportRate {
  objects: number;
  rounds: number;
  /** Best of the rounds, seconds. */
  dirSyncSeconds: number;
  ldapsearchSeconds: number;
  /** CPU time of DirSync's import, least of the rounds: the rest of its time it waits on the server. */
  dirSyncCpuSeconds: number;
  /** dirSyncSeconds / ldapsearchSeconds: 1 means DirSync reads as fast as ldapsearch. */
  ratio: number;
}

/** The Extended DN control (1.2.840.113556.1.4.529) DirSync sends, value SEQUENCE { INTEGER 0 }, for ldapsearch -E. */
const EXTENDED_DN_CONTROL = '!1.2.840.113556.1.4.529=::MAMCAQA=';

async function dirSyncImport(domain: TestDomain, ou: string): Promise<number> {
  const source = new ActiveDirectorySource({
    url: domain.ldapsUrl,
    caPem: domain.caPem,
    bindDn: domain.adminDn,
    password: domain.adminPassword,
    scope: { includeOus: [ou], excludeOus: [] },
  });
  try {
    let objects = 0;
    for await (const change of source.fullImport().changes) if (change.op === 'upsert') objects++;
    return objects;
  } finally {
    await source.close();
  }
}

/** Runs ldapsearch and counts the entries it prints (lines starting with "dn:"), without keeping its output. */
async function ldapsearchImport(domain: TestDomain, ou: string, passwordFile: string): Promise<number> {
  const child = spawn(
    'ldapsearch',
    [
      '-LLL',
      '-x',
      '-H',
      domain.ldapsUrl,
      '-D',
      domain.adminDn,
      '-y',
      passwordFile,
      '-b',
      ou,
      '-E',
      'pr=1000/noprompt',
      '-E',
      EXTENDED_DN_CONTROL,
      SELECTION_FILTER,
      ...DEFAULT_READ_ATTRIBUTES,
    ],
    { env: { ...process.env, LDAPTLS_CACERT: domain.caFile }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let entries = 0;
  let tail = '\n';
  let errors = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const text = tail + chunk;
    entries += text.split('\ndn:').length - 1;
    tail = text.slice(-3);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  const code = await new Promise<number | null>((resolve, reject) => child.once('error', reject).once('close', resolve));
  if (code !== 0) throw new Error(`ldapsearch failed (exit code ${code}): ${errors.trim()}`);
  return entries;
}

async function timed(work: () => Promise<number>): Promise<{ seconds: number; cpuSeconds: number; objects: number }> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const objects = await work();
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, objects };
}

/** Alternates the two readers `rounds` times (the machine is shared: the best of each counts). */
export async function measureImportRate(domain: TestDomain, ou: string, expected: number, rounds: number): Promise<ImportRate> {
  const secrets = await mkdtemp(join(tmpdir(), 'dirsync-bench-ldap-'));
  const passwordFile = join(secrets, 'password');
  // ldapsearch -y reads the whole file: no trailing newline.
  await writeFile(passwordFile, domain.adminPassword, { mode: 0o600 });
  try {
    let dirSyncSeconds = Infinity;
    let ldapsearchSeconds = Infinity;
    let dirSyncCpuSeconds = Infinity;
    for (let round = 0; round < rounds; round++) {
      const dirSync = await timed(() => dirSyncImport(domain, ou));
      const ldapsearch = await timed(() => ldapsearchImport(domain, ou, passwordFile));
      for (const [reader, measured] of [
        ['DirSync', dirSync],
        ['ldapsearch', ldapsearch],
      ] as const) {
        if (measured.objects !== expected) throw new Error(`${reader} read ${measured.objects} objects under ${ou}, not ${expected}.`);
      }
      dirSyncSeconds = Math.min(dirSyncSeconds, dirSync.seconds);
      ldapsearchSeconds = Math.min(ldapsearchSeconds, ldapsearch.seconds);
      dirSyncCpuSeconds = Math.min(dirSyncCpuSeconds, dirSync.cpuSeconds);
    }
    return { objects: expected, rounds, dirSyncSeconds, ldapsearchSeconds, dirSyncCpuSeconds, ratio: dirSyncSeconds / ldapsearchSeconds };
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
}
