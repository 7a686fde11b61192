import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { GraphCounters } from '../graph-counters.ts';
import { retryAfterSeconds } from '../retry-after.ts';
import { requestHeaders } from './request-writes.ts';

/**
 * Below the retry handler, so it sees every attempt: counts requests and retries, and on a 429 tells
 * `onThrottled` how long Graph asked to wait (the write budget then holds everything, not just this request).
 */
export class TrafficCounter implements Middleware {
  private next: Middleware | undefined;
  private readonly counters: GraphCounters;
  private readonly onThrottled: (retryAfterSeconds: number) => void;

  constructor(counters: GraphCounters, onThrottled: (retryAfterSeconds: number) => void) {
    this.counters = counters;
    this.onThrottled = onThrottled;
  }

  async execute(context: Context): Promise<void> {
    this.counters.requests += 1;
    if (requestHeaders(context).has('Retry-Attempt')) this.counters.retries += 1;
    await this.next!.execute(context);
    if (context.response?.status === 429) this.onThrottled(retryAfterSeconds(context.response.headers.get('Retry-After')));
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
