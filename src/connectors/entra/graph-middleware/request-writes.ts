// How many directory writes a Graph request carries: the preview guard and the write budget both ask.
import type { Context } from '@microsoft/microsoft-graph-client';

export function requestMethod(context: Context): string {
  const method = typeof context.request === 'string' ? context.options?.method : context.request.method;
  return (method ?? 'GET').toUpperCase();
}

export function requestUrl(context: Context): string {
  return typeof context.request === 'string' ? context.request : context.request.url;
}

/** 0 for a read; 1 for a single write; for a $batch, each item that is not a GET (each is throttled on its own). */
export function countWrites(context: Context): number {
  const method = requestMethod(context);
  if (method === 'GET' || method === 'HEAD') return 0;
  if (method !== 'POST' || !new URL(requestUrl(context)).pathname.endsWith('/$batch')) return 1;
  const body = context.options?.body;
  if (typeof body !== 'string') throw new TypeError('A $batch body must be JSON text to be checked.');
  const { requests } = JSON.parse(body) as { requests: Array<{ method: string }> };
  return requests.filter((item) => item.method.toUpperCase() !== 'GET').length;
}

export function requestHeaders(context: Context): Headers {
  return new Headers(context.options?.headers as ConstructorParameters<typeof Headers>[0]);
}
