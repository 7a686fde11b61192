// Bad input: AD objects whose values the cloud refuses (oversized, control characters, invalid UPN, a mail
// address two users claim) give one clear per-object error each while everything else syncs; a configuration
// file edited by hand into nonsense stops `sync` with exit 2 naming the file and the field, the store untouched.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Attribute, Change } from 'ldapts';
import { FIXTURE } from '../support/ad/index.ts';
import { assertConverged, stateDbFile } from './support.ts';
import { anchorOf, startTestBed, type TestBed } from '../support/test-bed.ts';

interface OddUser {
  why: string;
  commonName: string;
  attributes: Record<string, string>;
  /** What the cloud does with it: refuses it (a per-object error), or takes the value as it is. */
  cloud: 'refuses' | 'takes';
}

// AD's schema bounds most values to what Graph takes too: Samba refuses a 1,000-character displayName itself
// (0000200B, rangeUpper 256), so the longest value that can reach DirSync is tried instead.
const oddUsers: OddUser[] = [
  { why: "a displayName at AD's limit (256 characters)", commonName: 'Long Name', attributes: { displayName: 'L'.repeat(256) }, cloud: 'takes' },
  {
    why: 'control characters in displayName',
    commonName: 'Control Chars',
    attributes: { displayName: 'Bell\u0007 and\u0001 escape\u001b' },
    cloud: 'takes',
  },
  {
    why: 'a UPN prefix with invalid characters',
    commonName: 'Bad Upn',
    attributes: { userPrincipalName: 'bad user(1)<x>@corp.example.test' },
    cloud: 'refuses',
  },
];
const dnOf = (user: OddUser) => `CN=${user.commonName},${FIXTURE.ous.sales}`;

describe('Faults: bad input from AD and from hand-edited configuration', function () {
  this.timeout(120_000);
  let bed: TestBed;
  const failedAnchors = new Set<string>();

  before(async () => {
    bed = await startTestBed({ includeOus: [FIXTURE.ous.sales] });
    for (const [index, user] of oddUsers.entries()) {
      await bed.admin.add(dnOf(user), {
        objectClass: ['top', 'person', 'organizationalPerson', 'user'],
        sAMAccountName: `bad.input.${index}`,
        userPrincipalName: `bad.input.${index}@corp.example.test`,
        userAccountControl: String(0x220),
        ...user.attributes,
      });
    }
    // Two users claiming the mail address Alice already has: the cloud rejects the one that comes second.
    await bed.admin.add(`CN=Alice Impostor,${FIXTURE.ous.sales}`, {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      sAMAccountName: 'alice.impostor',
      userPrincipalName: 'alice.impostor@corp.example.test',
      userAccountControl: String(0x220),
      mail: FIXTURE.users.alice.attributes.mail as string,
    });
    await bed.admin.add(oddGroup, {
      objectClass: ['top', 'group'],
      sAMAccountName: 'OddOnes',
      groupType: String(0x80000002 | 0),
      member: [...oddUsers.map(dnOf), FIXTURE.users.alice.dn, `CN=Alice Impostor,${FIXTURE.ous.sales}`],
    });
  });
  after(async () => {
    await bed?.stop();
  });
  const oddGroup = `CN=Odd Ones,${FIXTURE.ous.sales}`;

  it(`one clear per-object error for each object the cloud refuses (${oddUsers
    .filter((user) => user.cloud === 'refuses')
    .map((user) => user.why)
    .join('; ')}; a mail address two users claim); the others sync (exit 3)`, async () => {
    const result = await bed.sync();
    assert.equal(result.code, 3, result.stderr);
    assert.equal(result.json.status, 'completed-export-errors');
    const errorsByDn = new Map<string, { dn: string; anchor: string; code: string; message: string }>(
      result.json.errors.map((error: { dn: string }) => [error.dn, error]),
    );
    console.log(
      `      errors: ${[...errorsByDn.values()].map((error) => `${error.dn.split(',')[0]} → ${error.code}: ${error.message.slice(0, 90)}`).join(' | ')}`,
    );
    const expectedFailures = oddUsers.filter((user) => user.cloud === 'refuses').map(dnOf);
    const duplicates = [FIXTURE.users.alice.dn, `CN=Alice Impostor,${FIXTURE.ous.sales}`].filter((dn) => errorsByDn.has(dn));
    assert.equal(duplicates.length, 1, 'exactly one of the two users with the same mail address is refused');
    for (const dn of [...expectedFailures, ...duplicates]) {
      const error = errorsByDn.get(dn);
      assert.ok(error, `${dn} is reported`);
      assert.equal(error.anchor, await anchorOf(bed.admin, dn));
      assert.ok(error.code.length > 0 && error.message.length > 0, JSON.stringify(error));
      failedAnchors.add(error.anchor);
    }
    assert.equal(errorsByDn.size, expectedFailures.length + 1, 'no other object failed');
    await assertConverged(bed, { notExported: failedAnchors });
    for (const user of oddUsers.filter((candidate) => candidate.cloud === 'takes')) {
      const cloud = bed.standIn.control.findByImmutableId(await anchorOf(bed.admin, dnOf(user)));
      assert.equal(cloud?.props.displayName, user.attributes.displayName, `${user.why}: exported exactly`);
    }

    const again = await bed.sync();
    assert.equal(again.code, 3, 'the refused objects are retried and refused again, still by name');
    assert.equal(again.json.errors.length, errorsByDn.size);
  });

  // The groups of a user whose create failed go on the retry queue with it, so they gain the user once it exists.
  it('once the administrator corrects AD, the next delta exports the refused users with their group memberships', async () => {
    await bed.admin.modify(`CN=Bad Upn,${FIXTURE.ous.sales}`, [
      new Change({ operation: 'replace', modification: new Attribute({ type: 'userPrincipalName', values: ['bad.upn.fixed@corp.example.test'] }) }),
    ]);
    await bed.admin.modify(`CN=Alice Impostor,${FIXTURE.ous.sales}`, [
      new Change({ operation: 'delete', modification: new Attribute({ type: 'mail', values: [] }) }),
    ]);
    // The retry queue re-reads the refused users after the delta's own changes (the impostor giving up the mail).
    const result = await bed.sync();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json.mode, 'delta');
    await assertConverged(bed);
  });

  describe('a configuration file edited into nonsense', () => {
    let configurationFile: string;
    let original: string;
    before(async () => {
      configurationFile = join(bed.path, 'configuration.json');
      original = await readFile(configurationFile, 'utf8');
    });
    afterEach(async () => {
      await writeFile(configurationFile, original);
    });

    const edits: { what: string; edit: (text: string) => string; field: RegExp }[] = [
      { what: 'invalid JSON', edit: (text) => text.replace('"scope"', 'scope'), field: /is not valid JSON/ },
      {
        what: 'a number given as text',
        edit: (text) => text.replace(/"threshold": \d+/, '"threshold": "five hundred"'),
        field: /deletionThreshold\.threshold/,
      },
      { what: 'an unknown cloud', edit: (text) => text.replace(/"cloud": "[A-Za-z]+"/, '"cloud": "MarsCloud"'), field: /cloud\.cloud/ },
      {
        what: 'a list replaced by a string',
        edit: (text) => text.replace(/"includeOus": \[[^\]]*\]/, `"includeOus": "${FIXTURE.ous.sales}"`),
        field: /scope\.includeOus/,
      },
    ];
    for (const { what, edit, field } of edits) {
      it(`${what}: sync exits 2 naming the file and the field, the store untouched`, async () => {
        const edited = edit(original);
        assert.notEqual(edited, original, 'the edit applies');
        await writeFile(configurationFile, edited);
        const storeBefore = await readFile(stateDbFile(bed));
        bed.standIn.control.clearRequests();
        const result = await bed.sync();
        assert.equal(result.code, 2, result.stderr);
        assert.ok(result.stderr.includes(configurationFile), result.stderr);
        assert.match(result.stderr, field);
        assert.ok(storeBefore.equals(await readFile(stateDbFile(bed))), 'state.db unchanged');
        assert.deepEqual(bed.standIn.control.requests(), [], 'not even a sign-in');
      });
    }
  });
});
