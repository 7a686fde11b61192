// Paces Graph writes below the tenant's throttling budget (about 3,000 writes / 150 s per app), so an
// export runs at the budget instead of running into 429s and waiting out Retry-After penalties.
import { setTimeout as sleep } from 'node:timers/promises';

export interface WriteBudgetLimits {
  writes: number;
  windowSeconds: number;
}

/** Microsoft Graph's documented directory write budget per application and tenant. */
export const GRAPH_WRITE_BUDGET: WriteBudgetLimits = { writes: 3000, windowSeconds: 150 };

/** A $batch of 20 writes must be able to go out at once. */
const MIN_BURST = 20;
const BURST_SHARE = 0.05;

/**
 * A token bucket whose burst plus refill over one window equals the budget: however requests are
 * spread, no window of `windowSeconds` carries more than `writes` writes. Waiters are served in order.
 */
export class WriteBudget {
  readonly capacity: number;
  readonly refillPerSecond: number;
  private tokens: number;
  private refilledAt: number;
  private heldUntil = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(limits: WriteBudgetLimits = GRAPH_WRITE_BUDGET) {
    if (!(limits.writes > 0 && limits.windowSeconds > 0)) {
      throw new RangeError(`A write budget needs a positive number of writes and seconds (got ${limits.writes} / ${limits.windowSeconds} s).`);
    }
    this.capacity = Math.min(limits.writes, Math.max(MIN_BURST, Math.round(limits.writes * BURST_SHARE)));
    this.refillPerSecond = Math.max(limits.writes - this.capacity, 1) / limits.windowSeconds;
    this.tokens = this.capacity;
    this.refilledAt = performance.now();
  }

  /** Resolves when `writes` writes may be sent. A request larger than the bucket goes out when it is full and leaves a debt. */
  acquire(writes: number): Promise<void> {
    const turn = this.queue.then(() => this.waitFor(writes));
    this.queue = turn;
    return turn;
  }

  /** Graph answered 429: nothing more goes out until its Retry-After has passed. */
  holdFor(seconds: number): void {
    this.heldUntil = Math.max(this.heldUntil, performance.now() + seconds * 1000);
  }

  private async waitFor(writes: number): Promise<void> {
    const needed = Math.min(writes, this.capacity);
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.refilledAt) / 1000) * this.refillPerSecond);
      this.refilledAt = now;
      const heldMs = this.heldUntil - now;
      const refillMs = ((needed - this.tokens) / this.refillPerSecond) * 1000;
      const waitMs = Math.max(heldMs, refillMs);
      if (waitMs <= 0) break;
      await sleep(Math.ceil(waitMs));
    }
    this.tokens -= writes;
  }
}
