// The product end to end, as an administrator runs it: the bundled executable against a real Samba AD DC and
// the Entra stand-in. One scenario, in order: install, configure, preview, full sync, no-op, every kind of
// delta change, matching, and the accidental-delete threshold.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { Attribute, Change, type Client } from 'ldapts';
import { FIXTURE, type TestDomain } from '../support/ad/index.ts';
import { anchorOf, startTestBed, type TestBed } from '../support/test-bed.ts';
import type { EntraStandIn } from '../entra-standin/stand-in.ts';
import { directoryWrites, leaseWrites } from '../support/cloud-writes.ts';
import { dirsync } from './dirsync-cli.ts';

const corp = FIXTURE.ous.corp;
const usersInScope = [...Object.values(FIXTURE.users).filter((user) => user.dn.endsWith(corp)), ...FIXTURE.crowd.users];
const securityGroups = [
  FIXTURE.groups.platformTeam,
  FIXTURE.groups.engineeringTeam,
  FIXTURE.groups.salesTeam,
  FIXTURE.groups.allStaff,
  FIXTURE.groups.crowd,
];

describe('DirSync end to end (Samba AD DC + Entra stand-in)', function () {
  this.timeout(180_000);
  let bed: TestBed;
  let domain: TestDomain;
  let standIn: EntraStandIn;
  let admin: Client;
  let path: string;
  const sync = (...extra: string[]) => bed.sync(...extra);
  const cloudUser = (anchor: string) => standIn.control.findByImmutableId(anchor);

  before(async () => {
    // Installed and configured step by step by the tests below.
    bed = await startTestBed({ includeOus: [corp], install: false });
    ({ domain, standIn, admin, path } = bed);
  });
  after(async () => {
    await bed?.stop();
  });

  it('installs into an owner-only directory, and refuses to install twice', async () => {
    const installed = await dirsync(['install', '--path', path, '--json']);
    assert.equal(installed.code, 0, installed.stderr);
    assert.equal(installed.json.productVersion, (await import('../../package.json', { with: { type: 'json' } })).default.productVersion);
    assert.equal((await stat(path)).mode & 0o777, 0o700);
    const again = await dirsync(['install', '--path', path]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already installed.*--upgrade/s);
  });

  it('refuses to sync before it is configured', async () => {
    const result = await sync();
    assert.equal(result.code, 2);
    assert.match(result.stderr, /not been configured.*configure/s);
  });

  it('configures: every check passes and the AAD_ service account is used for reads', async () => {
    const result = await bed.configure();
    assert.equal(result.code, 0, result.stderr);
    assert.ok(
      result.json.checks.every((check: { passed: boolean }) => check.passed),
      JSON.stringify(result.json.checks),
    );
    assert.match(result.json.serviceAccount, /^AAD_[0-9a-f]{12}$/);
    assert.equal(result.json.adAccount, `${result.json.serviceAccount}@corp.example.test`, 'AD is read as the service account, by UPN');
  });

  it('previews the first cycle: a plan of creates, and not one write reaches Graph', async () => {
    standIn.control.clearRequests();
    const result = await sync('--preview');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.mode, 'preview-full');
    assert.equal(
      result.json.plan.filter((operation: { action: string }) => operation.action === 'create').length,
      usersInScope.length + securityGroups.length,
    );
    assert.deepEqual(directoryWrites(standIn), []);
    assert.equal(standIn.control.snapshot().counts.users, 1, 'only the tenant administrator');
  });

  it('soft-matches a cloud-only user and hard-matches an anchored one during the first full sync', async () => {
    const zoeAnchor = await anchorOf(admin, FIXTURE.users.zoe.dn);
    standIn.control.seed({
      users: [
        { userPrincipalName: `conor.cloud@${standIn.initialDomain}`, displayName: 'Conor (cloud)', mail: "conor.o'brien@example.com" },
        { userPrincipalName: `zoe.old@${standIn.initialDomain}`, displayName: 'Zoe (anchored before)', onPremisesImmutableId: zoeAnchor },
      ],
    });
    const result = await sync();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.mode, 'full');
    assert.equal(result.json.status, 'success');
    const snapshot = standIn.control.snapshot();
    assert.equal(snapshot.counts.users, usersInScope.length + 1, 'every user in scope once, plus the administrator');
    assert.equal(snapshot.counts.groups, securityGroups.length);
    assert.equal(result.json.counts.added, usersInScope.length + securityGroups.length - 2);
    const conor = cloudUser(await anchorOf(admin, FIXTURE.users.conor.dn));
    assert.equal(conor?.props.displayName, "Conor O'Brien", 'the cloud-only user was taken over');
    assert.equal(cloudUser(zoeAnchor)?.props.displayName, 'Zoë Ångström');
  });

  it('exported the attributes, the disabled state, the .local UPN rule and the memberships', async () => {
    const alice = cloudUser(await anchorOf(admin, FIXTURE.users.alice.dn))!;
    assert.equal(alice.props.jobTitle, 'Head of Sales');
    assert.equal(alice.props.userPrincipalName, FIXTURE.users.alice.userPrincipalName);
    assert.equal(cloudUser(await anchorOf(admin, FIXTURE.users.disabled.dn))?.props.accountEnabled, false);
    assert.equal(cloudUser(await anchorOf(admin, FIXTURE.users.legacy.dn))?.props.userPrincipalName, `lee.legacy@${standIn.initialDomain}`);
    assert.equal(cloudUser(await anchorOf(admin, FIXTURE.users.zoe.dn))?.manager, alice.id, 'the manager reference follows');
    const groups = standIn.control.snapshot().groups;
    const crowd = groups.find((group) => group.props.displayName === 'Crowd')!;
    assert.equal(crowd.members.length, FIXTURE.counts.crowdGroupMembers);
    const allStaff = groups.find((group) => group.props.displayName === 'All Staff')!;
    const nested = groups.filter((group) => ['Sales Team', 'Engineering Team'].includes(String(group.props.displayName))).map((group) => group.id);
    assert.deepEqual([...allStaff.members].sort(), nested.sort(), 'nested groups are members of All Staff');
  });

  it('sends no write at all when nothing changed in AD', async () => {
    standIn.control.clearRequests();
    const result = await sync();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.mode, 'delta');
    assert.deepEqual(directoryWrites(standIn), []);
    assert.deepEqual(
      leaseWrites(standIn).map((request) => request.method),
      ['PATCH'],
      "the one write: the renewal of the installation's active lease",
    );
    assert.deepEqual(
      { added: result.json.counts.added, updated: result.json.counts.updated, deleted: result.json.counts.deleted },
      { added: 0, updated: 0, deleted: 0 },
    );
  });

  it('keeps reading AD with the service account after it is renamed and moved (it signs in by UPN)', async () => {
    const configuration = (await dirsync(['get-configuration', '--path', path, '--json'])).json;
    const { searchEntries } = await admin.search(domain.baseDn, { filter: `(sAMAccountName=${configuration.serviceAccount})`, attributes: ['cn'] });
    await admin.modifyDN(searchEntries[0]!.dn, `CN=Directory Sync Service,${FIXTURE.ous.outOfScope}`);
    const result = await sync();
    assert.equal(result.code, 0, result.stderr);
  });

  it('stops with a clear message naming the service account when it was removed', async () => {
    const configuration = (await dirsync(['get-configuration', '--path', path, '--json'])).json;
    await admin.del(`CN=Directory Sync Service,${FIXTURE.ous.outOfScope}`);
    const result = await sync();
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`service account ${configuration.serviceAccount} .*cannot sign in.*run configure again`, 's'));
    const [run] = [(await dirsync(['status', '--path', path, '--last', '1', '--json'])).json];
    assert.equal(run.status, 'failed');
  });

  it('re-runs configure: with --no-service-account it reads AD with the administrator instead, and says so', async () => {
    const result = await bed.configure({ serviceAccount: false });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.adAccount, domain.adminDn);
    assert.equal(result.json.serviceAccount, null);
    assert.match(result.stderr, /No service account: DirSync will read AD as/);
  });

  it('re-runs configure as documented: a new AAD_ account, which Samba does not show deletions to', async () => {
    const result = await bed.configure();
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.json.serviceAccount, /^AAD_[0-9a-f]{12}$/);
    assert.equal(result.json.adAccount, `${result.json.serviceAccount}@corp.example.test`);
    const configuration = (await dirsync(['get-configuration', '--path', path, '--json'])).json;
    // Samba withholds tombstones from an account that is not an administrator: the rest of this scenario proves
    // that delta cycles find deletions anyway (by the anchor-only listing of the scope).
    assert.equal(configuration.deletionsVisibleToDelta, false, JSON.stringify(configuration));
  });

  it('carries every kind of AD change by delta', async () => {
    const anchors = {
      alice: await anchorOf(admin, FIXTURE.users.alice.dn),
      erin: await anchorOf(admin, FIXTURE.users.erin.dn),
      paul: await anchorOf(admin, FIXTURE.users.paul.dn),
      noMail: await anchorOf(admin, FIXTURE.users.noMail.dn),
      crowd1: await anchorOf(admin, FIXTURE.crowd.users[0]!.dn),
      crowd2: await anchorOf(admin, FIXTURE.crowd.users[1]!.dn),
    };
    await admin.modify(FIXTURE.users.alice.dn, [
      new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Chief Revenue Officer'] }) }),
    ]);
    await admin.modifyDN(FIXTURE.users.erin.dn, 'CN=Erin Engel-Smith');
    await admin.modify(FIXTURE.users.paul.dn, [
      new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: [String(0x202)] }) }),
      new Change({ operation: 'replace', modification: new Attribute({ type: 'manager', values: [FIXTURE.users.alice.dn] }) }),
    ]);
    await admin.del(FIXTURE.crowd.users[0]!.dn);
    await admin.modifyDN(FIXTURE.crowd.users[1]!.dn, `CN=Crowd 0002,${FIXTURE.ous.outOfScope}`);
    await admin.modify(FIXTURE.groups.salesTeam.dn, [
      new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [FIXTURE.users.noMail.dn] }) }),
      new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [FIXTURE.users.conor.dn] }) }),
    ]);
    await admin.modify(FIXTURE.groups.allStaff.dn, [
      new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [FIXTURE.groups.engineeringTeam.dn] }) }),
    ]);

    const result = await sync();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.mode, 'delta', 'a delta, read as the AAD_ account, not a full import');
    assert.equal(cloudUser(anchors.alice)?.props.jobTitle, 'Chief Revenue Officer');
    assert.equal(cloudUser(anchors.erin)?.props.displayName, 'Erin Engel', 'displayName is its own attribute: a rename changes the DN only');
    assert.equal(cloudUser(anchors.paul)?.props.accountEnabled, false);
    assert.equal(cloudUser(anchors.paul)?.manager, cloudUser(anchors.alice)?.id);
    assert.equal(cloudUser(anchors.crowd1), undefined, 'deleted in AD → deleted in the cloud');
    assert.equal(cloudUser(anchors.crowd2), undefined, 'moved out of scope → deleted in the cloud');
    assert.equal(result.json.counts.deleted, 2);
    const groups = standIn.control.snapshot().groups;
    const sales = groups.find((group) => group.props.displayName === 'Sales Team')!;
    const idOf = (anchor: string) => cloudUser(anchor)!.id;
    assert.ok(sales.members.includes(idOf(anchors.noMail)));
    assert.ok(!sales.members.includes(idOf(await anchorOf(admin, FIXTURE.users.conor.dn))));
    const allStaff = groups.find((group) => group.props.displayName === 'All Staff')!;
    assert.equal(allStaff.members.length, 1);
    assert.equal(groups.find((group) => group.props.displayName === 'Crowd')!.members.length, FIXTURE.counts.crowdGroupMembers - 2);
    const status = await dirsync(['status', '--path', path, '--last', '1', '--json']);
    assert.equal(status.json.runId, result.json.runId);
  });

  it('withholds deletes above the threshold (exit 4), then exports them with --accept-deletes', async () => {
    assert.equal((await dirsync(['deletion-threshold', '--path', path, '--enable', '--threshold', '2'])).code, 0);
    const doomed = FIXTURE.crowd.users.slice(10, 13);
    const anchors = await Promise.all(doomed.map((user) => anchorOf(admin, user.dn)));
    for (const user of doomed) await admin.del(user.dn);
    const stopped = await sync();
    assert.equal(stopped.code, 4, stopped.stderr);
    assert.equal(stopped.json.status, 'stopped-deletion-threshold-exceeded');
    assert.match(stopped.stderr, /would make 3 delete\(s\).*threshold of 2.*--accept-deletes/s);
    assert.deepEqual(
      stopped.json.withheld.map((entry: { anchor: string }) => entry.anchor).sort(),
      [...anchors].sort(),
      'the withheld deletes are listed',
    );
    for (const anchor of anchors) assert.ok(cloudUser(anchor), 'nothing was deleted');
    const accepted = await sync('--accept-deletes');
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.equal(accepted.json.counts.deleted, 3);
    for (const anchor of anchors) assert.equal(cloudUser(anchor), undefined);
  });

  it('leaves no secret in the installation directory or in any output', async () => {
    const { readFile } = await import('node:fs/promises');
    const { Installation } = await import('../../src/install/installation.ts');
    const needles = [domain.adminPassword, standIn.clientSecret];
    for (const file of await new Installation(path).files()) {
      if ((await stat(file)).isDirectory()) continue;
      const content = await readFile(file);
      for (const needle of needles) assert.ok(!content.includes(needle), `${file} holds a secret`);
    }
    const outputs = [
      await dirsync(['get-configuration', '--path', path, '--json']),
      await dirsync(['status', '--path', path, '--json']),
      await sync('--verbose'),
    ];
    for (const output of outputs) for (const needle of needles) assert.ok(!`${output.stdout}${output.stderr}`.includes(needle));
  });
});
