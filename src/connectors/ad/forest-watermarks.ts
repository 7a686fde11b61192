// The watermark of an installation with several forests: one watermark per forest (each its own connector's, see
// watermark.ts), kept in one document under the engine's one store key. A forest with no entry (added since, or
// unreadable at its first import) runs its full import within the next delta. One forest alone keeps its own
// watermark as it is, so adding a forest needs no migration and removing the others leaves a watermark the
// single-forest connector still reads.
import type { Watermark } from '../../engine/model.ts';

const KIND = 'dirsync-forest-watermarks';

interface ForestWatermarks {
  kind: typeof KIND;
  /** Forest name (its DNS root) → that forest's watermark. */
  forests: Record<string, Watermark>;
}

export function encodeForestWatermarks(byForest: ReadonlyMap<string, Watermark>, forests: readonly string[]): Watermark {
  const [only] = forests;
  if (forests.length === 1 && only !== undefined && byForest.has(only)) return byForest.get(only)!;
  return JSON.stringify({ kind: KIND, forests: Object.fromEntries(byForest) } satisfies ForestWatermarks);
}

/** Forest → watermark. Anything else than this document is a watermark of the first forest alone (written before there were others). */
export function decodeForestWatermarks(value: Watermark, firstForest: string): Map<string, Watermark> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (!isForestWatermarks(parsed)) return new Map([[firstForest, value]]);
  return new Map(Object.entries(parsed.forests));
}

function isForestWatermarks(value: unknown): value is ForestWatermarks {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ForestWatermarks>;
  return (
    candidate.kind === KIND &&
    typeof candidate.forests === 'object' &&
    candidate.forests !== null &&
    Object.values(candidate.forests).every((watermark) => typeof watermark === 'string')
  );
}
