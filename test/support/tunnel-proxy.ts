import { createServer, type Server } from 'node:http';
import { connect as connectSocket, type AddressInfo } from 'node:net';

/** A forward proxy that only tunnels (CONNECT), as corporate HTTPS proxies do; records the targets. */
export async function startTunnelProxy(): Promise<{ url: string; targets: string[]; server: Server; stop(): Promise<void> }> {
  const targets: string[] = [];
  const server = createServer((_request, response) => response.writeHead(405).end());
  server.on('connect', (request, client, head) => {
    targets.push(request.url ?? '');
    const [host, port] = (request.url ?? '').split(':');
    const upstream = connectSocket(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stop = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, targets, server, stop };
}
