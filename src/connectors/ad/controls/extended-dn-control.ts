import { Ber, BerWriter, Control } from 'ldapts';

/**
 * LDAP_SERVER_EXTENDED_DN_OID: DNs (the entry's own and DN-valued attributes such as member and manager)
 * come as `<GUID=…>;<SID=…>;CN=…`, so references resolve to anchors without a lookup per value.
 */
export class ExtendedDnControl extends Control {
  static type = '1.2.840.113556.1.4.529';

  /** 0: GUID and SID in hexadecimal (the raw bytes in order); 1: their usual string forms. */
  format: 0 | 1;

  constructor(format: 0 | 1 = 0) {
    super(ExtendedDnControl.type, { critical: true });
    this.format = format;
  }

  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    value.writeInt(this.format);
    value.endSequence();
    writer.writeBuffer(value.buffer, Ber.OctetString);
  }
}
