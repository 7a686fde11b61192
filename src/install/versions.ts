// Product versions in the original's four-part form (1.0.6385.0012) and its in-place upgrade rule.

export interface ProductVersion {
  readonly parts: readonly [number, number, number, number];
  readonly text: string;
}

export function parseProductVersion(text: string): ProductVersion {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  if (!match) throw new RangeError(`"${text}" is not a product version (expected four numbers such as 1.0.6385.0012)`);
  const parts = [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])] as const;
  return { parts, text: text.trim() };
}

export function compareVersions(a: ProductVersion, b: ProductVersion): number {
  for (let index = 0; index < 4; index++) {
    const difference = a.parts[index]! - b.parts[index]!;
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** "Directory sync tool versions earlier than 6385.0012 cannot be upgraded" — they must be uninstalled first. */
export const OLDEST_UPGRADABLE_VERSION = parseProductVersion('1.0.6385.0012');

export type UpgradeVerdict = { allowed: true } | { allowed: false; reason: 'too-old' | 'newer-installed' | 'same-version' };

export function upgradeVerdict(installed: ProductVersion, current: ProductVersion): UpgradeVerdict {
  if (compareVersions(installed, OLDEST_UPGRADABLE_VERSION) < 0) return { allowed: false, reason: 'too-old' };
  const order = compareVersions(installed, current);
  if (order > 0) return { allowed: false, reason: 'newer-installed' };
  if (order === 0) return { allowed: false, reason: 'same-version' };
  return { allowed: true };
}
