import assert from 'node:assert/strict';
import { CloudDirectory } from '../../../src/connectors/entra/cloud-directory.ts';
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
      new Map([
        [anchorFor(1), seeded.users[0]!.id],
        [anchorFor(2), seeded.users[1]!.id],
      ].sort() as Array<[string, string]>),
    );
  });

  it('knows which users hold a directory role', async () => {
    const admin = standIn.administrator.id;
    const [plain] = standIn.control.seed({ users: [{ userPrincipalName: `plain@${standIn.initialDomain}` }] }).users;
    assert.deepEqual([...(await directory.administratorsAmong([admin, plain!.id]))], [admin]);
  });
});
