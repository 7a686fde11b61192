import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { GraphCounters } from '../graph-counters.ts';

/**
 * Below the retry middleware, so it sees every attempt: counts the HTTP requests Graph answered (an attempt that got
 * no answer — a connection reset before it was read — is not one Graph saw, and is sent again or fails the run).
 */
export class RequestCounter implements Middleware {
  private next: Middleware | undefined;
  private readonly counters: GraphCounters;

  constructor(counters: GraphCounters) {
    this.counters = counters;
  }

  async execute(context: Context): Promise<void> {
    await this.next!.execute(context);
    this.counters.requests += 1;
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
