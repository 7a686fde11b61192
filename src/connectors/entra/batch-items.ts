// Reading the items of a $batch answer (which failed how), and reading many URLs through $batch. Retries follow the
// session's RetryPolicy, like every other Graph request.
import { setTimeout as sleep } from 'node:timers/promises';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { graphRequestError, isOutcomeUnknown } from './errors.ts';
import { MAX_BATCH_SIZE, type BatchRequestItem, type BatchResponseItem, type GraphSession } from './graph-session.ts';
import type { RetryDecision } from './retry-policy.ts';

export interface GraphErrorDetail {
  code: string;
  message: string;
}

export function errorDetail(response: BatchResponseItem): GraphErrorDetail {
  const error = (response.body as { error?: Partial<GraphErrorDetail> } | undefined)?.error;
  return { code: error?.code ?? `HTTP${response.status}`, message: error?.message ?? `Graph answered ${response.status}.` };
}

export function headerValue(response: BatchResponseItem, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(response.headers ?? {}).find(([header]) => header.toLowerCase() === wanted)?.[1];
}

/** The policy's verdict on one failed item; a 429 is reported to the session (counted, and the write budget holds). */
export function retryItem(session: GraphSession, response: BatchResponseItem, attempts: number): RetryDecision | undefined {
  const decision = session.retryPolicy.afterAnswer(response.status, headerValue(response, 'Retry-After'), attempts);
  if (response.status === 429) session.reportThrottled(decision?.delaySeconds ?? 0);
  if (decision) session.counters.retries += 1;
  return decision;
}

/**
 * GETs many relative URLs through $batch (20 a request), retrying throttled and failed items as the policy says.
 * Answers come back in the order of `urls`; a terminal failure throws a Graph.* DirSyncError.
 */
export async function readInBatches<T>(session: GraphSession, urls: readonly string[]): Promise<T[]> {
  const answers: T[] = new Array(urls.length);
  for (let start = 0; start < urls.length; start += MAX_BATCH_SIZE) {
    let pending: BatchRequestItem[] = urls
      .slice(start, start + MAX_BATCH_SIZE)
      .map((url, offset) => ({ id: String(start + offset), method: 'GET', url }));
    for (let attempts = 1; pending.length > 0; attempts += 1) {
      const responses = await batchOfReads(session, pending, attempts);
      if (responses === undefined) continue; // the connection was lost: reads are safe to send again
      const again = new Set<string>();
      let waitSeconds = 0;
      for (const response of responses) {
        if (response.status < 300) {
          answers[Number(response.id)] = response.body as T;
          continue;
        }
        const decision = retryItem(session, response, attempts);
        if (decision === undefined) {
          const { code, message } = errorDetail(response);
          // Graph's own answer stays the cause, so a caller can still tell a refusal (403, a missing licence) apart.
          const answer = Object.assign(new GraphError(response.status, message), { code });
          throw graphRequestError(response.status, code, `GET ${urls[Number(response.id)]}: ${message}`, answer);
        }
        waitSeconds = Math.max(waitSeconds, decision.delaySeconds);
        again.add(response.id);
      }
      pending = pending.filter((item) => again.has(item.id));
      if (pending.length > 0) await sleep(waitSeconds * 1000);
    }
  }
  return answers;
}

/** One $batch of reads; undefined after a lost connection (waited out, to be sent again), until the policy gives up. */
async function batchOfReads(session: GraphSession, items: BatchRequestItem[], attempts: number): Promise<BatchResponseItem[] | undefined> {
  try {
    return await session.batch(items);
  } catch (error) {
    const decision = isOutcomeUnknown(error) ? session.retryPolicy.afterLostConnection(attempts) : undefined;
    if (decision === undefined) throw error;
    session.counters.retries += 1;
    await sleep(decision.delaySeconds * 1000);
    return undefined;
  }
}
