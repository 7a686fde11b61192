// Do no harm, the AD side: an object the sync account cannot list (an OU or a user with a deny ACE for it) is
// missing from the full import and from the anchor-only listing, but confirmDeletions calls it hidden, not gone;
// a deleted object is gone; one moved out of the OUs, excluded or filtered out is out-of-scope. Read as the AAD_
// account, as in the default deployment.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Attribute, Change } from 'ldapts';
import type { Client } from 'ldapts';
import { ActiveDirectorySource } from '../../../src/connectors/ad/active-directory-source.ts';
import type { ActiveDirectorySourceOptions } from '../../../src/connectors/ad/active-directory-source.ts';
import type { ListedObject } from '../../../src/connectors/ad/object-directory.ts';
import { SecurityDescriptorFlagsControl, SecurityInformation } from '../../../src/connectors/ad/controls/security-descriptor-flags-control.ts';
import type { DeletionCandidate, DeletionVerdict } from '../../../src/engine/ports.ts';
import {
  AceType,
  SecurityDescriptorControl,
  parseSecurityDescriptor,
  serializeSecurityDescriptor,
} from '../../../src/connectors/ad/security-descriptor.ts';
import { anchorFromGuid } from '../../../src/connectors/ad/values.ts';
import { ensureServiceAccount } from '../../../src/connectors/ad/service-account.ts';
import type { ServiceAccount } from '../../../src/connectors/ad/service-account.ts';
import { adminClient, startDomain } from '../../support/ad/index.ts';
import type { TestDomain } from '../../support/ad/index.ts';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

// ADS_RIGHT_ACTRL_DS_LIST | ADS_RIGHT_DS_READ_PROP, container-inherited: `(D;CI;LCRP;;;SID)` in SDDL.
const LIST_CONTENTS_AND_READ = 0x04 | 0x10;
const CONTAINER_INHERIT = 0x02;

describe('deletion candidates confirmed by objectGUID, read as the AAD_ account (Samba AD DC)', function () {
  this.timeout(120_000);
  let domain: TestDomain;
  let admin: Client;
  let serviceAccount: ServiceAccount;
  let root: string;
  let inOu: string;
  let secretOu: string;
  let nestedSecretOu: string;
  let excludedOu: string;
  let outOu: string;
  let emptyOu: string;
  const anchors = new Map<string, string>();

  const dnOf = (cn: string, parent: string): string => `CN=${cn},${parent}`;
  const anchorOf = async (dn: string): Promise<string> => {
    const { searchEntries } = await admin.search(dn, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] });
    return anchorFromGuid(searchEntries[0]!.objectGUID as Buffer);
  };
  const addUser = async (cn: string, parent: string): Promise<void> => {
    await admin.add(dnOf(cn, parent), { objectClass: ['top', 'person', 'organizationalPerson', 'user'], sAMAccountName: cn.toLowerCase() });
    anchors.set(cn, await anchorOf(dnOf(cn, parent)));
  };
  const candidate = (cn: string, parent: string): DeletionCandidate => ({ anchor: anchors.get(cn)!, dn: dnOf(cn, parent) });

  /** Puts a deny ACE for the service account first in the object's DACL, as an administrator hardening an OU would. */
  async function denyListAndRead(dn: string): Promise<void> {
    const daclOnly = (): SecurityDescriptorFlagsControl => new SecurityDescriptorFlagsControl(SecurityInformation.dacl);
    const { searchEntries } = await admin.search(
      dn,
      { scope: 'base', attributes: ['nTSecurityDescriptor', 'objectSid'], explicitBufferAttributes: ['nTSecurityDescriptor'] },
      daclOnly(),
    );
    const { searchEntries: account } = await admin.search(serviceAccount.dn, {
      scope: 'base',
      attributes: ['objectSid'],
      explicitBufferAttributes: ['objectSid'],
    });
    const descriptor = parseSecurityDescriptor(searchEntries[0]!.nTSecurityDescriptor as Buffer);
    descriptor.dacl!.aces.unshift({
      type: AceType.accessDenied,
      flags: CONTAINER_INHERIT,
      mask: LIST_CONTENTS_AND_READ,
      sid: account[0]!.objectSid as Buffer,
    });
    const daclBits = SecurityDescriptorControl.daclAutoInherited | SecurityDescriptorControl.daclProtected | SecurityDescriptorControl.daclDefaulted;
    const value = serializeSecurityDescriptor({
      control: descriptor.control & daclBits,
      owner: undefined,
      group: undefined,
      sacl: undefined,
      dacl: descriptor.dacl,
    });
    await admin.modify(
      dn,
      new Change({ operation: 'replace', modification: new Attribute({ type: 'nTSecurityDescriptor', values: [value] }) }),
      daclOnly(),
    );
  }

  const asServiceAccount = (overrides: Partial<ActiveDirectorySourceOptions> = {}): ActiveDirectorySource =>
    new ActiveDirectorySource({
      url: domain.ldapsUrl,
      caPem: domain.caPem,
      bindDn: serviceAccount.userPrincipalName,
      password: serviceAccount.password,
      scope: { includeOus: [inOu, emptyOu], excludeOus: [excludedOu], attributeFilter: '(!(description=nosync))' },
      ...overrides,
    });

  async function listed(source: ActiveDirectorySource): Promise<ListedObject[]> {
    try {
      return await collect(source.listScope());
    } finally {
      await source.close();
    }
  }

  async function verdicts(source: ActiveDirectorySource, candidates: DeletionCandidate[]): Promise<Map<string, DeletionVerdict>> {
    try {
      const all = await collect(source.confirmDeletions(candidates));
      assert.equal(all.length, candidates.length, 'one verdict per candidate');
      return new Map(all.map((verdict) => [verdict.anchor, verdict]));
    } finally {
      await source.close();
    }
  }

  const visibleUsers = ['Kept', 'Own Deny', 'Deleted', 'Moved Out', 'Moved Excluded', 'Renamed Aad', 'Filtered'];
  const secretUsers = ['Secret One', 'Secret Two'];

  before(async () => {
    domain = await startDomain();
    admin = await adminClient(domain);
    serviceAccount = await ensureServiceAccount(admin);
    root = `OU=Deletion Safety,${domain.baseDn}`;
    inOu = `OU=In,${root}`;
    secretOu = `OU=Executives,${inOu}`;
    nestedSecretOu = `OU=Board,${secretOu}`;
    excludedOu = `OU=Excluded,${inOu}`;
    outOu = `OU=Out,${root}`;
    emptyOu = `OU=Empty,${root}`;
    for (const ou of [root, inOu, secretOu, nestedSecretOu, excludedOu, outOu, emptyOu])
      await admin.add(ou, { objectClass: ['top', 'organizationalUnit'] });
    for (const cn of visibleUsers) await addUser(cn, inOu);
    for (const cn of secretUsers) await addUser(cn, secretOu);
    await addUser('Board Member', nestedSecretOu);
    await admin.add(dnOf('Team', inOu), { objectClass: ['top', 'group'], sAMAccountName: 'team', member: [dnOf('Kept', inOu)] });
    anchors.set('Team', await anchorOf(dnOf('Team', inOu)));
  });

  after(async () => {
    await admin?.unbind();
    await domain?.stop();
  });

  it('lists every synchronised object of the scope as anchor and DN, with per-search-base counts matching the full import', async () => {
    const fullImport = asServiceAccount();
    const imported = (await collect(fullImport.fullImport().changes)).flatMap((change) => (change.op === 'upsert' ? [change.object] : []));
    await fullImport.close();

    const source = asServiceAccount();
    const objects = await listed(source);
    const expected = [...visibleUsers, ...secretUsers, 'Board Member', 'Team'].map((cn) => anchors.get(cn)!).sort();
    assert.deepEqual(objects.map((object) => object.anchor).sort(), expected);
    assert.deepEqual(imported.map((object) => object.anchor).sort(), expected);
    assert.deepEqual(new Set(objects.map((object) => object.kind)), new Set(['user', 'group']));
    assert.equal(objects.find((object) => object.anchor === anchors.get('Secret One'))?.dn, dnOf('Secret One', secretOu));
    assert.deepEqual(
      [...source.listingStatistics.bySearchBase],
      [
        [inOu, expected.length],
        [emptyOu, 0],
      ],
    );
    assert.deepEqual(
      [...fullImport.statistics.bySearchBase],
      [
        [inOu, expected.length],
        [emptyOu, 0],
      ],
    );
  });

  it('leaves out excluded objects, objects in excluded OUs and objects the attribute filter rejects', async () => {
    const extra = `${randomBytes(3).toString('hex')}`;
    await admin.add(dnOf(`Hidden ${extra}`, excludedOu), {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      sAMAccountName: `hidden${extra}`,
    });
    await admin.add(dnOf(`Nosync ${extra}`, inOu), {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      sAMAccountName: `nosync${extra}`,
      description: 'nosync',
    });
    await admin.add(dnOf(`AAD_${extra}abcdef`, inOu), {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      sAMAccountName: `AAD_${extra}abcdef`,
    });
    try {
      const objects = await listed(asServiceAccount());
      assert.equal(objects.length, visibleUsers.length + secretUsers.length + 2);
    } finally {
      for (const dn of [dnOf(`Hidden ${extra}`, excludedOu), dnOf(`Nosync ${extra}`, inOu), dnOf(`AAD_${extra}abcdef`, inOu)]) await admin.del(dn);
    }
  });

  describe('after an administrator denies the AAD_ account list/read on an OU and on one user, and changes others', () => {
    before(async () => {
      await denyListAndRead(secretOu);
      await denyListAndRead(dnOf('Own Deny', inOu));
      await admin.del(dnOf('Deleted', inOu));
      await admin.modifyDN(dnOf('Moved Out', inOu), dnOf('Moved Out', outOu));
      await admin.modifyDN(dnOf('Moved Excluded', inOu), dnOf('Moved Excluded', excludedOu));
      await admin.modify(
        dnOf('Renamed Aad', inOu),
        new Change({ operation: 'replace', modification: new Attribute({ type: 'sAMAccountName', values: ['AAD_0123456789ab'] }) }),
      );
      await admin.modify(
        dnOf('Filtered', inOu),
        new Change({ operation: 'replace', modification: new Attribute({ type: 'description', values: ['nosync'] }) }),
      );
    });

    it('the full import and the listing both miss the hidden objects (that is the harm to guard against)', async () => {
      const source = asServiceAccount();
      const objects = await listed(source);
      const seen = new Set(objects.map((object) => object.anchor));
      for (const cn of [...secretUsers, 'Own Deny']) assert.ok(!seen.has(anchors.get(cn)!), `${cn} is not listed`);
      // Samba's subtree search hides only the denied OU's own children: one level further down is still listed.
      assert.deepEqual([...seen].sort(), [anchors.get('Kept')!, anchors.get('Team')!, anchors.get('Board Member')!].sort());
      assert.equal(source.listingStatistics.bySearchBase.get(inOu), 3);

      const fullImport = asServiceAccount();
      const imported = (await collect(fullImport.fullImport().changes)).flatMap((change) => (change.op === 'upsert' ? [change.object.anchor] : []));
      await fullImport.close();
      assert.deepEqual(imported.sort(), [...seen].sort());
    });

    it('calls the hidden objects hidden, naming the cause; the deleted one gone; the moved, excluded and filtered ones out-of-scope', async () => {
      const candidates = [
        candidate('Secret One', secretOu),
        candidate('Secret Two', secretOu),
        candidate('Board Member', nestedSecretOu),
        candidate('Own Deny', inOu),
        candidate('Deleted', inOu),
        candidate('Moved Out', inOu),
        candidate('Moved Excluded', inOu),
        candidate('Renamed Aad', inOu),
        candidate('Filtered', inOu),
      ];
      const verdict = await verdicts(asServiceAccount(), candidates);
      const of = (cn: string): DeletionVerdict => verdict.get(anchors.get(cn)!)!;

      for (const cn of [...secretUsers, 'Board Member']) {
        assert.equal(of(cn).verdict, 'hidden', cn);
        assert.ok(of(cn).reason.includes(secretOu), `names the OU: ${of(cn).reason}`);
        assert.ok(of(cn).reason.includes(serviceAccount.userPrincipalName), `names the account: ${of(cn).reason}`);
      }
      assert.equal(of('Own Deny').verdict, 'hidden');
      assert.equal(of('Own Deny').dn, dnOf('Own Deny', inOu));
      assert.match(of('Own Deny').reason, /may not read the object CN=Own Deny/);
      assert.equal(of('Deleted').verdict, 'gone');
      assert.deepEqual([of('Moved Out').verdict, of('Moved Out').dn, of('Moved Out').kind], ['out-of-scope', dnOf('Moved Out', outOu), 'user']);
      assert.match(of('Moved Out').reason, /outside the OUs in scope/);
      assert.ok(of('Moved Out').reason.includes(`(not under any --include-ou: ${inOu}; `), of('Moved Out').reason);
      assert.deepEqual([of('Moved Excluded').verdict, of('Moved Excluded').dn], ['out-of-scope', dnOf('Moved Excluded', excludedOu)]);
      assert.equal(of('Moved Excluded').reason, `it is in the excluded OU ${excludedOu} (--exclude-ou).`);
      assert.equal(of('Renamed Aad').verdict, 'out-of-scope');
      assert.match(of('Renamed Aad').reason, /AAD_/);
      assert.equal(of('Filtered').verdict, 'out-of-scope');
      assert.match(of('Filtered').reason, /attribute filter/);
    });

    it('judges a tombstone gone when the account may read it (Administrator, Show Deleted)', async () => {
      const verdict = await verdicts(asServiceAccount({ bindDn: domain.adminDn, password: domain.adminPassword }), [candidate('Deleted', inOu)]);
      assert.equal(verdict.get(anchors.get('Deleted')!)?.verdict, 'gone');
      assert.match(verdict.get(anchors.get('Deleted')!)!.reason, /tombstone/);
    });

    it('keeps going past a candidate it cannot look up, which is unconfirmed (never deleted)', async () => {
      const unknownGuid = anchorFromGuid(randomBytes(16));
      const candidates = [
        { anchor: 'bm90IGEgZ3VpZA==', dn: 'CN=Broken,DC=nowhere' },
        { anchor: unknownGuid, dn: dnOf('Never Existed', inOu) },
        candidate('Kept', inOu),
      ];
      const verdict = await verdicts(asServiceAccount(), candidates);
      assert.equal(verdict.get('bm90IGEgZ3VpZA==')?.verdict, 'unconfirmed');
      assert.equal(verdict.get(unknownGuid)?.verdict, 'gone');
      assert.equal(verdict.get(anchors.get('Kept')!)?.verdict, 'hidden', 'listed objects are no candidates; were one given, it is in scope and kept');
      assert.match(verdict.get(anchors.get('Kept')!)!.reason, /listing did not return it/);
    });

    it('does the same for a deny an administrator sets with samba-tool dsacl', async () => {
      const legalOu = `OU=Legal,${inOu}`;
      await admin.add(legalOu, { objectClass: ['top', 'organizationalUnit'] });
      await addUser('Counsel', legalOu);
      const listedAnchors = async (): Promise<string[]> => (await listed(asServiceAccount())).map((object) => object.anchor);
      assert.ok((await listedAnchors()).includes(anchors.get('Counsel')!));

      await promisify(execFile)('samba-tool', [
        'dsacl',
        'set',
        `--objectdn=${legalOu}`,
        '--action=deny',
        `--sddl=(D;CI;LCRP;;;${serviceAccount.sid})`,
        '-H',
        join(domain.directory, 'private', 'sam.ldb'),
      ]);
      assert.ok(!(await listedAnchors()).includes(anchors.get('Counsel')!));
      const verdict = (await verdicts(asServiceAccount(), [candidate('Counsel', legalOu)])).get(anchors.get('Counsel')!)!;
      assert.equal(verdict.verdict, 'hidden');
      assert.ok(verdict.reason.includes(`refused access to ${legalOu}`), verdict.reason);
    });
  });
});
