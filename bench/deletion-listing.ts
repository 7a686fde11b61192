// Section 1b: what finding deletions without DirSync tombstones costs. Each delta cycle of such a deployment lists
// the scope (anchors only, ActiveDirectorySource.listScope) and looks up every missing object by its objectGUID
// (confirmDeletions); both are compared here with a full import of the same objects.
import { randomBytes } from 'node:crypto';
import { ActiveDirectorySource } from '../src/connectors/ad/active-directory-source.ts';
import { anchorFromGuid } from '../src/connectors/ad/values.ts';
import type { TestDomain } from '../test/support/ad/index.ts';

export interface DeletionListingCost {
  objects: number;
  rounds: number;
  /** Best of the rounds, seconds. */
  fullImportSeconds: number;
  listingSeconds: number;
  /** listingSeconds / fullImportSeconds. */
  ratio: number;
  /** Looking up candidates that no longer exist (the common case: real deletions), per candidate. */
  confirmationMsPerCandidate: number;
}

const CANDIDATES = 200;

function sourceFor(domain: TestDomain, ou: string): ActiveDirectorySource {
  return new ActiveDirectorySource({
    url: domain.ldapsUrl,
    caPem: domain.caPem,
    bindDn: domain.adminDn,
    password: domain.adminPassword,
    scope: { includeOus: [ou], excludeOus: [] },
  });
}

async function timed<T>(
  work: (source: ActiveDirectorySource) => AsyncIterable<T>,
  domain: TestDomain,
  ou: string,
): Promise<{ seconds: number; items: number }> {
  const source = sourceFor(domain, ou);
  try {
    const started = performance.now();
    let items = 0;
    for await (const _item of work(source)) items++;
    return { seconds: (performance.now() - started) / 1000, items };
  } finally {
    await source.close();
  }
}

/** Alternates full import and listing `rounds` times (the machine is shared: the best of each counts). */
export async function measureDeletionListing(domain: TestDomain, ou: string, expected: number, rounds: number): Promise<DeletionListingCost> {
  let fullImportSeconds = Infinity;
  let listingSeconds = Infinity;
  for (let round = 0; round < rounds; round++) {
    const full = await timed((source) => source.fullImport().changes, domain, ou);
    const listing = await timed((source) => source.listScope(), domain, ou);
    for (const [reader, measured] of [
      ['full import', full],
      ['listing', listing],
    ] as const) {
      if (measured.items !== expected) throw new Error(`The ${reader} found ${measured.items} objects under ${ou}, not ${expected}.`);
    }
    fullImportSeconds = Math.min(fullImportSeconds, full.seconds);
    listingSeconds = Math.min(listingSeconds, listing.seconds);
  }
  const candidates = Array.from({ length: CANDIDATES }, () => ({ anchor: anchorFromGuid(randomBytes(16)), dn: `CN=Gone,${ou}` }));
  const confirmation = await timed((source) => source.confirmDeletions(candidates), domain, ou);
  if (confirmation.items !== CANDIDATES) throw new Error(`confirmDeletions gave ${confirmation.items} verdicts for ${CANDIDATES} candidates.`);
  return {
    objects: expected,
    rounds,
    fullImportSeconds,
    listingSeconds,
    ratio: listingSeconds / fullImportSeconds,
    confirmationMsPerCandidate: (confirmation.seconds * 1000) / CANDIDATES,
  };
}
