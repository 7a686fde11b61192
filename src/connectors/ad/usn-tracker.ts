// Change tracking without the replication right: Microsoft's "USNChanged technique". A search for uSNChanged above
// the DC's highestCommittedUSN at the last import, with Show Deleted for the deletions the account may see. USNs
// are the one DC's own counter: the watermark holds on that DC alone.
import type { ImportChange, Watermark } from '../../engine/model.ts';
import type { ChangeReader } from './change-reader.ts';
import { ShowDeletedControl } from './controls/show-deleted-control.ts';
import { watermarkRejectedError } from './errors.ts';
import { readRootDse, type RootDse } from './root-dse.ts';
import { CHANGE_FILTER } from './selection.ts';
import { encodeWatermark, WATERMARK_VERSION } from './watermark.ts';
import type { UsnWatermark } from './watermark.ts';

export class UsnTracker {
  readonly #changes: ChangeReader;

  constructor(changes: ChangeReader) {
    this.#changes = changes;
  }

  /** The watermark of the DC's state as `rootDse` saw it, for a full import to start from. */
  static watermarkAt(scope: string, rootDse: RootDse, namingContexts: readonly string[]): Watermark {
    return encodeWatermark({
      version: WATERMARK_VERSION,
      scope,
      mechanism: 'usn',
      server: rootDse.dsServiceName,
      highestCommittedUsn: rootDse.highestCommittedUsn,
      namingContexts: [...namingContexts],
    });
  }

  /**
   * The changes since `stored`, and (returned once they are read) the watermark to resume from. Another DC, or
   * one whose USNs went back (restored from a backup), throws ActiveDirectory.watermark-rejected.
   */
  async *deltaImport(stored: UsnWatermark): AsyncGenerator<ImportChange, Watermark, undefined> {
    const rootDse = await readRootDse(this.#changes.client);
    if (rootDse.dsServiceName !== stored.server) {
      throw watermarkRejectedError(
        `The watermark holds update sequence numbers of ${stored.server}, but this connection reached ${rootDse.dsServiceName}.`,
      );
    }
    if (BigInt(rootDse.highestCommittedUsn) < BigInt(stored.highestCommittedUsn)) {
      throw watermarkRejectedError(
        `${rootDse.dsServiceName} is at update sequence number ${rootDse.highestCommittedUsn}, behind the watermark's ${stored.highestCommittedUsn} (was it restored from a backup?).`,
      );
    }
    const changedSince = `(uSNChanged>=${BigInt(stored.highestCommittedUsn) + 1n})`;
    for (const namingContext of stored.namingContexts) {
      yield* this.#changes.pagedChanges(namingContext, `(&${changedSince}${CHANGE_FILTER})`, [new ShowDeletedControl()], false);
    }
    // Read before the search ran: anything committed meanwhile is seen again next time, never skipped.
    return encodeWatermark({ ...stored, highestCommittedUsn: rootDse.highestCommittedUsn });
  }
}
