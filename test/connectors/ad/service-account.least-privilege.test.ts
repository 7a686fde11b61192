// The AAD_ account's rights stay least privilege (Replicating Directory Changes, never Changes All, which with it
// is what DCSync needs to read every password hash), and a stored objectGUID can only ever reach that account.
import assert from 'node:assert/strict';
import { DirSyncError } from '../../../src/core/errors.ts';
import { Attribute, Change, Client, InvalidCredentialsError, NoSuchObjectError } from 'ldapts';
import { SecurityDescriptorFlagsControl, SecurityInformation } from '../../../src/connectors/ad/controls/security-descriptor-flags-control.ts';
import {
  AceType,
  controlAccessRight,
  grantControlAccessRight,
  guidFromBytes,
  guidToBytes,
  isAccessAce,
  parseSecurityDescriptor,
  SecurityDescriptorControl,
  serializeSecurityDescriptor,
  type Ace,
} from '../../../src/connectors/ad/security-descriptor.ts';
import { sidToString } from '../../../src/connectors/ad/values.ts';
import { ReplicationRights } from '../../../src/connectors/ad/replication-rights.ts';
import { ensureServiceAccount, removeServiceAccount, type ServiceAccount } from '../../../src/connectors/ad/service-account.ts';
import { adminClient, FIXTURE, startDomain, type TestDomain } from '../../support/ad/index.ts';

describe('AAD_ service account: least privilege and identity (against a real AD)', function () {
  this.timeout(120_000);
  let domain: TestDomain;
  let admin: Client;
  const daclOnly = () => new SecurityDescriptorFlagsControl(SecurityInformation.dacl);

  async function domainRootAces(): Promise<Ace[]> {
    const { searchEntries } = await admin.search(
      domain.baseDn,
      { scope: 'base', attributes: ['nTSecurityDescriptor'], explicitBufferAttributes: ['nTSecurityDescriptor'] },
      daclOnly(),
    );
    return parseSecurityDescriptor(searchEntries[0]!.nTSecurityDescriptor as Buffer).dacl!.aces;
  }

  /** What an earlier version did: grant "Replicating Directory Changes All" to `sid` on the domain root. */
  async function grantChangesAll(sid: Buffer): Promise<void> {
    const { searchEntries } = await admin.search(
      domain.baseDn,
      { scope: 'base', attributes: ['nTSecurityDescriptor'], explicitBufferAttributes: ['nTSecurityDescriptor'] },
      daclOnly(),
    );
    const descriptor = parseSecurityDescriptor(searchEntries[0]!.nTSecurityDescriptor as Buffer);
    assert.ok(grantControlAccessRight(descriptor.dacl!, sid, ReplicationRights.getChangesAll));
    const daclBits = SecurityDescriptorControl.daclAutoInherited | SecurityDescriptorControl.daclProtected | SecurityDescriptorControl.daclDefaulted;
    const value = serializeSecurityDescriptor({
      control: descriptor.control & daclBits,
      owner: undefined,
      group: undefined,
      sacl: undefined,
      dacl: descriptor.dacl,
    });
    await admin.modify(
      domain.baseDn,
      new Change({ operation: 'replace', modification: new Attribute({ type: 'nTSecurityDescriptor', values: [value] }) }),
      daclOnly(),
    );
  }

  /** The replication rights the domain root grants explicitly to `sid`, by right GUID. */
  async function replicationGrants(sid: string): Promise<string[]> {
    const aces = await domainRootAces();
    return Object.values(ReplicationRights).flatMap((right) =>
      aces
        .filter(
          (ace) =>
            isAccessAce(ace) &&
            ace.type === AceType.accessAllowedObject &&
            (ace.mask & controlAccessRight) !== 0 &&
            sidToString(ace.sid) === sid &&
            ace.objectType?.equals(guidToBytes(right)),
        )
        .map(() => right),
    );
  }

  async function readIdentity(dn: string): Promise<{ objectGuid: string; sid: Buffer; pwdLastSet: string }> {
    const { searchEntries } = await admin.search(dn, {
      scope: 'base',
      attributes: ['objectGUID', 'objectSid', 'pwdLastSet'],
      explicitBufferAttributes: ['objectGUID', 'objectSid'],
    });
    const entry = searchEntries[0]!;
    return { objectGuid: guidFromBytes(entry.objectGUID as Buffer), sid: entry.objectSid as Buffer, pwdLastSet: String(entry.pwdLastSet) };
  }

  const sidBytes = async (account: ServiceAccount): Promise<Buffer> => (await readIdentity(account.dn)).sid;

  const refusedAsNotTheServiceAccount = (error: unknown): boolean => {
    assert.ok(error instanceof DirSyncError);
    assert.equal(error.code, 'ServiceAccount.not-the-service-account');
    assert.match(error.message, /Nothing was changed/);
    return true;
  };

  before(async () => {
    domain = await startDomain();
    admin = await adminClient(domain);
  });
  after(async () => {
    await admin?.unbind();
    await domain?.stop();
  });

  it('removes a Changes All grant an earlier version made, and nothing else of the domain root DACL', async () => {
    const account = await ensureServiceAccount(admin);
    const sid = await sidBytes(account);
    // Another principal's Changes All (say, a backup product's) is not DirSync's to remove.
    const alice = await readIdentity(FIXTURE.users.alice.dn);
    await grantChangesAll(alice.sid);
    await grantChangesAll(sid);
    assert.deepEqual(await replicationGrants(account.sid), [ReplicationRights.getChanges, ReplicationRights.getChangesAll]);
    const before = await domainRootAces();

    const rerun = await ensureServiceAccount(admin, { existingObjectGuid: account.objectGuid, existingSamAccountName: account.samAccountName });
    assert.equal(rerun.changesAllRemoved, true);
    assert.deepEqual(await replicationGrants(account.sid), [ReplicationRights.getChanges]);
    assert.deepEqual(await replicationGrants(sidToString(alice.sid)), [ReplicationRights.getChangesAll]);
    const removed = before.filter(
      (ace) => isAccessAce(ace) && ace.sid.equals(sid) && ace.objectType?.equals(guidToBytes(ReplicationRights.getChangesAll)),
    );
    assert.equal(removed.length, 1);
    assert.deepEqual(
      await domainRootAces(),
      before.filter((ace) => ace !== removed[0]),
    );

    const again = await ensureServiceAccount(admin, { existingObjectGuid: account.objectGuid, existingSamAccountName: account.samAccountName });
    assert.equal(again.changesAllRemoved, false, 'nothing left to remove the second time');
  });

  it("refuses to re-key the account a stored objectGUID points at when it is not an AAD_ account (the Administrator's), changing nothing", async () => {
    const administrator = await readIdentity(domain.adminDn);
    const aclBefore = await domainRootAces();
    await assert.rejects(ensureServiceAccount(admin, { existingObjectGuid: administrator.objectGuid }), refusedAsNotTheServiceAccount);
    await assert.rejects(
      ensureServiceAccount(admin, { existingObjectGuid: administrator.objectGuid, existingSamAccountName: 'Administrator' }),
      refusedAsNotTheServiceAccount,
    );
    assert.equal((await readIdentity(domain.adminDn)).pwdLastSet, administrator.pwdLastSet, "the Administrator's password was not reset");
    const stillAdmin = await adminClient(domain);
    await stillAdmin.unbind();
    assert.deepEqual(await domainRootAces(), aclBefore);
  });

  it("refuses an AAD_ account whose name is not the stored one (another installation's account)", async () => {
    const other = await ensureServiceAccount(admin);
    const before = await readIdentity(other.dn);
    await assert.rejects(
      ensureServiceAccount(admin, { existingObjectGuid: other.objectGuid, existingSamAccountName: 'AAD_000000000000' }),
      refusedAsNotTheServiceAccount,
    );
    assert.equal((await readIdentity(other.dn)).pwdLastSet, before.pwdLastSet);
  });

  describe('removeServiceAccount', () => {
    it('takes every replication right of the account off the domain root and deletes it; again, it changes nothing', async () => {
      const account = await ensureServiceAccount(admin);
      await grantChangesAll(await sidBytes(account));
      const others = (await domainRootAces()).filter((ace) => !(isAccessAce(ace) && sidToString(ace.sid) === account.sid));

      const removal = await removeServiceAccount(admin, { objectGuid: account.objectGuid, samAccountName: account.samAccountName });
      assert.deepEqual(removal, { removed: true, dn: account.dn, aclEntriesRemoved: 2 });
      assert.deepEqual(await domainRootAces(), others);
      await assert.rejects(admin.search(account.dn, { scope: 'base' }), NoSuchObjectError);
      const signIn = new Client({ url: domain.ldapsUrl, tlsOptions: { ca: [domain.caPem] } });
      await assert.rejects(signIn.bind(account.userPrincipalName, account.password), InvalidCredentialsError);
      await signIn.unbind();

      assert.deepEqual(await removeServiceAccount(admin, { objectGuid: account.objectGuid, samAccountName: account.samAccountName }), {
        removed: false,
        dn: undefined,
        aclEntriesRemoved: 0,
      });
    });

    it('refuses to delete an account that is not the stored AAD_ account, changing nothing', async () => {
      const administrator = await readIdentity(domain.adminDn);
      await assert.rejects(
        removeServiceAccount(admin, { objectGuid: administrator.objectGuid, samAccountName: 'Administrator' }),
        refusedAsNotTheServiceAccount,
      );
      const account = await ensureServiceAccount(admin);
      await assert.rejects(
        removeServiceAccount(admin, { objectGuid: account.objectGuid, samAccountName: 'AAD_000000000000' }),
        refusedAsNotTheServiceAccount,
      );
      assert.equal((await readIdentity(account.dn)).objectGuid, account.objectGuid);
      assert.deepEqual(await replicationGrants(account.sid), [ReplicationRights.getChanges]);
    });
  });
});
