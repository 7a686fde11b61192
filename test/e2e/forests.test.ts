// Two forests into one tenant (issue 22), end to end: the shipped executable against two real Samba domains of
// different realms (CORP.EXAMPLE.TEST, FABRIKAM.EXAMPLE.TEST) and the Entra stand-in. In order: forest add, a first
// cycle over both (a UPN claimed in both gets a placeholder), a soft-match candidate claimed in both, a group of the
// first forest with a member from the second, the second forest's DC stopped and started again, forest remove.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Attribute, Change, type Client } from 'ldapts';
import { sidToString } from '../../src/connectors/ad/values.ts';
import { adminClient, FABRIKAM, FIXTURE, startDomain, type TestDomain } from '../support/ad/index.ts';
import { anchorOf, startTestBed, type TestBed } from '../support/test-bed.ts';
import type { EntraStandIn } from '../entra-standin/stand-in.ts';
import { dirsync, type CliResult } from './dirsync-cli.ts';

const CORP = 'corp.example.test';
const FABRIKAM_NAME = 'fabrikam.example.test';
const corpUsersInScope = [...Object.values(FIXTURE.users).filter((user) => user.dn.endsWith(FIXTURE.ous.corp)), ...FIXTURE.crowd.users];
const corpSecurityGroups = 5;

describe('several forests into one tenant (Samba × 2 + Entra stand-in)', function () {
  this.timeout(300_000);
  let bed: TestBed;
  let standIn: EntraStandIn;
  let corpAdmin: Client;
  let fabrikam: TestDomain;
  let fabrikamAdmin: Client;
  const cloudUser = (anchor: string) => standIn.control.findByImmutableId(anchor);
  /** Read while the second forest's DC runs, for when it does not. */
  const fabrikamAnchors = new Map<string, string>();
  const fabrikamAnchor = async (dn: string) => {
    if (!fabrikamAnchors.has(dn)) fabrikamAnchors.set(dn, await anchorOf(fabrikamAdmin, dn));
    return fabrikamAnchors.get(dn)!;
  };
  const forestAdd = (...extra: string[]) =>
    dirsync(
      [
        'forest',
        'add',
        '--path',
        bed.path,
        '--ad-url',
        fabrikam.ldapsUrl,
        '--ad-user',
        fabrikam.adminDn,
        '--ad-ca-file',
        fabrikam.caFile,
        '--include-ou',
        FABRIKAM.ou,
        '--json',
        ...extra,
      ],
      { env: { DIRSYNC_AD_PASSWORD: fabrikam.adminPassword } },
    );
  const forestsOf = (result: CliResult) =>
    result.json.forests as Record<string, { status: string; counts: Record<string, number>; error?: { code: string } }>;

  before(async () => {
    [bed, fabrikam] = await Promise.all([
      startTestBed({ includeOus: [FIXTURE.ous.corp], verifiedDomains: [CORP, FABRIKAM_NAME] }),
      startDomain({ variant: 'fabrikam' }),
    ]);
    ({ standIn, admin: corpAdmin } = bed);
    fabrikamAdmin = await adminClient(fabrikam);
  });
  after(async () => {
    await fabrikamAdmin?.unbind().catch(() => undefined);
    await Promise.all([bed?.stop(), fabrikam?.stop()]);
  });

  it('forest add brings in the second forest with its own AAD_ account, deletion-visibility probe and scope checks', async () => {
    const added = await forestAdd('--verbose');
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.json.name, FABRIKAM_NAME);
    assert.match(added.json.serviceAccount, /^AAD_[0-9a-f]{12}$/);
    assert.equal(added.json.adAccount, `${added.json.serviceAccount}@${FABRIKAM_NAME}`, 'the forest is read as its own service account');
    const checks = added.json.checks as { name: string; passed: boolean }[];
    assert.ok(
      checks.every((check) => check.passed),
      JSON.stringify(checks),
    );
    for (const expected of [/organizational units in scope exist/, /service account exists with the replication right/, /see deletions in a delta/])
      assert.ok(
        checks.some((check) => expected.test(check.name)),
        `${expected} in ${JSON.stringify(checks)}`,
      );
    const { searchEntries } = await fabrikamAdmin.search(FABRIKAM.baseDn, {
      filter: `(sAMAccountName=${added.json.serviceAccount})`,
      attributes: ['cn'],
    });
    assert.equal(searchEntries.length, 1, "the account is in the second forest's directory");

    const listed = await dirsync(['forest', 'list', '--path', bed.path, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      listed.json.map((forest: { name: string; first: boolean }) => [forest.name, forest.first]),
      [
        [CORP, true],
        [FABRIKAM_NAME, false],
      ],
    );

    const first = await dirsync(
      [
        'forest',
        'add',
        '--path',
        bed.path,
        '--ad-url',
        bed.domain.ldapsUrl,
        '--ad-user',
        bed.domain.adminDn,
        '--ad-ca-file',
        bed.domain.caFile,
        '--json',
      ],
      { env: { DIRSYNC_AD_PASSWORD: bed.domain.adminPassword } },
    );
    assert.equal(first.code, 2);
    assert.equal(first.json.error.code, 'Forest.is-the-first');
  });

  it('one cycle reads both forests and exports once: users and groups of both land once each; a UPN claimed in both gets a placeholder', async () => {
    const result = await bed.sync();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.mode, 'full');
    const forests = forestsOf(result);
    assert.deepEqual(Object.keys(forests), [CORP, FABRIKAM_NAME]);
    assert.equal(forests[CORP]!.status, 'read');
    assert.equal(forests[FABRIKAM_NAME]!.status, 'read');
    assert.equal(forests[CORP]!.counts.added, corpUsersInScope.length + corpSecurityGroups - 0);
    assert.equal(forests[FABRIKAM_NAME]!.counts.added, FABRIKAM.counts.users + FABRIKAM.counts.groups);
    assert.equal(result.json.counts.added, forests[CORP]!.counts.added + forests[FABRIKAM_NAME]!.counts.added);

    const snapshot = standIn.control.snapshot();
    assert.equal(
      snapshot.counts.users,
      corpUsersInScope.length + FABRIKAM.counts.users + 1,
      'every user of both forests once, and the administrator',
    );
    assert.equal(snapshot.counts.groups, corpSecurityGroups + FABRIKAM.counts.groups);
    for (const user of Object.values(FABRIKAM.users)) assert.ok(cloudUser(await fabrikamAnchor(user.dn)), user.dn);
    assert.ok(snapshot.groups.some((group) => group.props.displayName === 'Fabrikam Team' && group.members.length === 2));

    // alice.archer@corp.example.test is claimed in both forests: the first forest's user holds it, the other waits on a placeholder.
    const corpAlice = cloudUser(await anchorOf(corpAdmin, FIXTURE.users.alice.dn))!;
    const fabrikamAlice = cloudUser(await fabrikamAnchor(FABRIKAM.users.alice.dn))!;
    assert.equal(corpAlice.props.userPrincipalName, FIXTURE.users.alice.userPrincipalName);
    assert.match(String(fabrikamAlice.props.userPrincipalName), new RegExp(`^alice\\.archer\\d{4}@${standIn.initialDomain.replaceAll('.', '\\.')}$`));
    assert.deepEqual(
      result.json.upnClashes.map((clash: { dn: string; userPrincipalName: string }) => [clash.dn, clash.userPrincipalName]),
      [[FABRIKAM.users.alice.dn, FIXTURE.users.alice.userPrincipalName]],
    );
  });

  it('a soft-match candidate claimed by objects of both forests matches neither', async () => {
    const shared = 'sam.shared@example.com';
    const cloudId = standIn.control.seed({
      users: [{ userPrincipalName: `sam.cloud@${standIn.initialDomain}`, displayName: 'Sam (cloud only)', mail: shared }],
    }).users[0]!.id;
    const cloudOnly = () => standIn.control.snapshot().users.find((user) => user.id === cloudId);
    const samCorp = `CN=Sam Shared,${FIXTURE.ous.sales}`;
    const samFabrikam = `CN=Sam Shared,${FABRIKAM.ou}`;
    const sam = (upn: string) => ({
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      sAMAccountName: 'sam.shared',
      userPrincipalName: upn,
      mail: shared,
      userAccountControl: String(0x220),
    });
    await corpAdmin.add(samCorp, sam(`sam.shared@${CORP}`));
    await fabrikamAdmin.add(samFabrikam, sam(`sam.shared@${FABRIKAM_NAME}`));
    const result = await bed.sync();
    assert.equal(result.code, 3, result.stderr);
    const conflicts = (result.json.errors as { dn: string; code: string; message: string }[]).filter(
      (error) => error.code === 'DirSync.MatchConflict',
    );
    assert.deepEqual(conflicts.map((error) => error.dn).sort(), [samCorp, samFabrikam].sort());
    assert.ok(conflicts.every((error) => error.message.includes(cloudId)));
    assert.equal(cloudOnly()?.props.onPremisesImmutableId ?? null, null, 'the cloud user is matched to neither');
    // Settled: one claimant left, it matches.
    await fabrikamAdmin.del(samFabrikam);
    const settled = await bed.sync();
    assert.equal(settled.code, 0, settled.stderr);
    assert.equal(cloudOnly()?.props.onPremisesImmutableId, await anchorOf(corpAdmin, samCorp));
  });

  let fiona: string;
  it('a group of the first forest with a member from the second (a foreign security principal) carries that member; one of no forest is reported, no error', async () => {
    const { searchEntries } = await fabrikamAdmin.search(FABRIKAM.users.fiona.dn, {
      scope: 'base',
      attributes: ['objectSid'],
      explicitBufferAttributes: ['objectSid'],
    });
    const sid = sidToString(searchEntries[0]!.objectSid as Buffer);
    const unknown = 'S-1-5-21-1111-2222-3333-1234';
    await corpAdmin.modify(
      FIXTURE.groups.salesTeam.dn,
      new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [`<SID=${sid}>`, `<SID=${unknown}>`] }) }),
    );
    const result = await bed.sync();
    assert.equal(result.code, 0, result.stderr);
    fiona = cloudUser(await fabrikamAnchor(FABRIKAM.users.fiona.dn))!.id;
    const salesTeam = standIn.control.snapshot().groups.find((group) => group.props.displayName === 'Sales Team')!;
    assert.ok(salesTeam.members.includes(fiona), 'the member from the other forest is in the cloud group');
    assert.equal(salesTeam.members.length, 4, 'alice, zoë, conor and fiona; the unknown SID is left out');
    const notices = forestsOf(result)[CORP] as unknown as { notices?: string[] };
    assert.ok(
      notices.notices?.some((notice) => notice.includes(unknown) && /belongs to no forest/.test(notice)),
      JSON.stringify(notices),
    );
    // A full import reads the group whole and resolves the same members.
    const full = await bed.sync('--full');
    assert.equal(full.code, 0, full.stderr);
    assert.equal(full.json.counts.deleted, 0);
    assert.ok(
      standIn.control
        .snapshot()
        .groups.find((group) => group.props.displayName === 'Sales Team')!
        .members.includes(fiona),
    );
  });

  it("with the second forest's DC stopped, the first forest's changes flow, the second's objects are untouched, the run fails naming it", async () => {
    await fabrikam.stopServer();
    const alice = await anchorOf(corpAdmin, FIXTURE.users.alice.dn);
    await corpAdmin.modify(
      FIXTURE.users.alice.dn,
      new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Chief Revenue Officer'] }) }),
    );
    const before = standIn.control.snapshot();
    for (const extra of [[], ['--full']]) {
      const result = await bed.sync(...extra);
      assert.equal(result.code, 1, `${extra}: ${result.stderr}`);
      assert.equal(result.json.status, 'completed-forest-errors');
      assert.match(result.json.message, /fabrikam\.example\.test could not be read \[ActiveDirectory\.unreachable\]/);
      assert.match(result.stderr, /fabrikam\.example\.test could not be read/);
      const forests = forestsOf(result);
      assert.equal(forests[FABRIKAM_NAME]!.status, 'unreadable');
      assert.equal(forests[FABRIKAM_NAME]!.error?.code, 'ActiveDirectory.unreachable');
      assert.equal(forests[CORP]!.status, 'read');
      assert.equal(result.json.counts.deleted, 0);
    }
    assert.equal(cloudUser(alice)?.props.jobTitle, 'Chief Revenue Officer', "the first forest's change arrived");
    const after = standIn.control.snapshot();
    assert.equal(after.counts.users, before.counts.users, 'no user deleted');
    for (const user of Object.values(FABRIKAM.users)) assert.ok(cloudUser(await fabrikamAnchor(user.dn)), `${user.dn} is still in the cloud`);
    assert.ok(
      after.groups.find((group) => group.props.displayName === 'Sales Team')!.members.includes(fiona),
      "the member from the unread forest stays in the first forest's group",
    );
    const status = await bed.status();
    assert.equal(status.json.status, 'completed-forest-errors');
    assert.equal(status.json.forests[FABRIKAM_NAME].status, 'unreadable');
  });

  it('the second forest back, the next cycle converges', async () => {
    await fabrikam.startServer();
    await fabrikamAdmin.unbind().catch(() => undefined);
    fabrikamAdmin = await adminClient(fabrikam);
    await fabrikamAdmin.modify(
      FABRIKAM.users.gus.dn,
      new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Warehouse Lead'] }) }),
    );
    const result = await bed.sync();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.status, 'success');
    assert.equal(forestsOf(result)[FABRIKAM_NAME]!.status, 'read');
    assert.equal(cloudUser(await fabrikamAnchor(FABRIKAM.users.gus.dn))?.props.jobTitle, 'Warehouse Lead');
  });

  it('a forest whose account is refused is a forest not read: the run names it and why, and nothing of it is deleted', async () => {
    const forest = (await dirsync(['forest', 'list', '--path', bed.path, '--name', FABRIKAM_NAME, '--json'])).json;
    const { searchEntries } = await fabrikamAdmin.search(FABRIKAM.baseDn, {
      filter: `(sAMAccountName=${forest.serviceAccount})`,
      attributes: ['userAccountControl'],
    });
    const account = searchEntries[0]!;
    const enabled = String(account.userAccountControl);
    const setControl = (value: string) =>
      fabrikamAdmin.modify(
        account.dn,
        new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: [value] }) }),
      );
    await setControl(String(Number(enabled) | 0x2));
    try {
      const refused = await bed.sync('--full');
      assert.equal(refused.code, 1, refused.stderr);
      assert.equal(refused.json.status, 'completed-forest-errors');
      assert.equal(forestsOf(refused)[FABRIKAM_NAME]!.error?.code, 'ActiveDirectory.account-disabled');
      assert.equal(refused.json.counts.deleted, 0);
    } finally {
      await setControl(enabled);
    }
    const again = await bed.sync();
    assert.equal(again.code, 0, again.stderr);
  });

  it('the run report and status show the forests side by side', async () => {
    const html = join(bed.work, 'forests-report.html');
    const report = await dirsync(['report', '--path', bed.path, '--html', html, '--json']);
    assert.equal(report.code, 0, report.stderr);
    const page = await readFile(html, 'utf8');
    assert.match(page, /id="forests"/);
    assert.ok(page.includes(CORP) && page.includes(FABRIKAM_NAME));
    const status = await bed.status();
    assert.deepEqual(Object.keys(status.json.forests), [CORP, FABRIKAM_NAME]);
  });

  it('forest remove withdraws the forest only through the deletion guard: exit 4 and the list until accepted', async () => {
    const fabrikamObjects = FABRIKAM.counts.users + FABRIKAM.counts.groups;
    const refused = await dirsync(['forest', 'remove', '--path', bed.path, '--name', FABRIKAM_NAME, '--json']);
    assert.equal(refused.code, 4, refused.stderr);
    assert.equal(refused.json.removed, false);
    assert.equal(refused.json.deletes.length, fabrikamObjects, JSON.stringify(refused.json.deletes));
    assert.match(refused.stderr, /--accept-deletes/);
    for (const user of Object.values(FABRIKAM.users)) assert.ok(cloudUser(await fabrikamAnchor(user.dn)), 'nothing deleted yet');
    assert.equal((await dirsync(['forest', 'list', '--path', bed.path, '--json'])).json.length, 2, 'still configured');

    const accepted = await dirsync(['forest', 'remove', '--path', bed.path, '--name', FABRIKAM_NAME, '--accept-deletes', '--json']);
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.equal(accepted.json.removed, true);
    assert.equal(accepted.json.deleted, fabrikamObjects);
    for (const user of Object.values(FABRIKAM.users)) assert.equal(cloudUser(await fabrikamAnchor(user.dn)), undefined, `${user.dn} is deleted`);
    assert.ok(cloudUser(await anchorOf(corpAdmin, FIXTURE.users.alice.dn)), "the first forest's users stay");
    const listed = await dirsync(['forest', 'list', '--path', bed.path, '--json']);
    assert.equal(listed.json.name, CORP, 'one forest left');
    const next = await bed.sync();
    assert.equal(next.code, 0, next.stderr);
    assert.equal(next.json.counts.deleted, 0);
    assert.equal(next.json.forests, undefined, 'one forest: read as before forests existed');
  });
});
