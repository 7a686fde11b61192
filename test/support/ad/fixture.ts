// The seeded directory, described once: the seeder writes it, tests assert against it.
import { Attribute, type Client } from 'ldapts';
import { CORP_REALM, type Realm } from './realms.ts';

export const { baseDn, realm, netbiosName, dnsDomain, hostName } = CORP_REALM;
/** Test-only secret of the template's Administrator (every clone shares it). */
export const adminPassword = 'Fixture-Admin-Passw0rd!';

const corp = `OU=Corp,${baseDn}`;
const ous = {
  corp,
  sales: `OU=Sales,${corp}`,
  engineering: `OU=Engineering,${corp}`,
  platform: `OU=Platform,OU=Engineering,${corp}`,
  disabled: `OU=Disabled,${corp}`,
  groups: `OU=Groups,${corp}`,
  contacts: `OU=Contacts,${corp}`,
  workstations: `OU=Workstations,${corp}`,
  crowd: `OU=Crowd,${corp}`,
  outOfScope: `OU=OutOfScope,${baseDn}`,
} as const;

export type LdapAttributes = Record<string, string | string[]>;

export interface FixtureEntry {
  dn: string;
  /** What the seeder writes (objectClass included); tests read expected values from here. */
  attributes: LdapAttributes;
}

export interface FixtureUser extends FixtureEntry {
  samAccountName: string;
  userPrincipalName: string;
  enabled: boolean;
  /** Set only for users that tests bind as (unicodePwd costs ~25 ms per user). */
  password: string | undefined;
}

const userPassword = 'Fixture-User-Passw0rd!';
// userAccountControl: NORMAL_ACCOUNT 0x200, ACCOUNTDISABLE 0x2, PASSWD_NOTREQD 0x20 (enabled without a password).
const enabledWithPassword = 0x200;
export const enabledWithoutPassword = 0x220;
const disabledWithoutPassword = 0x202;

function user(
  ou: string,
  commonName: string,
  samAccountName: string,
  options: { upnSuffix?: string; password?: boolean; disabled?: boolean; attributes?: LdapAttributes } = {},
): FixtureUser {
  const userPrincipalName = `${samAccountName}@${options.upnSuffix ?? dnsDomain}`;
  const password = options.password ? userPassword : undefined;
  const userAccountControl = options.disabled ? disabledWithoutPassword : password ? enabledWithPassword : enabledWithoutPassword;
  return {
    dn: `CN=${commonName},${ou}`,
    samAccountName,
    userPrincipalName,
    enabled: !options.disabled,
    password,
    attributes: {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      sAMAccountName: samAccountName,
      userPrincipalName,
      displayName: commonName,
      userAccountControl: String(userAccountControl),
      ...options.attributes,
    },
  };
}

const alice = user(ous.sales, 'Alice Archer', 'alice.archer', {
  password: true,
  attributes: {
    givenName: 'Alice',
    sn: 'Archer',
    mail: 'alice.archer@example.com',
    proxyAddresses: ['SMTP:alice.archer@example.com', 'smtp:aarcher@example.com', 'smtp:alice@sales.example.com'],
    title: 'Head of Sales',
    department: 'Sales',
    company: 'Example Corp',
    telephoneNumber: '+1 555 0100',
    employeeID: 'E1001',
    physicalDeliveryOfficeName: 'Building 1',
    // Exchange attributes (the test schema has them: exchange-schema.ts).
    extensionAttribute3: 'CC-1001',
    extensionAttribute15: 'Badge 7',
  },
});
const erin = user(ous.engineering, 'Erin Engel', 'erin.engel', {
  password: true,
  attributes: {
    givenName: 'Erin',
    sn: 'Engel',
    mail: 'erin.engel@example.com',
    proxyAddresses: ['SMTP:erin.engel@example.com'],
    title: 'VP Engineering',
    department: 'Engineering',
    company: 'Example Corp',
    employeeID: 'E2001',
    extensionAttribute3: 'CC-2001',
  },
});

const users = {
  alice,
  zoe: user(ous.sales, 'Zoë Ångström', 'zoe.angstrom', {
    attributes: {
      givenName: 'Zoë',
      sn: 'Ångström',
      mail: 'zoe.angstrom@example.com',
      proxyAddresses: ['SMTP:zoe.angstrom@example.com', 'smtp:zoe@example.com'],
      title: 'Account Manager',
      department: 'Sales',
      company: 'Example Corp',
      manager: alice.dn,
      employeeID: 'E1002',
    },
  }),
  conor: user(ous.sales, "Conor O'Brien", 'conor.obrien', {
    attributes: {
      givenName: 'Conor',
      sn: "O'Brien",
      mail: "conor.o'brien@example.com",
      proxyAddresses: ["SMTP:conor.o'brien@example.com", 'smtp:conor.obrien@example.com'],
      department: 'Sales',
      manager: alice.dn,
      telephoneNumber: '+353 1 555 0101',
    },
  }),
  erin,
  paul: user(ous.platform, 'Paul Platt', 'paul.platt', {
    attributes: {
      givenName: 'Paul',
      sn: 'Platt',
      mail: 'paul.platt@example.com',
      proxyAddresses: ['SMTP:paul.platt@example.com'],
      title: 'Platform Engineer',
      department: 'Engineering',
      manager: erin.dn,
    },
  }),
  /** UPN on a non-routable `.local` suffix (lands on the tenant's default domain in the cloud). */
  legacy: user(ous.platform, 'Lee Legacy', 'lee.legacy', {
    upnSuffix: 'corp.local',
    attributes: { givenName: 'Lee', sn: 'Legacy', mail: 'lee.legacy@example.com', department: 'Engineering' },
  }),
  /** No mail, no proxyAddresses. */
  noMail: user(ous.platform, 'Nora Nomail', 'nora.nomail', {
    attributes: { givenName: 'Nora', sn: 'Nomail', department: 'Engineering' },
  }),
  disabled: user(ous.disabled, 'Dave Departed', 'dave.departed', {
    disabled: true,
    attributes: { givenName: 'Dave', sn: 'Departed', mail: 'dave.departed@example.com' },
  }),
  outOfScope: user(ous.outOfScope, 'Oscar Outside', 'oscar.outside', {
    attributes: { givenName: 'Oscar', sn: 'Outside', mail: 'oscar.outside@example.com' },
  }),
};

const crowdSize = 1600;
const crowdUsers: FixtureUser[] = Array.from({ length: crowdSize }, (_, index) => {
  const number = String(index + 1).padStart(4, '0');
  return user(ous.crowd, `Crowd ${number}`, `crowd.${number}`, { attributes: { givenName: 'Crowd', sn: number } });
});

const contacts = {
  vendor: {
    dn: `CN=Vicky Vendor,${ous.contacts}`,
    attributes: {
      objectClass: ['top', 'person', 'organizationalPerson', 'contact'],
      givenName: 'Vicky',
      sn: 'Vendor',
      displayName: 'Vicky Vendor',
      mail: 'vicky@partner.example.net',
      proxyAddresses: ['SMTP:vicky@partner.example.net'],
      company: 'Partner Ltd',
    },
  },
  /** A contact with neither mail nor an SMTP proxy address. */
  noMail: {
    dn: `CN=Nigel Nomail,${ous.contacts}`,
    attributes: { objectClass: ['top', 'person', 'organizationalPerson', 'contact'], givenName: 'Nigel', sn: 'Nomail' },
  },
} satisfies Record<string, FixtureEntry>;

// groupType: GLOBAL 0x2, UNIVERSAL 0x8, SECURITY_ENABLED 0x80000000 (a signed 32-bit value on the wire).
const globalSecurity = String(0x80000002 | 0);
const universalDistribution = String(0x8);

function group(commonName: string, groupType: string, members: string[], attributes: LdapAttributes = {}): FixtureEntry {
  return {
    dn: `CN=${commonName},${ous.groups}`,
    attributes: {
      objectClass: ['top', 'group'],
      sAMAccountName: commonName.replaceAll(' ', ''),
      groupType,
      ...(members.length > 0 ? { member: members } : {}),
      ...attributes,
    },
  };
}

const platformTeam = group('Platform Team', globalSecurity, [users.paul.dn, users.legacy.dn, users.noMail.dn]);
const engineeringTeam = group('Engineering Team', globalSecurity, [users.erin.dn, platformTeam.dn]);
const salesTeam = group('Sales Team', globalSecurity, [users.alice.dn, users.zoe.dn, users.conor.dn], { extensionAttribute1: 'Team Sales' });
/** Listed innermost first: a group's members exist before it is added. */
const groups = {
  platformTeam,
  engineeringTeam,
  salesTeam,
  allStaff: group('All Staff', globalSecurity, [salesTeam.dn, engineeringTeam.dn]),
  /** More members than AD's MaxValRange (1,500), for ranged retrieval. */
  crowd: group(
    'Crowd',
    globalSecurity,
    crowdUsers.map((member) => member.dn),
  ),
  /** Mail-enabled distribution group. */
  announcements: group('Announcements', universalDistribution, [users.alice.dn, users.erin.dn, contacts.vendor.dn], {
    mail: 'announcements@example.com',
    proxyAddresses: ['SMTP:announcements@example.com', 'smtp:news@example.com'],
  }),
};

const computers = {
  workstation: {
    dn: `CN=WS001,${ous.workstations}`,
    attributes: {
      objectClass: ['top', 'person', 'organizationalPerson', 'user', 'computer'],
      sAMAccountName: 'WS001$',
      userAccountControl: String(0x1000), // WORKSTATION_TRUST_ACCOUNT
    },
  },
} satisfies Record<string, FixtureEntry>;

const namedUsers = Object.values(users);

export const FIXTURE = {
  baseDn,
  ous,
  users,
  crowd: { ou: ous.crowd, users: crowdUsers },
  groups,
  contacts,
  computers,
  counts: {
    /** Person users seeded (named + crowd), not counting Samba's built-in accounts. */
    users: namedUsers.length + crowdUsers.length,
    enabledUsers: namedUsers.filter((entry) => entry.enabled).length + crowdUsers.length,
    disabledUsers: namedUsers.filter((entry) => !entry.enabled).length,
    groups: Object.keys(groups).length,
    contacts: Object.keys(contacts).length,
    computers: Object.keys(computers).length,
    organizationalUnits: Object.keys(ous).length,
    crowdGroupMembers: crowdSize,
  },
} as const;

/**
 * Bulk variant: N users in OU=Bulk of a realm, no passwords (import benchmarks). Another forest's users are named
 * after it (fabrikam.00001) and mail at its own domain: no account name, mail nickname or address in two forests.
 */
export function bulkOf(realm: Realm) {
  const first = realm === CORP_REALM;
  const number = (index: number) => String(index + 1).padStart(5, '0');
  const samAccountName = (index: number) => `${first ? 'bulk' : realm.netbiosName.toLowerCase()}.${number(index)}`;
  return {
    ou: `OU=Bulk,${realm.baseDn}`,
    userDn: (index: number) => `CN=Bulk ${number(index)},OU=Bulk,${realm.baseDn}`,
    samAccountName,
    mail: (index: number) => `${samAccountName(index)}@${first ? 'example.com' : realm.dnsDomain.replace(/\.test$/, '.com')}`,
  } as const;
}

export const BULK = bulkOf(CORP_REALM);

function unicodePwd(password: string): Attribute {
  return new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${password}"`, 'utf16le')] });
}

export async function addEntry(client: Client, entry: FixtureEntry, password?: string): Promise<void> {
  const attributes = Object.entries(entry.attributes).map(([type, value]) => new Attribute({ type, values: Array.isArray(value) ? value : [value] }));
  if (password !== undefined) attributes.push(unicodePwd(password));
  await client.add(entry.dn, attributes);
}

export function organizationalUnit(dn: string): FixtureEntry {
  return { dn, attributes: { objectClass: ['top', 'organizationalUnit'] } };
}

/** Writes FIXTURE through LDAP (the client must be an admin bound over TLS: passwords need it). */
export async function seedFixture(client: Client): Promise<void> {
  // Parents first: `ous` lists Engineering before Platform.
  for (const dn of Object.values(ous)) await addEntry(client, organizationalUnit(dn));
  for (const entry of namedUsers) await addEntry(client, entry, entry.password);
  for (const entry of crowdUsers) await addEntry(client, entry);
  for (const entry of Object.values(contacts)) await addEntry(client, entry);
  for (const entry of Object.values(computers)) await addEntry(client, entry);
  for (const entry of Object.values(groups)) await addEntry(client, entry);
}

export async function seedBulkUsers(client: Client, count: number, realm: Realm = CORP_REALM): Promise<void> {
  const bulk = bulkOf(realm);
  await addEntry(client, organizationalUnit(bulk.ou));
  for (let index = 0; index < count; index++) {
    const samAccountName = bulk.samAccountName(index);
    await addEntry(client, {
      dn: bulk.userDn(index),
      attributes: {
        objectClass: ['top', 'person', 'organizationalPerson', 'user'],
        sAMAccountName: samAccountName,
        userPrincipalName: `${samAccountName}@${realm.dnsDomain}`,
        givenName: 'Bulk',
        sn: String(index + 1),
        mail: bulk.mail(index),
        userAccountControl: String(enabledWithoutPassword),
      },
    });
  }
}
