import assert from 'node:assert/strict';
import { GraphSession } from '../../../src/connectors/entra/graph-session.ts';
import { HttpsTransport } from '../../../src/connectors/entra/https-transport.ts';
import { AppSignIn } from '../../../src/connectors/entra/sign-in.ts';
import type { EntraStandIn } from '../../entra-standin/stand-in.ts';
import { standInEndpoints, withStandIn } from './stand-in-fixture.ts';
import { startTunnelProxy } from '../../support/tunnel-proxy.ts';

describe('HTTPS proxy (HTTPS_PROXY / NO_PROXY) for sign-in and Graph', function () {
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

  async function readOrganizationThrough(proxyEnv: NodeJS.ProcessEnv): Promise<void> {
    const transport = new HttpsTransport({ caPem: standIn.caPem, proxyEnv });
    try {
      const endpoints = standInEndpoints(standIn);
      const signIn = new AppSignIn({
        tenantId: standIn.tenantId,
        clientId: standIn.clientId,
        credential: { kind: 'client-secret', secret: standIn.clientSecret },
        endpoints,
        transport,
      });
      const session = new GraphSession({ graphEndpoint: endpoints.graphEndpoint, tokens: signIn, transport, preview: true });
      const organization = await session.get<{ value: Array<{ id: string }> }>('/organization');
      assert.equal(organization.value[0]?.id, standIn.tenantId);
    } finally {
      transport.close();
    }
  }

  it('tunnels sign-in and Graph through the proxy named by HTTPS_PROXY', async () => {
    proxy.targets.length = 0;
    await readOrganizationThrough({ HTTPS_PROXY: proxy.url });
    assert.ok(proxy.targets.length >= 1);
    assert.ok(
      proxy.targets.every((target) => target === standIn.authorityHost),
      proxy.targets.join(', '),
    );
  });

  it('goes direct to a host listed in NO_PROXY', async () => {
    proxy.targets.length = 0;
    await readOrganizationThrough({ HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    assert.deepEqual(proxy.targets, []);
  });
});
