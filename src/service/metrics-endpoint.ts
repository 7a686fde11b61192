// The service's HTTP endpoint for monitoring: GET /metrics (Prometheus text exposition) and GET /healthz (200 or 503
// with a JSON body saying why). Loopback only unless the administrator asks otherwise: the metrics name no secret,
// but they describe the directory's activity, and nothing on the network needs them by default.
import { createServer, type Server } from 'node:http';
import { isIP } from 'node:net';
import { DirSyncError } from '../core/errors.ts';
import type { ServiceMetrics } from './service-metrics.ts';

export interface ListenAddress {
  host: string;
  port: number;
}

/** `127.0.0.1:9464`, `[::1]:9464`, `localhost:9464`. */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || !(port >= 0 && port <= 65535)) {
    throw new DirSyncError('Parameters.invalid', `--metrics-listen takes host:port (e.g. 127.0.0.1:9464 or [::1]:9464); got "${text}"`, {
      target: text,
    });
  }
  return { host: match[1] ?? match[2]!, port };
}

export function isLoopback(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:127\./i.test(host);
  return false;
}

export interface MetricsEndpoint {
  /** Where it listens (the port the system chose when asked for 0). */
  readonly address: ListenAddress;
  close(): Promise<void>;
}

export async function startMetricsEndpoint(
  address: ListenAddress,
  metrics: ServiceMetrics,
  options: { allowRemote: boolean },
): Promise<MetricsEndpoint> {
  if (!isLoopback(address.host) && !options.allowRemote) {
    throw new DirSyncError(
      'Service.metrics-address-not-loopback',
      `the metrics endpoint would listen on ${address.host}, which is reachable from the network`,
      { target: address.host },
    );
  }
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://metrics').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
      );
    } else if (path === '/healthz') {
      const health = metrics.health();
      response
        .writeHead(health.healthy ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: health.healthy ? 'ok' : 'unhealthy', ...health }));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: try /metrics or /healthz.\n');
    }
  });
  await listen(server, address);
  const bound = server.address();
  return {
    address: { host: address.host, port: typeof bound === 'object' && bound ? bound.port : address.port },
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, address: ListenAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new DirSyncError(
          'Service.metrics-listen-failed',
          `the metrics endpoint cannot listen on ${address.host}:${address.port}: ${error.code ?? error.message}`,
          { target: `${address.host}:${address.port}`, cause: error },
        ),
      );
    });
    server.listen(address.port, address.host, () => resolve());
  });
}
