// JSON batching: POST /$batch with ≤ 20 requests, relative URLs only, `dependsOn` ordering and
// 424 Failed Dependency. Each item is authorised, throttled and logged on its own. Independent
// items run in reverse order and responses are listed as they complete, so a client that assumes
// the request order is caught.

import { graphErrors } from '../errors.ts';
import type { GraphOutcome } from './service.ts';
import type { GraphRequest, GraphResponse } from './types.ts';
import { errorResponse } from './service.ts';
import { requestBody } from './writes.ts';

const maxRequestsPerBatch = 20;

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

function parseItems(request: GraphRequest): BatchItem[] {
  const requests = requestBody(request).requests;
  if (!Array.isArray(requests) || requests.length === 0) throw graphErrors.batchInvalid("The 'requests' array is missing or empty.");
  if (requests.length > maxRequestsPerBatch) throw graphErrors.batchTooLarge();
  const items = requests.map((raw: unknown): BatchItem => {
    const item = raw as Partial<Record<keyof BatchItem, unknown>>;
    if (typeof item.id !== 'string' || item.id === '' || typeof item.method !== 'string' || typeof item.url !== 'string') {
      throw graphErrors.batchInvalid("Each request needs a string 'id', 'method' and 'url'.");
    }
    if (!item.url.startsWith('/') && /^[a-z]+:/i.test(item.url)) throw graphErrors.batchAbsoluteUrl(item.id);
    const headers = Object.fromEntries(
      Object.entries((item.headers ?? {}) as Record<string, unknown>).map(([name, value]) => [name.toLowerCase(), String(value)]),
    );
    return {
      id: item.id,
      method: item.method.toUpperCase(),
      url: item.url.startsWith('/') ? item.url : `/${item.url}`,
      headers,
      body: item.body,
      dependsOn: Array.isArray(item.dependsOn) ? item.dependsOn.map(String) : [],
    };
  });
  const ids = new Set(items.map((item) => item.id));
  if (ids.size !== items.length) throw graphErrors.batchInvalid('Request ids must be unique.');
  for (const item of items) {
    if (item.dependsOn.some((dependency) => !ids.has(dependency) || dependency === item.id)) {
      throw graphErrors.batchInvalid(`Request '${item.id}' depends on an unknown request id.`);
    }
  }
  return items;
}

export async function runBatch(batch: GraphRequest, execute: (item: GraphRequest) => Promise<GraphOutcome>): Promise<GraphOutcome> {
  const items = parseItems(batch);
  const statuses = new Map<string, number>();
  const responses: Record<string, unknown>[] = [];
  let pending = [...items].reverse();
  while (pending.length > 0) {
    const ready = pending.filter((item) => item.dependsOn.every((dependency) => statuses.has(dependency)));
    if (ready.length === 0) throw graphErrors.batchInvalid('The dependsOn chain contains a cycle.');
    for (const item of ready) {
      const outcome = await runItem(batch, item, statuses, execute);
      if ('drop' in outcome) return outcome;
      statuses.set(item.id, outcome.status);
      responses.push(renderResponse(item.id, outcome));
    }
    pending = pending.filter((item) => !ready.includes(item));
  }
  return { status: 200, headers: { 'Content-Type': 'application/json' }, body: { responses } };
}

async function runItem(
  batch: GraphRequest,
  item: BatchItem,
  statuses: Map<string, number>,
  execute: (item: GraphRequest) => Promise<GraphOutcome>,
): Promise<GraphOutcome> {
  if (item.dependsOn.some((dependency) => statuses.get(dependency)! >= 400)) return errorResponse(graphErrors.failedDependency());
  if (item.body !== undefined && item.headers['content-type'] === undefined) return errorResponse(graphErrors.batchBodyWithoutContentType());
  const url = new URL(item.url, 'https://batch.invalid');
  return execute({
    method: item.method,
    path: url.pathname,
    query: url.searchParams,
    headers: item.headers,
    body: item.body,
    inBatch: true,
    caller: batch.caller,
    serviceRoot: batch.serviceRoot,
  });
}

function renderResponse(id: string, response: GraphResponse): Record<string, unknown> {
  const rendered: Record<string, unknown> = { id, status: response.status, headers: { 'Content-Type': 'application/json', ...response.headers } };
  if (response.body !== undefined) rendered.body = response.body;
  return rendered;
}
