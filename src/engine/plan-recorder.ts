// The sink of a preview run: every operation "succeeds" without anything being sent, so the cycle plans exactly as
// it would for real. (The Graph session's preview guard is the second line of defence.) It keeps what it was given,
// in order: a saved plan holds the operations themselves.
import type { CloudOperation, OperationOutcome } from './operations.ts';
import type { OperationSink } from './ports.ts';

export class PlanRecorder implements OperationSink {
  readonly received: CloudOperation[] = [];

  async *apply(operations: readonly CloudOperation[]): AsyncIterable<OperationOutcome> {
    for (const operation of operations) {
      this.received.push(operation);
      yield operation.action === 'create' ? { ok: true, operation, cloudId: `(new ${operation.objectType})` } : { ok: true, operation };
    }
  }
}
