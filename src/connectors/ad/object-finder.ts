// Finding one object by what an administrator knows of it — its DN or its UPN — as the account DirSync reads with sees
// the directory (explain, sync --object). The answer is its anchor, or that the account was refused on the way (Samba
// names the container), or nothing: the caller then asks the store, which may know an object the account cannot see.
import { EqualityFilter, InvalidDNSyntaxError, NoSuchObjectError } from 'ldapts';
import type { Client } from 'ldapts';
import { accessDeniedAt } from './deletion-confirmation.ts';
import { anchorFromGuid, firstBuffer } from './values.ts';

export type DirectoryIdentity = { dn: string } | { userPrincipalName: string };

export type FoundObject =
  | { found: true; anchor: string; dn: string }
  /** `deniedAt`: the container whose access check failed, when the directory said so. */
  | { found: false; deniedAt?: string };

/** Looks the object up by DN (a base search) or by UPN (a subtree search of each naming context given). */
export async function findObject(client: Client, identity: DirectoryIdentity, namingContexts: readonly string[]): Promise<FoundObject> {
  if ('dn' in identity) return findByDn(client, identity.dn);
  for (const namingContext of namingContexts) {
    const { searchEntries } = await client.search(namingContext, {
      scope: 'sub',
      filter: new EqualityFilter({ attribute: 'userPrincipalName', value: identity.userPrincipalName }),
      attributes: ['objectGUID'],
      explicitBufferAttributes: ['objectGUID'],
    });
    const entry = searchEntries[0];
    const guid = firstBuffer(entry?.objectGUID);
    if (entry !== undefined && guid !== undefined) return { found: true, anchor: anchorFromGuid(guid), dn: entry.dn };
  }
  return { found: false };
}

async function findByDn(client: Client, dn: string): Promise<FoundObject> {
  try {
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] });
    const guid = firstBuffer(searchEntries[0]?.objectGUID);
    return guid === undefined ? { found: false } : { found: true, anchor: anchorFromGuid(guid), dn: searchEntries[0]!.dn };
  } catch (error) {
    if (error instanceof InvalidDNSyntaxError) return { found: false };
    if (!(error instanceof NoSuchObjectError)) throw error;
    const deniedAt = accessDeniedAt(error);
    return deniedAt === undefined ? { found: false } : { found: false, deniedAt };
  }
}
