// What the engine needs from each side. The AD connector and the Entra connector implement these; benchmarks and
// tests can put a synthetic source or an in-memory cloud in front of the same engine.
import { DirSyncError } from '../core/errors.ts';
import type { TenantContext } from './mapping.ts';
import type { DirectoryExtension } from './mapping/attribute-mapping.ts';
import type { ImportChange, ObjectKind, Watermark } from './model.ts';
import type { CloudObjectType, CloudOperation, OperationOutcome } from './operations.ts';

/** A linked object the listing (a full import, or the anchor-only scope listing) did not return. */
export interface DeletionCandidate {
  anchor: string;
  /** DN when last imported. */
  dn: string;
}

/**
 * What the directory says about a candidate when asked by its GUID, which sees more than a listing does: an object
 * the account cannot list may still be read by GUID (Samba), and only a GUID that no longer exists is truly gone.
 * - gone: deleted in AD (no such object, or a tombstone): delete it in the cloud.
 * - out-of-scope: it exists but is no longer synchronised (moved out of the OUs, excluded, filtered out): delete.
 * - hidden: it exists and is in scope, but the account cannot list or read it: never delete; report `reason`.
 * - unconfirmed: looking it up failed: never delete (this cycle); report `reason`.
 */
export type DeletionVerdictKind = 'gone' | 'out-of-scope' | 'hidden' | 'unconfirmed';

export interface DeletionVerdict {
  anchor: string;
  verdict: DeletionVerdictKind;
  /** Where the object is now when it exists and can be read; otherwise the candidate's DN. */
  dn: string;
  /** undefined when it is gone or its kind cannot be read. */
  kind: ObjectKind | undefined;
  /** Why, in words for the administrator. */
  reason: string;
}

/** Where the last listing searched and how many objects each place returned. */
export interface ListingCoverage {
  searchBases: { dn: string; returned: number }[];
  /** Whether `dn` lies under `searchBase`, by the directory's own DN rules. */
  contains(searchBase: string, dn: string): boolean;
}

/**
 * One import's changes and, once they have been read to their end, the watermark the next delta resumes from. Two
 * parts, not an async generator's return value: callers read the changes with for-await (which drops a return
 * value), in chunks, and need the watermark only later (a cycle commits it last, after its exports).
 */
export interface DirectoryImport {
  /** Read once. */
  readonly changes: AsyncIterable<ImportChange>;
  /** Throws until `changes` has been read to its end: a watermark taken early would skip the changes not read. */
  watermark(): Watermark;
}

export interface DirectorySource {
  /** Every in-scope object, as upserts. */
  fullImport(): DirectoryImport;
  /**
   * Changes since the watermark. Reading them throws a DirSyncError ActiveDirectory.watermark-rejected
   * (isWatermarkRejected) when the directory no longer honours the watermark: a full import is needed.
   */
  deltaImport(watermark: Watermark): DirectoryImport;
  /**
   * The given objects as they are now (upsert, or delete when gone or out of scope): retries of failed exports, and
   * a one-object run, which also asks for the groups each object is a member of (`references.memberOf`).
   */
  readObjects(anchors: readonly string[], options?: { memberOf?: boolean }): AsyncIterable<ImportChange>;
  /** Anchor and DN of every object in scope, and nothing else: finds deletions a delta cannot see. */
  listScope(): AsyncIterable<DeletionCandidate>;
  /** Where the last full import or scope listing searched. */
  coverage(): ListingCoverage | undefined;
  /** Asks the directory about each candidate by its GUID; one verdict per candidate. */
  confirmDeletions(candidates: readonly DeletionCandidate[]): AsyncIterable<DeletionVerdict>;
  /** Present when the source reads several directories side by side (forests): the cycle counts and reports per part. */
  readonly parts?: SourceParts;
}

/**
 * The parts of a source made of several directories (the forests of one installation). A part that cannot be read
 * contributes no deletion — its source answers 'unconfirmed' for its objects — and the cycle reports it by name,
 * while the other parts are synchronised.
 */
export interface SourceParts {
  /** The part holding the object with this DN; undefined when none does. */
  partOf(dn: string): string | undefined;
  /** Every part, in the order read, and how reading it went this cycle. */
  outcomes(): SourcePartOutcome[];
}

export interface SourcePartOutcome {
  name: string;
  /** Why the part could not be read (wholly or in part) this cycle; undefined when it was read. */
  problem: DirSyncError | undefined;
  /** What reading it found worth reporting object by object (a group member that cannot be resolved): never an error of the cycle. */
  notices: string[];
}

/** The directory refused the stored watermark (expired cookie, restored DC…): the engine runs a full import instead. */
export function isWatermarkRejected(error: unknown): error is DirSyncError {
  return error instanceof DirSyncError && error.code === 'ActiveDirectory.watermark-rejected';
}

export interface SoftMatchCandidate {
  anchor: string;
  primarySmtpAddress: string | undefined;
  /** The UPN as AD has it; undefined when DirSync had to rewrite it (an unverified suffix), which must never match. */
  userPrincipalName: string | undefined;
}

export interface CloudTarget {
  /**
   * The tenant's domains, and the full names of the directory extension properties the mapping writes (registered on
   * DirSync's application if missing and the run may write to the cloud; named as they will be otherwise).
   */
  tenant(extensions: readonly DirectoryExtension[]): Promise<TenantContext>;
  /** Hard match: cloud objects already carrying these anchors → anchor → cloud id. */
  findByAnchors(objectType: CloudObjectType, anchors: readonly string[]): Promise<Map<string, string>>;
  /**
   * Soft match: for each candidate, the cloud users without an anchor whose primary SMTP address (then UPN) equals
   * the candidate's (more than one means no match). Never returns a user holding an administrator role.
   * → anchor → cloud id.
   */
  findSoftMatches(candidates: readonly SoftMatchCandidate[]): Promise<Map<string, string>>;
  /** Which of these UPNs a cloud user holds now, lower-case (a user waiting on a placeholder UPN asks, see upn-clash.ts). */
  takenUserPrincipalNames(userPrincipalNames: readonly string[]): Promise<Set<string>>;
  /**
   * What changed in the tenant since `from` (Graph's delta query): every user and group when `from` is undefined or
   * no longer honoured, else only what changed — whoever changed it; with 'now', nothing but where to start from (when
   * DirSync owns nothing yet, there is nothing to compare). `tracked`: the properties compared.
   */
  cloudChanges(from: CloudDeltaLinks | 'now' | undefined, tracked: TrackedProperties): CloudChangeRound;
}

/** Where the tenant's change tracking resumes, one link per collection (opaque to the engine). */
export interface CloudDeltaLinks {
  users: string;
  groups: string;
}

/** The cloud properties whose changes a cycle compares with what it exported, per object type. */
export type TrackedProperties = Record<CloudObjectType, readonly string[]>;

/** One user or group as a round of the tenant's change tracking reports it. */
export type CloudChange =
  | {
      kind: 'present';
      objectType: CloudObjectType;
      id: string;
      /** The tracked properties it reports: all of them in a complete round, those that changed otherwise. */
      attributes: Record<string, unknown>;
      /** Every object of the round is reported whole (a first round, or one that started over). */
      complete: boolean;
      /** A user's manager (cloud id; null: none) when the round says; undefined: unchanged. */
      manager?: string | null;
      /** A group's members added and removed (cloud ids); in a complete round `added` is every member. */
      members?: { added: string[]; removed: string[] };
    }
  /** Deleted in the cloud: `restorable` while it is in the tenant's deleted items (users: 30 days). */
  | { kind: 'removed'; objectType: CloudObjectType; id: string; restorable: boolean };

export interface CloudChangeRound {
  /** Read once. */
  readonly changes: AsyncIterable<CloudChange>;
  /** The object types whose round listed every object (missing ones are gone): known once `changes` is read. */
  completeTypes(): ReadonlySet<CloudObjectType>;
  /** Where the next round resumes: known once `changes` has been read to its end. */
  resumeAt(): CloudDeltaLinks;
}

/** Where planned operations go: the Graph exporter, or the plan recorder of a preview run. */
export interface OperationSink {
  apply(operations: readonly CloudOperation[]): AsyncIterable<OperationOutcome>;
}
