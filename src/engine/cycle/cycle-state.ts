// Everything one cycle learns as it goes, in one explicit object the phases share: what it counted, what failed,
// what waits for a later phase (deletes, memberships, managers), and what it planned.
import type { Reporter } from '../../core/reporter.ts';
import type { CloudAttributes, TenantContext } from '../mapping.ts';
import type { AttributeMapping } from '../mapping/attribute-mapping.ts';
import type { ObjectKind } from '../model.ts';
import type { CloudOperation } from '../operations.ts';
import type { MemberRef } from '../operations.ts';
import type { ObjectError, ObjectLink, RunCounts, RunHistoryMode, RunWork } from '../state-store.ts';

/** An operation a run lists as its plan (a preview's, a standby's). */
/** Where a user's link keeps the anchor of the manager last exported (references are kept by anchor). */
export const MANAGER_KEY = 'manager';

/** An operation a run lists as its plan (a preview's, a standby's). */
export interface PlannedOperation {
  action: CloudOperation['action'];
  anchor: string;
  dn: string;
  objectType: 'user' | 'group';
  /** The attributes a create or update sets (names; `values` has old → new). */
  changes?: string[];
  values?: { attribute: string; old: unknown; new: unknown }[];
  /** Why a delete: deleted in AD, moved out of scope, filtered. */
  reason?: string;
  /** The operation itself, without its secrets (a user's generated password): what a saved plan holds. */
  operation: CloudOperation;
}

/** A delete the cycle did not export, and why (the threshold, an empty part of the directory, an object hidden by ACLs). */
export interface WithheldDelete {
  anchor: string;
  dn: string;
  objectType: ObjectKind | 'membership';
  reason: string;
}

/** A delete the directory confirmed (a tombstone, a re-read, a GUID lookup), waiting for the deletes phase. */
export interface PendingDelete {
  dn: string;
  reason: string;
  /** Read by GUID and not found: deleted, or merely hidden from the account; confirmed before it is deleted. */
  unconfirmed?: true;
}

/** What the cycle knows about an object it sends an operation for. */
export interface OperationContext {
  dn: string;
  kind: ObjectKind;
  /** The full attribute set wanted in the cloud: what the link records as exported once the operation succeeds. */
  desired?: CloudAttributes;
  /** The mapping's onCreate values: sent when the object is created (or created again), never compared. */
  createOnly?: CloudAttributes;
  /** The attributes last exported (the link's), for the old values of the run's changes. */
  previous?: CloudAttributes;
  lastSeenRunId?: number | null;
  /** The manager (anchor) last exported for a user: kept in its link until the manager step changes it. */
  exportedManager?: string | null;
  /** The object's link, for operations on references (set-manager) that update it. */
  link?: ObjectLink;
  /** Why the object is deleted, for a delete. */
  reason?: string;
  /** The object is coming back (comebacks.ts): returning to scope, or gone from the cloud. */
  comeback?: 'returning' | 'missing' | undefined;
  /** The cloud id it was restored from, for the update that follows a restore. */
  restoredFrom?: string;
}

/** A user in the cloud under a placeholder UPN because another cloud object holds its own (see upn-clash.ts). */
export interface UpnClash {
  anchor: string;
  dn: string;
  /** The UPN the user should have. */
  userPrincipalName: string;
  placeholder: string;
}

/** A difference between what DirSync last exported and what the cloud holds (cloud-drift.ts). */
export interface DriftEntry {
  anchor: string;
  dn: string;
  kind: ObjectKind;
  /** The property (`onPremisesExtensionAttributes.extensionAttribute3`), `manager`, `members`, or `deleted`. */
  attribute: string;
  cloudValue: unknown;
  /** What AD says: the value DirSync last exported until the cycle sends AD's current one (then that). */
  adValue: unknown;
  /** What the ledger records for the cloud's value, where it differs from `cloudValue` (a manager's anchor). */
  ledgerValue?: unknown;
  /** The member the cloud gained (its anchor; a cloud-only member's from cloudOnlyMember()). */
  memberAdded?: string;
  /** The member the cloud lost. */
  memberRemoved?: string;
}

/** A cloud object DirSync owns that is gone from the cloud: restored from the deleted items, or created again. */
export interface CloudMissing {
  cloudId: string;
  /** In the deleted items (a soft-deleted user); false: deleted for good (a security group), created again. */
  restorable: boolean;
}

/** A member to take out of a group: held until the deletes phase, which guards removals like deletes. */
export interface MemberRemoval {
  groupAnchor: string;
  groupId: string;
  groupDn: string;
  member: MemberRef;
}

export class CycleState {
  mode: 'full' | 'delta' | 'object';
  runId = 0;
  tenant!: TenantContext;
  readonly mapping: AttributeMapping;
  readonly startedAt: Date;
  readonly reporter: Reporter;
  readonly counts: RunCounts = emptyCounts();
  readonly errors: ObjectError[] = [];
  readonly plan: PlannedOperation[] = [];
  readonly withheld: WithheldDelete[] = [];
  readonly deletes = new Map<string, PendingDelete>();
  /** Groups whose membership must be reconciled once every object of the cycle exists: anchor → member anchors. */
  readonly groupMembers = new Map<string, string[]>();
  /** Groups read as increments (a delta's DirSync values): anchor → members gained and lost, to reconcile likewise. */
  readonly groupMemberChanges = new Map<string, { added: Set<string>; removed: Set<string> }>();
  /** Groups the delta read as increments but the store has no membership of yet: re-read whole after the delta. */
  readonly groupsToReadWhole = new Set<string>();
  /** Users whose manager must be set once every object of the cycle exists: anchor → manager anchor (null: none). */
  readonly managers = new Map<string, string | null>();
  /** Objects counted as unchanged so far (anchor → DN): a membership or manager change moves them to updated. */
  readonly unchangedObjects = new Map<string, string>();
  readonly memberRemovals: MemberRemoval[] = [];
  /** Groups the cycle would empty entirely, with how many members they had: a signal that `member` was not read. */
  readonly emptiedGroups: { dn: string; members: number }[] = [];
  readonly notExportableReasons = new Map<string, number>();
  readonly notices: string[] = [];
  /** Objects on the retry queue when the cycle started; those its own import carried; those that failed again. */
  queuedRetries = new Set<string>();
  readonly importedRetries = new Set<string>();
  readonly failedAnchors = new Set<string>();
  /** Groups queued for the next cycle because members they should hold are still to be created. */
  readonly requeuedGroups = new Set<string>();
  /** Users on a placeholder UPN: reported, and kept on the retry queue so that each cycle tries their real UPN. */
  readonly upnClashes: UpnClash[] = [];
  /** Drift seen in the cloud this cycle, by anchor; what was sent back to AD's values moves to `reverted`. */
  readonly drift = new Map<string, DriftEntry[]>();
  readonly reverted: DriftEntry[] = [];
  readonly revertedObjects = new Set<string>();
  /** Objects to read from AD once the import is done, unless the import carried them (drift to revert). */
  readonly rereads = new Set<string>();
  /** Owned objects gone from the cloud: restored (restorable) or created again (their link is forgotten). */
  readonly cloudMissing = new Map<string, CloudMissing>();
  /** The deletes phase has run: a UPN clash from now on takes a placeholder rather than waiting for a delete. */
  deletesDone = false;
  /** Creates refused because another object holds their UPN: tried again after the deletes phase, which may free it. */
  readonly createsAfterDeletes: { operation: CloudOperation & { action: 'create' }; context: OperationContext }[] = [];
  /**
   * Soft matches found so far, by anchor: joined once the whole import is read (join.ts), so that a cloud user two
   * AD objects claim in one cycle matches neither, however far apart the import reads them (two forests).
   */
  readonly softMatches = new Map<string, { operation: CloudOperation & { action: 'update' }; context: OperationContext }>();
  /** Creates the sink deferred (a standby's): queued for the next cycle, which joins them by anchor. */
  readonly deferredCreates = new Set<string>();
  imported = 0;
  exported = 0;
  /** The counts of each part of a source read in parts (forests), by the part's name; empty otherwise. */
  readonly countsByPart = new Map<string, RunCounts>();

  readonly #historyMode: (work: RunWork) => RunHistoryMode;
  readonly #partOf: (dn: string) => string | undefined;

  constructor(options: {
    mode: 'full' | 'delta' | 'object';
    historyMode: (work: RunWork) => RunHistoryMode;
    startedAt: Date;
    reporter: Reporter;
    /** Which part of the source an object belongs to, for a source read in parts. */
    partOf?: (dn: string) => string | undefined;
    mapping: AttributeMapping;
  }) {
    this.mode = options.mode;
    this.mapping = options.mapping;
    this.#historyMode = options.historyMode;
    this.startedAt = options.startedAt;
    this.reporter = options.reporter;
    this.#partOf = options.partOf ?? (() => undefined);
  }

  /** Counts one object (by its DN) in the run's counts and in its part's. */
  count(field: keyof RunCounts, dn: string, by = 1): void {
    this.counts[field] += by;
    const part = this.#partOf(dn);
    if (part === undefined) return;
    let counts = this.countsByPart.get(part);
    if (counts === undefined) {
      counts = emptyCounts();
      this.countsByPart.set(part, counts);
    }
    counts[field] += by;
  }

  get runMode(): RunHistoryMode {
    return this.#historyMode(this.mode);
  }

  recordError(anchor: string, dn: string, code: string, message: string): void {
    this.count('errors', dn);
    this.errors.push({ anchor, dn, code, message });
    this.reporter.warning(`Export failed for ${dn || anchor}: ${code}: ${message}`);
  }

  /** An object whose only change is a reference (members, manager) counts as updated, not unchanged. */
  countReferenceChange(anchor: string): void {
    const dn = this.unchangedObjects.get(anchor);
    if (dn !== undefined && this.unchangedObjects.delete(anchor)) {
      this.count('unchanged', dn, -1);
      this.count('updated', dn);
    }
  }

  countNotExportable(dn: string, reason: string): void {
    this.count('notExportable', dn);
    this.notExportableReasons.set(reason, (this.notExportableReasons.get(reason) ?? 0) + 1);
    this.reporter.verbose(`Not exportable: ${dn}: ${reason}.`);
  }
}

export function emptyCounts(): RunCounts {
  return { added: 0, updated: 0, deleted: 0, unchanged: 0, errors: 0, notExportable: 0, reverted: 0, restored: 0 };
}
