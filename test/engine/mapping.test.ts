import assert from 'node:assert/strict';
import { changedAttributes, mapToCloud as mapWith, type TenantContext } from '../../src/engine/mapping.ts';
import { DEFAULT_ATTRIBUTE_MAPPING } from '../../src/engine/mapping/attribute-mapping.ts';
import type { SourceObject } from '../../src/engine/model.ts';

const tenant: TenantContext = {
  initialDomain: 'contoso.onmicrosoft.com',
  verifiedDomains: new Set(['contoso.onmicrosoft.com', 'corp.example.test']),
  sourceAnchorProperty: 'extension_abc_dirSyncSourceAnchor',
  extensionProperties: new Map(),
};

const mapToCloud = (object: SourceObject, context: TenantContext) => mapWith(object, context, DEFAULT_ATTRIBUTE_MAPPING);

function source(kind: SourceObject['kind'], attributes: Record<string, string[]>): SourceObject {
  return { anchor: 'q1Yf2uDbQ0u3mJ3hB3x+9A==', kind, dn: 'CN=x,DC=corp,DC=example,DC=test', attributes, references: {} };
}

describe('the default attribute mapping', () => {
  it('maps a user: anchor, enabled state from userAccountControl, profile attributes, extension attributes', () => {
    const result = mapToCloud(
      source('user', {
        samaccountname: ['zoe'],
        userprincipalname: ['zoe@corp.example.test'],
        useraccountcontrol: ['512'],
        displayname: ['Zoë Ångström'],
        givenname: ['Zoë'],
        sn: ['Ångström'],
        mail: ['zoe@corp.example.test'],
        title: ['Engineer'],
        telephonenumber: ['+1 555 0100'],
        c: ['se'],
        extensionattribute3: ['cost-centre-42'],
      }),
      tenant,
    );
    assert.ok(result.exportable);
    assert.equal(result.objectType, 'user');
    const attributes = result.attributes;
    assert.equal(attributes.onPremisesImmutableId, 'q1Yf2uDbQ0u3mJ3hB3x+9A==');
    assert.equal(attributes.accountEnabled, true);
    assert.equal(attributes.displayName, 'Zoë Ångström');
    assert.equal(attributes.userPrincipalName, 'zoe@corp.example.test');
    assert.equal(attributes.jobTitle, 'Engineer');
    assert.deepEqual(attributes.businessPhones, ['+1 555 0100']);
    assert.equal(attributes.usageLocation, 'SE');
    assert.equal((attributes.onPremisesExtensionAttributes as Record<string, unknown>).extensionAttribute3, 'cost-centre-42');
    assert.equal((attributes.onPremisesExtensionAttributes as Record<string, unknown>).extensionAttribute1, null);
    assert.deepEqual(result.notices, []);
  });

  it('derives accountEnabled=false from the ACCOUNTDISABLE bit', () => {
    const result = mapToCloud(source('user', { samaccountname: ['d'], useraccountcontrol: ['514'] }), tenant);
    assert.ok(result.exportable);
    assert.equal(result.attributes.accountEnabled, false);
  });

  it('moves an unverified UPN suffix to the initial domain and says so', () => {
    const result = mapToCloud(source('user', { samaccountname: ['l'], userprincipalname: ['legacy@corp.local'] }), tenant);
    assert.ok(result.exportable);
    assert.equal(result.attributes.userPrincipalName, 'legacy@contoso.onmicrosoft.com');
    assert.match(result.notices[0] ?? '', /"corp\.local".*not a verified domain.*legacy@contoso\.onmicrosoft\.com/);
  });

  it('makes a mailNickname Graph accepts from names with spaces, apostrophes and accents', () => {
    const result = mapToCloud(source('user', { samaccountname: ["o'brien (ops)"], userprincipalname: ["o'brien@corp.example.test"] }), tenant);
    assert.ok(result.exportable);
    assert.equal(result.attributes.mailNickname, "o'brienops");
  });

  it('maps a security group with its anchor in the directory extension property', () => {
    const result = mapToCloud(
      source('group', { samaccountname: ['Sales Team'], grouptype: [String(-2147483646)], description: ['All of sales'] }),
      tenant,
    );
    assert.ok(result.exportable);
    assert.equal(result.objectType, 'group');
    assert.equal(result.attributes[tenant.sourceAnchorProperty], 'q1Yf2uDbQ0u3mJ3hB3x+9A==');
    assert.equal(result.attributes.securityEnabled, true);
    assert.equal(result.attributes.mailEnabled, false);
    assert.equal(result.attributes.mailNickname, 'SalesTeam');
  });

  it('reports what Graph cannot create: distribution groups, mail-enabled security groups, contacts', () => {
    const distribution = mapToCloud(source('group', { grouptype: ['2'] }), tenant);
    const mailSecurity = mapToCloud(source('group', { grouptype: [String(-2147483646)], mail: ['g@corp.example.test'] }), tenant);
    const contact = mapToCloud(source('contact', { mail: ['c@example.org'] }), tenant);
    for (const result of [distribution, mailSecurity, contact]) assert.equal(result.exportable, false);
    assert.ok(!contact.exportable && /orgContact is read-only/.test(contact.reason));
  });

  it('computes a PATCH body holding only what changed, with null for cleared values', () => {
    const exported = { displayName: 'A', jobTitle: 'Old', businessPhones: ['1'] };
    const desired = { displayName: 'A', jobTitle: null, businessPhones: ['2'] };
    assert.deepEqual(changedAttributes(exported, desired), { jobTitle: null, businessPhones: ['2'] });
    assert.deepEqual(changedAttributes(desired, desired), {});
  });
});
