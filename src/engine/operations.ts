// What the engine asks the cloud to do, and what it gets back: one outcome per operation. The Entra connector's
// exporter turns these into Graph requests (and splits what Graph limits, such as members per request).

export type CloudObjectType = 'user' | 'group';

/** Attributes an operation may carry that must never be shown or stored (a preview's plan, a run's changes). */
export const SECRET_ATTRIBUTES: ReadonlySet<string> = new Set(['passwordProfile']);

/** A reference to a cloud object: its sourceAnchor (for the engine's records) and its cloud id (for Graph). */
export interface MemberRef {
  anchor: string;
  cloudId: string;
}

export type CloudOperation =
  | { action: 'create'; objectType: CloudObjectType; anchor: string; body: Record<string, unknown> }
  | { action: 'update'; objectType: CloudObjectType; anchor: string; cloudId: string; body: Record<string, unknown> }
  | { action: 'delete'; objectType: CloudObjectType; anchor: string; cloudId: string }
  /**
   * Brings a deleted object back from the tenant's deleted items (users: 30 days), with its old id; under
   * `newUserPrincipalName` when a live object took its UPN meanwhile.
   */
  | { action: 'restore'; objectType: CloudObjectType; anchor: string; cloudId: string; newUserPrincipalName?: string }
  /** `anchor` is the group's; any number of members (the exporter sends them in requests Graph accepts). */
  | { action: 'add-members'; anchor: string; groupId: string; members: MemberRef[] }
  | { action: 'remove-member'; anchor: string; groupId: string; member: MemberRef }
  /** `anchor` is the user's; `manager` null removes the user's manager. */
  | { action: 'set-manager'; anchor: string; userId: string; manager: MemberRef | null };

export type OperationOutcome =
  /**
   * `cloudId` is set for creates; `rejoined` when the object already existed (a create sent before a crash) and was
   * taken back; `deferred` when a create was not carried out and waits for the next cycle, which joins the object by
   * its anchor once someone else created it (a standby installation: the active one creates).
   */
  | { ok: true; operation: CloudOperation; cloudId?: string; rejoined?: boolean; deferred?: boolean }
  /**
   * A terminal failure: Graph's status, error code and message. Not retried within this run. `conflict` names the
   * property whose value another cloud object holds, when that is why (e.g. userPrincipalName).
   */
  | { ok: false; operation: CloudOperation; httpStatus: number; code: string; message: string; conflict?: string };

/** The object type an operation acts on (group for membership changes, user for managers). */
export function objectTypeOf(operation: CloudOperation): CloudObjectType {
  switch (operation.action) {
    case 'add-members':
    case 'remove-member':
      return 'group';
    case 'set-manager':
      return 'user';
    default:
      return operation.objectType;
  }
}
