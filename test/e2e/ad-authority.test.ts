// AD is the authority (issue 18), end to end: the shipped executable, a real Samba domain and the Entra stand-in,
// whose objects someone else changes through Graph as the portal would (another app with directory write rights).
// Each harm the issue names: a portal edit is reverted, a user deleted in the portal comes back as the same object,
// a user who leaves scope and returns is restored rather than re-created, and an account deleted and re-created in AD
// under the same UPN lands in one cycle without an error.
import assert from 'node:assert/strict';
import tls from 'node:tls';
import type { Client } from 'ldapts';
import { FIXTURE } from '../support/ad/index.ts';
import { anchorOf, startTestBed, type TestBed } from '../support/test-bed.ts';
import type { EntraStandIn } from '../entra-standin/stand-in.ts';

/** Graph as an administrator in the portal uses it: a token of another app with directory write rights. */
async function portal(standIn: EntraStandIn, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const token = await standIn.control.issueAccessToken({ roles: ['User.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'] });
  const response = await fetch(`${standIn.graphEndpoint}/v1.0${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('AD is the authority (Samba AD DC + Entra stand-in)', function () {
  this.timeout(240_000);
  let bed: TestBed;
  let standIn: EntraStandIn;
  let admin: Client;
  const cloudUser = (anchor: string) => standIn.control.findByImmutableId(anchor);

  before(async () => {
    bed = await startTestBed({ includeOus: [FIXTURE.ous.corp] });
    ({ standIn, admin } = bed);
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), standIn.caPem]);
    const first = await bed.sync();
    assert.equal(first.code, 0, first.stderr);
  });
  after(async () => {
    await bed?.stop();
  });

  it('reverts a helpdesk edit in the portal to AD, lists it, and says nothing the next time', async () => {
    const zoe = await anchorOf(admin, FIXTURE.users.zoe.dn);
    const id = cloudUser(zoe)!.id;
    assert.equal((await portal(standIn, 'PATCH', `/users/${id}`, { displayName: 'Zoe (helpdesk)', department: 'Helpdesk' })).status, 204);
    const synced = await bed.sync();
    assert.equal(synced.code, 0, synced.stderr);
    assert.equal(synced.json.mode, 'delta');
    assert.equal(synced.json.counts.reverted, 1);
    assert.deepEqual(synced.json.reverted.map((entry: any) => [entry.anchor, entry.attribute, entry.cloudValue, entry.adValue]).sort(), [
      [zoe, 'department', 'Helpdesk', 'Sales'],
      [zoe, 'displayName', 'Zoe (helpdesk)', 'Zoë Ångström'],
    ]);
    assert.deepEqual([cloudUser(zoe)!.props.displayName, cloudUser(zoe)!.props.department], ['Zoë Ångström', 'Sales']);
    const quiet = await bed.sync();
    assert.equal(quiet.json.counts.reverted, 0, 'its own revert, coming back through delta, is not drift');
    assert.equal(quiet.json.counts.updated, 0);
    const status = await bed.status('--last', '2');
    assert.ok(status.stdout.includes('"reverted":[{'), 'status lists what the run reverted');
  });

  it('with --cloud-drift report, lists a portal edit and leaves it', async () => {
    const configured = await bed.configure({ extra: ['--cloud-drift', 'report'] });
    assert.equal(configured.code, 0, configured.stderr);
    const conor = await anchorOf(admin, FIXTURE.users.conor.dn);
    await portal(standIn, 'PATCH', `/users/${cloudUser(conor)!.id}`, { jobTitle: 'Acting Head of Sales' });
    const synced = await bed.sync();
    assert.equal(synced.code, 0, synced.stderr);
    assert.deepEqual(
      synced.json.drift.map((entry: any) => [entry.anchor, entry.attribute, entry.cloudValue]),
      [[conor, 'jobTitle', 'Acting Head of Sales']],
    );
    assert.equal(cloudUser(conor)!.props.jobTitle, 'Acting Head of Sales', 'report writes nothing');
    const back = await bed.configure({ extra: ['--cloud-drift', 'revert'] });
    assert.equal(back.code, 0, back.stderr);
    const full = await bed.sync('--full');
    assert.equal(full.code, 0, full.stderr);
    assert.equal(cloudUser(conor)!.props.jobTitle ?? null, null, 'a full sync compares with the cloud itself and reverts it');
  });

  it('restores a user deleted in the portal from the deleted items: the same object, in line with AD', async () => {
    const paul = await anchorOf(admin, FIXTURE.users.paul.dn);
    const id = cloudUser(paul)!.id;
    assert.equal((await portal(standIn, 'DELETE', `/users/${id}`)).status, 204);
    assert.equal(cloudUser(paul), undefined);
    const synced = await bed.sync();
    assert.equal(synced.code, 0, synced.stderr);
    assert.equal(synced.json.counts.restored, 1);
    assert.equal(synced.json.counts.added, 0);
    assert.equal(cloudUser(paul)?.id, id, 'the same object id: mailbox, licences and cloud-only groups come with it');
    assert.equal(cloudUser(paul)!.props.userPrincipalName, FIXTURE.users.paul.userPrincipalName);
  });

  it('restores a user who left the scope and came back, instead of creating a new one', async () => {
    const alice = await anchorOf(admin, FIXTURE.users.alice.dn);
    const id = cloudUser(alice)!.id;
    const outside = `CN=Alice Archer,${FIXTURE.ous.outOfScope}`;
    await admin.modifyDN(FIXTURE.users.alice.dn, outside);
    const left = await bed.sync();
    assert.equal(left.code, 0, left.stderr);
    assert.equal(left.json.counts.deleted, 1);
    assert.equal(cloudUser(alice), undefined);
    await admin.modifyDN(outside, FIXTURE.users.alice.dn);
    standIn.control.clearRequests();
    const back = await bed.sync();
    assert.equal(back.code, 0, back.stderr);
    assert.equal(back.json.counts.restored, 1);
    assert.equal(back.json.counts.added, 0, 'no new cloud user');
    assert.equal(cloudUser(alice)?.id, id);
    const created = standIn.control.requests().filter((request) => request.method === 'POST' && /\/users$/.test(request.path.split('?')[0]!));
    assert.deepEqual(created, [], 'no user was created');
  });

  it('an account deleted and re-created under the same UPN lands in one cycle, without an error or a placeholder', async () => {
    const old = FIXTURE.crowd.users[20]!;
    const oldAnchor = await anchorOf(admin, old.dn);
    await admin.del(old.dn);
    const again = `CN=Crowd Again,${FIXTURE.ous.crowd}`;
    await admin.add(again, {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      sAMAccountName: `${old.samAccountName}x`,
      userPrincipalName: old.userPrincipalName,
      displayName: 'Crowd Again',
      userAccountControl: String(0x220),
    });
    const newAnchor = await anchorOf(admin, again);
    const synced = await bed.sync();
    assert.equal(synced.code, 0, `${synced.stderr}\n${JSON.stringify(synced.json?.errors)}`);
    assert.deepEqual(synced.json.errors, []);
    assert.equal(synced.json.upnClashes, undefined, 'no placeholder: the delete went first');
    assert.equal(cloudUser(oldAnchor), undefined);
    assert.equal(cloudUser(newAnchor)?.props.userPrincipalName, old.userPrincipalName);
  });

  it('reverts members added and removed in the portal on a synced security group', async () => {
    const snapshot = standIn.control.snapshot();
    const sales = snapshot.groups.find((group) => group.props.displayName === 'Sales Team')!;
    const before = [...sales.members].sort();
    const stranger = await portal(standIn, 'POST', '/users', {
      accountEnabled: true,
      displayName: 'Stranger',
      mailNickname: 'stranger',
      userPrincipalName: 'stranger@corp.example.test',
      passwordProfile: { password: 'Str0ng!Passw0rd', forceChangePasswordNextSignIn: false },
    });
    assert.equal(stranger.status, 201);
    const removed = before[0]!;
    await portal(standIn, 'POST', `/groups/${sales.id}/members/$ref`, {
      '@odata.id': `${standIn.graphEndpoint}/v1.0/directoryObjects/${stranger.body.id}`,
    });
    await portal(standIn, 'DELETE', `/groups/${sales.id}/members/${removed}/$ref`);
    const synced = await bed.sync();
    assert.equal(synced.code, 0, synced.stderr);
    const after = standIn.control.snapshot().groups.find((group) => group.id === sales.id)!;
    assert.deepEqual([...after.members].sort(), before, 'exactly the AD membership again');
    assert.ok(synced.json.reverted.filter((entry: any) => entry.attribute === 'members').length >= 2);
  });
});
