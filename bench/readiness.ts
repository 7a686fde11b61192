// Section 1c: the readiness check over the bulk domain: the same full import, plus every rule and the duplicate
// index (the tenant not consulted). Compared with the import alone, so the rules' own cost shows.
import { ActiveDirectorySource } from '../src/connectors/ad/active-directory-source.ts';
import { scanForReadiness } from '../src/readiness/scan.ts';
import type { TestDomain } from '../test/support/ad/index.ts';

export interface ReadinessCost {
  objects: number;
  rounds: number;
  /** Best of the rounds, seconds. */
  importSeconds: number;
  readinessSeconds: number;
  findings: number;
  /** Resident memory after the best readiness round, MiB. */
  rssMiB: number;
}

function sourceFor(domain: TestDomain, ou: string): ActiveDirectorySource {
  return new ActiveDirectorySource({
    url: domain.ldapsUrl,
    caPem: domain.caPem,
    bindDn: domain.adminDn,
    password: domain.adminPassword,
    scope: { includeOus: [ou], excludeOus: [] },
  });
}

export async function measureReadiness(domain: TestDomain, ou: string, expected: number, rounds: number): Promise<ReadinessCost> {
  let importSeconds = Infinity;
  let readinessSeconds = Infinity;
  let findings = 0;
  for (let round = 0; round < rounds; round++) {
    const importing = sourceFor(domain, ou);
    try {
      const started = performance.now();
      let objects = 0;
      for await (const _change of importing.fullImport().changes) objects++;
      importSeconds = Math.min(importSeconds, (performance.now() - started) / 1000);
      if (objects !== expected) throw new Error(`The full import found ${objects} objects under ${ou}, not ${expected}.`);
    } finally {
      await importing.close();
    }
    const checking = sourceFor(domain, ou);
    try {
      const started = performance.now();
      const scan = await scanForReadiness(checking.fullImport().changes, undefined);
      readinessSeconds = Math.min(readinessSeconds, (performance.now() - started) / 1000);
      if (scan.scanned !== expected) throw new Error(`The readiness check scanned ${scan.scanned} objects, not ${expected}.`);
      findings = scan.findings.length;
    } finally {
      await checking.close();
    }
  }
  return { objects: expected, rounds, importSeconds, readinessSeconds, findings, rssMiB: process.memoryUsage().rss / 2 ** 20 };
}
