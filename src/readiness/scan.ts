// One pass over an import: every object checked on its own as it streams by, duplicates found once all are seen.
// Memory holds the findings and the unique-value index (a few strings per object), never the objects themselves.
import type { ImportChange } from '../engine/model.ts';
import { DuplicateIndex } from './duplicate-index.ts';
import { checkObject, type CloudFacts, type Finding } from './rules.ts';

export interface ReadinessScan {
  scanned: number;
  /** Sorted by DN, then attribute, then code. */
  findings: Finding[];
}

export async function scanForReadiness(
  changes: AsyncIterable<ImportChange>,
  cloud: CloudFacts | undefined,
  onProgress: (scanned: number) => void = () => {},
): Promise<ReadinessScan> {
  const findings: Finding[] = [];
  const duplicates = new DuplicateIndex();
  let scanned = 0;
  for await (const change of changes) {
    if (change.op !== 'upsert') continue;
    scanned++;
    findings.push(...checkObject(change.object, cloud));
    duplicates.add(change.object);
    onProgress(scanned);
  }
  findings.push(...duplicates.findings(cloud));
  findings.sort((a, b) => a.dn.localeCompare(b.dn) || a.attribute.localeCompare(b.attribute) || a.code.localeCompare(b.code));
  return { scanned, findings };
}
