// The module's Pester tests (test/pwsh/*.Tests.ps1), run by npm test in the project's pwsh 7.6.9: unit tests
// that mock the executable boundary with fixtures recorded from the real executable, and integration tests
// against a real Samba domain and the Entra stand-in started here. Pester's report and counts go to the log;
// any Pester failure fails this test.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEntraStandIn, type EntraStandIn } from '../entra-standin/stand-in.ts';
import { FIXTURE, startDomain, type TestDomain } from '../support/ad/index.ts';
import { runPwsh } from './pwsh-session.ts';
import { type MailReceiver, startMailReceiver } from '../support/notification-receivers.ts';
import { recordFixtures } from './record-fixtures.ts';
import { shippedArtefacts } from '../support/shipped-artefacts.ts';

const repositoryRoot = resolve(import.meta.dirname, '..', '..');
const MINIMUM_TESTS = 40;

interface PesterSummary {
  passed: number;
  failed: number;
  skipped: number;
  notRun: number;
  total: number;
  durationSeconds: number;
  failures: string[];
  containerErrors: string[];
}

describe('the DirSync module in PowerShell 7.6.9 (Pester 5.7.1)', function () {
  this.timeout(1_200_000);
  let domain: TestDomain;
  let standIn: EntraStandIn;
  let work: string;
  let contextFile: string;
  /** Where Test-CoexistenceNotification's mails go. */
  let mail: MailReceiver;

  before(async () => {
    [domain, standIn, mail] = await Promise.all([startDomain(), startEntraStandIn(), startMailReceiver()]);
    work = await mkdtemp(join(tmpdir(), 'dirsync-pester-'));
    const fixtures = join(work, 'fixtures');
    await mkdir(fixtures);
    const started = performance.now();
    const recorded = await recordFixtures(fixtures, domain, standIn);
    console.log(`      recorded ${recorded.length} fixtures from the real executable in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    contextFile = join(work, 'context.json');
    const sales = Object.values(FIXTURE.users).filter((user) => user.dn.endsWith(FIXTURE.ous.sales));
    await writeFile(
      contextFile,
      JSON.stringify({
        repositoryRoot,
        // The module as it ships, copied outside the checkout: the tests import this one.
        moduleRoot: shippedArtefacts().moduleRoot,
        fixtures,
        work,
        node: process.execPath,
        ad: {
          server: domain.ldapsUrl,
          caFile: domain.caFile,
          adminDn: domain.adminDn,
          adminPassword: domain.adminPassword,
          baseDn: FIXTURE.baseDn,
          ous: FIXTURE.ous,
          salesUsers: sales.map((user) => user.dn),
        },
        cloud: {
          tenantId: standIn.tenantId,
          clientId: standIn.clientId,
          clientSecret: standIn.clientSecret,
          authorityHost: new URL(standIn.authority).origin,
          graphEndpoint: standIn.graphEndpoint,
          caFile: standIn.caFile,
          controlOrigin: new URL(standIn.graphEndpoint).origin,
        },
        notify: { smtpServer: `${mail.host}:${mail.port}` },
      }),
    );
  });
  after(async () => {
    await Promise.all([domain?.stop(), standIn?.stop(), mail?.close()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it(`passes every Pester test, unit and integration (at least ${MINIMUM_TESTS})`, async () => {
    const summaryFile = join(work, 'pester-summary.json');
    const { stdout, stderr } = await runPwsh(
      [
        '-NoProfile',
        '-NonInteractive',
        '-File',
        join(import.meta.dirname, 'Invoke-DirSyncPester.ps1'),
        '-ContextFile',
        contextFile,
        '-SummaryFile',
        summaryFile,
      ],
      {
        env: { DIRSYNC_NODE: process.execPath },
      },
    );
    const indent = (text: string, mark: string) => `${text.trimEnd().replace(/^/gm, `      ${mark} `)}\n`;
    process.stdout.write(indent(stdout, '|'));
    if (stderr.trim() !== '') process.stdout.write(indent(stderr, '!'));
    const summary = JSON.parse((await readFile(summaryFile, 'utf8')).replace(/^\uFEFF/, '')) as PesterSummary;
    console.log(
      `      Pester: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped, ${summary.notRun} not run, ${summary.total} in all, ${summary.durationSeconds} s`,
    );
    assert.deepEqual(summary.containerErrors, [], 'every test file loads');
    assert.deepEqual(summary.failures, [], 'no Pester test fails');
    assert.equal(summary.failed, 0);
    assert.equal(summary.skipped + summary.notRun, 0, 'no test is skipped');
    assert.ok(summary.passed >= MINIMUM_TESTS, `at least ${MINIMUM_TESTS} Pester tests ran (${summary.passed})`);
  });
});
