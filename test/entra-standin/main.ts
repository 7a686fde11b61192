// `npm run --silent entra-standin -- [--port N] [--state-dir DIR] [--throttle-writes N --throttle-window-seconds S]`
// Prints one JSON line with the connection details when ready; runs until SIGTERM or SIGINT.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEntraStandIn } from './stand-in.ts';

const usage = 'usage: entra-standin [--port N] [--state-dir DIR] [--throttle-writes N --throttle-window-seconds S]';

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new Error(`--${name} must be a whole number, got '${value}'.\n${usage}`);
  return number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'state-dir': { type: 'string' },
      'throttle-writes': { type: 'string' },
      'throttle-window-seconds': { type: 'string' },
    },
  });
  const writes = positiveInteger('throttle-writes', values['throttle-writes']);
  const windowSeconds = positiveInteger('throttle-window-seconds', values['throttle-window-seconds']) ?? (writes === undefined ? undefined : 150);
  const port = positiveInteger('port', values.port);
  const standIn = await startEntraStandIn({
    ...(port === undefined ? {} : { port }),
    ...(values['state-dir'] ? { stateDir: resolve(values['state-dir']) } : {}),
    ...(writes === undefined ? {} : { throttle: { writes, windowSeconds: windowSeconds! } }),
  });
  const stop = (): void => {
    standIn.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Handlers first: a consumer may signal as soon as it has read the line.
  const { authority, graphEndpoint, tenantId, clientId, clientSecret, caFile } = standIn;
  process.stdout.write(`${JSON.stringify({ authority, graphEndpoint, tenantId, clientId, clientSecret, caFile })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`entra-standin: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
