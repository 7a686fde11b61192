// Wires one connection to a tenant: HTTPS transport → msal sign-in → Graph session. Signs in at once,
// so a wrong secret or an untrusted certificate is reported before any work starts.
import { DirSyncError } from '../../core/errors.ts';
import { clouds, type CloudEndpoints, type CloudName } from './clouds.ts';
import { GraphSession, type GraphSessionOptions } from './graph-session.ts';
import { atEndpoint } from './errors.ts';
import { HttpsTransport } from './https-transport.ts';
import { AppSignIn, type AppCredential } from './sign-in.ts';

export interface EntraConnectionSettings {
  tenantId: string;
  clientId: string;
  credential: AppCredential;
  /** A national cloud by name, or explicit endpoints (a private endpoint, the test stand-in). */
  cloud: CloudName | CloudEndpoints;
  /** A CA certificate (PEM) to trust besides the default ones. */
  caPem?: string;
  preview: boolean;
  writeBudget?: GraphSessionOptions['writeBudget'];
  retry?: GraphSessionOptions['retry'];
}

export interface EntraConnection {
  readonly session: GraphSession;
  readonly signIn: AppSignIn;
  /** Closes the kept-alive connections. */
  close(): void;
}

export async function connectToEntra(settings: EntraConnectionSettings): Promise<EntraConnection> {
  const endpoints = typeof settings.cloud === 'string' ? clouds[settings.cloud] : settings.cloud;
  const transport = new HttpsTransport(settings.caPem === undefined ? {} : { caPem: settings.caPem });
  try {
    const signIn = new AppSignIn({ tenantId: settings.tenantId, clientId: settings.clientId, credential: settings.credential, endpoints, transport });
    try {
      await signIn.acquireToken();
    } catch (error) {
      throw (await unreachableGraph(error, transport, endpoints.graphEndpoint)) ?? error;
    }
    const session = new GraphSession({
      graphEndpoint: endpoints.graphEndpoint,
      tokens: signIn,
      transport,
      preview: settings.preview,
      ...(settings.writeBudget ? { writeBudget: settings.writeBudget } : {}),
      ...(settings.retry ? { retry: settings.retry } : {}),
    });
    return { session, signIn, close: () => transport.close() };
  } catch (error) {
    transport.close();
    throw error;
  }
}

/**
 * A sign-in refused for the Graph endpoint (its scope names a resource the tenant does not know) may only mean that the
 * endpoint is mistyped or out of reach: when Graph cannot be reached at all, that is what is said, naming its host.
 */
async function unreachableGraph(error: unknown, transport: HttpsTransport, graphEndpoint: string): Promise<DirSyncError | undefined> {
  if (!(error instanceof DirSyncError) || (error.code !== 'CloudSignIn.graph-resource-unknown' && error.code !== 'CloudSignIn.sign-in-refused'))
    return undefined;
  try {
    await transport.send({ method: 'GET', url: `${graphEndpoint}/`, headers: {} });
    return undefined; // any answer: Graph is there, and the sign-in's own refusal stands
  } catch (failure) {
    return failure instanceof DirSyncError && failure.code.startsWith('CloudConnection.')
      ? atEndpoint(failure, `Microsoft Graph ${graphEndpoint}`)
      : undefined;
  }
}
