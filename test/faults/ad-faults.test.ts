// Active Directory misbehaving: the domain controller dies mid-import, rejects the stored DirSync cookie, or
// presents a certificate DirSync does not trust. Each run fails cleanly naming the server, or recovers by a full
// import; nothing is lost and the next run converges.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Attribute, Change } from 'ldapts';
import { adminClient, FIXTURE } from '../support/ad/index.ts';
import { directoryWrites } from '../support/cloud-writes.ts';
import { waitFor } from '../support/wait-for.ts';
import { collect, dirsync } from '../e2e/dirsync-cli.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { AD_WATERMARK } from '../../src/engine/sync-cycle.ts';
import { assertConverged, stateDbFile } from './support.ts';
import { anchorOf, startTestBed, type TestBed } from '../support/test-bed.ts';

/** What a failed run must leave as it was: the watermark and the links. */
async function storeState(bed: TestBed): Promise<{ watermark: string | undefined; links: number }> {
  const store = new SqliteStore(stateDbFile(bed));
  try {
    return { watermark: await store.getWatermark(AD_WATERMARK), links: await store.countLinks() };
  } finally {
    await store.close();
  }
}

describe('Faults: Active Directory goes away, forgets the cookie, changes its certificate', function () {
  this.timeout(120_000);
  let bed: TestBed;
  const server = () => `${bed.domain.ip}:636`;

  before(async () => {
    bed = await startTestBed({ includeOus: [FIXTURE.ous.crowd, FIXTURE.ous.groups] });
  });
  after(async () => {
    await bed?.stop();
  });

  it('the DC dies mid-import: exit 1 naming the server, and after its restart the next sync converges', async () => {
    const child = bed.startSync();
    const result = collect(child);
    // The import streams in chunks: once the first users reach the cloud, the import is still reading pages.
    await waitFor(() => bed.standIn.control.snapshot().counts.users >= 2, { what: 'the first user exported', intervalMs: 10 });
    process.kill(bed.domain.pid, 'SIGKILL');
    const failed = await result;
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, new RegExp(server().replaceAll('.', '\\.')));
    assert.doesNotMatch(failed.stderr, /unexpected failure|\n\s+at /, 'no stack trace');
    const status = await dirsync(['status', '--path', bed.path, '--last', '1', '--json']);
    assert.equal(status.json.status, 'stopped-server-down');
    const cloudUsers = bed.standIn.control.snapshot().counts.users - 1;
    assert.ok(cloudUsers < FIXTURE.crowd.users.length, `the import was cut short (${cloudUsers} users exported)`);

    await bed.domain.restart();
    await bed.admin.unbind().catch(() => undefined);
    bed.admin = await adminClient(bed.domain);
    const rerun = await bed.sync();
    assert.equal(rerun.code, 0, rerun.stderr);
    await assertConverged(bed);
  });

  it('a cookie the DC rejects: a full import and sweep instead, nothing lost', async () => {
    const deleted = FIXTURE.crowd.users[0]!.dn;
    const deletedAnchor = await anchorOf(bed.admin, deleted);
    await bed.admin.del(deleted);
    await bed.admin.modify(FIXTURE.crowd.users[1]!.dn, [
      new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Changed while the cookie was lost'] }) }),
    ]);

    const store = new SqliteStore(stateDbFile(bed));
    try {
      const watermark = JSON.parse((await store.getWatermark(AD_WATERMARK))!) as { cookies: Record<string, string> };
      for (const context of Object.keys(watermark.cookies)) watermark.cookies[context] = Buffer.from('not a cookie of this DC').toString('base64');
      await store.setWatermark(AD_WATERMARK, JSON.stringify(watermark));
    } finally {
      await store.close();
    }

    const result = await bed.sync();
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /no longer accepts the stored watermark/);
    assert.equal(result.json.mode, 'full');
    assert.equal(result.json.counts.deleted, 1, 'the sweep found the user deleted meanwhile');
    assert.equal(bed.standIn.control.findByImmutableId(deletedAnchor), undefined);
    await assertConverged(bed);
    const next = await bed.sync();
    assert.equal(next.json.mode, 'delta', 'a fresh cookie was stored');
  });

  it('a certificate from a CA DirSync does not trust: exit 1 naming server and CA file, nothing written', async () => {
    // As if the DC's certificate had been reissued by another CA: the configured CA file no longer matches it.
    const configurationFile = join(bed.path, 'configuration.json');
    const original = await readFile(configurationFile, 'utf8');
    const configuration = JSON.parse(original) as { activeDirectory: { caFile: string } };
    configuration.activeDirectory.caFile = bed.standIn.caFile;
    await writeFile(configurationFile, JSON.stringify(configuration, null, 2));
    try {
      await bed.admin.modify(FIXTURE.crowd.users[2]!.dn, [
        new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Waiting for trust'] }) }),
      ]);
      const storeBefore = await storeState(bed);
      bed.standIn.control.clearRequests();
      const result = await bed.sync();
      assert.equal(result.code, 1, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(`certificate of the domain controller ${server().replaceAll('.', '\\.')} is not trusted by the CA file ${bed.standIn.caFile}`),
      );
      assert.deepEqual(directoryWrites(bed.standIn), [], 'nothing written to the cloud');
      assert.deepEqual(await storeState(bed), storeBefore, 'watermark and links untouched');
    } finally {
      await writeFile(configurationFile, original);
    }
    const rerun = await bed.sync();
    assert.equal(rerun.code, 0, rerun.stderr);
    await assertConverged(bed);
  });
});
