import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { HttpsTransport } from '../https-transport.ts';
import { requestHeaders, requestMethod, requestUrl } from './request-writes.ts';

/** Statuses whose responses cannot carry a body (the Response constructor rejects one). */
const BODILESS_STATUSES = new Set([101, 204, 205, 304]);

/** The last middleware: sends through HttpsTransport (explicit CA, HTTPS_PROXY) instead of the global fetch. */
export class HttpsTransportHandler implements Middleware {
  private readonly transport: HttpsTransport;

  constructor(transport: HttpsTransport) {
    this.transport = transport;
  }

  async execute(context: Context): Promise<void> {
    const body = context.options?.body;
    if (body !== undefined && body !== null && typeof body !== 'string') {
      throw new TypeError('DirSync sends Graph request bodies as JSON text only.');
    }
    const headers = Object.fromEntries(requestHeaders(context).entries());
    const response = await this.transport.send({ method: requestMethod(context), url: requestUrl(context), headers, body: body ?? undefined });
    context.response = new Response(BODILESS_STATUSES.has(response.status) ? null : response.body, {
      status: response.status,
      headers: response.headers,
    });
  }
}
