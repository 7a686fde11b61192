// The one way DirSync's connectors reach an HTTPS server (sign-in and Graph, the notification webhook): certificate
// verification pinned on, an extra CA trusted beside the machine's, and the proxy the environment names
// (HTTPS_PROXY / NO_PROXY, through Node's built-in proxy support), so that every outbound request takes the same road.
// Pinned on: left unset, Node turns verification off for the whole process when the environment says
// NODE_TLS_REJECT_UNAUTHORIZED=0, which would hand credentials and notifications to any interceptor.
import https from 'node:https';
import tls from 'node:tls';

export interface HttpsAgentOptions {
  /** A CA certificate (PEM) to trust in addition to the default ones: a private endpoint's or an intercepting proxy's. */
  caPem?: string;
  /** Where HTTPS_PROXY / NO_PROXY are read from; the process environment by default. */
  proxyEnv?: NodeJS.ProcessEnv;
  /** Keep connections open for the next request (a session of many requests). */
  keepAlive?: boolean;
}

export function verifiedHttpsAgent(options: HttpsAgentOptions = {}): https.Agent {
  return new https.Agent({
    keepAlive: options.keepAlive ?? false,
    rejectUnauthorized: true,
    // Setting `ca` replaces the trust store, so the defaults (bundled, NODE_EXTRA_CA_CERTS) are kept alongside.
    ca: options.caPem === undefined ? undefined : [...tls.getCACertificates('default'), options.caPem],
    proxyEnv: options.proxyEnv ?? process.env,
  });
}

/**
 * The proxy a request to `url` goes through, as Node's built-in proxy support chooses it from the environment
 * (HTTPS_PROXY, unless NO_PROXY names the host): `*`, a host name, a domain suffix (`.corp.example` or
 * `*.corp.example`), each optionally with a port.
 */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  const proxy = env.https_proxy || env.HTTPS_PROXY;
  if (!proxy) return undefined;
  const host = url.hostname.toLowerCase();
  const port = url.port || '443';
  const bypassed = (env.no_proxy || env.NO_PROXY || '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const [name = '', entryPort] = entry.toLowerCase().split(/:(?=\d+$)/);
      if (entryPort !== undefined && entryPort !== port) return false;
      const suffix = name.replace(/^\*?\./, '');
      return host === suffix || host.endsWith(`.${suffix}`);
    });
  return bypassed ? undefined : proxy;
}
