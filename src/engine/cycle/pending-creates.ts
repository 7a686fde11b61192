// Creates whose outcome was never recorded (the process died after sending them): the cloud objects, if they were
// created after all, found by their anchor.
import type { CloudTarget } from '../ports.ts';
import type { ObjectLink } from '../state-store.ts';

export async function findPendingCreates(target: CloudTarget, links: readonly ObjectLink[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const objectType of ['user', 'group'] as const) {
    const anchors = links.filter((link) => (link.kind === 'group') === (objectType === 'group')).map((link) => link.anchor);
    if (anchors.length === 0) continue;
    for (const [anchor, cloudId] of await target.findByAnchors(objectType, anchors)) found.set(anchor, cloudId);
  }
  return found;
}
