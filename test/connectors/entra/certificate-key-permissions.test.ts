import assert from 'node:assert/strict';
import { chmod } from 'node:fs/promises';
import { DirSyncError } from '../../../src/core/errors.ts';
import type { EntraStandIn } from '../../entra-standin/stand-in.ts';
import { applicationCertificatePemFile } from '../../support/certificates.ts';
import { connect, withStandIn } from './stand-in-fixture.ts';

describe("the client certificate's private key file", function () {
  this.timeout(30_000);
  let standIn: EntraStandIn;

  before(async () => {
    standIn = await withStandIn();
  });
  after(() => standIn.stop());

  it('is refused while other accounts can read it, before any sign-in, and used once it is owner-only', async () => {
    const { pemFile, certificatePem } = await applicationCertificatePemFile();
    const app = standIn.control.createApplication({ roles: ['User.ReadWrite.All'], certificatePem });
    const settings = { clientId: app.appId, credential: { kind: 'certificate' as const, pemFile } };
    const isTokenRequest = (request: { path: string; appId: string | null }) =>
      request.path.endsWith('/oauth2/v2.0/token') && request.appId === app.appId;

    await chmod(pemFile, 0o644);
    const error = await connect(standIn, settings).then(
      (connection) => {
        connection.close();
        assert.fail('signed in with a private key other accounts can read');
      },
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof DirSyncError, String(error));
    assert.equal(error.code, 'Secrets.file-exposed');
    assert.ok(error.message.includes(`refusing to use ${pemFile}: it holds the application's private key, but its mode is 644`), error.message);
    assert.ok(error.recommendedAction.includes(`"chmod 600 ${pemFile}"`), error.recommendedAction);
    assert.equal(standIn.control.requests().filter(isTokenRequest).length, 0);

    await chmod(pemFile, 0o600);
    const connection = await connect(standIn, settings);
    connection.close();
    assert.equal(standIn.control.requests().filter(isTokenRequest).at(-1)?.status, 200);
  });
});
