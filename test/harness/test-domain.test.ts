import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Attribute, Change, Client } from 'ldapts';
import { adminClient, FIXTURE, startDomain, type TestDomain } from '../support/ad/index.ts';
import { createCertificateAuthority } from '../support/certificates.ts';
import { isProcessAlive } from '../support/ad/processes.ts';
import { sweepAbandoned } from '../support/ad/run-directories.ts';
import { TestDirSyncControl } from './dirsync-test-control.ts';

async function countEntries(client: Client, base: string, filter: string): Promise<number> {
  const { searchEntries } = await client.search(base, { filter, attributes: ['distinguishedName'], paged: true });
  return searchEntries.length;
}

describe('test harness: a real AD domain (Samba AD DC)', function () {
  this.timeout(180_000); // the first run on a machine builds the template (~35 s)
  let domain: TestDomain;
  let client: Client;

  before(async () => {
    domain = await startDomain();
    client = await adminClient(domain);
  });
  after(async () => {
    await client?.unbind();
    await domain?.stop();
  });

  describe('TLS', () => {
    it('binds over LDAPS verifying the certificate against the test CA', async () => {
      const { searchEntries } = await client.search(domain.baseDn, { scope: 'base', attributes: ['objectClass'] });
      assert.equal(searchEntries.length, 1);
    });

    it('rejects the DC certificate when another CA is trusted', async () => {
      const stranger = new Client({
        url: domain.ldapsUrl,
        tlsOptions: { ca: [(await createCertificateAuthority('Some Other CA')).certificatePem] },
        connectTimeout: 5_000,
      });
      await assert.rejects(stranger.bind(domain.adminDn, domain.adminPassword), (error: NodeJS.ErrnoException) => {
        assert.match(String(error.code), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
        return true;
      });
    });

    it('rejects the certificate for a host name it was not issued to', async () => {
      const misdirected = new Client({ url: domain.ldapsUrl, tlsOptions: { ca: [domain.caPem], servername: 'dc9.elsewhere.test' } });
      await assert.rejects(misdirected.bind(domain.adminDn, domain.adminPassword), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    });

    it('upgrades plain LDAP with StartTLS, verifying the certificate, and binds by UPN', async () => {
      const startTls = new Client({ url: domain.ldapUrl, connectTimeout: 5_000 });
      try {
        // ldapts does not pass the URL's host to tls.connect: without `host` it checks the name "localhost".
        await startTls.startTLS({ ca: [domain.caPem], host: domain.ip });
        await startTls.bind(domain.adminUpn, domain.adminPassword);
        const { searchEntries } = await startTls.search(domain.baseDn, { scope: 'base', attributes: ['objectClass'] });
        assert.equal(searchEntries.length, 1);
      } finally {
        await startTls.unbind();
      }
    });
  });

  describe('seeded fixture', () => {
    const people = '(&(objectCategory=person)(objectClass=user))';
    const seededTrees = [FIXTURE.ous.corp, FIXTURE.ous.outOfScope];
    const countInSeededTrees = async (filter: string) =>
      (await Promise.all(seededTrees.map((base) => countEntries(client, base, filter)))).reduce((sum, count) => sum + count, 0);

    it('holds the users, groups, contacts and computers FIXTURE describes', async () => {
      assert.equal(await countInSeededTrees(people), FIXTURE.counts.users);
      assert.equal(await countInSeededTrees(`(&${people}(userAccountControl:1.2.840.113556.1.4.803:=2))`), FIXTURE.counts.disabledUsers);
      assert.equal(await countInSeededTrees('(objectClass=group)'), FIXTURE.counts.groups);
      assert.equal(await countInSeededTrees('(objectClass=contact)'), FIXTURE.counts.contacts);
      assert.equal(await countInSeededTrees('(objectClass=computer)'), FIXTURE.counts.computers);
      assert.equal(await countInSeededTrees('(objectClass=organizationalUnit)'), FIXTURE.counts.organizationalUnits);
    });

    it('keeps non-ASCII and apostrophe names, proxy addresses and the manager link as written', async () => {
      for (const user of [FIXTURE.users.zoe, FIXTURE.users.conor]) {
        const { searchEntries } = await client.search(user.dn, { scope: 'base', attributes: ['givenName', 'sn', 'proxyAddresses', 'manager'] });
        const entry = searchEntries[0]!;
        assert.equal(entry.givenName, user.attributes.givenName);
        assert.equal(entry.sn, user.attributes.sn);
        assert.deepEqual([entry.proxyAddresses].flat().sort(), [user.attributes.proxyAddresses].flat().sort());
        assert.equal(entry.manager, FIXTURE.users.alice.dn);
      }
    });

    it("leaves Samba's critical system objects in place", async () => {
      const { searchEntries } = await client.search(domain.baseDn, { filter: '(isCriticalSystemObject=TRUE)', attributes: ['distinguishedName'] });
      const critical = searchEntries.map((entry) => entry.dn);
      for (const dn of ['CN=Administrator,CN=Users', 'CN=krbtgt,CN=Users', 'CN=Domain Admins,CN=Users', 'OU=Domain Controllers']) {
        assert.ok(critical.includes(`${dn},${domain.baseDn}`), `${dn} should be a critical system object`);
      }
    });

    it("has Exchange's schema attributes: users and groups hold extensionAttribute1–15 and msExchHideFromAddressLists", async () => {
      const alice = FIXTURE.users.alice;
      const { searchEntries } = await client.search(alice.dn, { scope: 'base', attributes: ['extensionAttribute3', 'extensionAttribute15'] });
      assert.equal(searchEntries[0]?.extensionAttribute3, alice.attributes.extensionAttribute3);
      assert.equal(searchEntries[0]?.extensionAttribute15, alice.attributes.extensionAttribute15);
      const sales = FIXTURE.groups.salesTeam;
      assert.equal(
        (await client.search(sales.dn, { scope: 'base', attributes: ['extensionAttribute1'] })).searchEntries[0]?.extensionAttribute1,
        'Team Sales',
      );
      const nora = FIXTURE.users.noMail.dn;
      await client.modify(nora, [
        new Change({ operation: 'replace', modification: new Attribute({ type: 'extensionAttribute12', values: ['twelve'] }) }),
        new Change({ operation: 'replace', modification: new Attribute({ type: 'msExchHideFromAddressLists', values: ['TRUE'] }) }),
      ]);
      const written = (await client.search(nora, { scope: 'base', attributes: ['extensionAttribute12', 'msExchHideFromAddressLists'] }))
        .searchEntries[0];
      assert.deepEqual([written?.extensionAttribute12, written?.msExchHideFromAddressLists], ['twelve', 'TRUE']);
      await assert.rejects(
        client.modify(nora, [
          new Change({ operation: 'replace', modification: new Attribute({ type: 'extensionAttribute13', values: ['x'.repeat(1025)] }) }),
        ]),
        "the schema keeps Exchange's 1,024-character limit",
      );
    });

    // Finding: Samba does not enforce MaxValRange (real AD returns member;range=0-1499 unasked), but it
    // honours explicit range requests, so ranged retrieval code can be exercised against it.
    it('returns the large group whole, and in ranges when ranges are asked for', async () => {
      const read = async (attribute: string) => {
        const { searchEntries } = await client.search(FIXTURE.groups.crowd.dn, { scope: 'base', attributes: [attribute] });
        return [searchEntries[0]?.[attribute] ?? []].flat().length;
      };
      assert.equal(await read('member'), FIXTURE.counts.crowdGroupMembers);
      assert.equal(await read('member;range=0-1499'), 1500);
      assert.equal(await read('member;range=1500-*'), FIXTURE.counts.crowdGroupMembers - 1500);
    });
  });

  it('answers DirSync incrementally: after the initial cookie only the changed attribute of the changed object', async () => {
    const control = new TestDirSyncControl();
    const initial = await client.search(domain.baseDn, { filter: '(objectClass=*)', attributes: ['title', 'givenName'] }, control);
    assert.ok(initial.searchEntries.length > FIXTURE.counts.users, 'the initial DirSync search returns everything');
    assert.ok(control.cookie.length > 0, 'the server returned a cookie');

    const zoe = FIXTURE.users.zoe;
    await client.modify(zoe.dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Regional Director'] }) }));
    const incremental = await client.search(
      domain.baseDn,
      { filter: '(objectClass=*)', attributes: ['title', 'givenName'] },
      new TestDirSyncControl(control.cookie),
    );
    assert.deepEqual(
      incremental.searchEntries.map((entry) => entry.dn),
      [zoe.dn],
    );
    const changed = incremental.searchEntries[0]!;
    assert.equal(changed.title, 'Regional Director');
    assert.deepEqual([changed.givenName ?? []].flat(), [], 'unchanged attributes are not returned');
  });

  describe('lifecycle', () => {
    it('clones a fresh domain in well under 5 s and leaves no process or directory after stop', async () => {
      const second = await startDomain();
      console.log(`      clone + start of a fixture domain: ${second.startMs} ms`);
      assert.ok(second.startMs < 5_000, `clone took ${second.startMs} ms`);
      assert.notEqual(second.ip, domain.ip);
      const { pid, directory } = second;
      assert.ok(isProcessAlive(pid) && existsSync(directory));
      await second.stop();
      await second.stop(); // idempotent
      assert.equal(isProcessAlive(pid), false, `samba ${pid} still runs`);
      assert.equal(existsSync(directory), false, `${directory} still exists`);
    });

    it('restarts on the same address with the data kept', async () => {
      const conor = FIXTURE.users.conor;
      const phone = new Attribute({ type: 'telephoneNumber', values: ['+353 1 555 0199'] });
      await client.modify(conor.dn, new Change({ operation: 'replace', modification: phone }));
      const oldPid = domain.pid;
      await client.unbind();
      await domain.restart();
      assert.notEqual(domain.pid, oldPid);
      assert.equal(isProcessAlive(oldPid), false);
      client = await adminClient(domain);
      const { searchEntries } = await client.search(conor.dn, { scope: 'base', attributes: ['telephoneNumber'] });
      assert.equal(searchEntries[0]?.telephoneNumber, '+353 1 555 0199', 'the change made before the restart survives');
    });

    it('sweeps the domain of a test process that was killed, with its Samba', async () => {
      const child = spawn(process.execPath, [join(import.meta.dirname, 'fixtures', 'start-and-hang.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const abandoned = JSON.parse(line) as { pid: number; directory: string };
      child.kill('SIGKILL');
      await once(child, 'exit');
      assert.ok(isProcessAlive(abandoned.pid), 'samba outlives its killed owner');
      await sweepAbandoned();
      assert.equal(isProcessAlive(abandoned.pid), false, `samba ${abandoned.pid} still runs`);
      assert.equal(existsSync(abandoned.directory), false);
      assert.ok(isProcessAlive(domain.pid), "a live owner's domain is left alone");
    });
  });
});
