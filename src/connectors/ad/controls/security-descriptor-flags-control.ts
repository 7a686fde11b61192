import { Ber, BerWriter, Control } from 'ldapts';

/** Which parts of nTSecurityDescriptor to read or write ([MS-ADTS] 3.1.1.3.4.1.11). */
export const SecurityInformation = {
  owner: 0x1,
  group: 0x2,
  dacl: 0x4,
  sacl: 0x8,
} as const;

/**
 * LDAP_SERVER_SD_FLAGS_OID. Reading only the DACL needs no SACL privilege; writing only the DACL
 * leaves owner, group and SACL as they are.
 */
export class SecurityDescriptorFlagsControl extends Control {
  static type = '1.2.840.113556.1.4.801';

  flags: number;

  constructor(flags: number) {
    super(SecurityDescriptorFlagsControl.type, { critical: true });
    this.flags = flags;
  }

  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    value.writeInt(this.flags);
    value.endSequence();
    writer.writeBuffer(value.buffer, Ber.OctetString);
  }
}
