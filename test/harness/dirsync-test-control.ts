// A minimal DirSync request control for the harness tests only (the product has its own in src/connectors/ad/).
import { Ber, type BerReader, BerWriter, Control } from 'ldapts';

export class TestDirSyncControl extends Control {
  static oid = '1.2.840.113556.1.4.841';
  cookie: Buffer;

  constructor(cookie: Buffer = Buffer.alloc(0)) {
    super(TestDirSyncControl.oid, { critical: true }); // AD refuses it when not critical
    this.cookie = cookie;
  }

  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    value.writeInt(0); // flags
    value.writeInt(1_048_576); // maxBytes
    value.writeBuffer(this.cookie, Ber.OctetString);
    value.endSequence();
    writer.writeBuffer(value.buffer, Ber.OctetString);
  }

  // ldapts hands the response control (same OID) to this instance: keep the new cookie.
  protected override parseControl(reader: BerReader): void {
    if (reader.readSequence() === null) return;
    reader.readInt(); // moreResults: always 0 on Samba
    reader.readInt(); // unused
    this.cookie = reader.readString(Ber.OctetString, true) ?? Buffer.alloc(0);
  }
}
