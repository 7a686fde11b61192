import assert from 'node:assert/strict';
import { Attribute, Change, Client, InsufficientAccessError, InvalidCredentialsError } from 'ldapts';
import { ReplicationChangesControl } from '../../../src/connectors/ad/controls/replication-changes-control.ts';
import {
  AceType,
  controlAccessRight,
  guidToBytes,
  isAccessAce,
  parseSecurityDescriptor,
  serializeSecurityDescriptor,
} from '../../../src/connectors/ad/security-descriptor.ts';
import { SecurityDescriptorFlagsControl, SecurityInformation } from '../../../src/connectors/ad/controls/security-descriptor-flags-control.ts';
import type { DirSyncError } from '../../../src/core/errors.ts';
import { ReplicationRights } from '../../../src/connectors/ad/replication-rights.ts';
import { ensureServiceAccount, serviceAccountNamePattern, type ServiceAccount } from '../../../src/connectors/ad/service-account.ts';
import { sidToString } from '../../../src/connectors/ad/values.ts';
import { adminClient, FIXTURE, startDomain, type TestDomain } from '../../support/ad/index.ts';

describe('AAD_ service account (against a real AD)', function () {
  this.timeout(120_000);
  let domain: TestDomain;
  let admin: Client;
  let account: ServiceAccount;

  async function bindAs(dn: string, password: string): Promise<Client> {
    const client = new Client({ url: domain.ldapsUrl, tlsOptions: { ca: [domain.caPem] }, connectTimeout: 5_000 });
    await client.bind(dn, password);
    return client;
  }

  async function withClient<T>(dn: string, password: string, work: (client: Client) => Promise<T>): Promise<T> {
    const client = await bindAs(dn, password);
    try {
      return await work(client);
    } finally {
      await client.unbind();
    }
  }

  async function domainRootDacl() {
    const { searchEntries } = await admin.search(
      domain.baseDn,
      { scope: 'base', attributes: ['nTSecurityDescriptor'], explicitBufferAttributes: ['nTSecurityDescriptor'] },
      new SecurityDescriptorFlagsControl(SecurityInformation.dacl),
    );
    return searchEntries[0]!.nTSecurityDescriptor as Buffer;
  }

  /** The replication-right ACEs the domain root grants to `sid`, by right GUID. */
  async function replicationGrants(sid: string): Promise<string[]> {
    const dacl = parseSecurityDescriptor(await domainRootDacl()).dacl!;
    return Object.values(ReplicationRights).flatMap((right) =>
      dacl.aces
        .filter((ace) => isAccessAce(ace) && ace.type === AceType.accessAllowedObject && ace.mask === controlAccessRight)
        .filter((ace) => isAccessAce(ace) && sidToString(ace.sid) === sid && ace.objectType?.equals(guidToBytes(right)))
        .map(() => right),
    );
  }

  function dirSyncSearch(client: Client) {
    // No OBJECT_SECURITY flag: the replication rights are what make this allowed.
    return client.search(domain.baseDn, { filter: '(objectClass=user)', attributes: ['sAMAccountName'] }, new ReplicationChangesControl());
  }

  before(async () => {
    domain = await startDomain();
    admin = await adminClient(domain);
    account = await ensureServiceAccount(admin);
  });
  after(async () => {
    await admin?.unbind();
    await domain?.stop();
  });

  it('creates AAD_ + 12 hex characters in CN=Users, enabled, password never expiring, described', async () => {
    assert.match(account.samAccountName, serviceAccountNamePattern);
    assert.equal(account.dn, `CN=${account.samAccountName},CN=Users,${domain.baseDn}`);
    const { searchEntries } = await admin.search(account.dn, {
      scope: 'base',
      attributes: ['userAccountControl', 'description', 'objectSid'],
      explicitBufferAttributes: ['objectSid'],
    });
    const entry = searchEntries[0]!;
    assert.equal(Number(entry.userAccountControl), 0x10200);
    assert.match(String(entry.description), /DirSync service account/);
    assert.equal(sidToString(entry.objectSid as Buffer), account.sid);
    assert.equal(account.password.length, 64);
  });

  it('grants Replicating Directory Changes on the domain root, and never Replicating Directory Changes All', async () => {
    assert.deepEqual(await replicationGrants(account.sid), [ReplicationRights.getChanges]);
    assert.equal(account.changesAllRemoved, false);
  });

  it('lets the account run a DirSync search at the domain root', async () => {
    const { searchEntries } = await withClient(account.dn, account.password, dirSyncSearch);
    assert.ok(searchEntries.some((entry) => entry.dn === FIXTURE.users.zoe.dn));
  });

  it('refuses the same DirSync search to a plain user (no replication rights, no OBJECT_SECURITY)', async () => {
    const alice = FIXTURE.users.alice;
    await assert.rejects(withClient(alice.dn, alice.password!, dirSyncSearch), InsufficientAccessError);
  });

  it('refuses to set the account up with a non-administrator credential, saying what to do', async () => {
    const alice = FIXTURE.users.alice;
    await assert.rejects(
      withClient(alice.dn, alice.password!, (client) => ensureServiceAccount(client)),
      (error: DirSyncError) => {
        assert.equal(error.code, 'ServiceAccount.insufficient-access');
        assert.match(error.recommendedAction ?? '', /Enterprise Administrator/);
        return true;
      },
    );
  });

  it('re-running with the stored objectGUID reuses the account, changes its password and adds no duplicate ACEs', async () => {
    const passwordLastSet = async () => {
      const { searchEntries } = await admin.search(account.dn, { scope: 'base', attributes: ['pwdLastSet'] });
      return BigInt(String(searchEntries[0]!.pwdLastSet));
    };
    const setBefore = await passwordLastSet();
    const rerun = await ensureServiceAccount(admin, { existingObjectGuid: account.objectGuid, existingSamAccountName: account.samAccountName });
    assert.deepEqual({ ...rerun, password: undefined }, { ...account, password: undefined });
    assert.notEqual(rerun.password, account.password);
    // Samba still accepts the old password for a while after the reset (presumably its "old password
    // allowed period", 60 min by default), so the reset shows in pwdLastSet; the new one works at once.
    assert.ok((await passwordLastSet()) > setBefore, 'pwdLastSet moved on');
    await withClient(rerun.dn, rerun.password, dirSyncSearch);
    await assert.rejects(bindAs(rerun.dn, 'Not-The-Passw0rd!'), InvalidCredentialsError);
    assert.deepEqual(await replicationGrants(account.sid), [ReplicationRights.getChanges]);
    account = rerun;
  });

  it('finds the account by objectGUID after it was renamed and moved', async () => {
    const moved = `CN=Renamed Sync Account,${FIXTURE.ous.corp}`;
    await admin.modifyDN(account.dn, moved);
    const rerun = await ensureServiceAccount(admin, { existingObjectGuid: account.objectGuid });
    assert.equal(rerun.dn, moved);
    assert.equal(rerun.objectGuid, account.objectGuid);
    await withClient(rerun.dn, rerun.password, dirSyncSearch);
  });

  it('creates a new account when the stored objectGUID no longer exists', async () => {
    const fresh = await ensureServiceAccount(admin, { existingObjectGuid: '00000000-1111-2222-3333-444444444444' });
    assert.notEqual(fresh.objectGuid, account.objectGuid);
    assert.match(fresh.samAccountName, serviceAccountNamePattern);
    assert.deepEqual(await replicationGrants(fresh.sid), [ReplicationRights.getChanges]);
  });

  it('reads the domain root DACL with SD_FLAGS and re-encodes it byte for byte', async () => {
    const bytes = await domainRootDacl();
    const descriptor = parseSecurityDescriptor(bytes);
    assert.equal(descriptor.owner, undefined, 'SD_FLAGS=DACL returns no owner');
    assert.ok(serializeSecurityDescriptor(descriptor).equals(bytes));
  });

  it('leaves the rest of the domain root DACL as it was', async () => {
    const before = parseSecurityDescriptor(await domainRootDacl()).dacl!;
    const outsider = await ensureServiceAccount(admin);
    const after = parseSecurityDescriptor(await domainRootDacl()).dacl!;
    const withoutOutsider = after.aces.filter((ace) => !(isAccessAce(ace) && sidToString(ace.sid) === outsider.sid));
    assert.deepEqual(withoutOutsider, before.aces);
    assert.equal(after.aces.length, before.aces.length + 1);
    // A change elsewhere is still possible, proving the DACL was written back well-formed.
    await admin.modify(
      FIXTURE.users.zoe.dn,
      new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Still writable'] }) }),
    );
  });
});
