// The errors of a first hour, each sending the administrator to the right fix: the cloud out of reach (a name that
// does not resolve, a refused port, an untrusted certificate, a proxy) names the endpoint, its host and what failed —
// never "check the app registration"; a cycle that could not connect is still a run in the history; a wrong --ad-url,
// a malformed DN and an OU that does not exist are said plainly (with the OUs that do exist); an install path that is
// a file, not writable, or never created is an Installation.* error, quickly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE } from '../support/ad/index.ts';
import { startTestBed, type TestBed } from '../support/test-bed.ts';
import { shippedArtefacts } from '../support/shipped-artefacts.ts';
import { collect, dirsync, type CliResult } from '../e2e/dirsync-cli.ts';

/** A known failure: its code last on stdout (--json), on stderr as `error [code]`, the exit code of its category. */
function assertFailure(result: CliResult, code: string, exitCode: number): { message: string; recommendedAction: string } {
  assert.equal(result.code, exitCode, `${result.stdout}\n${result.stderr}`);
  assert.equal(result.json?.error?.code, code, result.stdout);
  assert.ok(result.stderr.includes(`error [${code}]: `), result.stderr);
  return result.json.error;
}

describe('Faults: the errors of the first hour say what to fix', function () {
  this.timeout(300_000);
  let bed: TestBed;
  let path: string;
  /** configure with the bed's settings, some of them replaced (`--option value` pairs override the bed's). */
  const configureWith = (overrides: Record<string, string>, env: Record<string, string> = {}) => {
    const args = bed.configureArgs({}, path);
    for (const [option, value] of Object.entries(overrides)) {
      const at = args.indexOf(option);
      if (at >= 0) args[at + 1] = value;
      else args.push(option, value);
    }
    return dirsync(args, { env: { ...bed.secrets(), NO_PROXY: '', no_proxy: '', ...env } });
  };

  before(async () => {
    bed = await startTestBed({ includeOus: [FIXTURE.ous.sales], serviceAccount: false, install: false });
    path = join(bed.work, 'installation');
    assert.equal((await dirsync(['install', '--path', path])).code, 0);
  });
  after(() => bed?.stop());

  describe('the cloud out of reach: CloudConnection.*, naming the endpoint, its host and what failed', () => {
    it('a sign-in authority whose name does not resolve', async () => {
      const error = assertFailure(
        await configureWith({ '--authority-host': 'https://login.no-such-host.invalid' }),
        'CloudConnection.host-not-found',
        1,
      );
      assert.match(
        error.message,
        /^The sign-in authority https:\/\/login\.no-such-host\.invalid: The host name login\.no-such-host\.invalid could not be resolved/,
      );
      assert.doesNotMatch(error.recommendedAction, /registration/);
    });

    it('a Graph endpoint whose name does not resolve: not a refused sign-in (the token service does not know it)', async () => {
      const error = assertFailure(
        await configureWith({ '--graph-endpoint': 'https://graph.no-such-host.invalid' }),
        'CloudConnection.host-not-found',
        1,
      );
      assert.match(
        error.message,
        /^Microsoft Graph https:\/\/graph\.no-such-host\.invalid: The host name graph\.no-such-host\.invalid could not be resolved/,
      );
    });

    it('a Graph endpoint that refuses the connection', async () => {
      const error = assertFailure(await configureWith({ '--graph-endpoint': 'https://127.0.0.1:1' }), 'CloudConnection.connection-refused', 1);
      assert.match(error.message, /^Microsoft Graph https:\/\/127\.0\.0\.1:1: 127\.0\.0\.1:1 refused the connection/);
    });

    it('a Graph endpoint that answers, but that the token service does not know: CloudSignIn.graph-resource-unknown', async () => {
      const error = assertFailure(
        await configureWith({ '--graph-endpoint': `${bed.standIn.graphEndpoint}/elsewhere` }),
        'CloudSignIn.graph-resource-unknown',
        2,
      );
      assert.match(error.message, /AADSTS500011/);
      assert.match(error.recommendedAction, /--graph-endpoint/);
    });

    it('a certificate the sign-in authority presents that is not trusted', async () => {
      const args = bed.configureArgs({}, path);
      args.splice(args.indexOf('--cloud-ca-file'), 2);
      const error = assertFailure(await dirsync(args, { env: bed.secrets() }), 'CloudConnection.certificate-untrusted', 1);
      assert.match(
        error.message,
        new RegExp(`^The sign-in authority ${new URL(bed.standIn.authority).origin}: The TLS certificate of 127\\.0\\.0\\.1:\\d+ is not trusted`),
      );
    });

    it('a proxy that cannot be reached: CloudConnection.proxy-failed, naming the proxy and the host', async () => {
      const error = assertFailure(await configureWith({}, { HTTPS_PROXY: 'http://127.0.0.1:1' }), 'CloudConnection.proxy-failed', 1);
      assert.match(error.message, /The proxy http:\/\/127\.0\.0\.1:1 \(HTTPS_PROXY\) did not connect DirSync to 127\.0\.0\.1:\d+/);
    });

    it('a cycle that cannot reach Graph is recorded as a run: status and the report show it', async () => {
      assert.equal((await configureWith({})).code, 0);
      const file = join(path, 'configuration.json');
      const original = await readFile(file, 'utf8');
      const configuration = JSON.parse(original);
      configuration.cloud.graphEndpoint = 'https://127.0.0.1:1';
      await writeFile(file, JSON.stringify(configuration));
      try {
        assertFailure(await dirsync(['sync', '--path', path, '--json']), 'CloudConnection.connection-refused', 1);
      } finally {
        await writeFile(file, original);
      }
      const status = (await dirsync(['status', '--path', path, '--last', '1', '--json'])).json;
      assert.equal(status.status, 'stopped-server-down');
      assert.match(status.message, /Microsoft Graph https:\/\/127\.0\.0\.1:1: .*refused the connection/);
      const html = join(bed.work, 'unreachable.html');
      const report = await dirsync(['report', '--path', path, '--html', html, '--json']);
      assert.equal(report.json.runId, status.runId, report.stderr);
      assert.match(await readFile(html, 'utf8'), /stopped-server-down[\s\S]*refused the connection/);
    });
  });

  describe('Active Directory settings', () => {
    it('--ad-url https://…: not an LDAP URL, with the one to give; nothing is contacted', async () => {
      bed.standIn.control.clearRequests();
      const error = assertFailure(await configureWith({ '--ad-url': 'https://dc1.corp.example.test' }), 'ActiveDirectory.invalid-url', 2);
      assert.match(error.message, /not a domain controller's address.*not https:\/\//);
      assert.match(error.recommendedAction, /--ad-url ldaps:\/\/dc1\.corp\.example\.test/);
      assert.deepEqual(bed.standIn.control.requests(), []);
    });

    it('a malformed DN (OU=Corp;DC=corp): why, and the DN written with commas, before AD or the tenant is asked', async () => {
      bed.standIn.control.clearRequests();
      const error = assertFailure(await configureWith({ '--include-ou': 'OU=Corp;DC=corp' }), 'ActiveDirectory.invalid-configuration', 2);
      assert.match(
        error.message,
        /"OU=Corp;DC=corp" is not a valid distinguished name: its parts are separated by commas, not ";" \(OU=Corp,DC=corp\)/,
      );
      assert.deepEqual(bed.standIn.control.requests(), []);
    });

    it('an OU that does not exist: said plainly, with the closest existing OUs under its parent, and no server internals', async () => {
      const error = assertFailure(await configureWith({ '--include-ou': `OU=Sale,${FIXTURE.ous.corp}` }), 'ActiveDirectory.ou-not-found', 2);
      assert.match(error.message, new RegExp(`^the organizational unit OU=Sale,${FIXTURE.ous.corp} does not exist`));
      assert.ok(error.message.includes(`under ${FIXTURE.ous.corp} there are: ${FIXTURE.ous.sales}; `), error.message);
      assert.ok(error.recommendedAction.includes(`e.g. ${FIXTURE.ous.sales}`));
      assert.doesNotMatch(`${error.message} ${error.recommendedAction}`, /\.c:\d|source4|ldb|acl_read|0x[0-9a-f]+/i);
      const deeper = assertFailure(await configureWith({ '--include-ou': `OU=Sales,OU=Crop,${FIXTURE.baseDn}` }), 'ActiveDirectory.ou-not-found', 2);
      assert.ok(deeper.message.includes(`under ${FIXTURE.baseDn} there are: ${FIXTURE.ous.corp}; `), deeper.message);
      const elsewhere = assertFailure(await configureWith({ '--include-ou': 'OU=Corp,DC=corp' }), 'ActiveDirectory.ou-not-found', 2);
      assert.match(elsewhere.message, new RegExp(`is not in this directory, whose domain is ${FIXTURE.baseDn}`));
    });
  });

  describe('the install path', () => {
    it('a file, or a path through one: Installation.path-is-a-file', async () => {
      const file = join(bed.work, 'a-file');
      await writeFile(file, 'not a directory');
      for (const target of [file, join(file, 'sub')]) {
        const error = assertFailure(await dirsync(['install', '--path', target, '--json']), 'Installation.path-is-a-file', 2);
        assert.ok(error.message.includes(`${file} is a file, not a directory`), error.message);
      }
    });

    it('a path the file system never creates (/proc): Installation.path-not-creatable at once, not a loop at full CPU', async () => {
      const started = performance.now();
      const error = assertFailure(await dirsync(['install', '--path', '/proc/1/dirsync', '--json']), 'Installation.path-not-creatable', 2);
      assert.ok(performance.now() - started < 10_000, 'answered within seconds');
      assert.match(error.message, /refused to create \/proc\/1\/dirsync although its parent exists/);
    });

    it('a folder this account may not write: Installation.path-not-writable, naming it', async function () {
      // Root writes everywhere: the check needs an ordinary account, which only root can switch to.
      if (process.getuid?.() !== 0) this.skip(); // skipped when not root: only root can run the check as an ordinary account (CI runs as root)
      const shared = await mkdtemp(join(tmpdir(), 'dirsync-unwritable-'));
      try {
        await chmod(shared, 0o755);
        const bundle = join(shared, 'dirsync.mjs');
        await cp(shippedArtefacts().bundle, bundle);
        // Node itself too: the checkout may sit under a folder the ordinary account cannot enter (mktemp -d is 0700).
        const node = join(shared, 'node');
        await cp(process.execPath, node);
        await chmod(node, 0o755);
        const locked = join(shared, 'locked');
        await mkdir(locked, { mode: 0o555 });
        await chmod(locked, 0o555);
        const child = spawn('runuser', ['-u', 'nobody', '--', node, bundle, 'install', '--path', join(locked, 'dirsync'), '--json'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const error = assertFailure(await collect(child), 'Installation.path-not-writable', 1);
        assert.ok(error.message.includes(`cannot be created: ${locked} may not be written by the account DirSync runs as`), error.message);
      } finally {
        await rm(shared, { recursive: true, force: true });
      }
    });
  });
});
