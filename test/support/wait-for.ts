// Waiting for something to happen, with a deadline: a test polls the condition instead of sleeping a fixed time,
// and fails naming what never happened instead of hanging until mocha's timeout.
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** What is awaited, for the failure message ("the first user created"). */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
}

/** Resolves with the condition's first truthy value; rejects once `timeoutMs` passed without one. */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitOptions): Promise<NonNullable<T>> {
  const { what, timeoutMs = 30_000, intervalMs = 20 } = options;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
