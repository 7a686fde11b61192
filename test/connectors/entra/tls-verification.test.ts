import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import type { EntraStandIn } from '../../entra-standin/stand-in.ts';
import { withStandIn } from './stand-in-fixture.ts';
import { startTunnelProxy } from '../../support/tunnel-proxy.ts';

const probeScript = fileURLToPath(new URL('./tls-verification-probe.ts', import.meta.url));

describe('TLS certificate verification of sign-in and Graph', function () {
  this.timeout(30_000);
  let standIn: EntraStandIn;
  let proxy: Awaited<ReturnType<typeof startTunnelProxy>>;

  before(async () => {
    standIn = await withStandIn();
    proxy = await startTunnelProxy();
  });
  after(async () => {
    await proxy.stop();
    await standIn.stop();
  });

  it('cannot be turned off by NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment', async () => {
    const probe = spawn(process.execPath, [probeScript], {
      env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0', NODE_EXTRA_CA_CERTS: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const { tenantId, clientId, clientSecret, authorityHost, graphEndpoint, caPem } = standIn;
    probe.stdin.end(JSON.stringify({ tenantId, clientId, clientSecret, authorityHost, graphEndpoint, caPem, proxyUrl: proxy.url }));
    const [output, errors, exitCode] = await Promise.all([
      text(probe.stdout),
      text(probe.stderr),
      new Promise((resolve) => probe.once('exit', resolve)),
    ]);
    assert.equal(exitCode, 0, errors);
    const result = JSON.parse(output) as Record<string, unknown>;
    // The environment variable is in force in that process: Node's own client accepts the untrusted certificate.
    assert.equal(typeof (result.plainNodeClient as { status?: unknown }).status, 'number', JSON.stringify(result.plainNodeClient));
    assert.deepEqual(result.signInWithoutCa, { failed: 'DirSyncError', code: 'CloudConnection.certificate-untrusted' });
    assert.deepEqual(result.graphDirect, { failed: 'DirSyncError', code: 'CloudConnection.certificate-untrusted' });
    assert.deepEqual(result.graphThroughProxy, { failed: 'DirSyncError', code: 'CloudConnection.certificate-untrusted' });
    assert.deepEqual(proxy.targets, [standIn.authorityHost]);
    assert.deepEqual(result.withCa, { organization: standIn.tenantId });
  });
});
