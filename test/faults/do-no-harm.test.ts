// Do no harm (issue 10), proved through the bundled CLI against the real Samba domain and the Entra stand-in, with
// AD read as the AAD_ account configure creates (the documented deployment). Each case is a harm the earlier build
// did: it asserts the tenant's state (stand-in snapshot and request log), the exit code and the --json output.
// Each case starts from an empty tenant and a new installation, most with an OU of their own under OU=Corp.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import tls from 'node:tls';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { Attribute, Change } from 'ldapts';
import { FIXTURE } from '../support/ad/index.ts';
import { anchorOf, startTestBed, type TestBed } from '../support/test-bed.ts';
import { directoryWrites } from '../support/cloud-writes.ts';
import { waitFor } from '../support/wait-for.ts';
import { collect, dirsync, type CliResult } from '../e2e/dirsync-cli.ts';
import { sidToString } from '../../src/connectors/ad/values.ts';
import { errorCatalogue, type ErrorCode } from '../../src/core/error-catalogue.ts';
import type { SnapshotObject } from '../entra-standin/control.ts';
import { call } from '../entra-standin-tests/support.ts';

const dnsDomain = 'corp.example.test';
const ENABLED_WITHOUT_PASSWORD = String(0x220);
const GLOBAL_SECURITY_GROUP = String(0x80000002 | 0);

interface WithheldEntry {
  anchor: string;
  dn: string;
  objectType: string;
  reason: string;
}
interface RunError {
  dn: string;
  anchor: string;
  code: string;
  message: string;
}

describe('Do no harm: the tenant is safe from AD changes, administrator mistakes and wrong matches', function () {
  this.timeout(180_000);
  let bed: TestBed;

  before(async () => {
    bed = await startTestBed({ includeOus: [FIXTURE.ous.sales], install: false });
  });
  after(async () => {
    await bed?.stop();
  });

  /** A new OU under OU=Corp, and a fresh tenant and installation whose scope is that OU. */
  async function freshOu(name: string): Promise<string> {
    const ou = `OU=${name},${FIXTURE.ous.corp}`;
    await bed.admin.add(ou, { objectClass: ['top', 'organizationalUnit'] });
    await bed.reinstall({ includeOus: [ou] });
    return ou;
  }

  async function addOu(name: string, parent: string): Promise<string> {
    const ou = `OU=${name},${parent}`;
    await bed.admin.add(ou, { objectClass: ['top', 'organizationalUnit'] });
    return ou;
  }

  /** An enabled user; sAMAccountName and UPN from its short name unless `attributes` says otherwise. */
  async function addUser(ou: string, commonName: string, shortName: string, attributes: Record<string, string | string[]> = {}): Promise<string> {
    const dn = `CN=${commonName},${ou}`;
    await bed.admin.add(dn, {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      sAMAccountName: shortName,
      userPrincipalName: `${shortName}@${dnsDomain}`,
      displayName: commonName,
      userAccountControl: ENABLED_WITHOUT_PASSWORD,
      ...attributes,
    });
    return dn;
  }

  async function addSecurityGroup(ou: string, commonName: string, members: string[]): Promise<string> {
    const dn = `CN=${commonName},${ou}`;
    await bed.admin.add(dn, {
      objectClass: ['top', 'group'],
      sAMAccountName: commonName.replaceAll(' ', ''),
      groupType: GLOBAL_SECURITY_GROUP,
      member: members,
    });
    return dn;
  }

  const cloudUser = (anchor: string) => bed.standIn.control.findByImmutableId(anchor);
  const cloudObject = (id: string): SnapshotObject | undefined => {
    const snapshot = bed.standIn.control.snapshot();
    return [...snapshot.users, ...snapshot.groups].find((object) => object.id === id);
  };
  /** Writes (anything but GET and sign-in) that reached the stand-in, optionally only those naming one object id. */
  const writes = (id?: string) => directoryWrites(bed.standIn).filter((request) => id === undefined || request.path.includes(id));
  const deleteRequests = () => writes().filter((request) => request.method === 'DELETE' && !request.path.includes('/$ref'));

  function assertSucceeded(result: CliResult): void {
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.status, 'success');
  }

  describe('an ACL change: the account is denied list/read on an OU in scope', () => {
    let executives: string;
    let hidden: Map<string, string>;

    before(async () => {
      const ou = await freshOu('Harm Acl');
      executives = await addOu('Executives', ou);
      hidden = new Map();
      for (const name of ['Ada', 'Bo', 'Cy', 'Di'])
        hidden.set(await anchorOf(bed.admin, await addUser(executives, `Exec ${name}`, `exec.${name.toLowerCase()}`)), name);
      await addUser(ou, 'Staff One', 'staff.one');
      await addUser(ou, 'Staff Two', 'staff.two');
      const first = await bed.sync();
      assertSucceeded(first);
      assert.equal(first.json.counts.added, 6);

      // The AAD_ account configure created, as an administrator hardening the OU would name it.
      const { serviceAccount } = (await dirsync(['get-configuration', '--path', bed.path, '--json'])).json;
      const { searchEntries } = await bed.admin.search(FIXTURE.baseDn, {
        filter: `(sAMAccountName=${serviceAccount})`,
        attributes: ['objectSid'],
        explicitBufferAttributes: ['objectSid'],
      });
      const sid = sidToString(searchEntries[0]!.objectSid as Buffer);
      await promisify(execFile)('samba-tool', [
        'dsacl',
        'set',
        `--objectdn=${executives}`,
        '--action=deny',
        `--sddl=(D;CI;LCRP;;;${sid})`,
        '-H',
        join(bed.domain.directory, 'private', 'sam.ldb'),
      ]);
    });

    for (const mode of ['full', 'delta'] as const) {
      it(`a ${mode} cycle deletes none of the hidden users and lists each as withheld, naming the OU`, async () => {
        bed.standIn.control.clearRequests();
        const result = await bed.sync(...(mode === 'full' ? ['--full'] : []));
        assertSucceeded(result);
        assert.equal(result.json.mode, mode);
        assert.equal(result.json.counts.deleted, 0);
        assert.deepEqual(deleteRequests(), [], 'no delete reached the cloud');
        for (const anchor of hidden.keys()) assert.ok(cloudUser(anchor), `Exec ${hidden.get(anchor)} is still in the cloud`);
        const withheld = (result.json.withheld ?? []) as WithheldEntry[];
        assert.deepEqual(withheld.map((entry) => entry.anchor).sort(), [...hidden.keys()].sort(), 'the four hidden users are listed, nothing else');
        for (const entry of withheld) assert.ok(entry.reason.includes(executives), `the reason names the denied OU: ${entry.reason}`);
        assert.match(result.stderr, /Not deleted: CN=Exec Ada/);
        assert.doesNotMatch(result.stderr, /unexpected failure/);
      });
    }

    /** A delta after a change to a hidden user: it must be read by GUID, cannot be, and is withheld — not deleted. */
    async function assertHiddenUserKept(name: string): Promise<void> {
      const anchor = [...hidden].find(([, hiddenName]) => hiddenName === name)![0];
      bed.standIn.control.clearRequests();
      const result = await bed.sync();
      assertSucceeded(result);
      assert.equal(result.json.mode, 'delta');
      assert.equal(result.json.counts.deleted, 0);
      assert.deepEqual(deleteRequests(), [], 'no delete reached the cloud');
      assert.ok(cloudUser(anchor), `Exec ${name} is still in the cloud`);
      const withheld = (result.json.withheld ?? []) as WithheldEntry[];
      assert.ok(
        withheld.some((entry) => entry.anchor === anchor && entry.reason.includes(executives)),
        `Exec ${name} is listed as withheld, naming the OU: ${JSON.stringify(withheld)}`,
      );
    }

    it('a hidden user changed in AD afterwards: the delta cannot read it by GUID, and withholds rather than deletes', async () => {
      await bed.admin.modify(
        `CN=Exec Bo,${executives}`,
        new Change({ operation: 'replace', modification: new Attribute({ type: 'department', values: ['Board'] }) }),
      );
      await assertHiddenUserKept('Bo');
    });

    it('a hidden user edited in the portal: the re-read to revert the drift cannot see it, and withholds rather than deletes', async () => {
      tls.setDefaultCACertificates([...tls.getCACertificates('default'), bed.standIn.caPem]);
      const anchor = [...hidden].find(([, name]) => name === 'Cy')![0];
      const patched = await call(bed.standIn, 'PATCH', `/v1.0/users/${cloudUser(anchor)!.id}`, { body: { department: 'Portal' } });
      assert.equal(patched.status, 204);
      await assertHiddenUserKept('Cy');
    });
  });

  describe('a scope typo: configure --include-ou names an OU that exists but is empty', () => {
    let ou: string;
    let users: Map<string, string>;
    let group: { anchor: string; id: string; members: string[] };
    let deletingRun: number;

    before(async () => {
      ou = await freshOu('Harm Scope');
      const dns: string[] = [];
      for (let index = 1; index <= 8; index++) dns.push(await addUser(ou, `Scoped ${index}`, `scoped.${index}`));
      const groupDn = await addSecurityGroup(ou, 'Scoped Team', dns.slice(0, 4));
      const first = await bed.sync();
      assertSucceeded(first);
      users = new Map();
      for (const dn of dns) {
        const anchor = await anchorOf(bed.admin, dn);
        users.set(anchor, cloudUser(anchor)!.id);
      }
      const groupAnchor = await anchorOf(bed.admin, groupDn);
      const cloudGroup = bed.standIn.control.snapshot().groups.find((candidate) => candidate.props.displayName === 'Scoped Team')!;
      group = { anchor: groupAnchor, id: cloudGroup.id, members: [...cloudGroup.members].sort() };
      assert.equal(group.members.length, 4);
    });

    it('deletes nothing: exit 4 (the share threshold), with every withheld delete listed', async () => {
      const empty = await addOu('Harm Scope Empty', FIXTURE.ous.corp);
      const configured = await bed.configure({ includeOus: [empty] });
      assert.equal(configured.code, 0, configured.stderr);
      bed.standIn.control.clearRequests();
      const result = await bed.sync();
      assert.equal(result.code, 4, result.stderr);
      assert.equal(result.json.status, 'stopped-deletion-threshold-exceeded');
      assert.match(result.stderr, /9 object deletes of 9: more than 20 %/);
      assert.deepEqual(deleteRequests(), [], 'no delete reached the cloud');
      for (const id of [...users.values(), group.id]) assert.ok(cloudObject(id), `${id} is still in the cloud`);
      const withheld = result.json.withheld as WithheldEntry[];
      assert.deepEqual(withheld.map((entry) => entry.anchor).sort(), [...users.keys(), group.anchor].sort());
      for (const entry of withheld) assert.match(entry.reason, /accidental-delete prevention/);
    });

    it('with --accept-deletes they go, once', async () => {
      const result = await bed.sync('--accept-deletes');
      assertSucceeded(result);
      assert.equal(result.json.counts.deleted, 9);
      for (const id of [...users.values(), group.id]) assert.equal(cloudObject(id), undefined);
      deletingRun = result.json.runId;
    });

    it('restore --preview lists what the run deleted and changes nothing', async () => {
      bed.standIn.control.clearRequests();
      const before = bed.standIn.control.snapshot();
      const preview = await dirsync(['restore', '--path', bed.path, '--run', String(deletingRun), '--preview', '--json']);
      assert.equal(preview.code, 0, preview.stderr);
      assert.equal(preview.json.preview, true);
      assert.deepEqual(preview.json.restored.map((object: { anchor: string }) => object.anchor).sort(), [...users.keys(), group.anchor].sort());
      assert.deepEqual(writes(), [], 'a preview writes nothing');
      assert.deepEqual(bed.standIn.control.snapshot(), before);
    });

    it('restore --run brings the users back with the same cloud ids, and the group with its members', async () => {
      const result = await dirsync(['restore', '--path', bed.path, '--run', String(deletingRun), '--json']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.json.status, 'success');
      for (const [anchor, id] of users) assert.equal(cloudUser(anchor)?.id, id, 'the same cloud user, from the deleted items');
      const groups = bed.standIn.control.snapshot().groups.filter((candidate) => candidate.props.displayName === 'Scoped Team');
      assert.equal(groups.length, 1);
      assert.deepEqual([...groups[0]!.members].sort(), group.members, 'the re-created group has its members again');

      // With the scope corrected, the next cycle finds everything in place: nothing created, nothing deleted.
      assert.equal((await bed.configure({ includeOus: [ou] })).code, 0);
      const next = await bed.sync();
      assertSucceeded(next);
      assert.deepEqual({ added: next.json.counts.added, deleted: next.json.counts.deleted }, { added: 0, deleted: 0 });
      assert.equal(bed.standIn.control.snapshot().groups.filter((candidate) => candidate.props.displayName === 'Scoped Team').length, 1);
    });
  });

  it('an OU in scope that suddenly returns nothing is a signal, not a deletion: withheld until --accept-deletes', async () => {
    const kept = await addOu('Harm Base Kept', FIXTURE.ous.corp);
    const emptied = await addOu('Harm Base Emptied', FIXTURE.ous.corp);
    await bed.reinstall({ includeOus: [kept, emptied] });
    for (let index = 1; index <= 6; index++) await addUser(kept, `Kept ${index}`, `kept.${index}`);
    const gone: string[] = [];
    for (let index = 1; index <= 3; index++) gone.push(await addUser(emptied, `Gone ${index}`, `gone.${index}`));
    assertSucceeded(await bed.sync());
    const anchors = await Promise.all(gone.map((dn) => anchorOf(bed.admin, dn)));
    // Three deletes of nine objects: under both thresholds, so only the empty search base can hold them back.
    for (const dn of gone) await bed.admin.del(dn);

    bed.standIn.control.clearRequests();
    const withheld = await bed.sync();
    assertSucceeded(withheld);
    assert.equal(withheld.json.mode, 'delta');
    assert.equal(withheld.json.counts.deleted, 0);
    assert.deepEqual(deleteRequests(), []);
    for (const anchor of anchors) assert.ok(cloudUser(anchor), 'not deleted');
    assert.deepEqual((withheld.json.withheld as WithheldEntry[]).map((entry) => entry.anchor).sort(), [...anchors].sort());
    for (const entry of withheld.json.withheld as WithheldEntry[]) assert.match(entry.reason, /returned no object at all/);
    assert.match(withheld.stderr, /Deletes under OU=Harm Base Emptied.*withheld.*--accept-deletes/s);

    const accepted = await bed.sync('--accept-deletes');
    assertSucceeded(accepted);
    assert.equal(accepted.json.counts.deleted, 3);
    for (const anchor of anchors) assert.equal(cloudUser(anchor), undefined);
  });

  describe('matching cannot take over the wrong account', () => {
    it('a rewritten UPN (unverified suffix) never matches the cloud-only account of that name, not even when the AD user leaves', async () => {
      const ou = await freshOu('Harm Upn');
      const {
        users: [cloudOnly],
      } = bed.standIn.control.seed({ users: [{ userPrincipalName: `ops@${bed.standIn.initialDomain}`, displayName: 'Operations (cloud only)' }] });
      const before = cloudObject(cloudOnly!.id)!;
      const ops = await addUser(ou, 'Ops Account', 'ops', { userPrincipalName: 'ops@corp.local' });
      const result = await bed.sync();
      // The AD user is not matched: its create meets the cloud-only account's UPN; the placeholder-UPN create that
      // follows meets its mailNickname too (the stand-in keeps those unique), and fails as the user's own error.
      assert.equal(result.code, 3, result.stderr);
      assert.equal(result.json.counts.updated, 0);
      assert.deepEqual(
        (result.json.errors as RunError[]).map((error) => [error.dn, error.code]),
        [[ops, 'Request_BadRequest']],
      );
      assert.match(result.json.errors[0].message, /already exists/);
      assert.deepEqual(cloudObject(cloudOnly!.id), before, 'the cloud-only account is untouched');
      assert.equal(before.props.onPremisesImmutableId ?? null, null);
      assert.deepEqual(writes(cloudOnly!.id), [], 'no write named the cloud-only account');

      await bed.admin.del(ops);
      assertSucceeded(await bed.sync());
      assert.deepEqual(cloudObject(cloudOnly!.id), before, 'still there, unchanged, after the AD user left');
      assert.deepEqual(writes(cloudOnly!.id), []);
    });

    it('two AD users with the same mail: neither takes the cloud user over, each gets DirSync.MatchConflict naming the other', async () => {
      const ou = await freshOu('Harm Twins');
      const {
        users: [cloudOnly],
      } = bed.standIn.control.seed({
        users: [{ userPrincipalName: `twin.cloud@${bed.standIn.initialDomain}`, displayName: 'Twin (cloud)', mail: 'twin@example.com' }],
      });
      const before = cloudObject(cloudOnly!.id)!;
      const first = await addUser(ou, 'Twin One', 'twin.one', { mail: 'twin@example.com' });
      const second = await addUser(ou, 'Twin Two', 'twin.two', { mail: 'twin@example.com' });
      const result = await bed.sync();
      assert.equal(result.code, 3, result.stderr);
      assert.equal(result.json.status, 'completed-export-errors');
      const conflicts = (result.json.errors as RunError[]).filter((error) => error.code === 'DirSync.MatchConflict');
      assert.deepEqual(conflicts.map((error) => error.dn).sort(), [first, second].sort());
      assert.ok(conflicts.find((error) => error.dn === first)!.message.includes(second), 'the first names the second');
      assert.ok(conflicts.find((error) => error.dn === second)!.message.includes(first), 'the second names the first');
      assert.deepEqual(cloudObject(cloudOnly!.id), before, 'the cloud user is untouched');
      assert.deepEqual(writes(cloudOnly!.id), []);
      for (const dn of [first, second])
        assert.equal(cloudUser(await anchorOf(bed.admin, dn)), undefined, `${dn} is not exported while the conflict lasts`);
    });

    it('administrators are never soft-matched: a role through a role-assignable group, or an eligible role', async () => {
      const ou = await freshOu('Harm Admins');
      const initial = bed.standIn.initialDomain;
      const { users: admins } = bed.standIn.control.seed({
        users: [
          { userPrincipalName: `grace.admin@${initial}`, displayName: 'Grace (admin through a group)', mail: 'grace@example.com' },
          {
            userPrincipalName: `eli.admin@${initial}`,
            displayName: 'Eli (eligible admin)',
            mail: 'eli@example.com',
            eligibleRoles: ['User Administrator'],
          },
          { userPrincipalName: `olga.plain@${initial}`, displayName: 'Olga (cloud only, no role)', mail: 'olga@example.com' },
        ],
      });
      bed.standIn.control.seed({
        groups: [{ displayName: 'Helpdesk admins', isAssignableToRole: true, members: [admins[0]!.id], roles: ['Helpdesk Administrator'] }],
      });
      const before = admins.slice(0, 2).map((user) => cloudObject(user.id)!);
      await addUser(ou, 'Grace Group', 'grace.group', { mail: 'grace@example.com' });
      await addUser(ou, 'Eli Eligible', 'eli.eligible', { mail: 'eli@example.com' });
      const olga = await addUser(ou, 'Olga Ordinary', 'olga.ordinary', { mail: 'olga@example.com' });
      const result = await bed.sync();
      // Not matched, the two AD users are created and meet the administrators' mail addresses: their own errors.
      assert.equal(result.code, 3, result.stderr);
      assert.deepEqual((result.json.errors as RunError[]).map((error) => error.dn).sort(), [`CN=Eli Eligible,${ou}`, `CN=Grace Group,${ou}`]);
      assert.equal(result.json.counts.updated, 1, 'only Olga was soft-matched');
      for (const [index, user] of admins.slice(0, 2).entries()) {
        assert.deepEqual(cloudObject(user.id), before[index], `${String(user.props.userPrincipalName)} is untouched`);
        assert.deepEqual(writes(user.id), []);
      }
      // The control case: an ordinary cloud-only user with the same mail is soft-matched (so the check above can fail).
      assert.equal(cloudUser(await anchorOf(bed.admin, olga))?.id, admins[2]!.id);
    });
  });

  describe('groups', () => {
    let ou: string;
    let members: string[];

    before(async () => {
      ou = await freshOu('Harm Groups');
      members = [];
      for (let index = 1; index <= 7; index++) members.push(await addUser(ou, `Member ${index}`, `member.${index}`));
      await addSecurityGroup(ou, 'Mail Later', members.slice(0, 2));
      await addSecurityGroup(ou, 'Vanishing', members);
      assertSucceeded(await bed.sync());
    });
    const cloudGroup = (name: string) => bed.standIn.control.snapshot().groups.find((group) => group.props.displayName === name);

    it('a security group that gains mail in AD keeps its cloud group (delta and full)', async () => {
      const id = cloudGroup('Mail Later')!.id;
      await bed.admin.modify(`CN=Mail Later,${ou}`, [
        new Change({ operation: 'replace', modification: new Attribute({ type: 'mail', values: ['later@example.com'] }) }),
      ]);
      for (const extra of [[], ['--full']]) {
        const result = await bed.sync(...extra);
        assert.equal(cloudGroup('Mail Later')?.id, id, `the cloud group is still there after a ${extra.length > 0 ? 'full' : 'delta'} cycle`);
        assert.equal(cloudGroup('Mail Later')!.members.length, 2);
        assert.equal(result.json.counts.deleted, 0);
        assertSucceeded(result);
        assert.equal(result.json.counts.notExportable, 1);
        assert.match(result.stderr, /Mail Later.*no longer exportable.*its cloud object is kept/);
      }
    });

    it('a group whose members all vanish at once (more than 5): the removals are withheld (exit 4), then go with --accept-deletes', async () => {
      const vanishing = `CN=Vanishing,${ou}`;
      await bed.admin.modify(vanishing, [new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: members }) })]);
      bed.standIn.control.clearRequests();
      const result = await bed.sync();
      assert.equal(result.code, 4, result.stderr);
      assert.equal(result.json.status, 'stopped-deletion-threshold-exceeded');
      assert.match(result.stderr, /would lose all 7 members/);
      assert.equal(cloudGroup('Vanishing')!.members.length, 7, 'no member removed');
      assert.deepEqual(
        writes().filter((request) => request.method === 'DELETE'),
        [],
      );
      const withheld = result.json.withheld as WithheldEntry[];
      assert.equal(withheld.filter((entry) => entry.objectType === 'membership' && entry.dn === vanishing).length, 7);

      const accepted = await bed.sync('--accept-deletes');
      assertSucceeded(accepted);
      assert.equal(cloudGroup('Vanishing')!.members.length, 0);
    });
  });

  describe('interruptions and known conditions', () => {
    before(async () => {
      await bed.reinstall({ includeOus: [FIXTURE.ous.crowd], writeBudget: '400/2' });
    });
    /** Starts a full sync of the 1,600 crowd users and resolves once `count` of them reached the cloud. */
    async function syncUnderWay(count = 100) {
      const child = bed.startSync();
      const result = collect(child);
      await waitFor(() => bed.standIn.control.snapshot().counts.users - 1 >= count, { what: `${count} users created`, timeoutMs: 60_000 });
      return { child, result };
    }

    it('a SIGKILLed run is marked interrupted when the next run starts', async () => {
      const { child, result } = await syncUnderWay();
      const running = (await bed.status()).json;
      assert.equal(running.status, 'in-progress');
      child.kill('SIGKILL');
      await result;
      const next = await bed.sync();
      assertSucceeded(next);
      assert.match(next.stderr, /1 earlier run\(s\) ended without recording an outcome/);
      const runs = (await bed.status('--last', '5')).json as { runId: number; status: string }[];
      assert.equal(runs.find((run) => run.runId === running.runId)?.status, 'interrupted');
      assert.equal(runs.find((run) => run.runId === next.json.runId)?.status, 'success');
    });

    it('a second sync while one runs: exit 1, [Sync.already-running]; SIGINT stops the first after the batch in flight (stopped-by-request)', async () => {
      await bed.reinstall({ includeOus: [FIXTURE.ous.crowd], writeBudget: '400/2' });
      const { child, result } = await syncUnderWay();
      assertKnownFailure(await bed.sync(), 'Sync.already-running', 1);
      child.kill('SIGINT');
      const stopped = await result;
      assert.equal(stopped.code, 1, stopped.stderr);
      assert.equal(stopped.json.status, 'stopped-by-request');
      assert.ok(stopped.json.counts.added < FIXTURE.crowd.users.length, `stopped part-way (${stopped.json.counts.added} added)`);
      assert.equal((await bed.status()).json.status, 'stopped-by-request');
    });

    describe('known conditions print their code, never "unexpected failure"', () => {
      let other: string;
      before(async () => {
        other = join(bed.work, 'conditions');
        await bed.installAndConfigure({ includeOus: [FIXTURE.ous.sales] }, other);
        // A second installation of the tenant writes only once it is the active one (the bed's own is from here on refused).
        const promoted = await dirsync(['promote', '--path', other, '--json']);
        assert.equal(promoted.code, 0, promoted.stderr);
      });
      const syncOther = () => dirsync(['sync', '--path', other, '--json']);

      it('vault unreadable: a key file others may read (Secrets.file-exposed), or an altered secrets file (Secrets.unreadable)', async () => {
        const keyFile = join(other, 'secret.key');
        await chmod(keyFile, 0o644);
        assertKnownFailure(await syncOther(), 'Secrets.file-exposed', 1);
        await chmod(keyFile, 0o600);
        await writeFile(join(other, 'secrets.sealed'), 'overwritten by some tool');
        assertKnownFailure(await syncOther(), 'Secrets.unreadable', 1);
        // As its recommended action says: configure again re-enters the credentials, and the next sync works.
        const configured = await bed.configure({ includeOus: [FIXTURE.ous.sales] }, other);
        assert.equal(configured.code, 0, configured.stderr);
        assert.match(configured.stderr, /stored secrets could not be read.*replaced by the credentials entered now/s);
        assertSucceeded(await syncOther());
      });

      it('schema too new: a store upgraded by a later version → Store.schema-too-new, exit 2', async () => {
        const database = new DatabaseSync(join(other, 'state.db'));
        try {
          database.exec('UPDATE schema_version SET version = 99 WHERE id = 1');
        } finally {
          database.close();
        }
        assertKnownFailure(await syncOther(), 'Store.schema-too-new', 2);
      });

      it('SQL Server unreachable: install against a server where nobody listens (127.0.0.1:1433) → Store.unreachable', async () => {
        const result = await dirsync(['install', '--path', join(bed.work, 'sql'), '--sql-server', '127.0.0.1', '--json'], {
          env: { DIRSYNC_SQL_USER: 'dirsync', DIRSYNC_SQL_PASSWORD: 'not-a-real-password-1!' },
        });
        assertKnownFailure(result, 'Store.unreachable', 1);
      });
    });
  });
});

/** A condition DirSync knows: `error [code]: …` on stderr, the JSON error object last on stdout, the exit code of its category. */
function assertKnownFailure(result: CliResult, code: ErrorCode, exitCode: number): void {
  assert.equal(result.code, exitCode, result.stderr);
  assert.ok(result.stderr.includes(`error [${code}]: `), result.stderr);
  assert.doesNotMatch(`${result.stdout}${result.stderr}`, /unexpected failure/i);
  const error = result.json?.error;
  assert.equal(error?.code, code, result.stdout);
  assert.equal(error.category, errorCatalogue[code].category);
  assert.ok(error.message.length > 0 && error.recommendedAction.length > 0);
}
