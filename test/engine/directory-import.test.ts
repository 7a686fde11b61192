// An import's watermark is known only once its changes were read to the end: a watermark taken early would make the
// next delta skip the changes not read.
import assert from 'node:assert/strict';
import { DirSyncError } from '../../src/core/errors.ts';
import { directoryImport } from '../../src/engine/directory-import.ts';
import type { ImportChange } from '../../src/engine/model.ts';

const deleted = (anchor: string): ImportChange => ({ op: 'delete', anchor, dn: `CN=${anchor}`, reason: 'deleted-in-ad' });

async function* twoChanges(): AsyncGenerator<ImportChange, string> {
  yield deleted('a');
  yield deleted('b');
  return 'watermark-after-b';
}

const internalError = (error: unknown) => error instanceof DirSyncError && error.code === 'Internal.unexpected';

describe('directoryImport', () => {
  it('yields the changes, then gives the watermark the generator returned', async () => {
    const run = directoryImport(twoChanges());
    const anchors: string[] = [];
    for await (const change of run.changes) anchors.push(change.op === 'delete' ? change.anchor : change.object.anchor);
    assert.deepEqual(anchors, ['a', 'b']);
    assert.equal(run.watermark(), 'watermark-after-b');
  });

  it('refuses the watermark before the changes were read, and after a reading stopped early', async () => {
    const run = directoryImport(twoChanges());
    assert.throws(() => run.watermark(), internalError);
    for await (const _change of run.changes) break;
    assert.throws(() => run.watermark(), internalError);
  });

  it('refuses a second reading of the changes', async () => {
    const run = directoryImport(twoChanges());
    for await (const _change of run.changes);
    await assert.rejects(async () => {
      for await (const _change of run.changes);
    }, internalError);
    assert.equal(run.watermark(), 'watermark-after-b');
  });
});
