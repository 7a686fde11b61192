import assert from 'node:assert/strict';
import { CloudDirectory, ELIGIBLE_ROLES_UNCHECKED, ROLE_ASSIGNMENTS_UNCHECKED } from '../../../src/connectors/entra/cloud-directory.ts';
import type { EntraConnection } from '../../../src/connectors/entra/connection.ts';
import type { EntraStandIn } from '../../entra-standin/stand-in.ts';
import { anchorFor, connect, withStandIn } from './stand-in-fixture.ts';

describe('CloudDirectory (reads for joins) against the stand-in', function () {
  this.timeout(30_000);
  let standIn: EntraStandIn;
  let connection: EntraConnection;
  let directory: CloudDirectory;

  before(async () => {
    standIn = await withStandIn();
    connection = await connect(standIn);
  });
  beforeEach(() => {
    standIn.control.reset();
    directory = new CloudDirectory(connection.session, standIn.clientId);
  });
  after(async () => {
    connection.close();
    await standIn.stop();
  });

  it('registers the anchor extension property once, then finds it', async () => {
    const expected = `extension_${standIn.clientId.replaceAll('-', '')}_dirSyncSourceAnchor`;
    assert.equal(await directory.ensureSourceAnchorExtension(), expected);
    assert.equal(await new CloudDirectory(connection.session, standIn.clientId).ensureSourceAnchorExtension(), expected);
    const registrations = standIn.control.requests().filter((request) => request.method === 'POST' && request.path.endsWith('/extensionProperties'));
    assert.equal(registrations.length, 1);
  });

  it('describes the tenant: initial domain, verified domains, anchor property', async () => {
    const tenant = await directory.tenant();
    assert.equal(tenant.initialDomain, standIn.initialDomain.toLowerCase());
    assert.ok(tenant.verifiedDomains.has(standIn.initialDomain.toLowerCase()));
    assert.ok(tenant.verifiedDomains.has('corp.example.test'));
    assert.match(tenant.sourceAnchorProperty, /^extension_[0-9a-f]{32}_dirSyncSourceAnchor$/);
  });

  it('hard-matches users and groups by anchor, 40 at a time past the 15-value limit of `in`, Base64 "+" and "/" intact', async () => {
    const property = await directory.ensureSourceAnchorExtension();
    const domain = standIn.initialDomain;
    const seeded = standIn.control.seed({
      users: Array.from({ length: 40 }, (_, index) => ({ userPrincipalName: `u${index}@${domain}`, onPremisesImmutableId: anchorFor(index) })),
      groups: [{ displayName: 'Sales', [property]: anchorFor(100) }],
    });
    const wanted = [...Array.from({ length: 40 }, (_, index) => anchorFor(index)), anchorFor(999)];
    const users = await directory.findByAnchors('user', wanted);
    assert.equal(users.size, 40);
    assert.equal(users.get(anchorFor(7)), seeded.users[7]!.id);
    assert.equal(users.has(anchorFor(999)), false);
    const groups = await directory.findByAnchors('group', [anchorFor(100), anchorFor(101)]);
    assert.deepEqual([...groups], [[anchorFor(100), seeded.groups[0]!.id]]);
  });

  it('soft-matches by primary SMTP address, then UPN, only unanchored users and never an administrator', async () => {
    const domain = 'corp.example.test';
    const seeded = standIn.control.seed({
      users: [
        { userPrincipalName: `cloud.mail@${standIn.initialDomain}`, mail: `ann@${domain}` },
        { userPrincipalName: `o'brien@${domain}` },
        { userPrincipalName: `boss@${domain}`, roles: ['Global Administrator'] },
        { userPrincipalName: `taken@${domain}`, onPremisesImmutableId: anchorFor(50) },
      ],
    });
    const matches = await directory.findSoftMatches([
      { anchor: anchorFor(1), primarySmtpAddress: `ann@${domain}`, userPrincipalName: `ann@${domain}` },
      { anchor: anchorFor(2), primarySmtpAddress: undefined, userPrincipalName: `O'Brien@${domain}` },
      { anchor: anchorFor(3), primarySmtpAddress: `boss@${domain}`, userPrincipalName: `boss@${domain}` },
      { anchor: anchorFor(4), primarySmtpAddress: undefined, userPrincipalName: `taken@${domain}` },
      { anchor: anchorFor(5), primarySmtpAddress: `nobody@${domain}`, userPrincipalName: `nobody@${domain}` },
    ]);
    assert.deepEqual(
      new Map([...matches].sort()),
      new Map(
        [
          [anchorFor(1), seeded.users[0]!.id],
          [anchorFor(2), seeded.users[1]!.id],
        ].sort() as Array<[string, string]>,
      ),
    );
  });

  describe('administrators, whom soft matching never takes over', () => {
    const domain = 'corp.example.test';
    /** name → cloud id of new users `name@corp.example.test`. */
    const seedUsers = (...names: string[]): Record<string, string> => {
      const { users } = standIn.control.seed({ users: names.map((name) => ({ userPrincipalName: `${name}@${domain}` })) });
      return Object.fromEntries(names.map((name, index) => [name, users[index]!.id]));
    };

    /** A tenant with one user of each kind the check must tell apart. */
    const seedTenant = () => {
      const ids = seedUsers('ordinary', 'direct', 'viaGroup', 'eligible', 'eligibleViaGroup', 'inQuietRoleGroup');
      standIn.control.assignRole(ids.direct!, 'User Administrator');
      standIn.control.addRoleEligibility({ principal: ids.eligible!, role: 'Global Administrator' });
      standIn.control.seed({
        groups: [
          { displayName: 'Helpdesk admins', isAssignableToRole: true, members: [ids.viaGroup!], roles: ['Helpdesk Administrator'] },
          { displayName: 'PIM tier 0', isAssignableToRole: true, members: [ids.eligibleViaGroup!], eligibleRoles: ['Privileged Role Administrator'] },
          { displayName: 'Role-assignable, no role yet', isAssignableToRole: true, members: [ids.inQuietRoleGroup!] },
          { displayName: 'Everyone', members: [ids.ordinary!, ids.direct!, ids.inQuietRoleGroup!] },
        ],
      });
      return ids;
    };

    it('counts roles held directly, through a role-assignable group, eligible, and eligible through a group; not ordinary users', async () => {
      const ids = seedTenant();
      const check = await directory.administratorsAmong(Object.values(ids));
      assert.deepEqual([...check.administrators].sort(), [ids.direct, ids.viaGroup, ids.eligible, ids.eligibleViaGroup].sort());
      assert.deepEqual(check.warnings, []);
    });

    it('never soft-matches an eligible administrator', async () => {
      const ids = seedTenant();
      const matches = await directory.findSoftMatches([
        { anchor: anchorFor(1), primarySmtpAddress: undefined, userPrincipalName: `eligible@${domain}` },
        { anchor: anchorFor(2), primarySmtpAddress: undefined, userPrincipalName: `eligibleViaGroup@${domain}` },
        { anchor: anchorFor(3), primarySmtpAddress: undefined, userPrincipalName: `ordinary@${domain}` },
      ]);
      assert.deepEqual([...matches], [[anchorFor(3), ids.ordinary]]);
    });

    it('follows @odata.nextLink to a role reached on the second page of transitiveMemberOf', async () => {
      const { viaGroup } = seedUsers('viaGroup');
      const low = (index: number) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
      standIn.control.seed({
        groups: Array.from({ length: 999 }, (_, index) => ({ id: low(index), displayName: `G${index}`, members: [viaGroup!] })),
      });
      standIn.control.seed({
        groups: [
          {
            id: 'ffffffff-0000-4000-8000-000000000000',
            displayName: 'Admins',
            isAssignableToRole: true,
            members: [viaGroup!],
            roles: ['Exchange Administrator'],
          },
        ],
      });
      standIn.control.clearRequests();
      assert.deepEqual([...(await directory.administratorsAmong([viaGroup!])).administrators], [viaGroup]);
      assert.ok(
        standIn.control
          .requests()
          .some((request) => !request.inBatch && request.path.includes('transitiveMemberOf') && request.path.includes('skiptoken')),
      );
    });

    it('reads 40 users in 5 $batch requests (memberships, active assignments, eligibilities)', async () => {
      const ids = Object.values(seedUsers(...Array.from({ length: 40 }, (_, index) => `crowd${index}`)));
      standIn.control.clearRequests();
      assert.equal((await directory.administratorsAmong(ids)).administrators.size, 0);
      const batches = standIn.control.requests().filter((request) => !request.inBatch);
      assert.deepEqual(
        batches.map((request) => request.path),
        Array(5).fill('/v1.0/$batch'),
      );
    });

    it('says once, and does not stay silent, when Graph refuses to show eligible roles', async () => {
      const ids = seedTenant();
      // Enough to read users, groups, memberships and active assignments, but not PIM.
      const app = standIn.control.createApplication({
        roles: ['User.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Application.ReadWrite.OwnedBy'],
      });
      const limited = await connect(standIn, { clientId: app.appId, credential: { kind: 'client-secret', secret: app.clientSecret } });
      try {
        const warnings: string[] = [];
        const limitedDirectory = new CloudDirectory(limited.session, app.appId, { onWarning: (message) => warnings.push(message) });
        const check = await limitedDirectory.administratorsAmong(Object.values(ids));
        assert.deepEqual([...check.administrators].sort(), [ids.direct, ids.viaGroup].sort(), 'active roles are still seen');
        assert.deepEqual(check.warnings, [ELIGIBLE_ROLES_UNCHECKED]);
        assert.match(ELIGIBLE_ROLES_UNCHECKED, /RoleEligibilitySchedule\.Read\.Directory/);
        for (let round = 0; round < 2; round += 1) {
          await limitedDirectory.findSoftMatches([{ anchor: anchorFor(9), primarySmtpAddress: undefined, userPrincipalName: `ordinary@${domain}` }]);
        }
        assert.deepEqual(warnings, [ELIGIBLE_ROLES_UNCHECKED], 'one warning for the whole run');
      } finally {
        limited.close();
      }
    });

    it('still sees directory roles through groups when no role management read is granted, and names both gaps', async () => {
      const ids = seedTenant();
      const app = standIn.control.createApplication({ roles: ['User.ReadWrite.All', 'Group.ReadWrite.All'] });
      const bare = await connect(standIn, { clientId: app.appId, credential: { kind: 'client-secret', secret: app.clientSecret } });
      try {
        const check = await new CloudDirectory(bare.session, app.appId).administratorsAmong(Object.values(ids));
        assert.deepEqual([...check.administrators].sort(), [ids.direct, ids.viaGroup].sort());
        assert.deepEqual(check.warnings, [ROLE_ASSIGNMENTS_UNCHECKED, ELIGIBLE_ROLES_UNCHECKED]);
      } finally {
        bare.close();
      }
    });

    it('finds no eligibility, and warns of nothing, in a tenant without Entra ID P2 (no PIM)', async () => {
      const ids = seedTenant();
      standIn.control.setLicenses({ entraIdP2: false });
      const check = await directory.administratorsAmong([ids.eligible!, ids.direct!]);
      assert.deepEqual([...check.administrators], [ids.direct]);
      assert.deepEqual(check.warnings, []);
    });
  });
});
