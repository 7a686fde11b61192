// Accidental-delete prevention that fits every directory size: a cycle that would delete more objects than the
// threshold (500 by default, as Entra Connect), or more than a share of what DirSync keeps in the cloud, is withheld
// whole. The share rule applies once a cycle deletes more than SHARE_FLOOR objects, so a small directory can still
// lose a few objects in one cycle. Membership removals are guarded the same way, and a group that would lose every
// member (more than SHARE_FLOOR) is a sign that its `member` attribute could not be read, not that it was emptied.

export interface DeletionGuardSettings {
  enabled: boolean;
  /** Most objects (and, separately, memberships) one cycle may delete. */
  threshold: number;
  /** Largest share (percent) of the synchronized objects (and of the exported memberships) one cycle may delete. */
  sharePercent: number;
}

export const SHARE_FLOOR = 5;
export const DEFAULT_SHARE_PERCENT = 20;

export interface DeletionsPlanned {
  objectDeletes: number;
  /** Objects DirSync keeps in the cloud before the cycle. */
  synchronizedObjects: number;
  memberRemovals: number;
  exportedMemberships: number;
  /** Groups that would lose every member. */
  emptiedGroups: readonly { dn: string; members: number }[];
}

/** Why the deletes must be withheld; empty when they may go ahead. */
export function deletionGuardReasons(planned: DeletionsPlanned, settings: DeletionGuardSettings): string[] {
  if (!settings.enabled) return [];
  const reasons: string[] = [];
  const check = (what: string, count: number, of: number) => {
    if (count > settings.threshold) reasons.push(`${count} ${what} of ${of}: more than the threshold of ${settings.threshold}`);
    else if (count > SHARE_FLOOR && count * 100 > settings.sharePercent * of)
      reasons.push(`${count} ${what} of ${of}: more than ${settings.sharePercent} %`);
  };
  check('object deletes', planned.objectDeletes, planned.synchronizedObjects);
  check('membership removals', planned.memberRemovals, planned.exportedMemberships);
  for (const group of planned.emptiedGroups) {
    if (group.members > SHARE_FLOOR) reasons.push(`${group.dn} would lose all ${group.members} members (was its member list readable?)`);
  }
  return reasons;
}
