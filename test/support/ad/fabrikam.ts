// The second forest's seeded directory (FABRIKAM.EXAMPLE.TEST), described once like FIXTURE: a few users and a group
// in OU=Fabrikam, and one user whose UPN is also a user's of the first forest (alice.archer@corp.example.test), as
// happens when two companies merge and both had an alice.archer.
import type { Client } from 'ldapts';
import { addEntry, enabledWithoutPassword, organizationalUnit, type FixtureEntry, type FixtureUser } from './fixture.ts';
import { FABRIKAM_REALM } from './realms.ts';

const ou = `OU=Fabrikam,${FABRIKAM_REALM.baseDn}`;

function user(commonName: string, samAccountName: string, upn: string, attributes: Record<string, string> = {}): FixtureUser {
  return {
    dn: `CN=${commonName},${ou}`,
    samAccountName,
    userPrincipalName: upn,
    enabled: true,
    password: undefined,
    attributes: {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      sAMAccountName: samAccountName,
      userPrincipalName: upn,
      displayName: commonName,
      userAccountControl: String(enabledWithoutPassword),
      ...attributes,
    },
  };
}

const users = {
  fiona: user('Fiona Fischer', 'fiona.fischer', `fiona.fischer@${FABRIKAM_REALM.dnsDomain}`, {
    givenName: 'Fiona',
    sn: 'Fischer',
    mail: 'fiona.fischer@fabrikam.example.com',
    title: 'Buyer',
  }),
  gus: user('Gus Grant', 'gus.grant', `gus.grant@${FABRIKAM_REALM.dnsDomain}`, {
    givenName: 'Gus',
    sn: 'Grant',
    mail: 'gus.grant@fabrikam.example.com',
  }),
  /**
   * Claims the first forest's alice.archer@corp.example.test. Its sAMAccountName differs: the same one in both forests
   * would also give both the same mailNickname, which Graph refuses for the second (an export error, see the README).
   */
  alice: user('Alice Archer (Fabrikam)', 'aarcher', 'alice.archer@corp.example.test', {
    givenName: 'Alice',
    sn: 'Archer',
    mail: 'alice.archer@fabrikam.example.com',
  }),
};

const groups = {
  team: {
    dn: `CN=Fabrikam Team,${ou}`,
    attributes: {
      objectClass: ['top', 'group'],
      sAMAccountName: 'FabrikamTeam',
      groupType: String(0x80000002 | 0),
      member: [users.fiona.dn, users.gus.dn],
    },
  },
} satisfies Record<string, FixtureEntry>;

export const FABRIKAM = {
  ...FABRIKAM_REALM,
  ou,
  users,
  groups,
  counts: { users: Object.keys(users).length, groups: Object.keys(groups).length },
} as const;

export async function seedFabrikam(client: Client): Promise<void> {
  await addEntry(client, organizationalUnit(ou));
  for (const entry of Object.values(users)) await addEntry(client, entry);
  for (const entry of Object.values(groups)) await addEntry(client, entry);
}
