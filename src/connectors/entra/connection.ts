// Wires one connection to a tenant: HTTPS transport → msal sign-in → Graph session. Signs in at once,
// so a wrong secret or an untrusted certificate is reported before any work starts.
import { clouds, type CloudEndpoints, type CloudName } from './clouds.ts';
import { GraphSession, type GraphSessionOptions } from './graph-session.ts';
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
    await signIn.acquireToken();
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
