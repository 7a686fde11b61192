// A one-member change of a large group, against Samba and the Entra stand-in: the delta reads the change as
// DirSync's incremental values and writes one membership each way, not the group's 1,600 members.
import { DEFAULT_ATTRIBUTE_MAPPING } from '../../src/engine/mapping/attribute-mapping.ts';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, type Client } from 'ldapts';
import { silentReporter } from '../../src/core/reporter.ts';
import { ActiveDirectorySource } from '../../src/connectors/ad/active-directory-source.ts';
import { CloudDirectory } from '../../src/connectors/entra/cloud-directory.ts';
import { connectToEntra, type EntraConnection } from '../../src/connectors/entra/connection.ts';
import { Exporter } from '../../src/connectors/entra/exporter.ts';
import { resolveRunMode } from '../../src/engine/run-mode.ts';
import { runSyncCycle, type CycleOptions } from '../../src/engine/sync-cycle.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { adminClient, FIXTURE, startDomain, type TestDomain } from '../support/ad/index.ts';
import { startEntraStandIn, type EntraStandIn } from '../entra-standin/stand-in.ts';

async function anchorOf(client: Client, dn: string): Promise<string> {
  const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] });
  return (searchEntries[0]!.objectGUID as Buffer).toString('base64');
}

describe('a one-member change of a large group (Samba AD DC + Entra stand-in)', function () {
  this.timeout(180_000);
  let domain: TestDomain;
  let standIn: EntraStandIn;
  let admin: Client;
  let entra: EntraConnection;
  let source: ActiveDirectorySource;
  let store: SqliteStore;
  let work: string;
  const crowd = FIXTURE.groups.crowd.dn;
  const options: CycleOptions = {
    mode: 'full',
    runMode: resolveRunMode({ kind: 'live' }),
    acceptDeletes: false,
    deletionGuard: { enabled: true, threshold: 500, sharePercent: 20 },
    softMatch: 'smtp-then-upn',
    deltaDeletions: 'tombstones',
    cloudDrift: 'revert',
    mapping: DEFAULT_ATTRIBUTE_MAPPING,
  };

  before(async () => {
    [domain, standIn] = await Promise.all([startDomain(), startEntraStandIn()]);
    admin = await adminClient(domain);
    work = await mkdtemp(join(tmpdir(), 'dirsync-increments-'));
    store = new SqliteStore(join(work, 'dirsync.db'));
    await store.migrate();
    source = new ActiveDirectorySource({
      url: domain.ldapsUrl,
      caPem: domain.caPem,
      bindDn: domain.adminDn,
      password: domain.adminPassword,
      scope: { includeOus: [FIXTURE.ous.corp], excludeOus: [] },
    });
    entra = await connectToEntra({
      tenantId: standIn.tenantId,
      clientId: standIn.clientId,
      caPem: standIn.caPem,
      preview: false,
      credential: { kind: 'client-secret', secret: standIn.clientSecret },
      cloud: { authorityHost: new URL(standIn.authority).origin, graphEndpoint: standIn.graphEndpoint },
      writeBudget: { writes: 20_000, windowSeconds: 10 },
    });
  });
  after(async () => {
    await source?.close();
    entra?.close();
    await store?.close();
    await admin?.unbind();
    await Promise.all([domain?.stop(), standIn?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function cycle(mode: 'full' | 'delta') {
    const cloud = new CloudDirectory(entra.session, standIn.clientId);
    const sink = new Exporter(entra.session, { sourceAnchorProperty: await cloud.ensureSourceAnchorExtension() });
    return runSyncCycle({ ...options, mode }, { store, source, target: cloud, exporter: sink, reporter: silentReporter });
  }
  const membershipWrites = () =>
    standIn.control.requests().filter((request) => request.method !== 'GET' && /\/groups\/[^/?]+(\/members|$)/.test(request.path.split('?')[0]!));
  const cloudMembers = () => standIn.control.snapshot().groups.find((group) => group.props.displayName === 'Crowd')!.members;

  it('adds and removes one member with one write each, reading two member values', async () => {
    const full = await cycle('full');
    assert.equal(full.status, 'success');
    assert.equal(cloudMembers().length, FIXTURE.counts.crowdGroupMembers);

    const leaving = FIXTURE.crowd.users[0]!.dn;
    const joining = FIXTURE.users.alice.dn;
    await admin.modify(crowd, [
      new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [leaving] }) }),
      new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [joining] }) }),
    ]);
    standIn.control.clearRequests();
    const delta = await cycle('delta');

    assert.equal(delta.status, 'success');
    assert.equal(source.statistics.memberValues, 2, 'the delta read the two members that changed, not the group');
    const writes = membershipWrites();
    assert.equal(writes.length, 2, JSON.stringify(writes.map((request) => `${request.method} ${request.path}`)));
    assert.ok(
      writes.some((request) => request.method === 'DELETE' && request.path.includes('/members/')),
      'one removal',
    );
    const members = cloudMembers();
    assert.equal(members.length, FIXTURE.counts.crowdGroupMembers);
    const byImmutableId = (anchor: string) => standIn.control.findByImmutableId(anchor)!.id;
    assert.ok(members.includes(byImmutableId(await anchorOf(admin, joining))));
    assert.ok(!members.includes(byImmutableId(await anchorOf(admin, leaving))));
  });
});
