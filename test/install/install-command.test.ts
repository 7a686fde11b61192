// install / upgrade / uninstall, as the original's rules say, with the real embedded store.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandOutput, CommandResult } from '../../src/use-cases/output.ts';
import { DirSyncError } from '../../src/core/errors.ts';
import { install } from '../../src/use-cases/install.ts';
import { sync } from '../../src/use-cases/sync.ts';
import { uninstall } from '../../src/use-cases/uninstall.ts';
import { Installation } from '../../src/install/installation.ts';
import { LATEST_SCHEMA_VERSION } from '../../src/store/migrations/index.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { PRODUCT_VERSION } from '../../src/version.ts';

class RecordingOutput implements CommandOutput {
  results: CommandResult[] = [];
  warnings: string[] = [];
  progress(): void {}
  verbose(): void {}
  warning(message: string): void {
    this.warnings.push(message);
  }
  result(result: CommandResult): void {
    this.results.push(result);
  }
}

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<DirSyncError> {
  let caught: unknown;
  await promise.catch((error: unknown) => (caught = error));
  assert.ok(caught instanceof DirSyncError, `expected a DirSyncError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  assert.match(`${caught.message} ${caught.recommendedAction ?? ''}`, message);
  return caught;
}

/** Makes the installation look as an older version left it: its manifest version and a store at `schema`. */
async function pretendInstalledBy(path: string, version: string, schema: number): Promise<void> {
  const installation = new Installation(path);
  await installation.writeManifest({ ...(await installation.readManifest()), productVersion: version, configurationRequired: false });
  await rm(installation.file('state.db'), { force: true });
  const store = new SqliteStore(installation.file('state.db'), { productVersion: version });
  await store.migrate(schema);
  // (The run stays in progress: finishing it writes the counts of the latest schema.)
  const runId = await store.startRun('full', new Date('2025-01-01T00:00:00Z'));
  await store.saveLinks([
    {
      anchor: 'q1Yf2uDbQ0u3mJ3hB3x+9A==',
      kind: 'user',
      cloudId: 'cloud-1',
      dn: 'CN=Zoë,DC=corp,DC=example,DC=test',
      exported: { displayName: 'Zoë' },
      lastSeenRunId: runId,
    },
  ]);
  await store.setMembers('group-anchor', ['q1Yf2uDbQ0u3mJ3hB3x+9A=='], []);
  await store.setWatermark('active-directory', '{"cookie":"kept"}');
  await store.close();
}

describe('install, upgrade and uninstall', () => {
  let work: string;
  let path: string;
  let output: RecordingOutput;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'dirsync-install-'));
    path = join(work, 'DirSync');
    output = new RecordingOutput();
  });
  afterEach(() => rm(work, { recursive: true, force: true }));

  it('creates an owner-only installation with a migrated embedded store that needs configuring', async () => {
    assert.equal(await install({ path, upgrade: false }, {}, output), 0);
    assert.equal((await stat(path)).mode & 0o777, 0o700);
    for (const name of await readdir(path)) assert.equal((await stat(join(path, name))).mode & 0o077, 0, `${name} is readable by others`);
    const manifest = await new Installation(path).readManifest();
    assert.equal(manifest.productVersion, PRODUCT_VERSION);
    assert.equal(manifest.configurationRequired, true);
    const store = new SqliteStore(join(path, 'state.db'));
    assert.equal((await store.storeInfo()).schemaVersion, LATEST_SCHEMA_VERSION);
    await store.close();
    assert.equal(output.results[0]?.typeName, 'DirSync.Installation');
  });

  it('refuses to install over an existing installation and points to --upgrade', async () => {
    await install({ path, upgrade: false }, {}, output);
    await rejectsWith(install({ path, upgrade: false }, {}, output), 'Installation.already-installed', /already installed.*--upgrade/s);
  });

  it('refuses an in-place upgrade from a version older than 1.0.6385.0012, with the original guidance', async () => {
    await install({ path, upgrade: false }, {}, output);
    await pretendInstalledBy(path, '1.0.6000.0000', 1);
    await rejectsWith(
      install({ path, upgrade: true }, {}, output),
      'Installation.upgrade-not-supported',
      /1\.0\.6000\.0000 cannot be upgraded.*earlier than 1\.0\.6385\.0012.*uninstall.*then install/s,
    );
    assert.equal((await new Installation(path).readManifest()).productVersion, '1.0.6000.0000', 'the installation is left as it was');
  });

  it('upgrades 1.0.6385.0012 in place: the store is migrated with every link, membership, watermark and run, and configure is demanded', async () => {
    await install({ path, upgrade: false }, {}, output);
    await pretendInstalledBy(path, '1.0.6385.0012', 1);
    assert.equal(await install({ path, upgrade: true }, {}, output), 0);
    const manifest = await new Installation(path).readManifest();
    assert.equal(manifest.productVersion, PRODUCT_VERSION);
    assert.ok(manifest.upgradedAt);
    assert.equal(manifest.configurationRequired, true);
    assert.ok(output.warnings.some((warning) => /configure again/.test(warning)));

    const store = new SqliteStore(join(path, 'state.db'));
    assert.deepEqual(await store.storeInfo(), { schemaVersion: LATEST_SCHEMA_VERSION, productVersion: PRODUCT_VERSION });
    const link = (await store.getLinks(['q1Yf2uDbQ0u3mJ3hB3x+9A=='])).get('q1Yf2uDbQ0u3mJ3hB3x+9A==');
    assert.equal(link?.cloudId, 'cloud-1');
    assert.equal(link?.dn, 'CN=Zoë,DC=corp,DC=example,DC=test');
    assert.deepEqual([...(await store.getMemberships(['group-anchor'])).get('group-anchor')!], ['q1Yf2uDbQ0u3mJ3hB3x+9A==']);
    assert.equal(await store.getWatermark('active-directory'), '{"cookie":"kept"}');
    assert.deepEqual(
      (await store.listRuns(10)).map((run) => [run.mode, run.startedAt.toISOString()]),
      [['full', '2025-01-01T00:00:00.000Z']],
    );
    await store.close();

    await rejectsWith(
      sync({ path, full: false, preview: false, acceptDeletes: false }, output),
      'Configuration.required',
      /upgraded.*configuration must be entered again.*configure/s,
    );
  });

  it('refuses to run an older installation before it is upgraded', async () => {
    await install({ path, upgrade: false }, {}, output);
    await pretendInstalledBy(path, '1.0.6385.0012', 1);
    await rejectsWith(
      sync({ path, full: false, preview: false, acceptDeletes: false }, output),
      'Installation.upgrade-required',
      /install --upgrade/,
    );
  });

  it('uninstalls; with --keep-data a later install adopts the store and configuration', async () => {
    await install({ path, upgrade: false }, {}, output);
    const installation = new Installation(path);
    await installation.writeConfiguration({
      ...(await installation.readConfiguration()),
      deletionThreshold: { enabled: true, threshold: 42, sharePercent: 20 },
    });
    assert.equal(await uninstall({ path, keepData: true, removeServiceAccount: false }, {}, output), 0);
    assert.equal(await installation.exists(), false);
    await install({ path, upgrade: false }, {}, output);
    assert.equal((await installation.readConfiguration()).deletionThreshold.threshold, 42);
    assert.equal(await uninstall({ path, keepData: false, removeServiceAccount: false }, {}, output), 0);
    await assert.rejects(stat(path), { code: 'ENOENT' });
  });

  it('checks SQL Server options before touching anything', async () => {
    await rejectsWith(install({ path, upgrade: false, sqlInstance: 'DIRSYNC' }, {}, output), 'Parameters.invalid', /need --sql-server/);
    await rejectsWith(
      install({ path, upgrade: false, sqlServer: 'sql1' }, { sqlUser: 'dirsync' }, output),
      'Parameters.invalid',
      /needs a SQL password/,
    );
    await assert.rejects(stat(path), { code: 'ENOENT' });
  });
});
