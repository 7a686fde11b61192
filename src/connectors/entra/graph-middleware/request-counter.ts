import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { GraphCounters } from '../graph-counters.ts';

/** Below the retry middleware, so it sees every attempt: counts the HTTP requests sent. */
export class RequestCounter implements Middleware {
  private next: Middleware | undefined;
  private readonly counters: GraphCounters;

  constructor(counters: GraphCounters) {
    this.counters = counters;
  }

  async execute(context: Context): Promise<void> {
    this.counters.requests += 1;
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
