// The replication right the DirSync control needs, granted to (and taken from) the service account on the domain
// root's DACL: the one change DirSync makes to a domain's permissions.
import { Attribute, Change, type Client } from 'ldapts';
import { DirSyncError } from '../../core/errors.ts';
import { SecurityDescriptorFlagsControl, SecurityInformation } from './controls/security-descriptor-flags-control.ts';
import {
  type Acl,
  grantControlAccessRight,
  parseSecurityDescriptor,
  revokeControlAccessRight,
  SecurityDescriptorControl,
  serializeSecurityDescriptor,
} from './security-descriptor.ts';
import { firstBuffer } from './values.ts';

/**
 * The replication rights ([MS-ADTS] 5.1.3.2.1). The DirSync control needs getChanges only. getChangesAll adds the
 * secret attributes (password hashes, with getChanges exactly what DCSync needs): never granted; an earlier
 * version did, so it is taken away from the account DirSync manages.
 */
export const ReplicationRights = {
  getChanges: '1131f6aa-9c07-11d1-f79f-00c04fc2dcd2',
  getChangesAll: '1131f6ad-9c07-11d1-f79f-00c04fc2dcd2',
} as const;

/** Grants `sid` "Replicating Directory Changes" and takes away a "Changes All" an earlier version granted. */
export async function grantReplicationRights(client: Client, domainDn: string, sid: Buffer): Promise<{ changesAllRemoved: boolean }> {
  let changesAllRemoved = false;
  await editDomainRootDacl(client, domainDn, (dacl) => {
    changesAllRemoved = revokeControlAccessRight(dacl, sid, ReplicationRights.getChangesAll) > 0;
    const added = grantControlAccessRight(dacl, sid, ReplicationRights.getChanges);
    return added || changesAllRemoved;
  });
  return { changesAllRemoved };
}

/** Takes every replication right of `sid` off the domain root; returns how many ACEs were removed. */
export async function revokeReplicationRights(client: Client, domainDn: string, sid: Buffer): Promise<number> {
  let removed = 0;
  await editDomainRootDacl(client, domainDn, (dacl) => {
    for (const right of Object.values(ReplicationRights)) removed += revokeControlAccessRight(dacl, sid, right);
    return removed > 0;
  });
  return removed;
}

/**
 * Reads the domain root's DACL, lets `edit` change it (it says whether it did), and writes the DACL alone back
 * (SD flags control): owner, group and SACL stay untouched.
 */
async function editDomainRootDacl(client: Client, domainDn: string, edit: (dacl: Acl) => boolean): Promise<void> {
  const daclOnly = new SecurityDescriptorFlagsControl(SecurityInformation.dacl);
  const { searchEntries } = await client.search(
    domainDn,
    { scope: 'base', attributes: ['nTSecurityDescriptor'], explicitBufferAttributes: ['nTSecurityDescriptor'] },
    daclOnly,
  );
  const value = firstBuffer(searchEntries[0]?.nTSecurityDescriptor);
  if (!value)
    throw new DirSyncError('ActiveDirectory.unexpected-reply', `the security descriptor of ${domainDn} could not be read`, { target: domainDn });
  const descriptor = parseSecurityDescriptor(value);
  const dacl = descriptor.dacl ?? { revision: 4, aces: [] };
  if (!edit(dacl)) return;
  const daclBits = SecurityDescriptorControl.daclAutoInherited | SecurityDescriptorControl.daclProtected | SecurityDescriptorControl.daclDefaulted;
  const daclDescriptor = serializeSecurityDescriptor({
    control: descriptor.control & daclBits,
    owner: undefined,
    group: undefined,
    sacl: undefined,
    dacl,
  });
  await client.modify(
    domainDn,
    new Change({ operation: 'replace', modification: new Attribute({ type: 'nTSecurityDescriptor', values: [daclDescriptor] }) }),
    daclOnly,
  );
}
