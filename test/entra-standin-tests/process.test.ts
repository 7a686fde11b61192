import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

interface Started {
  ready: Record<string, string>;
  startupMs: number;
  stop(): Promise<number | null>;
}

/**
 * Starts the stand-in as a consumer would: through `npm run --silent entra-standin -- …`, or with
 * Node directly. npm does not forward SIGTERM, so the whole process group is signalled.
 */
async function startProcess(viaNpm: boolean, args: string[]): Promise<Started> {
  const started = Date.now();
  const [command, commandArgs] = viaNpm
    ? ['npm', ['run', '--silent', 'entra-standin', '--', ...args]]
    : ['node_modules/.bin/node', ['test/entra-standin/main.ts', ...args]];
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`entra-standin exited with ${code} before printing its JSON line`)));
  });
  const startupMs = Date.now() - started;
  const extra: string[] = [];
  lines.on('line', (line) => extra.push(line));
  return {
    ready: JSON.parse(first) as Record<string, string>,
    startupMs,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', (code) => {
          assert.deepEqual(extra, [], 'nothing but the JSON line on stdout');
          resolve(code);
        });
        process.kill(-child.pid!, 'SIGTERM');
      }),
  };
}

describe('entra stand-in: as a process', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'entra-standin-process-'));
  after(() => rmSync(stateDir, { recursive: true, force: true }));

  it('prints exactly one JSON line when ready, exits 0 on SIGTERM, and keeps its tenant and app across restarts with --state-dir', async () => {
    const first = await startProcess(true, ['--state-dir', stateDir, '--port', '0']);
    assert.deepEqual(Object.keys(first.ready).sort(), ['authority', 'caFile', 'clientId', 'clientSecret', 'graphEndpoint', 'tenantId']);
    assert.equal(first.ready.authority, `${first.ready.graphEndpoint}/${first.ready.tenantId}`);
    assert.equal(first.ready.caFile, join(stateDir, 'ca.pem'));
    console.log(`      entra-standin process ready after ${first.startupMs} ms (npm run included)`);
    assert.ok(first.startupMs < 5000, `started in ${first.startupMs} ms`);
    await first.stop();

    const second = await startProcess(false, ['--state-dir', stateDir]);
    assert.deepEqual(
      [second.ready.tenantId, second.ready.clientId, second.ready.clientSecret, second.ready.caFile],
      [first.ready.tenantId, first.ready.clientId, first.ready.clientSecret, first.ready.caFile],
    );
    assert.equal(await second.stop(), 0);
  });
});
