// Graph's directory write budget: N writes per sliding window per application (Graph documents
// 3,000 writes / 150 s per app per tenant). Off unless configured. Each $batch item counts alone.

export interface ThrottleOptions {
  writes: number;
  windowSeconds: number;
}

export class WriteBudget {
  #options: ThrottleOptions | undefined;
  /** Times (ms) of accepted writes per app, oldest first. */
  readonly #writes = new Map<string, number[]>();

  constructor(options: ThrottleOptions | undefined) {
    this.#options = options;
  }

  configure(options: ThrottleOptions | undefined): void {
    this.#options = options;
    this.#writes.clear();
  }

  get options(): ThrottleOptions | undefined {
    return this.#options;
  }

  /** Records a write; returns the Retry-After seconds instead when the app's budget is spent. */
  take(appId: string, now = Date.now()): number | undefined {
    const options = this.#options;
    if (!options) return undefined;
    const windowMs = options.windowSeconds * 1000;
    const times = this.#writes.get(appId) ?? [];
    const firstInWindow = times.findIndex((time) => time > now - windowMs);
    times.splice(0, firstInWindow < 0 ? times.length : firstInWindow);
    if (times.length >= options.writes) {
      this.#writes.set(appId, times);
      return Math.max(1, Math.ceil((times[0]! + windowMs - now) / 1000));
    }
    times.push(now);
    this.#writes.set(appId, times);
    return undefined;
  }
}
