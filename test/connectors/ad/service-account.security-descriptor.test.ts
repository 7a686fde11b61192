import assert from 'node:assert/strict';
import {
  AceFlags,
  AceType,
  controlAccessRight,
  grantControlAccessRight,
  guidFromBytes,
  guidToBytes,
  parseSecurityDescriptor,
  revokeControlAccessRight,
  serializeSecurityDescriptor,
  type AccessAce,
  type SecurityDescriptor,
} from '../../../src/connectors/ad/security-descriptor.ts';

// S-1-5-32-544 (BUILTIN\Administrators), S-1-5-18 (SYSTEM), S-1-5-21-1-2-3-1104 (a domain user).
const administrators = Buffer.from('01020000000000052000000020020000', 'hex');
const system = Buffer.from('010100000000000512000000', 'hex');
const domainUser = Buffer.from('010500000000000515000000010000000200000003000000' + '50040000', 'hex');
const getChanges = '1131f6aa-9c07-11d1-f79f-00c04fc2dcd2';
const userClass = 'bf967aba-0de6-11d0-a285-00aa003049e2';

function sampleDescriptor(): SecurityDescriptor {
  return {
    control: 0x8c14, // self-relative, DACL auto-inherited + present, SACL present
    owner: administrators,
    group: system,
    sacl: {
      revision: 4,
      aces: [{ type: AceType.systemAuditObject, flags: 0x40 | 0x02, mask: 0x20, sid: administrators, inheritedObjectType: guidToBytes(userClass) }],
    },
    dacl: {
      revision: 4,
      aces: [
        { type: AceType.accessDenied, flags: 0, mask: 0x10000, sid: domainUser },
        { type: AceType.accessAllowedObject, flags: 0, mask: controlAccessRight, sid: domainUser, objectType: guidToBytes(getChanges) },
        { type: AceType.accessAllowed, flags: AceFlags.inherited, mask: 0xf01ff, sid: system },
        // A kind this codec does not interpret (mandatory label: mask + S-1-16-8192): carried as bytes.
        { type: 0x11, flags: 0, body: Buffer.from('01000000' + '010100000000001000200000', 'hex') },
      ],
    },
  };
}

describe('security descriptor codec ([MS-DTYP] self-relative form)', () => {
  it('writes GUIDs in the mixed-endian byte order AD stores, and reads them back', () => {
    assert.equal(guidToBytes(getChanges).toString('hex'), 'aaf63111079cd111f79f00c04fc2dcd2');
    assert.equal(guidFromBytes(guidToBytes(getChanges)), getChanges);
    assert.throws(() => guidToBytes('not-a-guid'), /not a GUID/);
  });

  it('round-trips owner, group, SACL and DACL with basic, object and unknown ACEs', () => {
    const descriptor = sampleDescriptor();
    const bytes = serializeSecurityDescriptor(descriptor);
    assert.deepEqual(parseSecurityDescriptor(bytes), descriptor);
    assert.ok(serializeSecurityDescriptor(parseSecurityDescriptor(bytes)).equals(bytes));
  });

  it('writes a DACL-only descriptor with owner and group offsets 0 and the PRESENT bits it needs', () => {
    const bytes = serializeSecurityDescriptor({ control: 0, owner: undefined, group: undefined, sacl: undefined, dacl: sampleDescriptor().dacl });
    assert.equal(bytes.readUInt16LE(2), 0x8004);
    assert.deepEqual([bytes.readUInt32LE(4), bytes.readUInt32LE(8), bytes.readUInt32LE(12), bytes.readUInt32LE(16)], [0, 0, 0, 20]);
    assert.deepEqual(parseSecurityDescriptor(bytes).dacl, sampleDescriptor().dacl);
  });

  it('rejects truncated or non-self-relative input instead of misreading it', () => {
    const bytes = serializeSecurityDescriptor(sampleDescriptor());
    assert.throws(() => parseSecurityDescriptor(bytes.subarray(0, bytes.length - 3)), /malformed security descriptor/);
    const absolute = Buffer.from(bytes);
    absolute.writeUInt16LE(0x0004, 2);
    assert.throws(() => parseSecurityDescriptor(absolute), /not self-relative/);
  });

  describe('granting an extended right', () => {
    it('adds one ACCESS_ALLOWED_OBJECT_ACE after the explicit ACEs and before the inherited ones', () => {
      const dacl = sampleDescriptor().dacl!;
      const right = '1131f6ad-9c07-11d1-f79f-00c04fc2dcd2';
      assert.equal(grantControlAccessRight(dacl, domainUser, right), true);
      assert.equal(dacl.aces.length, 5);
      const added = dacl.aces[2] as AccessAce;
      assert.deepEqual(added, {
        type: AceType.accessAllowedObject,
        flags: 0,
        mask: controlAccessRight,
        sid: domainUser,
        objectType: guidToBytes(right),
      });
      assert.equal(dacl.aces[3]!.flags & AceFlags.inherited, AceFlags.inherited);
    });

    it('leaves the DACL alone when the grant is already there', () => {
      const dacl = sampleDescriptor().dacl!;
      assert.equal(grantControlAccessRight(dacl, domainUser, getChanges), false);
      assert.deepEqual(dacl, sampleDescriptor().dacl);
    });

    it('does not count an inherit-only ACE as a grant on the object itself', () => {
      const dacl = {
        revision: 2,
        aces: [
          {
            type: AceType.accessAllowedObject,
            flags: AceFlags.inheritOnly | 0x02,
            mask: controlAccessRight,
            sid: domainUser,
            objectType: guidToBytes(getChanges),
          },
        ],
      };
      assert.equal(grantControlAccessRight(dacl, domainUser, getChanges), true);
      assert.equal(dacl.aces.length, 2);
      assert.equal(dacl.revision, 4, 'object ACEs need ACL_REVISION_DS');
    });
  });

  describe('revoking an extended right', () => {
    it('removes only the explicit grant of that right to that SID', () => {
      const dacl = sampleDescriptor().dacl!;
      const inheritedGrant: AccessAce = {
        type: AceType.accessAllowedObject,
        flags: AceFlags.inherited,
        mask: controlAccessRight,
        sid: domainUser,
        objectType: guidToBytes(getChanges),
      };
      const otherSidGrant: AccessAce = {
        type: AceType.accessAllowedObject,
        flags: 0,
        mask: controlAccessRight,
        sid: administrators,
        objectType: guidToBytes(getChanges),
      };
      dacl.aces.push(inheritedGrant);
      dacl.aces.splice(1, 0, otherSidGrant);
      const expected = dacl.aces.filter((_, index) => index !== 2);
      assert.equal(revokeControlAccessRight(dacl, domainUser, getChanges), 1);
      assert.deepEqual(dacl.aces, expected);
      assert.equal(revokeControlAccessRight(dacl, domainUser, getChanges), 0);
    });
  });
});
