// The preview's view of the store: what the preview writes stays in memory, laid over what the store holds.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PreviewOverlay } from '../../src/engine/cycle/preview-overlay.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { deletedLink } from '../store/contract.ts';

describe('the preview overlay of the store', () => {
  let directory: string;
  let store: SqliteStore;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dirsync-overlay-'));
    store = new SqliteStore(join(directory, 'state.db'));
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  describe('deleted links', () => {
    const monday = new Date('2024-06-03T08:00:00.000Z');
    const tuesday = new Date('2024-06-04T08:00:00.000Z');

    it('reads the store and its own, and writes nothing to the store', async () => {
      await store.rememberDeletedLinks([deletedLink('stored', monday), deletedLink('forgotten', monday)]);
      const overlay = new PreviewOverlay(store);
      const replaced = deletedLink('stored', tuesday, { cloudId: 'new-id' });
      await overlay.rememberDeletedLinks([deletedLink('added', tuesday), replaced]);
      await overlay.forgetDeletedLinks(['forgotten']);

      const seen = await overlay.getDeletedLinks(['stored', 'added', 'forgotten', 'never']);
      assert.deepEqual([...seen.keys()].sort(), ['added', 'stored']);
      assert.deepEqual(seen.get('stored'), replaced);
      const stored = await store.getDeletedLinks(['stored', 'added', 'forgotten']);
      assert.deepEqual([...stored.keys()].sort(), ['forgotten', 'stored'], 'the store is as it was');
      assert.equal(stored.get('stored')?.cloudId, 'cloud-stored');
    });

    it('prunes in its own view only: older links disappear from its reads, the store keeps them', async () => {
      await store.rememberDeletedLinks([deletedLink('old-stored', monday), deletedLink('new-stored', tuesday)]);
      const overlay = new PreviewOverlay(store);
      await overlay.rememberDeletedLinks([deletedLink('old-own', monday), deletedLink('new-own', tuesday)]);
      assert.equal(await overlay.pruneDeletedLinks(tuesday), 1, 'its own old link');
      const anchors = ['old-stored', 'new-stored', 'old-own', 'new-own'];
      assert.deepEqual([...(await overlay.getDeletedLinks(anchors)).keys()].sort(), ['new-own', 'new-stored']);
      assert.equal((await store.getDeletedLinks(anchors)).size, 2, 'the store still holds both of its own');
    });
  });
});
