import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { GraphCounters } from '../graph-counters.ts';
import type { WriteBudget } from '../write-budget.ts';
import { countWrites } from './request-writes.ts';

/** Holds each write (each write item of a $batch) until the write budget allows it. Sits above the retry handler: a retried request is paid for once. */
export class WriteBudgetHandler implements Middleware {
  private next: Middleware | undefined;
  private readonly budget: WriteBudget;
  private readonly counters: GraphCounters;

  constructor(budget: WriteBudget, counters: GraphCounters) {
    this.budget = budget;
    this.counters = counters;
  }

  async execute(context: Context): Promise<void> {
    const writes = countWrites(context);
    if (writes > 0) {
      await this.budget.acquire(writes);
      this.counters.writes += writes;
    }
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
