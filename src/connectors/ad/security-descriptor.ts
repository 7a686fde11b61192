// Self-relative security descriptors (nTSecurityDescriptor) as [MS-DTYP] 2.4.6 lays them out, and the
// GUID byte order of [MS-DTYP] 2.3.4.2 used by object ACEs.

/** SECURITY_DESCRIPTOR control bits this code relies on ([MS-DTYP] 2.4.6). */
export const SecurityDescriptorControl = {
  daclPresent: 0x0004,
  daclDefaulted: 0x0008,
  saclPresent: 0x0010,
  daclAutoInherited: 0x0400,
  daclProtected: 0x1000,
  selfRelative: 0x8000,
} as const;

export const AceType = {
  accessAllowed: 0x00,
  accessDenied: 0x01,
  systemAudit: 0x02,
  accessAllowedObject: 0x05,
  accessDeniedObject: 0x06,
  systemAuditObject: 0x07,
} as const;

export const AceFlags = {
  inherited: 0x10,
  inheritOnly: 0x08,
} as const;

/** ADS_RIGHT_DS_CONTROL_ACCESS: an extended right, named by the ACE's object type. */
export const controlAccessRight = 0x100;

const objectTypePresent = 0x1;
const inheritedObjectTypePresent = 0x2;

/** An ACE with a mask and a SID (access allowed/denied, audit), with object types for the *_OBJECT_* kinds. */
export interface AccessAce {
  type: number;
  flags: number;
  mask: number;
  sid: Buffer;
  /** Object ACEs only: the right, property or class the ACE is about (16 bytes, [MS-DTYP] order). */
  objectType?: Buffer;
  inheritedObjectType?: Buffer;
}

/** Any other ACE kind (callback, mandatory label…): carried through untouched. */
export interface OpaqueAce {
  type: number;
  flags: number;
  body: Buffer;
}

export type Ace = AccessAce | OpaqueAce;

export interface Acl {
  revision: number;
  aces: Ace[];
}

export interface SecurityDescriptor {
  control: number;
  owner: Buffer | undefined;
  group: Buffer | undefined;
  sacl: Acl | undefined;
  dacl: Acl | undefined;
}

export function isAccessAce(ace: Ace): ace is AccessAce {
  return 'mask' in ace;
}

const basicAceTypes = new Set<number>([AceType.accessAllowed, AceType.accessDenied, AceType.systemAudit]);
const objectAceTypes = new Set<number>([AceType.accessAllowedObject, AceType.accessDeniedObject, AceType.systemAuditObject]);
const headerSize = 20;
const aclHeaderSize = 8;
const aceHeaderSize = 4;

class MalformedSecurityDescriptorError extends Error {
  constructor(detail: string) {
    super(`malformed security descriptor: ${detail}`);
    this.name = 'MalformedSecurityDescriptorError';
  }
}

function sidLength(buffer: Buffer, offset: number): number {
  if (offset + 8 > buffer.length) throw new MalformedSecurityDescriptorError(`SID at ${offset} runs past the end`);
  const length = 8 + 4 * buffer.readUInt8(offset + 1);
  if (offset + length > buffer.length) throw new MalformedSecurityDescriptorError(`SID at ${offset} runs past the end`);
  return length;
}

function readSid(buffer: Buffer, offset: number): Buffer {
  return Buffer.from(buffer.subarray(offset, offset + sidLength(buffer, offset)));
}

function parseAce(buffer: Buffer, offset: number): { ace: Ace; size: number } {
  const type = buffer.readUInt8(offset);
  const flags = buffer.readUInt8(offset + 1);
  const size = buffer.readUInt16LE(offset + 2);
  if (size < aceHeaderSize || offset + size > buffer.length) throw new MalformedSecurityDescriptorError(`ACE at ${offset} has size ${size}`);
  const end = offset + size;
  const opaque = (): { ace: Ace; size: number } => ({ ace: { type, flags, body: Buffer.from(buffer.subarray(offset + aceHeaderSize, end)) }, size });
  let position = offset + aceHeaderSize;
  if (!basicAceTypes.has(type) && !objectAceTypes.has(type)) return opaque();
  const mask = buffer.readUInt32LE(position);
  position += 4;
  const ace: AccessAce = { type, flags, mask, sid: Buffer.alloc(0) };
  if (objectAceTypes.has(type)) {
    const objectFlags = buffer.readUInt32LE(position);
    position += 4;
    if (objectFlags & objectTypePresent) {
      ace.objectType = Buffer.from(buffer.subarray(position, position + 16));
      position += 16;
    }
    if (objectFlags & inheritedObjectTypePresent) {
      ace.inheritedObjectType = Buffer.from(buffer.subarray(position, position + 16));
      position += 16;
    }
  }
  ace.sid = readSid(buffer, position);
  // Trailing bytes (application data, padding) would be lost by re-encoding: keep such an ACE whole.
  return position + ace.sid.length === end ? { ace, size } : opaque();
}

function parseAcl(buffer: Buffer, offset: number): Acl {
  if (offset + aclHeaderSize > buffer.length) throw new MalformedSecurityDescriptorError(`ACL at ${offset} runs past the end`);
  const revision = buffer.readUInt8(offset);
  const size = buffer.readUInt16LE(offset + 2);
  const count = buffer.readUInt16LE(offset + 4);
  if (offset + size > buffer.length) throw new MalformedSecurityDescriptorError(`ACL at ${offset} has size ${size}`);
  const aces: Ace[] = [];
  let position = offset + aclHeaderSize;
  for (let index = 0; index < count; index++) {
    const parsed = parseAce(buffer, position);
    aces.push(parsed.ace);
    position += parsed.size;
  }
  return { revision, aces };
}

/** Parses a self-relative SECURITY_DESCRIPTOR, e.g. an nTSecurityDescriptor value. */
export function parseSecurityDescriptor(buffer: Buffer): SecurityDescriptor {
  if (buffer.length < headerSize || buffer.readUInt8(0) !== 1) throw new MalformedSecurityDescriptorError('not a revision 1 descriptor');
  const control = buffer.readUInt16LE(2);
  if (!(control & SecurityDescriptorControl.selfRelative)) throw new MalformedSecurityDescriptorError('not self-relative');
  const at = (field: number) => buffer.readUInt32LE(4 + 4 * field);
  const [ownerOffset, groupOffset, saclOffset, daclOffset] = [at(0), at(1), at(2), at(3)];
  return {
    control,
    owner: ownerOffset ? readSid(buffer, ownerOffset) : undefined,
    group: groupOffset ? readSid(buffer, groupOffset) : undefined,
    sacl: saclOffset && control & SecurityDescriptorControl.saclPresent ? parseAcl(buffer, saclOffset) : undefined,
    dacl: daclOffset && control & SecurityDescriptorControl.daclPresent ? parseAcl(buffer, daclOffset) : undefined,
  };
}

function serializeAce(ace: Ace): Buffer {
  let body: Buffer;
  if (isAccessAce(ace)) {
    const mask = Buffer.alloc(4);
    mask.writeUInt32LE(ace.mask >>> 0);
    const parts: Buffer[] = [mask];
    if (objectAceTypes.has(ace.type)) {
      const objectFlags = Buffer.alloc(4);
      objectFlags.writeUInt32LE((ace.objectType ? objectTypePresent : 0) | (ace.inheritedObjectType ? inheritedObjectTypePresent : 0));
      parts.push(objectFlags, ...(ace.objectType ? [ace.objectType] : []), ...(ace.inheritedObjectType ? [ace.inheritedObjectType] : []));
    }
    body = Buffer.concat([...parts, ace.sid]);
  } else {
    body = ace.body;
  }
  const header = Buffer.alloc(aceHeaderSize);
  header.writeUInt8(ace.type, 0);
  header.writeUInt8(ace.flags, 1);
  header.writeUInt16LE(aceHeaderSize + body.length, 2);
  return Buffer.concat([header, body]);
}

function serializeAcl(acl: Acl): Buffer {
  const aces = acl.aces.map(serializeAce);
  const header = Buffer.alloc(aclHeaderSize);
  header.writeUInt8(acl.revision, 0);
  header.writeUInt16LE(aclHeaderSize + aces.reduce((sum, ace) => sum + ace.length, 0), 2);
  header.writeUInt16LE(aces.length, 4);
  return Buffer.concat([header, ...aces]);
}

/**
 * Serialises to the self-relative form, parts in the order Windows writes them (SACL, DACL, owner,
 * group). Absent parts get offset 0; the PRESENT bits follow the ACLs given.
 */
export function serializeSecurityDescriptor(descriptor: SecurityDescriptor): Buffer {
  const header = Buffer.alloc(headerSize);
  const parts: Buffer[] = [header];
  let offset = headerSize;
  const place = (field: number, bytes: Buffer | undefined) => {
    if (!bytes) return;
    header.writeUInt32LE(offset, 4 + 4 * field);
    parts.push(bytes);
    offset += bytes.length;
  };
  place(2, descriptor.sacl && serializeAcl(descriptor.sacl));
  place(3, descriptor.dacl && serializeAcl(descriptor.dacl));
  place(0, descriptor.owner);
  place(1, descriptor.group);
  let control = descriptor.control | SecurityDescriptorControl.selfRelative;
  control = descriptor.sacl ? control | SecurityDescriptorControl.saclPresent : control & ~SecurityDescriptorControl.saclPresent;
  control = descriptor.dacl ? control | SecurityDescriptorControl.daclPresent : control & ~SecurityDescriptorControl.daclPresent;
  header.writeUInt8(1, 0);
  header.writeUInt16LE(control, 2);
  return Buffer.concat(parts);
}

/** '1131f6aa-9c07-11d1-f79f-00c04fc2dcd2' → its 16 bytes as stored (first three fields little-endian). */
export function guidToBytes(guid: string): Buffer {
  const match = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i.exec(guid);
  if (!match) throw new Error(`not a GUID: ${guid}`);
  const bytes = Buffer.alloc(16);
  bytes.writeUInt32LE(Number.parseInt(match[1]!, 16), 0);
  bytes.writeUInt16LE(Number.parseInt(match[2]!, 16), 4);
  bytes.writeUInt16LE(Number.parseInt(match[3]!, 16), 6);
  Buffer.from(match[4]! + match[5]!, 'hex').copy(bytes, 8);
  return bytes;
}

/** The inverse of guidToBytes: the string form AD tools show, e.g. for objectGUID. */
export function guidFromBytes(bytes: Buffer): string {
  if (bytes.length !== 16) throw new Error(`a GUID has 16 bytes, got ${bytes.length}`);
  const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');
  const tail = bytes.subarray(8).toString('hex');
  return [hex(bytes.readUInt32LE(0), 8), hex(bytes.readUInt16LE(4), 4), hex(bytes.readUInt16LE(6), 4), tail.slice(0, 4), tail.slice(4)].join('-');
}

/**
 * Adds an explicit ACCESS_ALLOWED_OBJECT_ACE granting the extended right `rightGuid` to `sid`, unless an
 * effective explicit or inherited grant is already there. Returns whether the DACL changed. The ACE goes
 * after the explicit ACEs and before the inherited ones, keeping the DACL in canonical order.
 */
export function grantControlAccessRight(dacl: Acl, sid: Buffer, rightGuid: string): boolean {
  const right = guidToBytes(rightGuid);
  const granted = dacl.aces.some(
    (ace) =>
      isAccessAce(ace) &&
      ace.type === AceType.accessAllowedObject &&
      (ace.mask & controlAccessRight) !== 0 &&
      !(ace.flags & AceFlags.inheritOnly) &&
      ace.sid.equals(sid) &&
      ace.objectType?.equals(right),
  );
  if (granted) return false;
  const firstInherited = dacl.aces.findIndex((ace) => (ace.flags & AceFlags.inherited) !== 0);
  const ace: AccessAce = { type: AceType.accessAllowedObject, flags: 0, mask: controlAccessRight, sid, objectType: right };
  dacl.aces.splice(firstInherited === -1 ? dacl.aces.length : firstInherited, 0, ace);
  // Object ACEs need ACL_REVISION_DS.
  dacl.revision = Math.max(dacl.revision, 4);
  return true;
}

/**
 * Removes the explicit ACCESS_ALLOWED_OBJECT_ACEs granting the extended right `rightGuid` to `sid`; every other
 * ACE (other SIDs, other rights, inherited ones) stays as it is. Returns how many were removed.
 */
export function revokeControlAccessRight(dacl: Acl, sid: Buffer, rightGuid: string): number {
  const right = guidToBytes(rightGuid);
  const kept = dacl.aces.filter(
    (ace) =>
      !(
        isAccessAce(ace) &&
        ace.type === AceType.accessAllowedObject &&
        !(ace.flags & AceFlags.inherited) &&
        ace.sid.equals(sid) &&
        ace.objectType?.equals(right)
      ),
  );
  const removed = dacl.aces.length - kept.length;
  dacl.aces = kept;
  return removed;
}
