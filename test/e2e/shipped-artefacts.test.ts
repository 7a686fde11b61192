// What an administrator copies to a server starts there: the bundle (with a supported node) and the single executable
// (alone), each copied to a temporary directory with no node_modules above it, answer --version and --help and run one
// real install / configure / sync against Samba and the Entra stand-in.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { FIXTURE } from '../support/ad/index.ts';
import { shippedArtefacts } from '../support/shipped-artefacts.ts';
import { startTestBed, type TestBed } from '../support/test-bed.ts';
import { bundleArtefact, dirsync, type Artefact } from './dirsync-cli.ts';

const { bundle, singleExecutable } = shippedArtefacts();
const artefacts: Artefact[] = [bundleArtefact(bundle)];
if (singleExecutable) artefacts.push({ name: 'single executable', command: singleExecutable, prefix: [] });

describe('the shipped artefacts, copied outside the checkout', function () {
  this.timeout(180_000);

  it('include the single executable wherever build.ps1 could make one', function () {
    // CI runs build.ps1 with the repository's Node 26, which makes it: its absence there is a failure, not a skip.
    if (singleExecutable === undefined && process.env.CI !== 'true') {
      this.skip(); // skipped: build.ps1 has not made dist/dirsync on this machine (run it, or the suite tests the bundle only)
    }
    assert.ok(singleExecutable, 'dist/dirsync was not built: build.ps1 runs before npm test in CI');
  });

  for (const artefact of artefacts) {
    describe(`the ${artefact.name}`, () => {
      let bed: TestBed;
      before(async () => {
        bed = await startTestBed({ includeOus: [FIXTURE.ous.corp], install: false, artefact });
      });
      after(async () => {
        await bed?.stop();
      });

      it('prints its version and its help', async () => {
        const version = await dirsync(['--version'], { artefact });
        assert.equal(version.code, 0, version.stderr);
        const { productVersion } = JSON.parse(await readFile('package.json', 'utf8')) as { productVersion: string };
        assert.equal(version.stdout.trim(), productVersion);
        const help = await dirsync(['--help'], { artefact });
        assert.equal(help.code, 0, help.stderr);
        for (const command of ['install', 'configure', 'sync', 'status']) assert.match(help.stdout, new RegExp(`^\\s+${command}\\b`, 'm'));
        assert.doesNotMatch(`${version.stderr}${help.stderr}`, /Cannot find module|ERR_MODULE_NOT_FOUND/);
      });

      it('installs, configures and synchronizes a real domain into the stand-in', async () => {
        await bed.installAndConfigure();
        const synced = await bed.sync();
        assert.equal(synced.code, 0, synced.stderr);
        assert.equal(synced.json.status, 'success');
        const usersInScope = Object.values(FIXTURE.users).filter((user) => user.dn.endsWith(FIXTURE.ous.corp)).length + FIXTURE.crowd.users.length;
        assert.ok(synced.json.counts.added >= usersInScope, `at least the ${usersInScope} users in scope were added (${synced.json.counts.added})`);
        const cloudUsers = bed.standIn.control.snapshot().users.filter((user) => user.props.onPremisesImmutableId);
        assert.ok(cloudUsers.length >= usersInScope, `the tenant holds the users (${cloudUsers.length})`);
      });
    });
  }
});
