// The readiness check and the run report end to end, as an administrator runs them: the bundled executable against
// a real Samba AD DC seeded with dirty data (and clean look-alikes that must not be flagged) and the Entra
// stand-in; the pages rendered in headless Chromium and checked in the browser's DOM.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, type Client } from 'ldapts';
import { FIXTURE, type TestDomain } from '../support/ad/index.ts';
import { startTestBed, type TestBed } from '../support/test-bed.ts';
import { isPng, openInChromium } from '../support/chromium.ts';
import type { EntraStandIn } from '../entra-standin/stand-in.ts';
import { call } from '../entra-standin-tests/support.ts';
import { directoryWrites } from '../support/cloud-writes.ts';
import { dirsync } from './dirsync-cli.ts';

const readinessOu = `OU=Readiness,${FIXTURE.ous.corp}`;
const dnOf = (name: string) => `CN=${name},${readinessOu}`;
const userClasses = ['top', 'person', 'organizationalPerson', 'user'];

/** The seeded objects: dirty ones, and look-alikes IdFix would flag wrongly. */
const seeded: { name: string; attributes: Record<string, string | string[]> }[] = [
  { name: 'Shared One', attributes: { sAMAccountName: 'shared.one', userPrincipalName: 'shared.one@corp.example.test', mail: 'shared@example.com' } },
  { name: 'Shared Two', attributes: { sAMAccountName: 'shared.two', userPrincipalName: 'shared.two@corp.example.test', mail: 'Shared@Example.com' } },
  {
    name: 'Alias Thief',
    attributes: {
      sAMAccountName: 'alias.thief',
      userPrincipalName: 'alias.thief@corp.example.test',
      mail: 'alias.thief@example.com',
      proxyAddresses: ['SMTP:alias.thief@example.com', 'smtp:ALICE@sales.example.com'],
    },
  },
  { name: 'Bad Chars', attributes: { sAMAccountName: 'bad.chars', userPrincipalName: 'bad chars(1)@corp.example.test' } },
  { name: 'Old Suffix', attributes: { sAMAccountName: 'old.suffix', userPrincipalName: 'old.suffix@corp.local' } },
  { name: 'Elsewhere', attributes: { sAMAccountName: 'elsewhere', userPrincipalName: 'elsewhere@unverified.example.org' } },
  { name: 'Long Upn', attributes: { sAMAccountName: 'long.upn', userPrincipalName: `${'l'.repeat(65)}@corp.example.test` } },
  {
    name: 'Malformed',
    attributes: {
      sAMAccountName: 'malformed',
      userPrincipalName: 'malformed@corp.example.test',
      mail: 'two@at@example.com',
      proxyAddresses: ['smtp:no-domain'],
    },
  },
  {
    name: 'Cloud Taken',
    attributes: { sAMAccountName: 'cloud.taken', userPrincipalName: 'cloud.taken@corp.example.test', mail: 'cloud.taken@example.com' },
  },
  // Clean look-alikes: an apostrophe, non-ASCII names, X400/X500/SIP addresses, markup in a display name.
  {
    name: "Dara O'Neill",
    attributes: {
      sAMAccountName: 'dara.oneill',
      userPrincipalName: "dara.o'neill@corp.example.test",
      displayName: 'Dara Ó Néill',
      givenName: 'Dara',
      sn: 'Ó Néill',
      mail: "dara.o'neill@example.com",
      proxyAddresses: [
        "SMTP:dara.o'neill@example.com",
        'X400:C=US;A= ;P=Example;O=Exchange;S=ONeill;G=Dara;',
        'X500:/o=Example/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=dara',
        'SIP:dara@example.com',
      ],
    },
  },
  {
    name: 'Markup Tag',
    attributes: { sAMAccountName: 'markup.tag', userPrincipalName: 'markup.tag@corp.example.test', displayName: '<b>Bold</b> & "Co"' },
  },
];

const expectedFindings = [
  `${FIXTURE.users.alice.dn} proxyAddresses Readiness.smtp-address-duplicate warning`,
  `${dnOf('Alias Thief')} proxyAddresses Readiness.smtp-address-duplicate warning`,
  `${dnOf('Bad Chars')} userPrincipalName Readiness.upn-invalid-character error`,
  `${dnOf('Cloud Taken')} userPrincipalName Readiness.upn-taken-in-cloud error`,
  `${dnOf('Elsewhere')} userPrincipalName Readiness.upn-unverified-suffix error`,
  `${dnOf('Long Upn')} userPrincipalName Readiness.value-too-long error`,
  `${dnOf('Malformed')} mail Readiness.mail-malformed error`,
  `${dnOf('Malformed')} proxyAddresses Readiness.proxy-address-malformed warning`,
  `${dnOf('Old Suffix')} userPrincipalName Readiness.upn-non-routable-suffix error`,
  `CN=Readiness Distribution,${readinessOu} groupType Readiness.group-not-exportable warning`,
  `${dnOf('Shared One')} mail Readiness.smtp-address-duplicate error`,
  `${dnOf('Shared Two')} mail Readiness.smtp-address-duplicate error`,
].sort();

async function anchorOf(client: Client, dn: string): Promise<string> {
  const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] });
  return (searchEntries[0]!.objectGUID as Buffer).toString('base64');
}

interface Finding {
  dn: string;
  attribute: string;
  value: string;
  code: string;
  severity: string;
  fix: string;
}

describe('readiness check and run report (Samba AD DC + Entra stand-in + headless Chromium)', function () {
  this.timeout(240_000);
  let bed: TestBed;
  let domain: TestDomain;
  let standIn: EntraStandIn;
  let admin: Client;
  let work: string;
  let path: string;
  const secrets = () => ({ DIRSYNC_AD_PASSWORD: domain.adminPassword, DIRSYNC_CLIENT_SECRET: standIn.clientSecret });
  const writes = () => directoryWrites(standIn);

  before(async () => {
    bed = await startTestBed({ includeOus: [FIXTURE.ous.sales, readinessOu], install: false });
    ({ domain, standIn, admin, work, path } = bed);
    // fetch (the test's own Graph calls) trusts the stand-in's CA.
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), standIn.caPem]);
    await admin.add(readinessOu, { objectClass: ['top', 'organizationalUnit'] });
    for (const { name, attributes } of seeded)
      await admin.add(dnOf(name), { objectClass: userClasses, userAccountControl: String(0x220), displayName: name, ...attributes });
    await admin.add(`CN=Readiness Distribution,${readinessOu}`, {
      objectClass: ['top', 'group'],
      sAMAccountName: 'readiness.dl',
      groupType: '2',
      mail: 'readiness.dl@example.com',
    });
    await admin.add(`CN=Partner Contact,${readinessOu}`, {
      objectClass: ['top', 'person', 'organizationalPerson', 'contact'],
      mail: 'partner@partner.example.net',
      proxyAddresses: ['SMTP:partner@partner.example.net', 'X500:/o=Partner/cn=partner'],
    });
    standIn.control.seed({
      users: [
        { userPrincipalName: 'cloud.taken@corp.example.test', displayName: 'Cloud-only holder of the UPN', mail: 'someone.else@example.com' },
        { userPrincipalName: `cloud.taken.mailbox@${standIn.initialDomain}`, displayName: 'Cloud-only mailbox', mail: 'cloud.taken@example.com' },
      ],
    });
    await bed.installAndConfigure();
  });
  after(() => bed?.stop());

  it('reports exactly the seeded problems, no false positive, writes nothing, and exits 3', async () => {
    standIn.control.clearRequests();
    const html = join(work, 'readiness.html');
    const csv = join(work, 'readiness.csv');
    const result = await dirsync(['readiness', '--path', path, '--json', '--html', html, '--csv', csv]);
    assert.equal(result.code, 3, result.stderr);
    const findings = result.json.findings as Finding[];
    assert.deepEqual(findings.map((finding) => `${finding.dn} ${finding.attribute} ${finding.code} ${finding.severity}`).sort(), expectedFindings);
    assert.equal(result.json.scanned, seeded.length + 2 + 3, 'the seeded objects, the group, the contact and the three Sales users');
    assert.ok(
      findings.every((finding) => finding.fix.length > 20),
      'every finding says how to fix it',
    );
    assert.match(
      findings.find((finding) => finding.code === 'Readiness.upn-non-routable-suffix')!.fix,
      new RegExp(`exported as old\\.suffix@${standIn.initialDomain.replaceAll('.', '\\.')}`),
    );
    assert.deepEqual(writes(), [], 'readiness writes nothing to the tenant');
    const csvLines = (await readFile(csv, 'utf8')).trim().split('\r\n');
    assert.equal(csvLines.length, expectedFindings.length + 1);
    assert.equal(csvLines[0], '"dn","attribute","value","code","severity","fix"');

    const page = await openInChromium(html);
    try {
      const screenshot = join(tmpdir(), 'dirsync-report-screenshots', 'readiness.png');
      await mkdir(join(tmpdir(), 'dirsync-report-screenshots'), { recursive: true });
      await page.screenshot(screenshot);
      assert.ok(await isPng(screenshot));
      assert.equal(await page.evaluate('document.querySelectorAll("#findings tbody tr").length'), expectedFindings.length);
      assert.equal(
        await page.evaluate('document.querySelector("[data-card=errors] .number").textContent'),
        String(expectedFindings.filter((line) => line.endsWith(' error')).length),
      );
      assert.equal(await page.evaluate('document.querySelector("#findings tbody tr td").textContent'), 'error', 'errors come first');
    } finally {
      await page.close();
    }
  });

  it('says when a clean scope is ready: exit 0', async () => {
    const clean = join(work, 'clean-installation');
    assert.equal((await dirsync(['install', '--path', clean, '--json'])).code, 0);
    const configured = await dirsync(
      [
        'configure',
        '--path',
        clean,
        '--ad-url',
        domain.ldapsUrl,
        '--ad-user',
        domain.adminDn,
        '--ad-ca-file',
        domain.caFile,
        '--tenant-id',
        standIn.tenantId,
        '--client-id',
        standIn.clientId,
        '--authority-host',
        new URL(standIn.authority).origin,
        '--graph-endpoint',
        standIn.graphEndpoint,
        '--cloud-ca-file',
        standIn.caFile,
        '--include-ou',
        FIXTURE.ous.sales,
        '--json',
      ],
      { env: secrets() },
    );
    assert.equal(configured.code, 0, configured.stderr);
    const result = await dirsync(['readiness', '--path', clean, '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.json, { scanned: 3, findings: [] }, 'Sales alone: an apostrophe in a mail address and a non-ASCII name are no findings');
  });

  it('renders a real run in Chromium: adds, updates old → new, deletes and errors grouped by code, secrets never', async () => {
    const first = await dirsync(['sync', '--path', path, '--json']);
    assert.equal(first.json.status, 'completed-export-errors', first.stderr);
    await admin.modify(FIXTURE.users.alice.dn, [
      new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Chief Revenue Officer'] }) }),
    ]);
    await admin.add(dnOf('Newcomer'), {
      objectClass: userClasses,
      userAccountControl: String(0x220),
      sAMAccountName: 'newcomer',
      userPrincipalName: 'newcomer@corp.example.test',
      displayName: 'Nell Newcomer',
    });
    await admin.del(dnOf('Elsewhere'));
    const second = await dirsync(['sync', '--path', path, '--json']);
    assert.equal(second.json.status, 'completed-export-errors', second.stderr);
    assert.deepEqual([second.json.counts.added, second.json.counts.updated, second.json.counts.deleted], [1, 1, 1]);

    // Kept after the test (CI keeps them as artifacts): a person can look at what the browser rendered.
    const screenshots = join(tmpdir(), 'dirsync-report-screenshots');
    await mkdir(screenshots, { recursive: true });
    const html = join(work, 'run.html');
    const reported = await dirsync(['report', '--path', path, '--html', html, '--json']);
    assert.equal(reported.code, 0, reported.stderr);
    assert.equal(reported.json.runId, second.json.runId, 'the last run by default');
    const markup = await readFile(html, 'utf8');
    assert.doesNotMatch(markup, /<(script|link|img)\b|url\(|https?:\/\//i, 'one self-contained file');

    const page = await openInChromium(html);
    try {
      await page.screenshot(join(screenshots, 'run-report.png'));
      assert.ok(await isPng(join(screenshots, 'run-report.png')));
      const text = await page.evaluate<string>('document.body.innerText');
      assert.doesNotMatch(text, /passwordProfile|forceChangePassword/, 'secrets never reach the report');
      assert.equal(await page.evaluate('document.getElementById("status").textContent'), 'completed-export-errors');
      assert.equal(await page.evaluate('document.querySelector("[data-card=added] .number").textContent'), '1');
      const rows = await page.evaluate<string[]>(
        '[...document.querySelectorAll("#changes tbody tr")].map((row) => row.innerText.replace(/\\s+/g, " ").trim())',
      );
      assert.ok(
        rows.some(
          (row) =>
            row.includes('updated user') && row.includes(FIXTURE.users.alice.dn) && row.includes('jobTitle Head of Sales → Chief Revenue Officer'),
        ),
        rows.join('\n'),
      );
      assert.ok(
        rows.some((row) => row.includes('added user') && row.includes(dnOf('Newcomer'))),
        rows.join('\n'),
      );
      assert.ok(
        rows.some((row) => row.includes('displayName Nell Newcomer')),
        rows.join('\n'),
      );
      // Each object listed: its DN, then the command line that explains it (to copy).
      assert.deepEqual(await page.evaluate('[...document.querySelectorAll("#deleted tbody td.dn")].map((cell) => cell.firstChild.textContent)'), [
        dnOf('Elsewhere'),
      ]);
      assert.match(
        await page.evaluate<string>('document.querySelector("#deleted tbody td.dn code.explain").textContent'),
        new RegExp(`^dirsync explain --path ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --anchor \\S+$`),
      );
      const codes = await page.evaluate<string[]>('[...document.querySelectorAll("#errors h3")].map((heading) => heading.dataset.code)');
      assert.ok(codes.length > 0 && codes.every((code) => code.length > 0), codes.join());
      const readinessRows = await page.evaluate<string[]>(
        '[...document.querySelectorAll("#readiness-codes tbody tr")].map((row) => row.innerText.replace(/\\s+/g, " ").trim())',
      );
      assert.ok(
        readinessRows.includes('error Readiness.smtp-address-duplicate 2'),
        `the last readiness check is summarised: ${readinessRows.join(' | ')}`,
      );
      const failed = await page.evaluate<string[]>('[...document.querySelectorAll("#errors td.dn")].map((cell) => cell.firstChild.textContent)');
      assert.ok(failed.includes(dnOf('Shared Two')) || failed.includes(dnOf('Shared One')), failed.join('\n'));
      assert.ok(failed.includes(dnOf('Cloud Taken')), failed.join('\n'));
    } finally {
      await page.close();
    }

    // The first run's page shows the markup in a display name as text, not as markup.
    const firstHtml = join(work, 'first-run.html');
    assert.equal((await dirsync(['report', '--path', path, '--run', String(first.json.runId), '--html', firstHtml])).code, 0);
    const firstPage = await openInChromium(firstHtml);
    try {
      await firstPage.screenshot(join(screenshots, 'first-run-report.png'));
      assert.equal(await firstPage.evaluate('document.querySelectorAll("#changes b").length'), 0);
      const cells = await firstPage.evaluate<string[]>('[...document.querySelectorAll("#changes ins")].map((cell) => cell.textContent)');
      assert.ok(cells.includes('<b>Bold</b> & "Co"'), cells.join('\n'));
    } finally {
      await firstPage.close();
    }

    const missing = await dirsync(['report', '--path', path, '--run', '9999', '--html', join(work, 'none.html'), '--json']);
    assert.equal(missing.code, 2);
    assert.equal(missing.json.error.code, 'Report.run-not-found');
  });

  it('lands a user whose UPN another cloud object holds under a placeholder, reports it, and moves it back once the UPN is free', async () => {
    const upn = 'upn.clash@corp.example.test';
    const [holder] = standIn.control.seed({
      users: [
        {
          userPrincipalName: upn,
          displayName: 'Someone else (another sync client)',
          mailNickname: 'someone.else',
          onPremisesImmutableId: 'c29tZW9uZSBlbHNl',
        },
      ],
    }).users;
    await admin.add(dnOf('Upn Clash'), {
      objectClass: userClasses,
      userAccountControl: String(0x220),
      sAMAccountName: 'upn.clash',
      userPrincipalName: upn,
      displayName: 'Uma Clash',
    });
    const anchor = await anchorOf(admin, dnOf('Upn Clash'));
    const placeholderPattern = new RegExp(`^upn\\.clash\\d{4}@${standIn.initialDomain.replaceAll('.', '\\.')}$`);

    const clashed = await dirsync(['sync', '--path', path, '--json']);
    assert.deepEqual(
      clashed.json.errors.filter((error: { dn: string }) => error.dn === dnOf('Upn Clash')),
      [],
      'not an error: the user landed',
    );
    assert.equal(clashed.json.upnClashes.length, 1, clashed.stdout);
    assert.equal(clashed.json.upnClashes[0].dn, dnOf('Upn Clash'));
    assert.equal(clashed.json.upnClashes[0].userPrincipalName, upn);
    assert.match(clashed.json.upnClashes[0].placeholder, placeholderPattern);
    const landed = standIn.control.findByImmutableId(anchor)!;
    assert.equal(landed.props.userPrincipalName, clashed.json.upnClashes[0].placeholder);
    assert.equal(landed.props.displayName, 'Uma Clash');
    const holderNow = standIn.control.snapshot().users.find((user) => user.id === holder!.id)!;
    assert.deepEqual(holderNow.props, holder!.props, 'the other object is never touched');

    const status = await dirsync(['status', '--path', path, '--last', '1', '--json']);
    assert.deepEqual(status.json.upnClashes, clashed.json.upnClashes, 'status shows the clash');
    const html = join(work, 'clash.html');
    assert.equal((await dirsync(['report', '--path', path, '--html', html])).code, 0);
    const page = await openInChromium(html);
    try {
      const rows = await page.evaluate<string[]>(
        '[...document.querySelectorAll("#upn-placeholders tbody tr")].map((row) => row.innerText.replace(/\\s+/g, " ").trim())',
      );
      assert.deepEqual(rows, [
        `${dnOf('Upn Clash')} dirsync explain --path ${path} --anchor ${anchor} ${upn} ${clashed.json.upnClashes[0].placeholder}`,
      ]);
    } finally {
      await page.close();
    }

    const stillHeld = await dirsync(['sync', '--path', path, '--json']);
    assert.deepEqual(
      stillHeld.json.upnClashes?.map((clash: { dn: string }) => clash.dn),
      [dnOf('Upn Clash')],
      'a delta re-reads the user while it waits',
    );
    assert.equal(
      standIn.control.findByImmutableId(anchor)!.props.userPrincipalName,
      clashed.json.upnClashes[0].placeholder,
      'the placeholder stays while the UPN is held',
    );
    assert.deepEqual(
      stillHeld.json.errors.filter((error: { dn: string }) => error.dn === dnOf('Upn Clash')),
      [],
    );

    const removed = await call(standIn, 'DELETE', `/v1.0/users/${holder!.id}`);
    assert.equal(removed.status, 204);
    const moved = await dirsync(['sync', '--path', path, '--json']);
    assert.equal(moved.json.upnClashes, undefined, moved.stdout);
    assert.equal(
      standIn.control.findByImmutableId(anchor)!.props.userPrincipalName,
      upn,
      'the first cycle after the clash is gone restores the real UPN',
    );
    const settled = await dirsync(['sync', '--path', path, '--json']);
    assert.equal(settled.json.upnClashes, undefined);
    assert.equal(standIn.control.findByImmutableId(anchor)!.props.userPrincipalName, upn);
  });
});
