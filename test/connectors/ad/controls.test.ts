import assert from 'node:assert/strict';
import { Ber, BerReader, BerWriter } from 'ldapts';
import type { Control } from 'ldapts';
import { ReplicationChangesControl, ReplicationChangesFlags } from '../../../src/connectors/ad/controls/replication-changes-control.ts';
import { ExtendedDnControl } from '../../../src/connectors/ad/controls/extended-dn-control.ts';
import { ShowDeletedControl } from '../../../src/connectors/ad/controls/show-deleted-control.ts';

/** Encodes a control as it goes on the wire and splits it back into OID, criticality and value bytes. */
function encode(control: Control): { oid: string; critical: boolean; value: Buffer | undefined } {
  const writer = new BerWriter();
  control.write(writer);
  const reader = new BerReader(writer.buffer);
  reader.readSequence();
  const end = reader.offset + reader.length;
  const oid = reader.readString() ?? '';
  const critical = reader.readBoolean() ?? false;
  const value = reader.offset < end ? (reader.readString(Ber.OctetString, true) ?? undefined) : undefined;
  return { oid, critical, value };
}

describe('AD LDAP controls', () => {
  describe('ReplicationChangesControl (the DirSync control)', () => {
    it('is critical and encodes {flags, maxBytes, cookie} as a BER sequence', () => {
      const control = new ReplicationChangesControl({ flags: ReplicationChangesFlags.objectSecurity, maxBytes: 1000, cookie: Buffer.from('abc') });
      const { oid, critical, value } = encode(control);
      assert.equal(oid, '1.2.840.113556.1.4.841');
      assert.equal(ReplicationChangesControl.type, oid);
      assert.equal(critical, true);
      const reader = new BerReader(value!);
      reader.readSequence();
      assert.equal(reader.readInt(), 1);
      assert.equal(reader.readInt(), 1000);
      assert.deepEqual(reader.readString(Ber.OctetString, true), Buffer.from('abc'));
    });

    it('sends INCREMENTAL_VALUES as the sign bit of a 4-byte INTEGER and an empty cookie as an empty OCTET STRING', () => {
      const { value } = encode(new ReplicationChangesControl({ flags: ReplicationChangesFlags.incrementalValues, maxBytes: 0 }));
      assert.equal(value!.toString('hex'), '300b' + '020480000000' + '020100' + '0400');
    });

    it('parses the response into the instance: moreResults and the new cookie', () => {
      const response = new BerWriter();
      response.startSequence();
      response.writeInt(1);
      response.writeInt(0);
      response.writeBuffer(Buffer.from([0x4d, 0x53, 0x44, 0x53, 0xff]), Ber.OctetString);
      response.endSequence();
      const control = new ReplicationChangesControl({ cookie: Buffer.from('old') });
      control.parse(new BerReader(response.buffer));
      assert.equal(control.moreResults, true);
      assert.deepEqual(control.cookie, Buffer.from([0x4d, 0x53, 0x44, 0x53, 0xff]));
    });

    it('reads moreResults = 0 (what Samba always sends) as false', () => {
      const response = new BerWriter();
      response.startSequence();
      response.writeInt(0);
      response.writeInt(0);
      response.writeBuffer(Buffer.from('c'), Ber.OctetString);
      response.endSequence();
      const control = new ReplicationChangesControl();
      control.moreResults = true;
      control.parse(new BerReader(response.buffer));
      assert.equal(control.moreResults, false);
    });
  });

  it('ShowDeletedControl is critical and carries no value', () => {
    const { oid, critical, value } = encode(new ShowDeletedControl());
    assert.equal(oid, '1.2.840.113556.1.4.417');
    assert.equal(critical, true);
    assert.equal(value, undefined);
  });

  it('ExtendedDnControl asks for the hexadecimal format by default', () => {
    const { oid, value } = encode(new ExtendedDnControl());
    assert.equal(oid, '1.2.840.113556.1.4.529');
    assert.equal(value!.toString('hex'), '3003020100');
    assert.equal(encode(new ExtendedDnControl(1)).value!.toString('hex'), '3003020101');
  });
});
