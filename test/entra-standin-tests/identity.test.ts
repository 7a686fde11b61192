import assert from 'node:assert/strict';
import { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node';
import { decodeJwt, importPKCS8, SignJWT } from 'jose';
import { useStandIn } from './support.ts';
import { applicationCertificate } from '../support/certificates.ts';

const graphScope = ['https://graph.microsoft.com/.default'];

describe('entra stand-in: identity platform through @azure/msal-node', () => {
  const standIn = useStandIn({ deviceCodeIntervalSeconds: 1 });

  const confidential = (auth: Record<string, unknown>, tenant = standIn().tenantId) =>
    new ConfidentialClientApplication({
      auth: { clientId: standIn().clientId, authority: `${standIn().graphEndpoint}/${tenant}`, knownAuthorities: [standIn().authorityHost], ...auth },
    });

  async function form(path: string, fields: Record<string, string>) {
    const response = await fetch(`${standIn().authority}${path}`, { method: 'POST', body: new URLSearchParams(fields) });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  it('issues an app-only token for the client secret, carrying the app roles DirSync needs', async () => {
    const result = await confidential({ clientSecret: standIn().clientSecret }).acquireTokenByClientCredential({ scopes: graphScope });
    assert.ok(result?.accessToken);
    const claims = decodeJwt(result.accessToken);
    assert.equal(claims.aud, 'https://graph.microsoft.com');
    assert.equal(claims.tid, standIn().tenantId);
    for (const role of [
      'User.ReadWrite.All',
      'Group.ReadWrite.All',
      'GroupMember.ReadWrite.All',
      'Organization.Read.All',
      'Domain.Read.All',
      'Application.ReadWrite.OwnedBy',
    ]) {
      assert.ok((claims.roles as string[]).includes(role), role);
    }
  });

  it('rejects a wrong secret with invalid_client / AADSTS7000215', async () => {
    await assert.rejects(
      confidential({ clientSecret: 'not-the-secret' }).acquireTokenByClientCredential({ scopes: graphScope }),
      (error: any) => error.errorCode === 'invalid_client' && /AADSTS7000215/.test(error.errorMessage),
    );
  });

  it('accepts a certificate assertion signed with the registered certificate (x5t#S256, PS256 and x5t, RS256)', async () => {
    const certificate = await applicationCertificate();
    const app = standIn().control.createApplication({ roles: ['User.Read.All'], certificatePem: certificate.certificatePem });
    for (const clientCertificate of [
      { thumbprintSha256: certificate.sha256Hex, privateKey: certificate.privateKeyPem },
      { thumbprint: certificate.sha1Hex, privateKey: certificate.privateKeyPem },
    ]) {
      const client = new ConfidentialClientApplication({
        auth: { clientId: app.appId, authority: standIn().authority, knownAuthorities: [standIn().authorityHost], clientCertificate },
      });
      const result = await client.acquireTokenByClientCredential({ scopes: graphScope });
      assert.deepEqual(decodeJwt(result!.accessToken).roles, ['User.Read.All']);
    }
  });

  it('rejects a certificate the app does not have with AADSTS700027', async () => {
    const registered = await applicationCertificate();
    const other = await applicationCertificate();
    const app = standIn().control.createApplication({ roles: [], certificatePem: registered.certificatePem });
    const client = new ConfidentialClientApplication({
      auth: {
        clientId: app.appId,
        authority: standIn().authority,
        knownAuthorities: [standIn().authorityHost],
        clientCertificate: { thumbprintSha256: other.sha256Hex, privateKey: other.privateKeyPem },
      },
    });
    await assert.rejects(client.acquireTokenByClientCredential({ scopes: graphScope }), (error: any) => /AADSTS700027/.test(error.errorMessage));
  });

  it('checks the assertion signature, audience and lifetime', async () => {
    const registered = await applicationCertificate();
    const app = standIn().control.createApplication({ roles: [], certificatePem: registered.certificatePem });
    const forger = await applicationCertificate();
    const tokenEndpoint = `${standIn().authority}/oauth2/v2.0/token`;
    const assertion = async (privateKeyPem: string, audience: string, expiresIn: number) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', x5t: Buffer.from(registered.sha1Hex, 'hex').toString('base64url') })
        .setIssuer(app.appId)
        .setSubject(app.appId)
        .setAudience(audience)
        .setJti(crypto.randomUUID())
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
        .sign(await importPKCS8(privateKeyPem, 'RS256'));
    const attempt = async (clientAssertion: string) =>
      form('/oauth2/v2.0/token', {
        grant_type: 'client_credentials',
        client_id: app.appId,
        scope: graphScope[0]!,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: clientAssertion,
      });
    assert.equal((await attempt(await assertion(registered.privateKeyPem, tokenEndpoint, 600))).status, 200);
    const forged = await attempt(await assertion(forger.privateKeyPem, tokenEndpoint, 600));
    assert.deepEqual([forged.status, forged.body.error_codes], [401, [700027]]);
    const wrongAudience = await attempt(await assertion(registered.privateKeyPem, 'https://example.test/token', 600));
    assert.deepEqual([wrongAudience.status, wrongAudience.body.error], [401, 'invalid_client']);
    const expired = await attempt(await assertion(registered.privateKeyPem, tokenEndpoint, -60));
    assert.deepEqual(expired.body.error_codes, [700024]);
  });

  it('answers an unknown app with AADSTS700016 and an unknown tenant with AADSTS90002', async () => {
    const unknownApp = await form('/oauth2/v2.0/token', {
      grant_type: 'client_credentials',
      client_id: crypto.randomUUID(),
      client_secret: 'x',
      scope: graphScope[0]!,
    });
    assert.deepEqual([unknownApp.status, unknownApp.body.error, unknownApp.body.error_codes], [400, 'unauthorized_client', [700016]]);
    assert.match(unknownApp.body.error_description, /^AADSTS700016: Application with identifier/);
    await assert.rejects(
      confidential({ clientSecret: standIn().clientSecret }, crypto.randomUUID()).acquireTokenByClientCredential({ scopes: graphScope }),
      (error: any) => /AADSTS90002|endpoints_resolution_error/.test(`${error.errorCode} ${error.errorMessage}`),
    );
    const response = await fetch(`${standIn().graphEndpoint}/${crypto.randomUUID()}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    assert.deepEqual(((await response.json()) as any).error_codes, [90002]);
  });

  it('requires a /.default scope of Graph for client credentials', async () => {
    const notDefault = await form('/oauth2/v2.0/token', {
      grant_type: 'client_credentials',
      client_id: standIn().clientId,
      client_secret: standIn().clientSecret,
      scope: 'https://graph.microsoft.com/User.Read',
    });
    assert.deepEqual(notDefault.body.error_codes, [1002012]);
    const otherResource = await form('/oauth2/v2.0/token', {
      grant_type: 'client_credentials',
      client_id: standIn().clientId,
      client_secret: standIn().clientSecret,
      scope: 'https://vault.example.test/.default',
    });
    assert.deepEqual(otherResource.body.error_codes, [500011]);
  });

  it('signs a user in with the device code flow, answers authorization_pending until approved, and refreshes', async () => {
    const started = await form('/oauth2/v2.0/devicecode', {
      client_id: standIn().clientId,
      scope: 'https://graph.microsoft.com/Directory.ReadWrite.All offline_access',
    });
    const pending = await form('/oauth2/v2.0/token', {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: standIn().clientId,
      device_code: started.body.device_code,
    });
    assert.deepEqual([pending.status, pending.body.error, pending.body.error_codes], [400, 'authorization_pending', [70016]]);

    const client = new PublicClientApplication({
      auth: { clientId: standIn().clientId, authority: standIn().authority, knownAuthorities: [standIn().authorityHost] },
    });
    const result = await client.acquireTokenByDeviceCode({
      scopes: ['https://graph.microsoft.com/Directory.ReadWrite.All'],
      deviceCodeCallback: (response) => standIn().control.approveDeviceCode(response.userCode),
    });
    assert.ok(result?.accessToken);
    const claims = decodeJwt(result.accessToken);
    assert.equal(claims.scp, 'Directory.ReadWrite.All');
    assert.equal(claims.oid, standIn().administrator.id);

    const refreshed = await client.acquireTokenSilent({
      account: result.account!,
      scopes: ['https://graph.microsoft.com/Directory.ReadWrite.All'],
      forceRefresh: true,
    });
    assert.notEqual(refreshed.accessToken, result.accessToken);
    assert.equal(decodeJwt(refreshed.accessToken).oid, standIn().administrator.id);
  });
});
