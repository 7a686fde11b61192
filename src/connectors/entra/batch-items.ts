// Reading the items of a $batch answer: which failed how, and which deserve another try.
import { GraphError } from '@microsoft/microsoft-graph-client';
import { MAX_BATCH_SIZE, type BatchRequestItem, type BatchResponseItem, type GraphSession } from './graph-session.ts';
import { CloudConnectionError, type ConnectionFailureReason } from './errors.ts';
import { retryAfterSeconds } from './retry-after.ts';

export interface GraphErrorDetail {
  code: string;
  message: string;
}

export function errorDetail(response: BatchResponseItem): GraphErrorDetail {
  const error = (response.body as { error?: Partial<GraphErrorDetail> } | undefined)?.error;
  return { code: error?.code ?? `HTTP${response.status}`, message: error?.message ?? `Graph answered ${response.status}.` };
}

function headerValue(response: BatchResponseItem, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(response.headers ?? {}).find(([header]) => header.toLowerCase() === wanted)?.[1];
}

const SERVER_ERRORS = new Set([500, 502, 503, 504]);
const BACKOFF_BASE_SECONDS = 0.5;

/** How an item that failed for a passing reason should be tried again, or undefined when its failure is terminal. */
export function retryPlan(response: BatchResponseItem, attempt: number): { throttled: boolean; delaySeconds: number } | undefined {
  if (response.status === 429) return { throttled: true, delaySeconds: retryAfterSeconds(headerValue(response, 'Retry-After')) };
  if (!SERVER_ERRORS.has(response.status)) return undefined;
  const retryAfter = headerValue(response, 'Retry-After');
  // Exponential backoff with full jitter, unless the service said how long to wait.
  const delaySeconds = retryAfter !== undefined ? retryAfterSeconds(retryAfter) : Math.random() * BACKOFF_BASE_SECONDS * 2 ** attempt;
  return { throttled: false, delaySeconds };
}

/** Attempts allowed per item: throttling is waited out patiently, server errors only a few times. */
export const MAX_THROTTLED_ATTEMPTS = 12;
export const MAX_SERVER_ERROR_ATTEMPTS = 4;

/**
 * GETs many relative URLs through $batch (20 a request), retrying throttled and server-failed items.
 * Answers come back in the order of `urls`; a terminal failure throws GraphError.
 */
export async function readInBatches<T>(session: GraphSession, urls: readonly string[]): Promise<T[]> {
  const answers: T[] = new Array(urls.length);
  for (let start = 0; start < urls.length; start += MAX_BATCH_SIZE) {
    let pending: BatchRequestItem[] = urls.slice(start, start + MAX_BATCH_SIZE).map((url, offset) => ({ id: String(start + offset), method: 'GET', url }));
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const responses = await batchOfReads(session, pending, attempt);
      if (responses === undefined) continue; // the connection was lost: reads are safe to send again
      const again = new Set<string>();
      let waitSeconds = 0;
      for (const response of responses) {
        if (response.status < 300) {
          answers[Number(response.id)] = response.body as T;
          continue;
        }
        const plan = retryPlan(response, attempt);
        const limit = plan?.throttled ? MAX_THROTTLED_ATTEMPTS : MAX_SERVER_ERROR_ATTEMPTS;
        if (plan === undefined || attempt >= limit) throw itemError(response, urls[Number(response.id)]!);
        if (plan.throttled) session.reportThrottled(plan.delaySeconds);
        session.counters.retries += 1;
        waitSeconds = Math.max(waitSeconds, plan.delaySeconds);
        again.add(response.id);
      }
      pending = pending.filter((item) => again.has(item.id));
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
    }
  }
  return answers;
}

/** Transport failures after which a batch's items may or may not have been applied. */
export const OUTCOME_UNKNOWN = new Set<ConnectionFailureReason>(['network-error', 'timed-out']);

/** One $batch of reads; undefined after a lost connection (waited out, to be sent again), until attempts run out. */
async function batchOfReads(session: GraphSession, items: BatchRequestItem[], attempt: number): Promise<BatchResponseItem[] | undefined> {
  try {
    return await session.batch(items);
  } catch (error) {
    if (!(error instanceof CloudConnectionError && OUTCOME_UNKNOWN.has(error.reason)) || attempt >= MAX_SERVER_ERROR_ATTEMPTS) throw error;
    session.counters.retries += 1;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * BACKOFF_BASE_SECONDS * 1000 * 2 ** attempt));
    return undefined;
  }
}

function itemError(response: BatchResponseItem, url: string): GraphError {
  const { code, message } = errorDetail(response);
  const error = new GraphError(response.status, `GET ${url}: ${message}`);
  error.code = code;
  return error;
}
