import { Ber, type BerReader, BerWriter, Control } from 'ldapts';

/** Flags of the request ([MS-ADTS] 3.1.1.3.4.1.3, LDAP_DIRSYNC_*). */
export const ReplicationChangesFlags = {
  /** Return only what the caller may read; lifts the need for the replication rights. */
  objectSecurity: 0x1,
  ancestorsFirstOrder: 0x800,
  publicDataOnly: 0x2000,
  /** Linked values (member) come as added/removed increments instead of the whole list. */
  incrementalValues: 0x80000000,
} as const;

export interface ReplicationChangesControlOptions {
  flags?: number;
  /** Upper bound of one reply in bytes; real AD pages by it, Samba ignores it. */
  maxBytes?: number;
  /** The cookie of the previous reply; empty for "everything from the start". */
  cookie?: Buffer;
}

/**
 * LDAP_SERVER_DIRSYNC_OID, which Microsoft calls the "DirSync control": returns the objects (and attributes) of a
 * naming context changed since the cookie, as replication sees them — hence the "Replicating Directory Changes"
 * right it needs. Named here for that, because "DirSync" is also this product's name.
 *
 * The response value is parsed into this same instance (ldapts hands response controls to the request control with
 * the same OID), so after a search `moreResults` and `cookie` describe the reply.
 */
export class ReplicationChangesControl extends Control {
  static type = '1.2.840.113556.1.4.841';

  flags: number;
  maxBytes: number;
  cookie: Buffer;
  /** Set by the response: the server has more changes; search again with the new cookie. */
  moreResults = false;

  constructor(options: ReplicationChangesControlOptions = {}) {
    // The server refuses a non-critical DirSync control.
    super(ReplicationChangesControl.type, { critical: true });
    this.flags = options.flags ?? 0;
    this.maxBytes = options.maxBytes ?? 1_048_576;
    this.cookie = options.cookie ?? Buffer.alloc(0);
  }

  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    // The flags field is a signed 32-bit INTEGER: INCREMENTAL_VALUES is its sign bit.
    value.writeInt(this.flags | 0);
    value.writeInt(this.maxBytes);
    value.writeBuffer(this.cookie, Ber.OctetString);
    value.endSequence();
    writer.writeBuffer(value.buffer, Ber.OctetString);
  }

  protected override parseControl(reader: BerReader): void {
    if (reader.readSequence() === null) return;
    this.moreResults = (reader.readInt() ?? 0) !== 0;
    reader.readInt(); // unused by the protocol
    this.cookie = reader.readString(Ber.OctetString, true) ?? Buffer.alloc(0);
  }
}
