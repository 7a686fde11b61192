import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { isOutcomeUnknown } from '../errors.ts';
import type { GraphCounters } from '../graph-counters.ts';
import { retryAfterSeconds, type RetryPolicy } from '../retry-policy.ts';
import { requestMethod } from './request-writes.ts';

/**
 * Sends a request again when Graph answered 429 or a server error, as the session's RetryPolicy says (items inside a
 * $batch answer are the exporter's and the reader's to retry, with the same policy). A 429 also tells
 * `onThrottled`, so that the write budget holds every request, not just this one. An idempotent request that got no
 * answer at all (a kept-alive connection the server had closed, a reset) is sent again too; others may have been
 * applied, and are their callers' to look up.
 */
export class RetryTransientAnswers implements Middleware {
  private next: Middleware | undefined;
  private readonly policy: RetryPolicy;
  private readonly counters: GraphCounters;
  private readonly onThrottled: (retryAfterSeconds: number) => void;

  constructor(policy: RetryPolicy, counters: GraphCounters, onThrottled: (retryAfterSeconds: number) => void) {
    this.policy = policy;
    this.counters = counters;
    this.onThrottled = onThrottled;
  }

  async execute(context: Context): Promise<void> {
    const idempotent = ['GET', 'HEAD', 'PUT', 'DELETE'].includes(requestMethod(context));
    for (let attempts = 1; ; attempts += 1) {
      try {
        await this.next!.execute(context);
      } catch (error) {
        const decision = idempotent && isOutcomeUnknown(error) ? this.policy.afterLostConnection(attempts) : undefined;
        if (decision === undefined) throw error;
        this.counters.retries += 1;
        await sleep(decision.delaySeconds * 1000);
        continue;
      }
      const response = context.response;
      if (response === undefined) return;
      const decision = this.policy.afterAnswer(response.status, response.headers.get('Retry-After'), attempts, idempotent);
      if (response.status === 429) {
        this.counters.throttled += 1;
        this.onThrottled(decision?.delaySeconds ?? retryAfterSeconds(response.headers.get('Retry-After')));
      }
      if (decision === undefined) return;
      this.counters.retries += 1;
      await sleep(decision.delaySeconds * 1000);
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
