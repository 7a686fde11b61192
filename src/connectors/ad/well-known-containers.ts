// The domain's well-known containers, found where they are now: an administrator may redirect them (redirusr,
// redircmp), and the domain's wellKnownObjects then names the new place.
import type { Client } from 'ldapts';
import { valuesAsArray } from './values.ts';
import type { LdapValues } from './values.ts';

/** The well-known GUIDs ([MS-ADTS] 6.1.1.4) of the containers DirSync looks for. */
export const WellKnownContainer = {
  /** GUID_USERS_CONTAINER_W: where new users go (the AAD_ service account, the deletion probe). */
  users: 'A9D1CA15768811D1ADED00C04FD8D5CD',
} as const;

/** The DN of a well-known container of the domain; undefined when the domain does not name it. */
export async function findWellKnownContainer(client: Client, domainDn: string, wellKnownGuid: string): Promise<string | undefined> {
  const { searchEntries } = await client.search(domainDn, { scope: 'base', attributes: ['wellKnownObjects'] });
  // Values look like B:32:<guid hex>:<dn>.
  const prefix = `B:32:${wellKnownGuid}:`;
  const value = valuesAsArray(searchEntries[0]?.wellKnownObjects as LdapValues | undefined)
    .map(String)
    .find((candidate) => candidate.toUpperCase().startsWith(prefix));
  return value?.slice(prefix.length);
}
