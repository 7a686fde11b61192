// The attribute mapping end to end, as an administrator works with it: the shipped executable, a real Samba domain (with
// Exchange's schema attributes) and the Entra stand-in. A custom mapping — UPN from mail, usageLocation defaulted with
// IIF, department from Join, an extension: property, an onCreate target, an Error() guard — is refused while wrong (with
// its position), previewed (exactly the objects it changes, nothing registered or written), stored, and flows on the
// next cycle and on creates and updates after it; one object it fails on does not stop the others.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import tls from 'node:tls';
import { join } from 'node:path';
import { Attribute, Change, type Client } from 'ldapts';
import { FIXTURE, type FixtureUser } from '../support/ad/index.ts';
import { anchorOf, startTestBed, type TestBed } from '../support/test-bed.ts';
import type { EntraStandIn } from '../entra-standin/stand-in.ts';
import { call } from '../entra-standin-tests/support.ts';
import { dirsync } from './dirsync-cli.ts';

const corp = FIXTURE.ous.corp;
const namedUsersInScope = Object.values(FIXTURE.users).filter((user) => user.dn.endsWith(corp));

const customMapping = {
  user: {
    userPrincipalName: 'Coalesce([mail], [userPrincipalName])',
    usageLocation: 'IIF(IsPresent([department]), IIF([department]="Sales", "IE", "US"), [c])',
    department: 'Join(" / ", [company], [department])',
    'extension:costCentre': '[extensionAttribute3]',
    jobTitle: { expression: 'Append([title], " (at hire)")', apply: 'onCreate' },
    'onPremisesExtensionAttributes.extensionAttribute15':
      'IIF([extensionAttribute15]="blocked", Error("extensionAttribute15 says blocked"), [extensionAttribute15])',
  },
};

/** Whether the custom mapping gives this fixture user other cloud values than the default one. */
function changesUnderCustomMapping(user: FixtureUser): boolean {
  const attributes = user.attributes;
  return Boolean(attributes.mail || attributes.department || attributes.company || attributes.extensionAttribute3);
}

describe('the attribute mapping end to end (Samba AD DC + Entra stand-in)', function () {
  this.timeout(300_000);
  let bed: TestBed;
  let standIn: EntraStandIn;
  let admin: Client;
  let file: string;
  const cloudUser = (anchor: string) => standIn.control.findByImmutableId(anchor)?.props;
  const mapping = (...args: string[]) => dirsync(['mapping', ...args, '--path', bed.path, '--json']);
  /** The directory extension properties on users DirSync's application registered, as "name: dataType" (the lease's is on the application). */
  const registeredExtensions = async () =>
    (
      (await call(standIn, 'GET', `/v1.0/applications/${standIn.applicationObjectId}/extensionProperties`)).body as {
        value: { name: string; dataType: string; targetObjects: string[] }[];
      }
    ).value
      .filter((extension) => extension.targetObjects.includes('User'))
      .map((extension) => `${extension.name}: ${extension.dataType}`)
      .sort();
  const appPrefix = () => `extension_${standIn.clientId.replaceAll('-', '')}_`;
  const unchangedDn = `CN=Una Unchanged,${FIXTURE.ous.sales}`;

  before(async () => {
    bed = await startTestBed({ includeOus: [corp], extra: ['--exclude-ou', FIXTURE.ous.crowd] });
    ({ standIn, admin } = bed);
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), standIn.caPem]);
    standIn.control.addVerifiedDomain('example.com');
    file = join(bed.work, 'mapping.json');
    // Nothing the custom mapping reads differently: its cloud values stay as they are.
    await admin.add(unchangedDn, [
      new Attribute({ type: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'user'] }),
      new Attribute({ type: 'sAMAccountName', values: ['una.unchanged'] }),
      new Attribute({ type: 'userPrincipalName', values: ['una.unchanged@corp.example.test'] }),
      new Attribute({ type: 'givenName', values: ['Una'] }),
      new Attribute({ type: 'userAccountControl', values: [String(0x220)] }),
    ]);
    const first = await bed.sync();
    assert.equal(first.code, 0, first.stderr);
  });
  after(async () => {
    await bed?.stop();
  });

  it('flows onPremisesExtensionAttributes from real LDAP with the default mapping', async () => {
    const alice = cloudUser(await anchorOf(admin, FIXTURE.users.alice.dn));
    const extensionAttributes = alice?.onPremisesExtensionAttributes as Record<string, unknown>;
    assert.equal(extensionAttributes.extensionAttribute3, 'CC-1001');
    assert.equal(extensionAttributes.extensionAttribute15, 'Badge 7');
    assert.equal(extensionAttributes.extensionAttribute1, null);
  });

  it('shows the effective mapping, defaults included', async () => {
    const result = await mapping('get');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.customized, false);
    const upn = result.json.entries.find(
      (entry: { objectType: string; target: string }) => entry.objectType === 'user' && entry.target === 'userPrincipalName',
    );
    assert.deepEqual(upn, {
      objectType: 'user',
      target: 'userPrincipalName',
      expression: 'Coalesce([userPrincipalName], [sAMAccountName])',
      apply: 'always',
      dataType: null,
      origin: 'default',
    });
  });

  it('refuses a bad mapping with its code and position, and stores nothing', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ user: { department: 'Append([sn], Joinn(",", [a]))' } }, 'Mapping.unknown-function', /user\.department: col 14: unknown function 'Joinn'/],
      [{ user: { department: 'Append([sn] ".x")' } }, 'Mapping.syntax-error', /user\.department: col 13: expected , or \)/],
      [{ user: { department: 'Left([sn])' } }, 'Mapping.wrong-argument-count', /user\.department: col 1: Left takes 2 argument/],
      [{ user: { favouriteColour: '[sn]' } }, 'Mapping.unknown-target', /user\.favouriteColour: unknown target/],
      [{ user: { onPremisesImmutableId: '[sn]' } }, 'Mapping.read-only-target', /user\.onPremisesImmutableId: .*DirSync's anchor/],
      [
        { user: { department: '[noSuchAttribute]' } },
        'Mapping.unknown-attribute',
        /user\.department: \[nosuchattribute\]: the Active Directory schema has no such attribute/,
      ],
      [{ user: { department: '[objectGUID]' } }, 'Mapping.unknown-attribute', /objectGUID is DirSync's anchor/],
      [{ users: {} }, 'Mapping.invalid-file', /not an attribute mapping/],
    ];
    for (const [content, code, message] of cases) {
      await writeFile(file, JSON.stringify(content));
      const result = await mapping('set', '--file', file);
      assert.equal(result.code, 2, `${code}: ${result.stderr}`);
      assert.equal(result.json.error.code, code, result.stderr);
      assert.match(result.json.error.message, message);
    }
    await writeFile(file, '{ not json');
    assert.equal((await mapping('set', '--file', file)).json.error.code, 'Mapping.invalid-file');
    assert.equal((await mapping('get')).json.customized, false);
  });

  it('previews the impact: exactly the objects whose cloud values change, old → new; registers and writes nothing', async () => {
    await writeFile(file, JSON.stringify(customMapping));
    standIn.control.clearRequests();
    const preview = await mapping('set', '--file', file, '--preview');
    assert.equal(preview.code, 0, preview.stderr);
    assert.equal(preview.json.mode, 'preview-full');
    const expected = await Promise.all(namedUsersInScope.filter(changesUnderCustomMapping).map((user) => anchorOf(admin, user.dn)));
    assert.deepEqual(preview.json.plan.map((planned: { anchor: string }) => planned.anchor).sort(), expected.sort());
    assert.ok(!preview.json.plan.some((planned: { dn: string }) => planned.dn === unchangedDn), 'a user whose values stay the same is not listed');
    assert.ok(preview.json.plan.every((planned: { action: string }) => planned.action === 'update'));
    const alice = preview.json.plan.find((planned: { dn: string }) => planned.dn === FIXTURE.users.alice.dn);
    const values = Object.fromEntries(
      alice.values.map((value: { attribute: string; old: unknown; new: unknown }) => [value.attribute, [value.old, value.new]]),
    );
    assert.deepEqual(values.department, ['Sales', 'Example Corp / Sales']);
    assert.deepEqual(values.userPrincipalName, ['alice.archer@corp.example.test', 'alice.archer@example.com']);
    assert.deepEqual(values.usageLocation, [null, 'IE']);
    assert.deepEqual(values[`${appPrefix()}costCentre`], [null, 'CC-1001']);
    assert.equal(values.jobTitle, undefined, 'an onCreate target never changes an existing object');
    const writes = standIn.control
      .requests()
      .filter((request) => request.method !== 'GET' && !request.path.includes('/oauth2/') && !request.path.endsWith('/$batch'));
    assert.deepEqual(writes, [], 'a preview writes nothing, not even the extension property');
    assert.deepEqual(await registeredExtensions(), [`${appPrefix()}dirSyncSourceAnchor: String`]);
    assert.equal((await mapping('get')).json.customized, false, 'a preview stores nothing');
  });

  it('stores the mapping; the next cycle re-evaluates every object and applies it, registering the extension property', async () => {
    const stored = await mapping('set', '--file', file);
    assert.equal(stored.code, 0, stored.stderr);
    assert.equal(stored.json.customized, true);
    const preview = await bed.sync('--preview');
    assert.equal(preview.json.mode, 'preview-full');
    const sync = await bed.sync();
    assert.equal(sync.code, 0, sync.stderr);
    assert.equal(sync.json.mode, 'full', 'no AD change, yet every object is evaluated again');
    assert.equal(sync.json.counts.updated, namedUsersInScope.filter(changesUnderCustomMapping).length);
    assert.equal(sync.json.counts.updated, preview.json.plan.length, 'the preview listed exactly what the cycle did');
    const alice = cloudUser(await anchorOf(admin, FIXTURE.users.alice.dn))!;
    assert.equal(alice.userPrincipalName, 'alice.archer@example.com');
    assert.equal(alice.usageLocation, 'IE');
    assert.equal(alice.department, 'Example Corp / Sales');
    assert.equal(alice[`${appPrefix()}costCentre`], 'CC-1001');
    assert.equal(alice.jobTitle, 'Head of Sales', 'onCreate targets are written at creation only');
    assert.deepEqual(await registeredExtensions(), [`${appPrefix()}costCentre: String`, `${appPrefix()}dirSyncSourceAnchor: String`]);
    const noMail = cloudUser(await anchorOf(admin, FIXTURE.users.noMail.dn))!;
    assert.equal(noMail.userPrincipalName, 'nora.nomail@corp.example.test', 'no mail: the UPN as before');
    assert.equal((await bed.sync()).json.mode, 'delta');
  });

  it('flows on create and on update: onCreate values once, the others every time', async () => {
    const dn = `CN=Hugo Hire,${FIXTURE.ous.sales}`;
    await admin.add(dn, [
      new Attribute({ type: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'user'] }),
      new Attribute({ type: 'sAMAccountName', values: ['hugo.hire'] }),
      new Attribute({ type: 'userPrincipalName', values: ['hugo.hire@corp.example.test'] }),
      new Attribute({ type: 'mail', values: ['hugo.hire@example.com'] }),
      new Attribute({ type: 'title', values: ['Trainee'] }),
      new Attribute({ type: 'department', values: ['Sales'] }),
      new Attribute({ type: 'extensionAttribute3', values: ['CC-1009'] }),
      new Attribute({ type: 'userAccountControl', values: [String(0x220)] }),
    ]);
    const created = await bed.sync();
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.json.counts.added, 1);
    const anchor = await anchorOf(admin, dn);
    let hugo = cloudUser(anchor)!;
    assert.deepEqual(
      [hugo.userPrincipalName, hugo.usageLocation, hugo.department, hugo.jobTitle, hugo[`${appPrefix()}costCentre`]],
      ['hugo.hire@example.com', 'IE', 'Sales', 'Trainee (at hire)', 'CC-1009'],
    );

    await admin.modify(dn, [
      new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Account Manager'] }) }),
      new Change({ operation: 'replace', modification: new Attribute({ type: 'department', values: ['Support'] }) }),
      new Change({ operation: 'replace', modification: new Attribute({ type: 'company', values: ['Example Corp'] }) }),
    ]);
    const updated = await bed.sync();
    assert.equal(updated.json.counts.updated, 1);
    hugo = cloudUser(anchor)!;
    assert.deepEqual([hugo.department, hugo.usageLocation, hugo.jobTitle], ['Example Corp / Support', 'US', 'Trainee (at hire)']);
  });

  it('fails one object the mapping refuses, naming the target, and goes on with the others', async () => {
    const zoe = FIXTURE.users.zoe.dn;
    await admin.modify(zoe, [
      new Change({ operation: 'replace', modification: new Attribute({ type: 'extensionAttribute15', values: ['blocked'] }) }),
    ]);
    await admin.modify(FIXTURE.users.conor.dn, [
      new Change({ operation: 'replace', modification: new Attribute({ type: 'department', values: ['Support'] }) }),
    ]);
    const result = await bed.sync();
    assert.equal(result.code, 3, result.stderr);
    assert.deepEqual(
      result.json.errors.map((error: { dn: string; code: string; message: string }) => [error.dn, error.code, error.message]),
      [[zoe, 'Mapping.expression-failed', 'user.onPremisesExtensionAttributes.extensionAttribute15: extensionAttribute15 says blocked']],
    );
    assert.equal(cloudUser(await anchorOf(admin, FIXTURE.users.conor.dn))?.department, 'Support', 'the others are exported');
    assert.ok(cloudUser(await anchorOf(admin, zoe)), 'the object it fails on is kept as last exported');
  });

  it('tests the mapping on one real object as a cycle reads it', async () => {
    const result = await mapping('test', '--dn', FIXTURE.users.alice.dn);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.dn, FIXTURE.users.alice.dn);
    assert.equal(result.json.objectType, 'user');
    const targets = Object.fromEntries(result.json.targets.map((target: { target: string }) => [target.target, target]));
    assert.deepEqual(targets.userPrincipalName, {
      target: 'userPrincipalName',
      value: 'alice.archer@example.com',
      expression: 'Coalesce([mail], [userPrincipalName])',
      apply: 'always',
    });
    assert.equal(targets['extension:costCentre'].value, 'CC-1001');
    assert.equal(targets.jobTitle.value, 'Head of Sales (at hire)');
    const zoe = await mapping('test', '--dn', FIXTURE.users.zoe.dn);
    const failing = zoe.json.targets.find((target: { target: string }) => target.target === 'onPremisesExtensionAttributes.extensionAttribute15');
    assert.deepEqual(failing.error, {
      code: 'Mapping.expression-failed',
      message: 'user.onPremisesExtensionAttributes.extensionAttribute15: extensionAttribute15 says blocked',
    });
    const outside = await mapping('test', '--dn', FIXTURE.users.outOfScope.dn);
    assert.equal(outside.code, 2);
    assert.equal(outside.json.error.code, 'Mapping.object-not-synchronized');
  });
});
