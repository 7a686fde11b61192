import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandOutput } from '../../src/use-cases/output.ts';
import { install } from '../../src/use-cases/install.ts';
import { fullImportDue } from '../../src/use-cases/service.ts';
import { Installation } from '../../src/install/installation.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';

const silent: CommandOutput = { progress() {}, verbose() {}, warning() {}, result() {} };
const zero = { added: 0, updated: 0, deleted: 0, unchanged: 0, errors: 0, notExportable: 0, reverted: 0, restored: 0 };

describe("the service's periodic full import", () => {
  let work: string;
  let installation: Installation;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'dirsync-service-'));
    installation = new Installation(join(work, 'DirSync'));
    await install({ path: installation.path, upgrade: false }, {}, silent);
  });
  afterEach(() => rm(work, { recursive: true, force: true }));

  async function recordRun(mode: 'full' | 'delta', status: 'success' | 'failed', endedAt: Date): Promise<void> {
    const store = new SqliteStore(installation.file('state.db'));
    const runId = await store.startRun(mode, new Date(endedAt.getTime() - 60_000));
    await store.finishRun(runId, status, zero, endedAt);
    await store.close();
  }

  it('is due when no full import ever completed, and never when the period is 0', async () => {
    assert.equal(await fullImportDue(installation, 24), true);
    assert.equal(await fullImportDue(installation, 0), false);
  });

  it('is due once the last completed full import is older than the period; deltas and failures do not count', async () => {
    const fullEnded = new Date('2026-11-20T06:00:00Z');
    await recordRun('full', 'success', fullEnded);
    await recordRun('delta', 'success', new Date('2026-11-21T05:00:00Z'));
    await recordRun('full', 'failed', new Date('2026-11-21T05:30:00Z'));
    assert.equal(await fullImportDue(installation, 24, new Date('2026-11-21T05:59:00Z')), false);
    assert.equal(await fullImportDue(installation, 24, new Date('2026-11-21T06:00:00Z')), true);
  });
});
