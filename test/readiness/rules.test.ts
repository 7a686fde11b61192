// The readiness rules on their own: each rule catches what it names, and IdFix's known false positives (X400/X500
// and other non-SMTP proxy addresses, apostrophes, non-ASCII names) are not findings.
import assert from 'node:assert/strict';
import type { ObjectKind, SourceObject } from '../../src/engine/model.ts';
import { DuplicateIndex } from '../../src/readiness/duplicate-index.ts';
import { checkObject, type CloudFacts, type Finding } from '../../src/readiness/rules.ts';

let serial = 0;
function object(kind: ObjectKind, name: string, attributes: Record<string, string | string[]>): SourceObject {
  serial++;
  return {
    anchor: `anchor-${serial}`,
    kind,
    dn: `CN=${name},OU=Test,DC=corp,DC=example,DC=test`,
    attributes: Object.fromEntries(Object.entries(attributes).map(([key, value]) => [key.toLowerCase(), Array.isArray(value) ? value : [value]])),
    references: {},
  };
}

function user(name: string, attributes: Record<string, string | string[]> = {}): SourceObject {
  const sam = name.toLowerCase().replace(/[^a-z]/g, '.');
  return object('user', name, { samAccountName: sam, userPrincipalName: `${sam}@corp.example.test`, displayName: name, ...attributes });
}

const cloud: CloudFacts = {
  initialDomain: 'contoso.onmicrosoft.com',
  verifiedDomains: new Set(['corp.example.test', 'example.com']),
  unanchoredUsers: [],
  softMatch: true,
};

/** All findings over these objects, as "CN attribute code" lines, sorted. */
function scan(objects: SourceObject[], tenant: CloudFacts | 'unreachable' = cloud): string[] {
  const facts = tenant === 'unreachable' ? undefined : tenant;
  const index = new DuplicateIndex();
  const findings: Finding[] = [];
  for (const item of objects) {
    findings.push(...checkObject(item, facts));
    index.add(item);
  }
  findings.push(...index.findings(facts));
  return findings.map((finding) => `${finding.dn.split(',')[0]} ${finding.attribute} ${finding.code} ${finding.severity}`).sort();
}

describe('readiness rules', () => {
  it("finds nothing in clean objects, IdFix's false positives included", () => {
    assert.deepEqual(
      scan([
        user("Conor O'Brien", {
          userPrincipalName: "conor.o'brien@corp.example.test",
          mail: "conor.o'brien@example.com",
          proxyAddresses: [
            "SMTP:conor.o'brien@example.com",
            'smtp:conor@example.com',
            'X400:C=US;A= ;P=Example;O=Exchange;S=OBrien;G=Conor;',
            'X500:/o=Example/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=conor',
            'SIP:conor@example.com',
            'EUM:1234;phone-context=dial.example.com',
          ],
        }),
        user('Zoë Ångström', {
          userPrincipalName: 'zoe.angstrom@corp.example.test',
          givenName: 'Zoë',
          sn: 'Ångström',
          mail: 'zoe.angstrom@example.com',
          proxyAddresses: ['SMTP:zoe.angstrom@example.com'],
        }),
        object('group', 'Security', { samAccountName: 'security', groupType: String(0x80000002 | 0), mailNickname: 'security' }),
        object('contact', 'Vicky', { mail: 'vicky@partner.example.net', proxyAddresses: ['SMTP:vicky@partner.example.net'] }),
      ]),
      [],
    );
  });

  it('flags invalid UPNs, non-routable and unverified suffixes, and says what the UPN becomes', () => {
    const objects = [
      user('Bad Chars', { userPrincipalName: 'bad chars(1)@corp.example.test' }),
      user('Legacy', { userPrincipalName: 'legacy@corp.local' }),
      user('Other', { userPrincipalName: 'other@unverified.example.org' }),
      user('No Upn', { userPrincipalName: [] }),
    ];
    assert.deepEqual(scan(objects), [
      'CN=Bad Chars userPrincipalName Readiness.upn-invalid-character error',
      'CN=Legacy userPrincipalName Readiness.upn-non-routable-suffix error',
      'CN=No Upn userPrincipalName Readiness.upn-missing warning',
      'CN=Other userPrincipalName Readiness.upn-unverified-suffix error',
    ]);
    const [legacy] = checkObject(objects[1]!, cloud);
    assert.match(legacy!.fix, /exported as legacy@contoso\.onmicrosoft\.com/);
    const [bad] = checkObject(objects[0]!, cloud);
    assert.match(bad!.fix, /remove the spaces, "\(", "\)"/);
    assert.deepEqual(scan([objects[2]!], 'unreachable'), [], 'without the tenant, a routable suffix cannot be judged');
  });

  it("flags values over Entra's lengths, malformed mail and SMTP proxy addresses, and too many proxy addresses", () => {
    const many = Array.from({ length: 301 }, (_, index) => `smtp:alias${index}@example.com`);
    assert.deepEqual(
      scan([
        user('Long', { displayName: 'x'.repeat(257), userPrincipalName: `${'a'.repeat(65)}@corp.example.test` }),
        user('Malformed', { mail: 'two@at@example.com', proxyAddresses: ['smtp:no-domain', 'nobody@example.com'] }),
        user('Many', { proxyAddresses: many }),
      ]),
      [
        'CN=Long displayName Readiness.value-too-long error',
        'CN=Long userPrincipalName Readiness.value-too-long error',
        'CN=Malformed mail Readiness.mail-malformed error',
        'CN=Malformed proxyAddresses Readiness.proxy-address-malformed warning',
        'CN=Malformed proxyAddresses Readiness.proxy-address-malformed warning',
        'CN=Many proxyAddresses Readiness.too-many-proxy-addresses warning',
      ],
    );
  });

  it('flags a mailNickname DirSync would have to rewrite, and mail-enabled groups it cannot export', () => {
    assert.deepEqual(
      scan([
        user('Nick', { mailNickname: 'nick name' }),
        user('Dotted', { mailNickname: '.dotted' }),
        object('group', 'Distribution', { samAccountName: 'distribution', groupType: '2', mail: 'dl@example.com' }),
        object('group', 'Mail Security', { samAccountName: 'mailsec', groupType: String((0x80000002 | 0) >>> 0), mail: 'mailsec@example.com' }),
      ]),
      [
        'CN=Distribution groupType Readiness.group-not-exportable warning',
        'CN=Dotted mailNickname Readiness.mailnickname-invalid-character error',
        'CN=Mail Security groupType Readiness.group-not-exportable warning',
        'CN=Nick mailNickname Readiness.mailnickname-invalid-character error',
      ],
    );
  });

  it('finds duplicate UPNs and SMTP addresses case-insensitively across users, groups and contacts', () => {
    assert.deepEqual(
      scan([
        user('Ann', { userPrincipalName: 'ann@corp.example.test', mail: 'shared@example.com' }),
        user('Ann Two', { userPrincipalName: 'ANN@corp.example.test', mail: 'Shared@Example.com' }),
        object('contact', 'Proxy Holder', { proxyAddresses: ['smtp:ann.alias@example.com', 'SMTP:holder@example.com'] }),
        user('Alias Owner', { proxyAddresses: ['SMTP:ann.alias@example.com', 'smtp:ann.alias@example.com'] }),
      ]),
      [
        'CN=Alias Owner proxyAddresses Readiness.smtp-address-duplicate warning',
        'CN=Ann Two mail Readiness.smtp-address-duplicate error',
        'CN=Ann Two userPrincipalName Readiness.upn-duplicate error',
        'CN=Ann mail Readiness.smtp-address-duplicate error',
        'CN=Ann userPrincipalName Readiness.upn-duplicate error',
        'CN=Proxy Holder proxyAddresses Readiness.smtp-address-duplicate warning',
      ],
    );
  });

  it('finds clashes with cloud users no sync client owns, except the one a soft match takes over', () => {
    const facts: CloudFacts = {
      ...cloud,
      unanchoredUsers: [
        { id: 'c1', userPrincipalName: 'taken@corp.example.test', mail: 'someone.else@example.com', proxyAddresses: [] },
        { id: 'c3', userPrincipalName: 'taken.mail@contoso.onmicrosoft.com', mail: 'taken@example.com', proxyAddresses: [] },
        {
          id: 'c2',
          userPrincipalName: 'match@contoso.onmicrosoft.com',
          mail: 'match@example.com',
          proxyAddresses: ['SMTP:match@example.com', 'smtp:alias.in.cloud@example.com'],
        },
      ],
    };
    const objects = [
      user('Taken', { userPrincipalName: 'taken@corp.example.test', mail: 'taken@example.com' }),
      user('Matched', { userPrincipalName: 'match@corp.example.test', mail: 'match@example.com' }),
      user('Alias Clash', { userPrincipalName: 'alias@corp.example.test', mail: 'alias.in.cloud@example.com' }),
    ];
    assert.deepEqual(scan(objects, facts), [
      'CN=Alias Clash mail Readiness.mail-taken-in-cloud error',
      'CN=Taken userPrincipalName Readiness.upn-taken-in-cloud error',
    ]);
    assert.deepEqual(
      scan([objects[1]!], { ...facts, softMatch: false }),
      ['CN=Matched mail Readiness.mail-taken-in-cloud error'],
      'without soft matching the same mail is a clash',
    );
    assert.deepEqual(
      scan([user('Upn Match', { userPrincipalName: 'taken@corp.example.test' })], facts),
      [],
      'a soft match by UPN takes the cloud user over',
    );
  });
});
