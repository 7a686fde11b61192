// The one way the connector talks to Microsoft Graph. Every request goes through the middleware chain
//   typed errors → auth → preview guard → write budget → retry (RetryPolicy) → request counter → HTTPS transport
// so "a preview writes nothing", pacing, retries and counting hold for every caller without ifs elsewhere.
// Failures leave the session as DirSyncErrors (errors.ts): the connector's boundary.
import { AuthenticationHandler, Client, type GraphRequest, type Middleware } from '@microsoft/microsoft-graph-client';
import { translateGraphError } from './errors.ts';
import { newGraphCounters, type GraphCounters } from './graph-counters.ts';
import { HttpsTransportHandler } from './graph-middleware/https-transport-handler.ts';
import { PreviewGuard } from './graph-middleware/preview-guard.ts';
import { RequestCounter } from './graph-middleware/request-counter.ts';
import { RefreshTokenOnUnauthorized } from './graph-middleware/refresh-token-on-unauthorized.ts';
import { RetryTransientAnswers } from './graph-middleware/retry-transient-answers.ts';
import { TypedErrorPassThrough, unwrapTypedError } from './graph-middleware/typed-error-pass-through.ts';
import { WriteBudgetHandler } from './graph-middleware/write-budget-handler.ts';
import type { HttpsTransport } from './https-transport.ts';
import { RetryPolicy, type RetryPolicyOptions } from './retry-policy.ts';
import type { AccessTokenSource } from './sign-in.ts';
import { GRAPH_WRITE_BUDGET, WriteBudget, type WriteBudgetLimits } from './write-budget.ts';

export interface GraphSessionOptions {
  /** The Graph root, e.g. https://graph.microsoft.com (see clouds.ts). */
  graphEndpoint: string;
  tokens: AccessTokenSource;
  transport: HttpsTransport;
  /** A preview run: every write is refused (Sync.preview-write-blocked). */
  preview: boolean;
  writeBudget?: WriteBudgetLimits;
  /** The retry policy's limits and backoff (defaults in retry-policy.ts). */
  retry?: RetryPolicyOptions;
}

export type BatchMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface BatchRequestItem {
  id: string;
  method: BatchMethod;
  /** Relative to the version root, e.g. /users or /groups/{id}/members/$ref. */
  url: string;
  body?: unknown;
}

export interface BatchResponseItem {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Graph takes at most this many requests in one $batch. */
export const MAX_BATCH_SIZE = 20;

export class GraphSession {
  readonly preview: boolean;
  readonly counters: GraphCounters = newGraphCounters();
  readonly writeBudget: WriteBudget;
  readonly retryPolicy: RetryPolicy;
  private readonly client: Client;
  private readonly graphOrigin: string;

  constructor(options: GraphSessionOptions) {
    this.preview = options.preview;
    this.writeBudget = new WriteBudget(options.writeBudget ?? GRAPH_WRITE_BUDGET);
    this.retryPolicy = new RetryPolicy(options.retry);
    let freshTokenWanted = false;
    const chain: Middleware[] = [
      new TypedErrorPassThrough(),
      new RefreshTokenOnUnauthorized(() => {
        freshTokenWanted = true;
      }),
      new AuthenticationHandler({
        getAccessToken: () => {
          const forceRefresh = freshTokenWanted;
          freshTokenWanted = false;
          return options.tokens.acquireToken({ forceRefresh });
        },
      }),
      ...(options.preview ? [new PreviewGuard()] : []),
      new WriteBudgetHandler(this.writeBudget, this.counters),
      new RetryTransientAnswers(this.retryPolicy, this.counters, (seconds) => this.writeBudget.holdFor(seconds)),
      new RequestCounter(this.counters),
      new HttpsTransportHandler(options.transport),
    ];
    for (let index = 1; index < chain.length; index += 1) chain[index - 1]!.setNext!(chain[index]!);
    const endpoint = new URL(options.graphEndpoint);
    this.graphOrigin = endpoint.origin;
    this.client = Client.initWithMiddleware({
      middleware: chain[0],
      baseUrl: endpoint.origin,
      defaultVersion: 'v1.0',
      // The auth handler attaches the token only to these hosts (host name without port).
      customHosts: new Set([endpoint.hostname]),
    });
  }

  /** The absolute URL Graph wants in `@odata.id` and `members@odata.bind` references. */
  directoryObjectUrl(id: string): string {
    return `${this.graphOrigin}/v1.0/directoryObjects/${id}`;
  }

  get<T>(path: string, headers?: Record<string, string>): Promise<T> {
    return this.send((request) => request.get(), path, headers);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.send((request) => request.post(body), path);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.send((request) => request.patch(body), path);
  }

  delete(path: string): Promise<void> {
    return this.send((request) => request.delete(), path);
  }

  /** Every item of a collection, following @odata.nextLink. */
  async *getAll<T>(path: string, headers?: Record<string, string>): AsyncIterable<T> {
    let next: string | undefined = path;
    while (next !== undefined) {
      const page: { value: T[]; '@odata.nextLink'?: string } = await this.get(next, headers);
      yield* page.value;
      next = page['@odata.nextLink'];
    }
  }

  /**
   * Sends up to MAX_BATCH_SIZE requests as one $batch, posted directly (the SDK's BatchRequestContent
   * produces URLs Graph rejects). Items are not retried here: a 429 or 5xx item comes back as it is.
   */
  async batch(items: readonly BatchRequestItem[]): Promise<BatchResponseItem[]> {
    if (items.length === 0 || items.length > MAX_BATCH_SIZE) {
      throw new RangeError(`A $batch holds 1 to ${MAX_BATCH_SIZE} requests, not ${items.length}.`);
    }
    const requests = items.map((item) => (item.body === undefined ? item : { ...item, headers: { 'Content-Type': 'application/json' } }));
    const answer = await this.post<{ responses: BatchResponseItem[] }>('/$batch', { requests });
    return answer.responses;
  }

  /** Graph answered 429 (top level or inside a $batch): count it and hold all writes for Retry-After. */
  reportThrottled(retryAfterSeconds: number): void {
    this.counters.throttled += 1;
    this.writeBudget.holdFor(retryAfterSeconds);
  }

  private async send<T>(call: (request: GraphRequest) => Promise<T>, path: string, headers?: Record<string, string>): Promise<T> {
    const request = this.client.api(path);
    if (headers !== undefined) request.headers(headers);
    try {
      return await call(request);
    } catch (error) {
      throw translateGraphError(unwrapTypedError(error));
    }
  }
}
