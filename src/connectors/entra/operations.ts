// What the engine asks the cloud to do, and what it gets back. One outcome per operation.

export type CloudObjectType = 'user' | 'group';

/** A group member: its sourceAnchor (for the engine's records) and its cloud object id (for Graph). */
export interface MemberRef {
  anchor: string;
  cloudId: string;
}

/** Graph accepts at most this many `members@odata.bind` references in one request. */
export const MAX_MEMBERS_PER_ADD = 20;

export type CloudOperation =
  | { action: 'create'; objectType: CloudObjectType; anchor: string; body: Record<string, unknown> }
  | { action: 'update'; objectType: CloudObjectType; anchor: string; cloudId: string; body: Record<string, unknown> }
  | { action: 'delete'; objectType: CloudObjectType; anchor: string; cloudId: string }
  /** `anchor` is the group's; at most MAX_MEMBERS_PER_ADD members. */
  | { action: 'add-members'; anchor: string; groupId: string; members: MemberRef[] }
  | { action: 'remove-member'; anchor: string; groupId: string; member: MemberRef }
  /** `anchor` is the user's; `manager` null removes the user's manager. */
  | { action: 'set-manager'; anchor: string; userId: string; manager: MemberRef | null };

export type OperationOutcome =
  /** `cloudId` is set for creates; `rejoined` when the object already existed (a create sent before a crash) and was taken back. */
  | { ok: true; operation: CloudOperation; cloudId?: string; rejoined?: boolean }
  /** A terminal failure: Graph's status, error code and message. Not retried within this run. */
  | { ok: false; operation: CloudOperation; httpStatus: number; code: string; message: string };
