// What explain and sync --object ask of a directory besides a cycle's reads (one object found and examined), and
// what a listing of the scope returns: one forest's ActiveDirectorySource and the several forests' source answer alike.
import type { ObjectKind, SourceObject } from '../../engine/model.ts';
import type { DeletionCandidate, DeletionVerdictKind, DirectorySource } from '../../engine/ports.ts';
import type { DirectoryIdentity, FoundObject } from './object-finder.ts';

/** An object a listing of the scope found: its anchor and where it is. */
export interface ListedObject {
  anchor: string;
  dn: string;
  kind: ObjectKind;
}

/** One object as the account reads it (explain). */
export interface ObjectExamination {
  /** visible: in scope and returned by a full import; otherwise the verdict its deletion would get. */
  state: 'visible' | DeletionVerdictKind;
  /** Why: the scope rule that keeps it, or the verdict's reason (the rule that leaves it out, the ACL that hides it). */
  reason: string;
  dn: string;
  kind: ObjectKind | undefined;
  /** The object whole (with memberOf), when the account can read it and DirSync synchronises objects of its kind. */
  object: SourceObject | undefined;
}

/** A directory as explain and sync --object ask it: one object found and examined, besides a cycle's reads. */
export interface ObjectDirectory extends DirectorySource {
  /** The account (or accounts, with several forests) the directory is read with. */
  readonly account: string;
  findObject(identity: DirectoryIdentity): Promise<FoundObject>;
  examineObject(candidate: DeletionCandidate): Promise<ObjectExamination>;
  close(): Promise<void>;
}
