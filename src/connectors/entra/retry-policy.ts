// The one retry policy of the Entra connector: whether and when a Graph request — a whole request, or one item of a
// $batch — is sent again, and how many times. The retry middleware (top-level requests), the exporter (write items,
// batches whose answer was lost) and the batched reader all ask it, so there is one budget and one backoff.
//
// - 429: wait what Retry-After says, patiently (throttling is the normal state of an initial sync).
// - 5xx: exponential backoff with full jitter, or Retry-After when given; a few times only.
// - A lost connection (the answer never came): like a server error, for requests that are safe to send again.

/** When Graph sends no usable Retry-After with a 429, wait this long. */
const DEFAULT_RETRY_AFTER_SECONDS = 5;
const SERVER_ERRORS = new Set([500, 502, 503, 504]);
/** Answers that mean "not processed": safe to send again whatever the method. */
const NOT_PROCESSED = new Set([429, 503, 504]);

export interface RetryPolicyOptions {
  /** First backoff step in seconds (doubles per attempt, with full jitter). Default 0.5. */
  backoffBaseSeconds?: number;
  /** Sends allowed for a request Graph keeps throttling. Default 12. */
  maxThrottledAttempts?: number;
  /** Sends allowed for a request that keeps failing (5xx, lost connection). Default 4. */
  maxFailedAttempts?: number;
}

export interface RetryDecision {
  delaySeconds: number;
  /** A 429: the write budget holds everything for the delay, not only this request. */
  throttled: boolean;
}

export class RetryPolicy {
  readonly #backoffBaseSeconds: number;
  readonly #maxThrottledAttempts: number;
  readonly #maxFailedAttempts: number;

  constructor(options: RetryPolicyOptions = {}) {
    this.#backoffBaseSeconds = options.backoffBaseSeconds ?? 0.5;
    this.#maxThrottledAttempts = options.maxThrottledAttempts ?? 12;
    this.#maxFailedAttempts = options.maxFailedAttempts ?? 4;
  }

  /**
   * After an answer with `status`, sent `attempts` times so far: when to send again, or undefined when the answer
   * stands (a terminal failure, or the attempts are spent). `idempotent`: a 500 or 502 may be retried too.
   */
  afterAnswer(status: number, retryAfter: string | null | undefined, attempts: number, idempotent = true): RetryDecision | undefined {
    if (status === 429) {
      return attempts < this.#maxThrottledAttempts ? { delaySeconds: retryAfterSeconds(retryAfter), throttled: true } : undefined;
    }
    if (!SERVER_ERRORS.has(status) || (!idempotent && !NOT_PROCESSED.has(status))) return undefined;
    if (attempts >= this.#maxFailedAttempts) return undefined;
    const delaySeconds = retryAfter ? retryAfterSeconds(retryAfter) : this.#backoff(attempts);
    return { delaySeconds, throttled: false };
  }

  /** After a connection lost before the answer came (the request may or may not have been applied). */
  afterLostConnection(attempts: number): RetryDecision | undefined {
    return attempts < this.#maxFailedAttempts ? { delaySeconds: this.#backoff(attempts), throttled: false } : undefined;
  }

  #backoff(attempts: number): number {
    return Math.random() * this.#backoffBaseSeconds * 2 ** attempts;
  }
}

/** Seconds to wait from a Retry-After value: delta-seconds or an HTTP date (RFC 9110). */
export function retryAfterSeconds(value: string | null | undefined): number {
  if (value === null || value === undefined || value.trim() === '') return DEFAULT_RETRY_AFTER_SECONDS;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_SECONDS : Math.max(0, (date - Date.now()) / 1000);
}
