// Run by tls-verification.test.ts in a process whose environment says NODE_TLS_REJECT_UNAUTHORIZED=0.
// Reads the stand-in's coordinates (JSON) from standard input and prints what each kind of request got.
import https from 'node:https';
import { text } from 'node:stream/consumers';
import { connectToEntra } from '../../../src/connectors/entra/connection.ts';
import { HttpsTransport } from '../../../src/connectors/entra/https-transport.ts';

interface StandInCoordinates {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
  graphEndpoint: string;
  caPem: string;
  /** A tunnelling proxy, so that the tunnelled path is checked too. */
  proxyUrl: string;
}

const standIn = JSON.parse(await text(process.stdin)) as StandInCoordinates;
const cloud = { authorityHost: `https://${standIn.authorityHost}`, graphEndpoint: standIn.graphEndpoint };
const settings = {
  tenantId: standIn.tenantId,
  clientId: standIn.clientId,
  credential: { kind: 'client-secret' as const, secret: standIn.clientSecret },
  cloud,
  preview: true,
};

function outcome(error: unknown): { failed: string; code?: string } {
  const failure = error as Error & { code?: string };
  return { failed: failure.name, ...(failure.code ? { code: failure.code } : {}) };
}

/** Node's own client, to show that the environment variable really turns verification off in this process. */
const plainNodeClient = await new Promise<unknown>((resolve) => {
  https
    .get(`${standIn.graphEndpoint}/organization`, (response) => {
      response.resume();
      resolve({ status: response.statusCode });
    })
    .on('error', (error) => resolve(outcome(error)));
});

const signInWithoutCa = await connectToEntra(settings).then((connection) => {
  connection.close();
  return { signedIn: true };
}, outcome);

async function graphWithoutCa(proxyEnv: NodeJS.ProcessEnv): Promise<unknown> {
  const transport = new HttpsTransport({ proxyEnv });
  try {
    const response = await transport.send({ method: 'GET', url: `${standIn.graphEndpoint}/organization`, headers: {} });
    return { status: response.status };
  } catch (error) {
    return outcome(error);
  } finally {
    transport.close();
  }
}
const graphDirect = await graphWithoutCa({});
const graphThroughProxy = await graphWithoutCa({ HTTPS_PROXY: standIn.proxyUrl });

const withCa = await connectToEntra({ ...settings, caPem: standIn.caPem }).then(async (connection) => {
  try {
    const organization = await connection.session.get<{ value: Array<{ id: string }> }>('/organization');
    return { organization: organization.value[0]?.id };
  } finally {
    connection.close();
  }
}, outcome);

console.log(JSON.stringify({ plainNodeClient, signInWithoutCa, graphDirect, graphThroughProxy, withCa }));
