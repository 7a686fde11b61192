// How DirSync compares what it exported with what the cloud holds, and records the cloud's values in its ledger: the
// drift check, the membership step and explain share these rules.
import { MANAGER_KEY, type DriftEntry } from './cycle-state.ts';

/**
 * A member DirSync does not own (a cloud-only user someone added in the portal) has no anchor: it is kept under its
 * cloud id, so that the group's membership step can take it out again.
 */
export function cloudOnlyMember(cloudId: string): string {
  return `${CLOUD_ONLY_PREFIX}${cloudId}`;
}

/** The cloud id a member anchor of cloudOnlyMember() stands for; undefined for an anchor of AD's. */
export function cloudOnlyMemberId(anchor: string): string | undefined {
  return anchor.startsWith(CLOUD_ONLY_PREFIX) ? anchor.slice(CLOUD_ONLY_PREFIX.length) : undefined;
}

const CLOUD_ONLY_PREFIX = 'cloud:';

/**
 * What the ledger records once it takes the cloud's values where they drifted (members aside: they are recorded as
 * memberships), so that planning sends AD's values back over them. Explain's forecast corrects a link the same way.
 */
export function ledgerAsInCloud(exported: Record<string, unknown>, entries: readonly DriftEntry[]): Record<string, unknown> {
  const corrected = { ...exported };
  for (const entry of entries) {
    if (entry.attribute === 'members') continue;
    if (entry.attribute === 'manager') corrected[MANAGER_KEY] = entry.ledgerValue ?? null;
    else setPath(corrected, entry.attribute, entry.cloudValue);
  }
  return corrected;
}

/** An owned object deleted in the cloud: with `revert`, restored (or created again) if AD still has it in scope. */
/**
 * Whether the cloud holds what DirSync exported. An empty value (null, '', []) is no value, as Graph leaves out
 * properties never set; sign-in names and addresses compare as Entra ID compares them, without case.
 */
export function sameCloudValue(name: string, exported: unknown, cloud: unknown): boolean {
  const empty = (value: unknown) => value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
  if (empty(exported) || empty(cloud)) return empty(exported) && empty(cloud);
  if (typeof exported === 'string' && typeof cloud === 'string' && (name === 'userPrincipalName' || name === 'mail')) {
    return exported.toLowerCase() === cloud.toLowerCase();
  }
  return JSON.stringify(exported) === JSON.stringify(cloud);
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, key] = path.split('.', 2) as [string, string | undefined];
  if (key === undefined) {
    target[head] = value;
    return;
  }
  target[head] = { ...(isRecord(target[head]) ? target[head] : {}), [key]: value };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
