// A saved plan: what a preview would send to Entra ID, operation by operation with its body, and where it was
// computed from (the configuration, the store, Active Directory's position), sealed by a digest. An administrator
// reviews it; `sync --apply-plan` sends exactly these operations or nothing. It never holds a secret: user creates
// carry no password (the engine generates one when the plan is applied).
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import * as z from 'zod';
import { DirSyncError } from '../../core/errors.ts';
import type { CloudObjectType, CloudOperation } from '../operations.ts';
import { wholeRetryQueue, type StateStore } from '../state-store.ts';
import { AD_WATERMARK } from '../sync-cycle.ts';

export const PLAN_FORMAT = 'dirsync-plan/1';

/** An operation as a plan holds it: objects by anchor; cloud ids only of objects that exist already. */
export type ApprovedOperation =
  | { action: 'create'; objectType: CloudObjectType; anchor: string; body: Record<string, unknown> }
  | { action: 'update'; objectType: CloudObjectType; anchor: string; cloudId: string; body: Record<string, unknown> }
  | { action: 'delete' | 'restore'; objectType: CloudObjectType; anchor: string; cloudId: string }
  | { action: 'add-members'; anchor: string; members: string[] }
  | { action: 'remove-member'; anchor: string; member: string }
  | { action: 'set-manager'; anchor: string; manager: string | null };

export interface SavedPlan {
  format: typeof PLAN_FORMAT;
  createdAt: string;
  /** The installation it was computed for (informative: the fingerprints decide). */
  installation: string;
  mode: 'full' | 'delta';
  computedFrom: {
    /** Fingerprint of the configuration. */
    configuration: string;
    /** Fingerprint of the store: its watermark, links, memberships and retry queue. */
    store: string;
    /** Active Directory's position once the plan's import had read everything (the AD connector's watermark). */
    watermark: string | null;
  };
  /** The preview stopped at the deletion threshold: its deletes are not in the plan, and applying it withholds them again. */
  thresholdExceeded: boolean;
  counts: Record<string, number>;
  withheld: { anchor: string; dn: string; objectType: string; reason: string }[];
  operations: (ApprovedOperation & { dn: string })[];
  /** sha256 of everything above, in canonical JSON. */
  digest: string;
}

export function approvedOperation(operation: CloudOperation): ApprovedOperation {
  switch (operation.action) {
    case 'create': {
      const { passwordProfile: _generatedWhenApplied, ...body } = operation.body;
      return { action: 'create', objectType: operation.objectType, anchor: operation.anchor, body };
    }
    case 'update':
      return { action: 'update', objectType: operation.objectType, anchor: operation.anchor, cloudId: operation.cloudId, body: operation.body };
    case 'delete':
    case 'restore':
      return { action: operation.action, objectType: operation.objectType, anchor: operation.anchor, cloudId: operation.cloudId };
    case 'add-members':
      return { action: 'add-members', anchor: operation.anchor, members: operation.members.map((member) => member.anchor) };
    case 'remove-member':
      return { action: 'remove-member', anchor: operation.anchor, member: operation.member.anchor };
    case 'set-manager':
      return { action: 'set-manager', anchor: operation.anchor, manager: operation.manager?.anchor ?? null };
  }
}

/** One string per operation, equal for equal operations (keys sorted), for comparing a plan with what a cycle sends. */
export function operationKey(operation: ApprovedOperation): string {
  return canonicalJson(operation);
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** The configuration a plan was computed with, as a digest: any change to it makes the plan outdated. */
export function configurationFingerprint(configuration: unknown): string {
  return sha256(canonicalJson(configuration));
}

export async function storeFingerprint(store: StateStore): Promise<string> {
  return sha256(
    canonicalJson({
      watermark: (await store.getWatermark(AD_WATERMARK)) ?? null,
      links: await store.countLinks(),
      memberships: await store.countMemberships(),
      retries: await wholeRetryQueue(store),
    }),
  );
}

export function sealPlan(plan: Omit<SavedPlan, 'digest'>): SavedPlan {
  return { ...plan, digest: sha256(canonicalJson(plan)) };
}

export async function writePlan(file: string, plan: SavedPlan): Promise<void> {
  // Not a secret, but a map of the directory: readable by its owner only.
  await writeFile(file, `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
}

const savedPlanShape = z.object({
  format: z.literal(PLAN_FORMAT),
  createdAt: z.string(),
  installation: z.string(),
  mode: z.enum(['full', 'delta']),
  computedFrom: z.object({ configuration: z.string(), store: z.string(), watermark: z.string().nullable() }),
  thresholdExceeded: z.boolean(),
  counts: z.record(z.string(), z.number()),
  withheld: z.array(z.object({ anchor: z.string(), dn: z.string(), objectType: z.string(), reason: z.string() })),
  operations: z.array(z.looseObject({ action: z.string(), anchor: z.string(), dn: z.string() })),
  digest: z.string(),
});

/** Reads a plan and checks its digest: an edited plan is refused whole. */
export async function readPlan(file: string): Promise<SavedPlan> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new DirSyncError('Plan.unreadable', `${file} cannot be read as a DirSync plan: ${error instanceof Error ? error.message : String(error)}`, {
      target: file,
      cause: error,
    });
  }
  const shaped = savedPlanShape.safeParse(parsed);
  if (!shaped.success)
    throw new DirSyncError(
      'Plan.unreadable',
      `${file} is not a DirSync plan (${PLAN_FORMAT}): ${shaped.error.issues[0]?.path.join('.')} ${shaped.error.issues[0]?.message}`,
      { target: file },
    );
  const { digest, ...content } = parsed as SavedPlan;
  if (sha256(canonicalJson(content)) !== digest) {
    throw new DirSyncError('Plan.tampered', `${file} was changed after it was saved: its content does not match its digest`, { target: file });
  }
  return parsed as SavedPlan;
}
