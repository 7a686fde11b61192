// Deletion candidates of an installation with several forests, each confirmed where it can be: in the forest its DN is
// in; one of a forest being removed, as out of scope without a lookup; one whose DN is in no configured forest, in every
// forest (its objectGUID exists in one at most). A forest that cannot be read answers 'unconfirmed' for each of its
// candidates, never 'gone', and makes an unplaced candidate unconfirmed too: it may be that forest's.
import type { DirSyncError } from '../../core/errors.ts';
import type { DeletionCandidate, DeletionVerdict } from '../../engine/ports.ts';
import type { Forest } from './multi-forest-source.ts';

export interface ForestsToAsk {
  forests: readonly Forest[];
  forestOf(dn: string): Forest | undefined;
  /** The name of the forest being removed that a DN is in, if any. */
  withdrawnOf(dn: string): string | undefined;
  /** Why a forest could not be read this cycle; undefined when it was. */
  problemOf(forest: Forest): DirSyncError | undefined;
  fail(forest: Forest, error: unknown): void;
}

export async function* confirmAcrossForests(candidates: readonly DeletionCandidate[], ask: ForestsToAsk): AsyncGenerator<DeletionVerdict> {
  const byForest = new Map<Forest, DeletionCandidate[]>();
  const elsewhere: DeletionCandidate[] = [];
  for (const candidate of candidates) {
    const withdrawn = ask.withdrawnOf(candidate.dn);
    if (withdrawn !== undefined) {
      yield {
        anchor: candidate.anchor,
        verdict: 'out-of-scope',
        dn: candidate.dn,
        kind: undefined,
        reason: `its forest ${withdrawn} is being removed from this installation`,
      };
      continue;
    }
    const forest = ask.forestOf(candidate.dn);
    if (forest === undefined) elsewhere.push(candidate);
    else byForest.set(forest, [...(byForest.get(forest) ?? []), candidate]);
  }
  for (const [forest, inForest] of byForest) yield* confirmIn(forest, inForest, ask);
  if (elsewhere.length > 0) yield* confirmAnywhere(elsewhere, ask);
}

async function* confirmIn(forest: Forest, candidates: readonly DeletionCandidate[], ask: ForestsToAsk): AsyncGenerator<DeletionVerdict> {
  const answered = new Set<string>();
  if (ask.problemOf(forest) === undefined) {
    try {
      for await (const verdict of forest.reader.confirmDeletions(candidates)) {
        answered.add(verdict.anchor);
        yield verdict;
      }
      return;
    } catch (error) {
      ask.fail(forest, error);
    }
  }
  for (const candidate of candidates) if (!answered.has(candidate.anchor)) yield unconfirmed(candidate, [forest], ask);
}

/** It exists where a forest finds it; it is gone only if every forest says so. */
async function* confirmAnywhere(candidates: readonly DeletionCandidate[], ask: ForestsToAsk): AsyncGenerator<DeletionVerdict> {
  const found = new Map<string, DeletionVerdict>();
  const unread: Forest[] = [];
  for (const forest of ask.forests) {
    if (ask.problemOf(forest) !== undefined) {
      unread.push(forest);
      continue;
    }
    try {
      for await (const verdict of forest.reader.confirmDeletions(candidates)) {
        // A forest that holds the object says more than one whose lookup failed.
        const known = found.get(verdict.anchor);
        if (verdict.verdict !== 'gone' && (known === undefined || known.verdict === 'unconfirmed')) found.set(verdict.anchor, verdict);
      }
    } catch (error) {
      ask.fail(forest, error);
      unread.push(forest);
    }
  }
  for (const candidate of candidates) {
    const verdict = found.get(candidate.anchor);
    if (verdict !== undefined && verdict.verdict !== 'unconfirmed') yield verdict;
    else if (verdict !== undefined || unread.length > 0) yield unconfirmed(candidate, unread, ask);
    else
      yield {
        anchor: candidate.anchor,
        verdict: 'gone',
        dn: candidate.dn,
        kind: undefined,
        reason: `no forest of this installation (${ask.forests.map((forest) => forest.name).join(', ')}) holds an object with its objectGUID.`,
      };
  }
}

function unconfirmed(candidate: DeletionCandidate, unread: readonly Forest[], ask: ForestsToAsk): DeletionVerdict {
  const problem = unread[0] === undefined ? undefined : ask.problemOf(unread[0]);
  return {
    anchor: candidate.anchor,
    verdict: 'unconfirmed',
    dn: candidate.dn,
    kind: undefined,
    reason:
      unread.length === 0
        ? 'a forest could not look it up, so it is not deleted.'
        : `${unread.map((forest) => forest.name).join(', ')} could not be read this cycle${problem ? ` [${problem.code}]` : ''}, so it is not deleted.`,
  };
}
