// A $filter on a unique property (UPN, immutable id, mail nickname, proxy address) is answered from the
// directory's unique indexes instead of a scan of every user: DirSync asks such questions for every object it
// joins, and a scan each time made the stand-in quadratic (148 s of CPU for 10,000 users). The filter is still
// evaluated on the candidates, so the answer is exactly what the scan would give.
import { parseFilter, type FilterNode, type Operand } from './filter.ts';

/** The ids of the objects holding `value` for a unique `property` (empty when none does). */
export type UniqueLookup = (property: string, value: string) => string[];

/** The candidate ids for `filterText`, or undefined when no unique index narrows it (or it does not parse). */
export function indexedCandidates(filterText: string | null, lookup: UniqueLookup): Set<string> | undefined {
  if (!filterText) return undefined;
  let filter: FilterNode;
  try {
    filter = parseFilter(filterText);
  } catch {
    return undefined; // the normal path reports the syntax error
  }
  return candidates(filter, lookup);
}

function candidates(filter: FilterNode, lookup: UniqueLookup): Set<string> | undefined {
  switch (filter.kind) {
    case 'compare':
      return filter.op === 'eq' ? (equality(filter.left, filter.right, lookup) ?? equality(filter.right, filter.left, lookup)) : undefined;
    case 'in': {
      const property = singleProperty(filter.left);
      if (property === undefined || !filter.values.every((value) => typeof value === 'string')) return undefined;
      return new Set(filter.values.flatMap((value) => lookup(property, value as string)));
    }
    case 'and':
      return candidates(filter.left, lookup) ?? candidates(filter.right, lookup);
    case 'or': {
      const left = candidates(filter.left, lookup);
      const right = left && candidates(filter.right, lookup);
      return left && right ? new Set([...left, ...right]) : undefined;
    }
    case 'any': {
      // proxyAddresses/any(p:p eq 'SMTP:x')
      const predicate = filter.predicate;
      if (filter.collection.length !== 1 || predicate?.kind !== 'compare' || predicate.op !== 'eq') return undefined;
      const value = literalOf(predicate.left) ?? literalOf(predicate.right);
      return typeof value === 'string' ? new Set(lookup(filter.collection[0]!, value)) : undefined;
    }
    default:
      return undefined;
  }
}

function equality(propertySide: Operand, valueSide: Operand, lookup: UniqueLookup): Set<string> | undefined {
  const property = singleProperty(propertySide);
  const value = literalOf(valueSide);
  return property !== undefined && typeof value === 'string' ? new Set(lookup(property, value)) : undefined;
}

function singleProperty(operand: Operand): string | undefined {
  return operand.kind === 'property' && operand.path.length === 1 ? operand.path[0] : undefined;
}

function literalOf(operand: Operand): unknown {
  return operand.kind === 'literal' ? operand.value : undefined;
}
