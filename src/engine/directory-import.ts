// A DirectoryImport (ports.ts) made from the shape sources are easiest to write in: one async generator that yields
// the changes and returns the watermark (so importers compose with `return yield* …`).
import { DirSyncError } from '../core/errors.ts';
import type { ImportChange, Watermark } from './model.ts';
import type { DirectoryImport } from './ports.ts';

export function directoryImport(run: AsyncGenerator<ImportChange, Watermark, undefined>): DirectoryImport {
  let started = false;
  let watermark: Watermark | undefined;
  return {
    changes: {
      async *[Symbol.asyncIterator]() {
        // A second reading would find the generator spent: no changes, and no watermark.
        if (started) throw new DirSyncError('Internal.unexpected', "an import's changes were read twice");
        started = true;
        watermark = yield* run;
      },
    },
    watermark() {
      if (watermark === undefined)
        throw new DirSyncError('Internal.unexpected', 'the watermark of an import was asked for before its changes were read to the end');
      return watermark;
    },
  };
}
