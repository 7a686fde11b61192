// The AD connector against a real directory (Samba AD DC from the shared harness): full import, every kind
// of delta, the uSNChanged fallback, cookie rejection and the connection errors a user can meet.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo, Server } from 'node:net';
import { Attribute, Change } from 'ldapts';
import type { Client } from 'ldapts';
import { ActiveDirectorySource } from '../../../src/connectors/ad/active-directory-source.ts';
import type { ActiveDirectorySourceOptions } from '../../../src/connectors/ad/active-directory-source.ts';
import { openDirectoryConnection } from '../../../src/connectors/ad/connection.ts';
import { DirectoryReader, DEFAULT_READ_ATTRIBUTES, BINARY_ATTRIBUTES } from '../../../src/connectors/ad/directory-reader.ts';
import { DirSyncError } from '../../../src/core/errors.ts';
import { anchorFromGuid } from '../../../src/connectors/ad/values.ts';
import { decodeWatermark } from '../../../src/connectors/ad/watermark.ts';
import type { ImportChange, SourceObject } from '../../../src/engine/model.ts';
import type { DirectoryImport } from '../../../src/engine/ports.ts';
import { sourceAttributes } from '../../../src/engine/mapping.ts';
import { DEFAULT_ATTRIBUTE_MAPPING } from '../../../src/engine/mapping/attribute-mapping.ts';
import { FIXTURE, adminClient, startDomain } from '../../support/ad/index.ts';
import type { TestDomain } from '../../support/ad/index.ts';
import { createCertificateAuthority } from '../../support/certificates.ts';

async function collect(changes: AsyncIterable<ImportChange>): Promise<ImportChange[]> {
  const all: ImportChange[] = [];
  for await (const change of changes) all.push(change);
  return all;
}

/** Reads an import to its end: its changes, and the watermark it ended at. */
async function readToEnd(run: DirectoryImport): Promise<{ changes: ImportChange[]; watermark: string }> {
  const changes = await collect(run.changes);
  return { changes, watermark: run.watermark() };
}

const upserted = (changes: ImportChange[]): SourceObject[] => changes.flatMap((change) => (change.op === 'upsert' ? [change.object] : []));

/** sAMAccountNames are unique domain-wide and at most 20 characters. */
const accountName = (cn: string): string =>
  cn
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 20);

describe('ActiveDirectorySource against a Samba AD DC', function () {
  this.timeout(120_000);
  let domain: TestDomain;
  let admin: Client;
  /** This suite's own subtree: In (synchronised) with In/Excluded (left out), and Out. */
  let root: string;
  let inOu: string;
  let excludedOu: string;
  let outOu: string;
  /** A seeded user without any replication right. */
  const plainUser = { dn: FIXTURE.users.alice.dn, password: FIXTURE.users.alice.password! };

  const anchorOf = async (dn: string): Promise<string> => {
    const { searchEntries } = await admin.search(dn, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] });
    return anchorFromGuid(searchEntries[0]!.objectGUID as Buffer);
  };
  const addUser = (cn: string, parent: string, attributes: Record<string, string | string[]> = {}): Promise<void> =>
    admin.add(`CN=${cn},${parent}`, {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      sAMAccountName: accountName(cn),
      ...attributes,
    });
  const addGroup = (cn: string, parent: string, members: string[] = [], attributes: Record<string, string | string[]> = {}): Promise<void> =>
    admin.add(`CN=${cn},${parent}`, {
      objectClass: ['top', 'group'],
      sAMAccountName: accountName(cn),
      ...(members.length > 0 ? { member: members } : {}),
      ...attributes,
    });
  const replace = (dn: string, type: string, values: string[]): Promise<void> =>
    admin.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type, values }) }));
  const modifyMembers = (group: string, operation: 'add' | 'delete', members: string[]): Promise<void> =>
    admin.modify(group, new Change({ operation, modification: new Attribute({ type: 'member', values: members }) }));

  const sourceOptions = (overrides: Partial<ActiveDirectorySourceOptions> = {}): ActiveDirectorySourceOptions => ({
    url: domain.ldapUrl,
    bindDn: domain.adminDn,
    password: domain.adminPassword,
    caPem: domain.caPem,
    scope: { includeOus: [inOu], excludeOus: [excludedOu] },
    ...overrides,
  });

  before(async () => {
    domain = await startDomain();
    admin = await adminClient(domain);
    root = `OU=AD Connector Tests,${domain.baseDn}`;
    inOu = `OU=In\\, Synced,${root}`;
    excludedOu = `OU=Excluded,${inOu}`;
    outOu = `OU=Out,${root}`;
    for (const ou of [root, inOu, excludedOu, outOu]) await admin.add(ou, { objectClass: ['top', 'organizationalUnit'] });
    await addUser("Ann Apostrophe O'Neil", inOu, {
      givenName: 'Ann',
      mail: 'ann@corp.example.test',
      proxyAddresses: ['SMTP:ann@corp.example.test', 'smtp:ann.oneil@corp.example.test'],
    });
    await addUser('Jürgen Größe', inOu, { manager: `CN=Ann Apostrophe O'Neil,${inOu}` });
    await addUser('Hidden Away', excludedOu);
    await addUser('Outsider', outOu);
    await addUser('SystemMailbox{1f05a927}', inOu, { sAMAccountName: 'SystemMailbox{1f05a927}' });
    await admin.add(`CN=Partner Contact,${inOu}`, {
      objectClass: ['top', 'person', 'organizationalPerson', 'contact'],
      mail: 'partner@partner.example',
    });
    await admin.add(`CN=Workstation1,${inOu}`, {
      objectClass: ['top', 'person', 'organizationalPerson', 'user', 'computer'],
      sAMAccountName: 'WORKSTATION1$',
    });
    await addGroup('Staff', inOu, [`CN=Ann Apostrophe O'Neil,${inOu}`, `CN=Jürgen Größe,${inOu}`]);
    await addGroup('Newsletter', inOu, [], { groupType: '2', mail: 'news@corp.example.test' });
  });

  after(async () => {
    await admin?.unbind();
    await domain?.stop();
  });

  describe('full import', () => {
    it("reads the attributes the engine asks for (the mapping's) and its own, and no others", async () => {
      const source = new ActiveDirectorySource(
        sourceOptions({ scope: { includeOus: [FIXTURE.ous.sales], excludeOus: [] }, attributes: ['department', 'extensionAttribute3'] }),
      );
      const alice = upserted((await readToEnd(source.fullImport())).changes).find((object) => object.dn === FIXTURE.users.alice.dn)!;
      await source.close();
      assert.deepEqual(alice.attributes.department, ['Sales']);
      assert.deepEqual(alice.attributes.extensionattribute3, ['CC-1001'], 'an Exchange schema attribute, read over LDAP');
      assert.deepEqual(alice.attributes.samaccountname, [FIXTURE.users.alice.samAccountName], 'selection reads it whatever the mapping');
      for (const notAsked of ['title', 'company', 'givenname', 'telephonenumber', 'extensionattribute15', 'objectsid'])
        assert.equal(alice.attributes[notAsked], undefined, `${notAsked} is not read`);
    });

    it("yields exactly the FIXTURE's in-scope users, groups and contacts, and no excluded object", async () => {
      // objectSid besides the default mapping's attributes: a mapping may read it, as S-1-….
      const attributes = [...sourceAttributes(DEFAULT_ATTRIBUTE_MAPPING), 'objectSid'];
      const source = new ActiveDirectorySource(
        sourceOptions({ scope: { includeOus: [FIXTURE.ous.corp], excludeOus: [FIXTURE.ous.disabled] }, attributes }),
      );
      const full = await readToEnd(source.fullImport());
      const objects = upserted(full.changes);
      await source.close();
      const { users, groups, contacts, crowd } = FIXTURE;
      const expected = [
        ...[users.alice, users.zoe, users.conor, users.erin, users.paul, users.legacy, users.noMail, ...crowd.users].map((user) => `user ${user.dn}`),
        ...Object.values(groups).map((group) => `group ${group.dn}`),
        `contact ${contacts.vendor.dn}`, // Nigel Nomail has no address; Dave is in the excluded OU; Oscar outside
      ];
      assert.deepEqual(objects.map((object) => `${object.kind} ${object.dn}`).sort(), expected.sort());
      assert.equal(new Set(objects.map((object) => object.anchor)).size, objects.length);
      assert.ok(full.watermark !== undefined);

      const byDn = new Map(objects.map((object) => [object.dn, object]));
      const alice = byDn.get(users.alice.dn)!;
      assert.equal(alice.anchor, await anchorOf(users.alice.dn));
      assert.deepEqual(alice.attributes.proxyaddresses, users.alice.attributes.proxyAddresses);
      assert.deepEqual(alice.attributes.useraccountcontrol, [users.alice.attributes.userAccountControl]);
      assert.match(alice.attributes.objectsid?.[0] ?? '', /^S-1-5-21-/);
      assert.equal(alice.attributes.objectguid, undefined);
      assert.equal(alice.references.manager, null);
      assert.deepEqual(byDn.get(users.zoe.dn)!.attributes.sn, ['Ångström']);
      assert.equal(byDn.get(users.zoe.dn)!.references.manager, alice.anchor);
      assert.equal(byDn.get(users.legacy.dn)!.attributes.userprincipalname?.[0], users.legacy.userPrincipalName);
      const allStaff = byDn.get(groups.allStaff.dn)!;
      assert.deepEqual(
        allStaff.references.members?.sort(),
        [byDn.get(groups.salesTeam.dn)!.anchor, byDn.get(groups.engineeringTeam.dn)!.anchor].sort(),
      );
      assert.equal(byDn.get(groups.crowd.dn)!.references.members?.length, FIXTURE.counts.crowdGroupMembers);
      assert.deepEqual(byDn.get(groups.announcements.dn)!.attributes.grouptype, [groups.announcements.attributes.groupType]);
    });

    it('streams: objects arrive page by page, before the rest of the directory is read', async () => {
      const source = new ActiveDirectorySource(sourceOptions({ scope: { includeOus: [FIXTURE.ous.corp], excludeOus: [] }, pageSize: 200 }));
      let pagesAtFirstObject: number | undefined;
      for await (const _change of source.fullImport().changes) pagesAtFirstObject ??= source.statistics.pages;
      await source.close();
      assert.ok(source.statistics.pages >= 8, `read ${source.statistics.pages} pages`);
      assert.equal(pagesAtFirstObject, 1);
    });
  });

  describe('delta import with the DirSync control', () => {
    let source: ActiveDirectorySource;
    let watermark: string;
    const delta = async (): Promise<ImportChange[]> => {
      const read = await readToEnd(source.deltaImport(watermark));
      watermark = read.watermark;
      return read.changes;
    };

    before(async () => {
      source = new ActiveDirectorySource(sourceOptions());
      ({ watermark } = await readToEnd(source.fullImport()));
      assert.equal(decodeWatermark(watermark, JSON.parse(watermark).scope).mechanism, 'dirsync');
    });
    after(() => source.close());

    it('reports nothing when nothing changed', async () => {
      await delta(); // what the full import's own reading window may replay
      assert.deepEqual(await delta(), []);
    });

    it('re-reads an object whose attribute changed and yields it complete', async () => {
      const dn = `CN=Ann Apostrophe O'Neil,${inOu}`;
      await replace(dn, 'title', ['Engineer']);
      const [change, ...rest] = await delta();
      assert.deepEqual(rest, []);
      assert.equal(change?.op, 'upsert');
      const object = (change as { object: SourceObject }).object;
      assert.equal(object.anchor, await anchorOf(dn));
      assert.deepEqual(object.attributes.title, ['Engineer']);
      assert.deepEqual(object.attributes.givenname, ['Ann'], 'unchanged attributes are there too');
    });

    it('follows a rename (same anchor, new DN) and a disable', async () => {
      const anchor = await anchorOf(`CN=Jürgen Größe,${inOu}`);
      await admin.modifyDN(`CN=Jürgen Größe,${inOu}`, `CN=Jürgen Grösse,${inOu}`);
      await replace(`CN=Jürgen Grösse,${inOu}`, 'userAccountControl', ['514']);
      const objects = upserted(await delta());
      const jurgen = objects.find((object) => object.anchor === anchor);
      assert.equal(jurgen?.dn, `CN=Jürgen Grösse,${inOu}`);
      assert.deepEqual(jurgen?.attributes.useraccountcontrol, ['514']);
    });

    it("gives a group's membership changes as the members added and removed (incremental values), nested groups included", async () => {
      const staff = `CN=Staff,${inOu}`;
      await addGroup('Nested Team', inOu, [`CN=Ann Apostrophe O'Neil,${inOu}`]);
      await modifyMembers(staff, 'add', [`CN=Nested Team,${inOu}`]);
      await modifyMembers(staff, 'delete', [`CN=Jürgen Grösse,${inOu}`]);
      const objects = upserted(await delta());
      const staffObject = objects.find((object) => object.dn === staff);
      assert.equal(staffObject?.references.members, undefined, 'the member list is not read');
      assert.deepEqual(staffObject?.references.memberChanges, {
        added: [await anchorOf(`CN=Nested Team,${inOu}`)],
        removed: [await anchorOf(`CN=Jürgen Grösse,${inOu}`)],
      });
      assert.equal(source.statistics.memberValues, 3, 'two increments of Staff, the one member of the new group');
      assert.equal(objects.find((object) => object.dn === `CN=Nested Team,${inOu}`)?.kind, 'group');
      // Read by anchor (how the engine reads a group it has no membership of yet), the list is complete.
      const reReads: ImportChange[] = [];
      for await (const change of source.readObjects([staffObject!.anchor])) reReads.push(change);
      const [reRead] = upserted(reReads);
      assert.deepEqual(
        reRead?.references.members?.sort(),
        [await anchorOf(`CN=Ann Apostrophe O'Neil,${inOu}`), await anchorOf(`CN=Nested Team,${inOu}`)].sort(),
      );
    });

    it('deletes an object moved out of scope or into an excluded OU, and upserts one moved into scope', async () => {
      const leaving = await anchorOf(`CN=Nested Team,${inOu}`);
      const hiding = await anchorOf(`CN=Partner Contact,${inOu}`);
      const arriving = await anchorOf(`CN=Outsider,${outOu}`);
      await admin.modifyDN(`CN=Nested Team,${inOu}`, `CN=Nested Team,${outOu}`);
      await admin.modifyDN(`CN=Partner Contact,${inOu}`, `CN=Partner Contact,${excludedOu}`);
      await admin.modifyDN(`CN=Outsider,${outOu}`, `CN=Outsider,${inOu}`);
      const changes = await delta();
      const find = (anchor: string) => changes.find((change) => (change.op === 'delete' ? change.anchor : change.object.anchor) === anchor);
      assert.deepEqual(find(leaving), { op: 'delete', anchor: leaving, dn: `CN=Nested Team,${outOu}`, reason: 'out-of-scope' });
      assert.deepEqual(find(hiding), { op: 'delete', anchor: hiding, dn: `CN=Partner Contact,${excludedOu}`, reason: 'out-of-scope' });
      assert.equal(find(arriving)?.op, 'upsert');
    });

    it('turns a tombstone into a delete', async () => {
      const dn = `CN=Outsider,${inOu}`;
      const anchor = await anchorOf(dn);
      await admin.del(dn);
      const changes = await delta();
      const deleted = changes.find((change) => change.op === 'delete' && change.anchor === anchor);
      assert.equal(deleted?.op === 'delete' && deleted.reason, 'deleted-in-ad');
    });

    it('rejects a cookie the server cannot use with ActiveDirectory.watermark-rejected', async () => {
      const stored = JSON.parse(watermark) as { cookies: Record<string, string> };
      for (const namingContext of Object.keys(stored.cookies)) stored.cookies[namingContext] = Buffer.from('not a cookie').toString('base64');
      await assert.rejects(
        collect(source.deltaImport(JSON.stringify(stored)).changes),
        (error: unknown) => error instanceof DirSyncError && error.code === 'ActiveDirectory.watermark-rejected',
      );
    });
  });

  it('drops objects that stop matching the attribute filter (re-read by GUID with the filter)', async () => {
    const dn = `CN=Ann Apostrophe O'Neil,${inOu}`;
    const source = new ActiveDirectorySource(sourceOptions({ scope: { includeOus: [inOu], excludeOus: [], attributeFilter: '(department=Sales)' } }));
    await replace(dn, 'department', ['Sales']);
    const full = await readToEnd(source.fullImport());
    assert.deepEqual(
      upserted(full.changes).map((object) => object.dn),
      [dn],
    );
    const settled = await readToEnd(source.deltaImport(full.watermark));
    await replace(dn, 'department', ['Marketing']);
    const changes = await collect(source.deltaImport(settled.watermark).changes);
    await source.close();
    assert.deepEqual(changes, [{ op: 'delete', anchor: await anchorOf(dn), dn, reason: 'out-of-scope' }]);
  });

  describe('without the replication right (a plain user)', () => {
    it('falls back to uSNChanged, records it in the watermark and still sees changes', async () => {
      const warnings: string[] = [];
      const source = new ActiveDirectorySource(
        sourceOptions({
          bindDn: plainUser.dn,
          password: plainUser.password,
          output: { verbose: () => undefined, warning: (message) => warnings.push(message) },
        }),
      );
      const { watermark } = await readToEnd(source.fullImport());
      assert.equal(JSON.parse(watermark).mechanism, 'usn');
      assert.match(warnings.join('\n'), /Replicating Directory Changes/);
      const dn = `CN=Ann Apostrophe O'Neil,${inOu}`;
      await replace(dn, 'title', ['Architect']);
      const objects = upserted(await collect(source.deltaImport(watermark).changes));
      await source.close();
      assert.deepEqual(objects.find((object) => object.dn === dn)?.attributes.title, ['Architect']);
    });
  });

  it('tracks deletions with uSNChanged and Show Deleted when the account may see tombstones', async () => {
    const source = new ActiveDirectorySource(sourceOptions({ changeTracking: 'usn' }));
    const { watermark } = await readToEnd(source.fullImport());
    const dn = `CN=Temporary,${inOu}`;
    await addUser('Temporary', inOu);
    const anchor = await anchorOf(dn);
    await admin.del(dn);
    const changes = await collect(source.deltaImport(watermark).changes);
    await source.close();
    assert.deepEqual(
      changes.filter((change) => change.op === 'delete'),
      [{ op: 'delete', anchor, dn: (changes.find((change) => change.op === 'delete') as { dn: string }).dn, reason: 'deleted-in-ad' }],
    );
    assert.match((changes[0] as { dn: string }).dn, /CN=Deleted Objects/);
  });

  it('reads a multi-valued attribute served in ranges completely', async () => {
    const client = await openDirectoryConnection({
      url: domain.ldapsUrl,
      bindDn: domain.adminDn,
      password: domain.adminPassword,
      caPem: domain.caPem,
    });
    const reader = new DirectoryReader(client);
    // Samba answers in ranges only when asked: ask for the first range as a DC with MaxValRange=1000 would
    // serve it, and let the reader fetch the rest.
    const { searchEntries } = await client.search(
      FIXTURE.groups.crowd.dn,
      {
        scope: 'base',
        attributes: [...DEFAULT_READ_ATTRIBUTES.filter((name) => name !== 'member'), 'member;range=0-999'],
        explicitBufferAttributes: BINARY_ATTRIBUTES,
      },
      DirectoryReader.readControls(),
    );
    assert.equal((searchEntries[0]!['member;range=0-999'] as string[]).length, 1000);
    const object = await reader.toSourceObject(await reader.complete(searchEntries[0]!), 'group');
    await client.unbind();
    assert.equal(object.references.members?.length, FIXTURE.counts.crowdGroupMembers);
    assert.equal(new Set(object.references.members).size, FIXTURE.counts.crowdGroupMembers);
    assert.equal(object.attributes.member?.length, FIXTURE.counts.crowdGroupMembers);
  });

  describe('connection errors', () => {
    const expectFailure = async (options: Parameters<typeof openDirectoryConnection>[0], failure: string, message: RegExp) => {
      await assert.rejects(openDirectoryConnection(options), (error: unknown) => {
        assert.ok(error instanceof DirSyncError && error.code.startsWith('ActiveDirectory.'), String(error));
        assert.equal(error.code, `ActiveDirectory.${failure}`);
        assert.match(error.message, message);
        assert.ok(error.recommendedAction);
        return true;
      });
    };

    it('says the password is wrong', () =>
      expectFailure(
        { url: domain.ldapsUrl, bindDn: plainUser.dn, password: 'wrong', caPem: domain.caPem },
        'wrong-password',
        /the password for CN=Alice Archer,.* is wrong/,
      ));

    it('says which server cannot be reached', () =>
      expectFailure(
        { url: 'ldaps://127.99.0.254:636', bindDn: plainUser.dn, password: 'x', connectTimeoutMs: 3000 },
        'unreachable',
        /Cannot reach the domain controller at 127\.99\.0\.254:636 \(ECONNREFUSED\)/,
      ));

    it('names the CA file and the TLS error when the certificate is not trusted (StartTLS)', async () => {
      const directory = await mkdtemp(join(tmpdir(), 'dirsync-ad-test-'));
      const otherCaFile = join(directory, 'other-ca.pem');
      try {
        await writeFile(otherCaFile, (await createCertificateAuthority('Some Other CA')).certificatePem);
        await expectFailure(
          { url: domain.ldapUrl, bindDn: plainUser.dn, password: 'x', caFile: otherCaFile },
          'untrusted-certificate',
          new RegExp(`not trusted by the CA file ${otherCaFile} \\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\\)`),
        );
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    });

    it('reports a certificate issued for another name', async () => {
      // A TCP relay on 127.0.0.1 makes the DC answer for "localhost", which its certificate does not name.
      const relay: Server = createServer((socket) => {
        const upstream = connect(636, domain.ip);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      });
      await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
      try {
        await expectFailure(
          { url: `ldaps://localhost:${(relay.address() as AddressInfo).port}`, bindDn: plainUser.dn, password: 'x', caPem: domain.caPem },
          'hostname-mismatch',
          /not issued for "localhost"/,
        );
      } finally {
        relay.close();
      }
    });
  });
});
