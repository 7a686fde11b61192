// "Why is this user not syncing?" (issue 21) end to end: dirsync explain and sync --object, the shipped executable
// against a real Samba AD DC and the Entra stand-in, AD read as the AAD_ account configure creates. Each case is an
// object an administrator asks about: out of scope, hidden by a deny ACE, soft-matched, failing, drifted in the
// portal, new; and one object synchronized on its own. Explain must write nothing anywhere: every case checks the
// stand-in's request log and the run history.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { sidToString } from '../../src/connectors/ad/values.ts';
import { call } from '../entra-standin-tests/support.ts';
import { FIXTURE } from '../support/ad/index.ts';
import { isPng, openInChromium } from '../support/chromium.ts';
import { anchorOf, startTestBed, type TestBed } from '../support/test-bed.ts';
import { dirsync, type CliResult } from './dirsync-cli.ts';

const dnsDomain = 'corp.example.test';
const ENABLED_WITHOUT_PASSWORD = String(0x220);
const ou = `OU=Explain,${FIXTURE.ous.corp}`;
const excluded = `OU=Excluded,${ou}`;
const hiddenOu = `OU=Hidden,${ou}`;
const dnOf = (name: string, parent = ou) => `CN=${name},${parent}`;

interface Explanation {
  dn: string;
  anchor: string;
  objectType: string;
  directory: { readAs: string; state: string; reason: string };
  inScope: boolean | null;
  scopeReason: string;
  match: { state: string; cloudId: string | null; by: string | null; sinceRunId: number | null; reason: string };
  cloudId: string | null;
  attributes: { target: string; desired: unknown; exported: unknown; cloud: unknown }[];
  drift: { dn: string; anchor: string; attribute: string; cloudValue: unknown; adValue: unknown }[];
  nextCycle: { action: string; method: string; url: string; body: any }[];
  withheld: { dn: string; reason: string }[];
  errors: { runId: number | null; code: string; message: string }[];
  retry: { queued: boolean; position: number | null; queueLength: number };
  history: { runId: number; action: string; changes: { name: string }[] }[];
}

describe('explain and sync --object: one object, every stage (Samba AD DC + Entra stand-in)', function () {
  this.timeout(300_000);
  let bed: TestBed;
  let firstRun: number;
  const anchors = new Map<string, string>();
  let softCloudId: string;

  /** Writes that reached the stand-in (every method but GET, sign-in and the $batch envelope). */
  const writes = () =>
    bed.standIn.control
      .requests()
      .filter((request) => request.method !== 'GET' && !request.path.includes('/oauth2/') && !request.path.endsWith('/$batch'));
  const runIds = async () => ((await bed.status('--last', '1000')).json as { runId: number }[] | { runId: number }) ?? [];

  /** `dirsync explain --json …`, asserted to write nothing to the tenant and to record no run. */
  async function explain(...args: string[]): Promise<Omit<CliResult, 'json'> & { json: Explanation & { error: { code: string; message: string } } }> {
    const runsBefore = JSON.stringify(await runIds());
    bed.standIn.control.clearRequests();
    const result = await dirsync(['explain', '--path', bed.path, '--json', ...args]);
    assert.deepEqual(writes(), [], 'explain writes nothing to the tenant');
    assert.equal(JSON.stringify(await runIds()), runsBefore, 'explain records no run');
    return result;
  }

  /** The AD watermark as the installation's store holds it. */
  function storedWatermark(): string | undefined {
    const database = new DatabaseSync(join(bed.path, 'state.db'), { readOnly: true });
    try {
      return (database.prepare("SELECT value FROM watermarks WHERE source = 'active-directory'").get() as { value: string } | undefined)?.value;
    } finally {
      database.close();
    }
  }

  async function addUser(name: string, shortName: string, attributes: Record<string, string> = {}, parent = ou): Promise<string> {
    const dn = dnOf(name, parent);
    await bed.admin.add(dn, {
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      sAMAccountName: shortName,
      userPrincipalName: `${shortName}@${dnsDomain}`,
      displayName: name,
      userAccountControl: ENABLED_WITHOUT_PASSWORD,
      ...attributes,
    });
    anchors.set(shortName, await anchorOf(bed.admin, dn));
    return dn;
  }

  before(async () => {
    bed = await startTestBed({ includeOus: [ou], install: false });
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), bed.standIn.caPem]);
    for (const dn of [ou, excluded, hiddenOu]) await bed.admin.add(dn, { objectClass: ['top', 'organizationalUnit'] });
    await addUser('Sam Soft', 'sam.soft', { mail: `sam.soft@${dnsDomain}` });
    await addUser('Otto Out', 'otto.out', {}, excluded);
    await addUser('Hilda Hidden', 'hilda.hidden', {}, hiddenOu);
    await addUser('Erik Error', 'erik.error', { mail: 'not an address' });
    await addUser('Dora Drift', 'dora.drift', { department: 'Sales' });
    // A cloud-only user holding Sam's address: soft matching will take it over.
    const [seeded] = bed.standIn.control.seed({
      users: [{ userPrincipalName: `sam.cloud@${dnsDomain}`, mail: `sam.soft@${dnsDomain}`, displayName: 'Sam (cloud)' }],
    }).users;
    softCloudId = seeded!.id;
    await bed.installAndConfigure({ includeOus: [ou], extra: ['--exclude-ou', excluded] });
  });
  after(async () => {
    await bed?.stop();
  });

  it('before the first sync, explains a soft match: the next cycle takes the cloud user over by its primary SMTP address', async () => {
    const { code, json, stderr } = await explain('--upn', `sam.soft@${dnsDomain}`);
    assert.equal(code, 0, stderr);
    assert.equal(json.anchor, anchors.get('sam.soft'));
    assert.equal(json.directory.state, 'visible');
    assert.match(json.directory.readAs, /AAD_[0-9a-f]{12}/, 'AD is read as the service account');
    assert.equal(json.inScope, true);
    assert.match(json.scopeReason, new RegExp(`under the included OU ${ou}`));
    assert.deepEqual([json.match.state, json.match.by, json.match.cloudId], ['soft-match', 'primary SMTP address', softCloudId]);
    assert.deepEqual(
      json.nextCycle.map((request) => [request.action, request.method, request.url]),
      [['update', 'PATCH', `/users/${softCloudId}`]],
    );
    assert.equal(json.nextCycle[0]!.body.onPremisesImmutableId, anchors.get('sam.soft'), 'the PATCH sets its anchor');
    const upn = json.attributes.find((row) => row.target === 'userPrincipalName');
    assert.deepEqual(upn, { target: 'userPrincipalName', desired: `sam.soft@${dnsDomain}`, exported: null, cloud: `sam.cloud@${dnsDomain}` });
  });

  it('the first cycle exports all but the user Graph refuses', async () => {
    const result = await bed.sync();
    assert.equal(result.code, 3, result.stderr);
    assert.deepEqual(
      result.json.errors.map((error: { dn: string }) => error.dn),
      [dnOf('Erik Error')],
    );
    firstRun = result.json.runId;
  });

  it('explains the soft-matched user afterwards: linked since the first run, nothing to send', async () => {
    const { json } = await explain('--anchor', anchors.get('sam.soft')!);
    assert.deepEqual([json.match.state, json.match.cloudId, json.match.sinceRunId], ['linked', softCloudId, firstRun]);
    assert.deepEqual(json.nextCycle, []);
    assert.deepEqual(json.drift, []);
    assert.deepEqual(
      json.history.map((entry) => [entry.runId, entry.action]),
      [[firstRun, 'updated']],
    );
  });

  it('explains an out-of-scope user: excluded by --exclude-ou, not synchronized, nothing to send', async () => {
    const { code, json } = await explain('--dn', dnOf('Otto Out', excluded));
    assert.equal(code, 0);
    assert.equal(json.inScope, false);
    assert.match(json.scopeReason, new RegExp(`in the excluded OU ${excluded} \\(--exclude-ou\\)`));
    assert.equal(json.match.state, 'not-applicable');
    assert.equal(json.cloudId, null);
    assert.deepEqual(json.nextCycle, []);
    assert.equal(bed.standIn.control.findByImmutableId(anchors.get('otto.out')!), undefined);
  });

  it('explains a user with a per-object error: the error of its last run, the retry queue, and the POST the next cycle tries again', async () => {
    const { json } = await explain('--upn', `erik.error@${dnsDomain}`);
    assert.deepEqual(
      json.errors.filter((error) => error.runId === firstRun).map((error) => error.code),
      ['Request_BadRequest'],
    );
    assert.match(json.errors.find((error) => error.runId === firstRun)!.message, /mail/);
    assert.deepEqual({ queued: json.retry.queued, position: json.retry.position }, { queued: true, position: 1 });
    assert.equal(json.match.state, 'none');
    assert.deepEqual(
      json.nextCycle.map((request) => [request.method, request.url]),
      [['POST', '/users']],
    );
    assert.equal(json.nextCycle[0]!.body.mail, 'not an address');
    assert.equal(json.nextCycle[0]!.body.passwordProfile, undefined, 'never a secret');
    assert.deepEqual(
      json.history.map((entry) => [entry.runId, entry.action]),
      [[firstRun, 'error']],
    );
  });

  it('explains drift made in the portal: the cloud value beside the one DirSync exported', async () => {
    const cloudUser = bed.standIn.control.findByImmutableId(anchors.get('dora.drift')!)!;
    const patched = await call(bed.standIn, 'PATCH', `/v1.0/users/${cloudUser.id}`, { body: { department: 'Marketing' } });
    assert.equal(patched.status, 204);
    const { json } = await explain('--cloud-id', cloudUser.id);
    assert.equal(json.anchor, anchors.get('dora.drift'));
    assert.deepEqual(json.drift, [
      { dn: dnOf('Dora Drift'), anchor: anchors.get('dora.drift'), attribute: 'department', cloudValue: 'Marketing', adValue: 'Sales' },
    ]);
    // The cycle sends AD's value back (the revert policy, the default): the forecast takes the drift into account.
    assert.deepEqual(
      json.nextCycle.map((request) => [request.action, request.method, request.url, request.body]),
      [['update', 'PATCH', `/users/${cloudUser.id}`, { department: 'Sales' }]],
    );
    assert.deepEqual(
      json.attributes.find((row) => row.target === 'department'),
      { target: 'department', desired: 'Sales', exported: 'Sales', cloud: 'Marketing' },
    );
  });

  it('explains a new user not yet exported: the next cycle sends one POST', async () => {
    await addUser('Nina New', 'nina.new', { title: 'Analyst' });
    const { json } = await explain('--dn', dnOf('Nina New'));
    assert.equal(json.match.state, 'none');
    assert.match(json.match.reason, /no cloud user has the UPN nina\.new@corp\.example\.test/);
    assert.deepEqual(
      json.nextCycle.map((request) => [request.action, request.method, request.url]),
      [['create', 'POST', '/users']],
    );
    assert.equal(json.nextCycle[0]!.body.jobTitle, 'Analyst');
    assert.deepEqual(json.history, []);
  });

  it('explains a user hidden by a deny ACE: hidden, naming the OU, and never deleted (the delete is withheld)', async () => {
    const { serviceAccount } = (await dirsync(['get-configuration', '--path', bed.path, '--json'])).json;
    const { searchEntries } = await bed.admin.search(FIXTURE.baseDn, {
      filter: `(sAMAccountName=${serviceAccount})`,
      attributes: ['objectSid'],
      explicitBufferAttributes: ['objectSid'],
    });
    const sid = sidToString(searchEntries[0]!.objectSid as Buffer);
    const samDatabase = join(bed.domain.directory, 'private', 'sam.ldb');
    await promisify(execFile)('samba-tool', [
      'dsacl',
      'set',
      `--objectdn=${hiddenOu}`,
      '--action=deny',
      `--sddl=(D;CI;LCRP;;;${sid})`,
      '-H',
      samDatabase,
    ]);
    const { code, json, stderr } = await explain('--dn', dnOf('Hilda Hidden', hiddenOu));
    assert.equal(code, 0, stderr);
    assert.equal(json.anchor, anchors.get('hilda.hidden'), 'found through what DirSync synchronized of it');
    assert.equal(json.directory.state, 'hidden');
    assert.ok(json.directory.reason.includes(hiddenOu), json.directory.reason);
    assert.equal(json.match.state, 'linked');
    assert.ok(json.cloudId);
    assert.ok(!json.nextCycle.some((request) => request.method === 'DELETE'), 'no delete is planned');
    assert.equal(json.withheld.length, 1);
    assert.ok(json.withheld[0]!.reason.includes(hiddenOu), json.withheld[0]!.reason);
  });

  it('says what it searched when no object matches: exit 2, Explain.not-found', async () => {
    const { code, json, stderr } = await explain('--upn', `nobody@${dnsDomain}`);
    assert.equal(code, 2, stderr);
    assert.equal(json.error.code, 'Explain.not-found');
    assert.match(json.error.message, /the UPN nobody@corp\.example\.test/);
    assert.match(json.error.message, /AAD_[0-9a-f]{12}\S* finds none in Active Directory/);
    assert.match(json.error.message, /none of the objects DirSync synchronized has that UPN/);
  });

  it('writes the explanation as one self-contained page with every stage', async () => {
    const screenshots = join(tmpdir(), 'dirsync-report-screenshots');
    await mkdir(screenshots, { recursive: true });
    const html = join(bed.work, 'dora.html');
    const { json } = await explain('--upn', `dora.drift@${dnsDomain}`, '--html', html);
    assert.doesNotMatch(await readFile(html, 'utf8'), /<script|<link|src=/);
    const page = await openInChromium(html);
    try {
      await page.screenshot(join(screenshots, 'explain.png'));
      assert.ok(await isPng(join(screenshots, 'explain.png')));
      const headings = await page.evaluate<string[]>('[...document.querySelectorAll("h2")].map((h) => h.textContent)');
      assert.deepEqual(headings, [
        'Active Directory',
        'Scope',
        'Match',
        'Attributes',
        'Next cycle',
        'Withheld deletes',
        'Errors and retries',
        'History',
      ]);
      assert.equal(await page.evaluate('document.querySelector("#attributes tr.drift td").textContent'), 'department');
      assert.equal(await page.evaluate('document.querySelector("[data-card=drift] .number").textContent'), String(json.drift.length));
    } finally {
      await page.close();
    }
  });

  it('sync --object creates exactly that user and nothing else, and moves no watermark', async () => {
    await addUser('Olga One', 'olga.one');
    await addUser('Tom Two', 'tom.two');
    bed.standIn.control.clearRequests();
    const watermark = storedWatermark();
    assert.ok(watermark);
    const result = await bed.sync('--object', `olga.one@${dnsDomain}`);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(storedWatermark(), watermark, 'the watermark stays');
    assert.equal(result.json.mode, 'object');
    assert.deepEqual(result.json.object, { dn: dnOf('Olga One'), anchor: anchors.get('olga.one') });
    assert.deepEqual(
      writes().map((request) => `${request.method} ${request.path}`),
      ['POST /v1.0/users'],
    );
    const olga = bed.standIn.control.findByImmutableId(anchors.get('olga.one')!);
    assert.equal(olga?.props.userPrincipalName, `olga.one@${dnsDomain}`);
    assert.equal(bed.standIn.control.findByImmutableId(anchors.get('tom.two')!), undefined, 'Tom waits for the next cycle');
    assert.match(result.json.steps[0], /read from Active Directory as AAD_\S+: CN=Olga One,.* is in scope/);
    assert.match(result.json.steps[1], /sent: create user CN=Olga One/);

    // The next cycle reads the changes since the last one, Olga's included: it creates Tom and Nina and retries
    // Erik, and does not create Olga twice.
    bed.standIn.control.clearRequests();
    const next = await bed.sync();
    assert.equal(next.code, 3, next.stderr);
    assert.ok(bed.standIn.control.findByImmutableId(anchors.get('tom.two')!));
    assert.equal(writes().filter((request) => request.method === 'POST' && request.path === '/v1.0/users').length, 3, 'Tom, Nina and Erik again');
    assert.equal(bed.standIn.control.snapshot().users.filter((user) => user.props.userPrincipalName === `olga.one@${dnsDomain}`).length, 1);
  });

  it('sync --object --preview sends nothing and is recorded as preview-object; an out-of-scope object is not created', async () => {
    await addUser('Pia Preview', 'pia.preview');
    bed.standIn.control.clearRequests();
    const preview = await bed.sync('--object', dnOf('Pia Preview'), '--preview');
    assert.equal(preview.code, 0, preview.stderr);
    assert.equal(preview.json.mode, 'preview-object');
    assert.deepEqual(
      preview.json.plan.map((operation: { action: string }) => operation.action),
      ['create'],
    );
    assert.deepEqual(writes(), []);
    const outside = await bed.sync('--object', anchors.get('otto.out')!);
    assert.equal(outside.code, 0, outside.stderr);
    assert.deepEqual(writes(), []);
    assert.match(outside.json.steps[0], /out-of-scope: it is in the excluded OU/);
    assert.equal(bed.standIn.control.findByImmutableId(anchors.get('otto.out')!), undefined);
  });

  it('the run report gives each object it lists the explain command line', async () => {
    const html = join(bed.work, 'run.html');
    const result = await dirsync(['report', '--path', bed.path, '--run', String(firstRun), '--html', html, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const text = await readFile(html, 'utf8');
    for (const shortName of ['sam.soft', 'dora.drift', 'erik.error'])
      assert.ok(text.includes(`dirsync explain --path ${bed.path} --anchor ${anchors.get(shortName)}`), shortName);
  });
});
