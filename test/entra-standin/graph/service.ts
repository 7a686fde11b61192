// Microsoft Graph v1.0: authenticates each request, applies injected faults and the write budget,
// routes to the resource modules, and shapes every error like real Graph.

import { randomUUID } from 'node:crypto';
import { GraphError, graphErrors } from '../errors.ts';
import type { Directory } from '../directory.ts';
import type { FaultAction, FaultInjector } from '../faults.ts';
import type { RequestLog } from '../request-log.ts';
import type { WriteBudget } from '../throttle.ts';
import type { TokenService } from '../identity/tokens.ts';
import { registerApplications } from './applications.ts';
import { runBatch } from './batch.ts';
import { registerContacts } from './contacts.ts';
import { registerDeletedItems } from './deleted-items.ts';
import { registerDelta } from './delta.ts';
import { registerDirectoryObjects } from './directory-objects.ts';
import { registerGroups } from './groups.ts';
import { registerOrganization } from './organization.ts';
import { registerRoleManagement } from './role-management.ts';
import { Router } from './router.ts';
import type { Caller, GraphRequest, GraphResponse } from './types.ts';
import { registerUsers } from './users.ts';

export const graphVersion = '/v1.0';

/** POSTs that only read: they do not count against the write budget. */
const readOnlyPosts = [/^\/directoryObjects\/getByIds$/i];

export interface IncomingGraphRequest {
  method: string;
  /** Path below /v1.0. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  rawBody: string;
}

/** A response, or the instruction to drop the connection (an injected fault). */
export type GraphOutcome = GraphResponse | { drop: true };

export class GraphService {
  readonly #router = new Router();
  readonly #tokens: TokenService;
  readonly #budget: WriteBudget;
  readonly #faults: FaultInjector;
  readonly #log: RequestLog;
  readonly #serviceRoot: string;

  constructor(options: { directory: Directory; tokens: TokenService; budget: WriteBudget; faults: FaultInjector; log: RequestLog; origin: string }) {
    this.#tokens = options.tokens;
    this.#budget = options.budget;
    this.#faults = options.faults;
    this.#log = options.log;
    this.#serviceRoot = `${options.origin}${graphVersion}`;
    // Literal paths (delta, $count) are registered before the `{id}` patterns they would match.
    registerDelta(this.#router, options.directory);
    registerUsers(this.#router, options.directory);
    registerGroups(this.#router, options.directory);
    registerContacts(this.#router, options.directory);
    registerDirectoryObjects(this.#router, options.directory);
    registerDeletedItems(this.#router, options.directory);
    registerOrganization(this.#router, options.directory);
    registerApplications(this.#router, options.directory);
    registerRoleManagement(this.#router, options.directory);
  }

  /** A top-level HTTP request to /v1.0/…. */
  async handle(incoming: IncomingGraphRequest): Promise<GraphOutcome> {
    const requestId = randomUUID();
    const clientRequestId = incoming.headers['client-request-id'] ?? randomUUID();
    let caller: Caller | undefined;
    let outcome: GraphOutcome;
    try {
      const fault = await this.#fault(incoming.method, incoming.path);
      if (fault) outcome = fault;
      else {
        caller = await this.#tokens.verify(incoming.headers.authorization);
        const request = this.#request(incoming, caller, parseJson(incoming.rawBody), false);
        outcome =
          incoming.method === 'POST' && incoming.path === '/$batch'
            ? await runBatch(request, (item) => this.execute(item))
            : await this.#dispatch(request);
      }
    } catch (error) {
      outcome = errorResponse(error);
    }
    if ('drop' in outcome) {
      this.#record(incoming.method, incoming.path, incoming.query, 0, caller, false, requestId);
      return outcome;
    }
    this.#record(incoming.method, incoming.path, incoming.query, outcome.status, caller, false, requestId);
    return withRequestIds(outcome, requestId, clientRequestId);
  }

  /** One request inside a $batch: the same faults, budget, routing and errors as at top level. */
  async execute(request: GraphRequest): Promise<GraphOutcome> {
    const requestId = randomUUID();
    let outcome: GraphOutcome;
    try {
      outcome = (await this.#fault(request.method, request.path)) ?? (await this.#dispatch(request));
    } catch (error) {
      outcome = errorResponse(error);
    }
    this.#record(request.method, request.path, request.query, 'drop' in outcome ? 0 : outcome.status, request.caller, true, requestId);
    return 'drop' in outcome ? outcome : withRequestIds(outcome, requestId, request.headers['client-request-id'] ?? randomUUID());
  }

  #request(incoming: IncomingGraphRequest, caller: Caller, body: unknown, inBatch: boolean): GraphRequest {
    return {
      method: incoming.method,
      path: incoming.path,
      query: incoming.query,
      headers: incoming.headers,
      body,
      inBatch,
      caller,
      serviceRoot: this.#serviceRoot,
    };
  }

  async #dispatch(request: GraphRequest): Promise<GraphResponse> {
    const { route, params } = this.#router.match(request.method, request.path);
    if (!route.permissions.some((permission) => request.caller.permissions.has(permission))) throw graphErrors.insufficientPrivileges();
    if (request.method !== 'GET' && !readOnlyPosts.some((pattern) => pattern.test(request.path))) {
      const retryAfter = this.#budget.take(request.caller.appId);
      if (retryAfter !== undefined) throw graphErrors.throttled(retryAfter);
    }
    return route.handler(request, params);
  }

  async #fault(method: string, path: string): Promise<GraphOutcome | undefined> {
    const action: FaultAction | undefined = this.#faults.take(method, `${graphVersion}${path}`);
    if (!action) return undefined;
    switch (action.kind) {
      case 'drop':
        return { drop: true };
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, action.ms));
        return undefined;
      case 'status':
        return errorResponse(injectedError(action.status, action.retryAfterSeconds));
    }
  }

  #record(
    method: string,
    path: string,
    query: URLSearchParams,
    status: number,
    caller: Caller | undefined,
    inBatch: boolean,
    requestId: string,
  ): void {
    const search = query.toString();
    this.#log.add({
      time: new Date().toISOString(),
      method,
      path: `${graphVersion}${path}${search ? `?${search}` : ''}`,
      status,
      appId: caller?.appId ?? null,
      inBatch,
      requestId,
    });
  }
}

function injectedError(status: number, retryAfterSeconds: number | undefined): GraphError {
  if (status === 429) return graphErrors.throttled(retryAfterSeconds ?? 1);
  const base =
    status === 500
      ? graphErrors.internalServerError()
      : status >= 500
        ? graphErrors.serviceUnavailable()
        : new GraphError(status, 'BadRequest', 'Injected fault.');
  const headers: Record<string, string> = retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) };
  return new GraphError(status, base.code, base.message, { headers });
}

function parseJson(rawBody: string): unknown {
  if (rawBody.trim() === '') return undefined;
  try {
    return JSON.parse(rawBody);
  } catch {
    throw graphErrors.invalidJson();
  }
}

/** `{ error: { code, message, details?, innerError } }`; unexpected exceptions become 500. */
export function errorResponse(error: unknown): GraphResponse {
  const graphError = error instanceof GraphError ? error : graphErrors.internalServerError();
  if (!(error instanceof GraphError)) console.error('entra-standin: unexpected error', error);
  const body: { error: Record<string, unknown> } = { error: { code: graphError.code, message: graphError.message } };
  if (graphError.details) body.error.details = graphError.details;
  return { status: graphError.status, headers: { ...graphError.headers }, body };
}

/** Adds the `request-id` header and, on errors, the `innerError` Graph puts in every error body. */
function withRequestIds(response: GraphResponse, requestId: string, clientRequestId: string): GraphResponse {
  const headers = { ...response.headers, 'request-id': requestId, 'client-request-id': clientRequestId };
  const body = response.body as { error?: Record<string, unknown> } | undefined;
  if (response.status >= 400 && body?.error) {
    body.error.innerError = { date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': clientRequestId };
  }
  return { ...response, headers };
}
