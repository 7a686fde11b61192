// configure's check that the account DirSync reads with sees deletions through DirSync, against Samba: the AAD_
// account does not (Samba withholds tombstones from non-administrators), the Administrator does, an account
// without the replication right cannot use DirSync at all; the temporary object never remains.
import assert from 'node:assert/strict';
import type { Client } from 'ldapts';
import type { DirectoryConnectionOptions } from '../../../src/connectors/ad/connection.ts';
import { ShowDeletedControl } from '../../../src/connectors/ad/controls/show-deleted-control.ts';
import { PROBE_NAME_PREFIX, probeDeletionVisibility } from '../../../src/connectors/ad/deletion-visibility-probe.ts';
import { DirSyncError } from '../../../src/core/errors.ts';
import { ensureServiceAccount } from '../../../src/connectors/ad/service-account.ts';
import type { ServiceAccount } from '../../../src/connectors/ad/service-account.ts';
import { FIXTURE, adminClient, startDomain } from '../../support/ad/index.ts';
import type { TestDomain } from '../../support/ad/index.ts';

describe('deletion-visibility probe (Samba AD DC)', function () {
  this.timeout(120_000);
  let domain: TestDomain;
  let admin: Client;
  let serviceAccount: ServiceAccount;
  const corpScope = { includeOus: [FIXTURE.ous.corp], excludeOus: [] };

  const reading = (bindDn: string, password: string): DirectoryConnectionOptions => ({ url: domain.ldapsUrl, caPem: domain.caPem, bindDn, password });

  /** Probe objects anywhere in the domain: live ones, and (Show Deleted) tombstones, which prove one was made. */
  async function probeObjects(): Promise<{ live: string[]; deleted: number }> {
    const filter = `(cn=${PROBE_NAME_PREFIX}*)`;
    const live = await admin.search(domain.baseDn, { filter, attributes: ['cn'] });
    const all = await admin.search(domain.baseDn, { filter, attributes: ['cn'] }, new ShowDeletedControl());
    return { live: live.searchEntries.map((entry) => entry.dn), deleted: all.searchEntries.length - live.searchEntries.length };
  }

  before(async () => {
    domain = await startDomain();
    admin = await adminClient(domain);
    serviceAccount = await ensureServiceAccount(admin);
  });

  afterEach(async () => {
    assert.deepEqual((await probeObjects()).live, [], 'no probe object remains');
  });

  after(async () => {
    await admin?.unbind();
    await domain?.stop();
  });

  it('reports deletions not visible to the AAD_ account: Samba withholds tombstones from non-administrators', async () => {
    const before = (await probeObjects()).deleted;
    const result = await probeDeletionVisibility(admin, reading(serviceAccount.userPrincipalName, serviceAccount.password), corpScope);
    assert.equal(result.visible, false);
    assert.match(result.detail, /did not see a test deletion in OU=Corp/);
    assert.ok(result.detail.includes(serviceAccount.userPrincipalName));
    assert.equal((await probeObjects()).deleted, before + 1, 'the probe was created and deleted');
  });

  it('reports deletions visible when DirSync reads as the Administrator', async () => {
    const result = await probeDeletionVisibility(admin, reading(domain.adminDn, domain.adminPassword), corpScope);
    assert.deepEqual(result, {
      visible: true,
      detail: `${domain.adminDn} saw a test deletion in ${FIXTURE.ous.corp} through DirSync: delta imports see deletions.`,
    });
  });

  it("probes in the domain's Users container when the whole domain is in scope", async () => {
    const result = await probeDeletionVisibility(admin, reading(domain.adminDn, domain.adminPassword), { includeOus: [], excludeOus: [] });
    assert.equal(result.visible, true);
    assert.ok(result.detail.includes(`CN=Users,${domain.baseDn}`), result.detail);
  });

  it('reports an account without the replication right as not seeing deletions, saying why', async () => {
    const alice = FIXTURE.users.alice;
    const result = await probeDeletionVisibility(admin, reading(alice.dn, alice.password!), corpScope);
    assert.equal(result.visible, false);
    assert.match(result.detail, /may not use the DirSync control .*Replicating Directory Changes/);
  });

  it('removes the probe object when a step fails (the reading account cannot sign in)', async () => {
    const before = (await probeObjects()).deleted;
    await assert.rejects(
      probeDeletionVisibility(admin, reading(serviceAccount.userPrincipalName, 'Not-The-Passw0rd!'), corpScope),
      (error: unknown) => error instanceof DirSyncError && error.code === 'ActiveDirectory.wrong-password',
    );
    assert.equal((await probeObjects()).deleted, before + 1, 'the probe had been created before the failure, and was removed');
  });
});
