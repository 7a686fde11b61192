// Whether a live object is synchronised: inside the OU scope, not excluded by the selection rules, matching the
// attribute filter. One judgement for delta changes, re-reads and deletion confirmation, so they never disagree.
import type { ObjectKind } from '../../engine/model.ts';
import type { DirectoryReader, ReadEntry } from './directory-reader.ts';
import type { DirectoryScope } from './scope.ts';
import { exclusionReason } from './selection.ts';

export type ScopeJudgement =
  | { inScope: true }
  /** `reason` completes "… is not synchronised: "; `excluded` when a selection rule (not the scope) left it out. */
  | { inScope: false; reason: string; excluded: boolean };

/**
 * Judges a complete, live object of a synchronised kind. `attributeFilterApplied`: the search that found it
 * already carried the scope's attribute filter; otherwise the object is re-read by GUID with the filter.
 */
export async function judgeScope(
  reader: DirectoryReader,
  scope: DirectoryScope,
  entry: ReadEntry,
  kind: ObjectKind,
  options: { attributeFilterApplied: boolean },
): Promise<ScopeJudgement> {
  if (!scope.containsDn(entry.dn)) {
    const excludedOu = scope.excludedOuOf(entry.dn);
    return {
      inScope: false,
      reason:
        excludedOu === undefined
          ? `it is outside the OUs in scope (not under any --include-ou: ${scope.includeOus.map((ou) => ou.dn).join('; ')})`
          : `it is in the excluded OU ${excludedOu} (--exclude-ou)`,
      excluded: false,
    };
  }
  const excludedBecause = exclusionReason(kind, entry.attributes);
  if (excludedBecause !== undefined) return { inScope: false, reason: `it is ${excludedBecause}`, excluded: true };
  if (
    !options.attributeFilterApplied &&
    scope.attributeFilter !== undefined &&
    // Whether it matches is all this asks: not the object again (a large group's members with it).
    (await reader.readByGuid(entry.guid, { filter: scope.narrow('(objectClass=*)'), attributes: ['objectGUID'] })) === undefined
  ) {
    return { inScope: false, reason: `it does not match the scope's attribute filter ${scope.attributeFilter}`, excluded: false };
  }
  return { inScope: true };
}
