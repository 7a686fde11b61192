import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { connectToEntra } from '../../../src/connectors/entra/connection.ts';
import { DirSyncError } from '../../../src/core/errors.ts';
import type { EntraStandIn } from '../../entra-standin/stand-in.ts';
import { connect, standInEndpoints, withStandIn } from './stand-in-fixture.ts';
import { applicationCertificatePemFile } from '../../support/certificates.ts';

describe('Entra sign-in (app-only, msal-node) against the stand-in', function () {
  this.timeout(30_000);
  let standIn: EntraStandIn;

  before(async () => {
    standIn = await withStandIn();
  });
  after(() => standIn.stop());

  it('signs in with a client secret and reads Graph with the token', async () => {
    const connection = await connect(standIn);
    try {
      const organization = await connection.session.get<{ value: Array<{ id: string }> }>('/organization');
      assert.equal(organization.value[0]?.id, standIn.tenantId);
      assert.ok((await connection.signIn.acquireToken()).length > 20);
    } finally {
      connection.close();
    }
  });

  it('signs in with a certificate (SHA-256 thumbprint, x5c sent)', async () => {
    const { pemFile, certificatePem } = await applicationCertificatePemFile();
    const app = standIn.control.createApplication({ roles: ['User.ReadWrite.All'], certificatePem });
    const connection = await connect(standIn, { clientId: app.appId, credential: { kind: 'certificate', pemFile, sendX5c: true } });
    connection.close();
    const tokenRequest = standIn.control.requests().findLast((request) => request.path.endsWith('/oauth2/v2.0/token'));
    assert.equal(tokenRequest?.status, 200);
    assert.equal(tokenRequest?.appId, app.appId);
  });

  it('reports a wrong client secret as client-secret-rejected with AADSTS7000215', async () => {
    const error = await connect(standIn, { credential: { kind: 'client-secret', secret: 'not-the-secret' } }).then(
      () => assert.fail('sign-in succeeded with a wrong secret'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof DirSyncError, String(error));
    assert.equal(error.code, 'CloudSignIn.client-secret-rejected');
    assert.match(error.message, new RegExp(`client secret for application ${standIn.clientId} was rejected \\(AADSTS7000215`));
    assert.match(error.recommendedAction ?? '', /new client secret.*configure again/);
  });

  it('reports a certificate the application does not know as client-certificate-rejected', async () => {
    const { pemFile } = await applicationCertificatePemFile();
    const error = await connect(standIn, { credential: { kind: 'certificate', pemFile } }).catch((caught: unknown) => caught);
    assert.ok(error instanceof DirSyncError, String(error));
    assert.equal(error.code, 'CloudSignIn.client-certificate-rejected');
  });

  it('names the TLS cause when the authority certificate is not trusted (no CA given)', async () => {
    const error = await connectToEntra({
      tenantId: standIn.tenantId,
      clientId: standIn.clientId,
      credential: { kind: 'client-secret', secret: standIn.clientSecret },
      cloud: standInEndpoints(standIn),
      preview: false,
    }).catch((caught: unknown) => caught);
    assert.ok(error instanceof DirSyncError, String(error));
    assert.equal(error.code, 'CloudConnection.certificate-untrusted');
    assert.equal(error.target, standIn.authorityHost);
    assert.match(error.message, /TLS certificate of 127\.0\.0\.1:\d+ is not trusted/);
  });

  it('names a refused connection', async () => {
    const closedPort = await freePort();
    const error = await connect(standIn, { cloud: { authorityHost: `https://127.0.0.1:${closedPort}`, graphEndpoint: standIn.graphEndpoint } }).catch(
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof DirSyncError, String(error));
    assert.equal(error.code, 'CloudConnection.connection-refused');
  });
});

/** A port nothing listens on: bound, read, released. */
async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}
