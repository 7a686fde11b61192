// The vocabulary shared by the connectors, the store and the engine.
// The AD connector produces ImportChanges; the engine maps them to cloud objects, plans and exports.

export type ObjectKind = 'user' | 'group' | 'contact';

/**
 * One in-scope directory object as read from Active Directory.
 * `anchor` is the sourceAnchor: Base64 of the 16 raw bytes of objectGUID (→ onPremisesImmutableId).
 */
export interface SourceObject {
  anchor: string;
  kind: ObjectKind;
  /** Distinguished name at the time of reading (changes on rename or move; the anchor does not). */
  dn: string;
  /**
   * Every attribute read, keyed by its lower-case LDAP name, values as strings
   * (binary attributes other than objectGUID are not carried). Single-valued attributes have one element.
   */
  attributes: Record<string, string[]>;
  /** Anchors of referenced objects, resolved from DN-valued attributes (member, manager). */
  references: {
    /** Complete membership of a group (all ranges read), as anchors. */
    members?: string[];
    /**
     * Instead of `members`, in a delta: the members the group gained and lost since the last import (DirSync's
     * incremental values), so that a one-member change of a 50k-member group reads and writes one member.
     */
    memberChanges?: MemberChanges;
    manager?: string | null;
    /** Anchors of the groups whose member lists hold this object; read for a one-object run only (readObjects). */
    memberOf?: string[];
  };
}

export interface MemberChanges {
  added: string[];
  removed: string[];
}

/**
 * Why the source says an object is gone. 'not-found': read by its GUID and not returned — deleted, or hidden from the
 * account by an ACL: the engine deletes it only once the source confirms it (DirectorySource.confirmDeletions).
 */
export type DeleteReason = 'deleted-in-ad' | 'out-of-scope' | 'not-found';

export type ImportChange = { op: 'upsert'; object: SourceObject } | { op: 'delete'; anchor: string; dn: string; reason: DeleteReason };

/** Where a delta import resumes. Opaque to the engine; only the connector that wrote it reads it. */
export type Watermark = string;
