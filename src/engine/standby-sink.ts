// The sink of a standby (staging) installation: it sends nothing. Its cycles import, plan and record exactly as the
// active installation's do — both read the same AD and the same tenant — so its store follows the active one's and
// a promotion finds it up to date. Only creates differ: the standby cannot know the cloud id of an object the active
// installation has yet to create, so a create is deferred; the next cycle joins the object by its anchor once it exists.
import type { CloudOperation, OperationOutcome } from './operations.ts';
import type { OperationSink } from './ports.ts';

export class StandbySink implements OperationSink {
  async *apply(operations: readonly CloudOperation[]): AsyncIterable<OperationOutcome> {
    for (const operation of operations) yield operation.action === 'create' ? { ok: true, operation, deferred: true } : { ok: true, operation };
  }
}
