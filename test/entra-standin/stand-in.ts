// startEntraStandIn: one HTTPS server on loopback serving the identity platform of one tenant
// (/{tenant}/…), Microsoft Graph (/v1.0/…) and the test controls (/_standin/…).

import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { administratorUserName, createControl, handleControlRequest, newApplication, type StandInControl } from './control.ts';
import { Directory, type DirectoryState } from './directory.ts';
import { FaultInjector } from './faults.ts';
import { graphVersion, GraphService } from './graph/service.ts';
import { dirSyncApplicationRoles } from './graph/permissions.ts';
import { IdentityPlatform } from './identity/identity-platform.ts';
import { createSigningKey, TokenService, type SigningKeyMaterial } from './identity/tokens.ts';
import { RequestLog } from './request-log.ts';
import { WriteBudget, type ThrottleOptions } from './throttle.ts';
import { ensureTlsMaterial } from './tls.ts';

export interface EntraStandInOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Keep certificates, keys, app registration and directory here, to survive restarts. */
  stateDir?: string;
  /** Verified custom domains besides the initial one. Default: ['corp.example.test']. */
  verifiedDomains?: string[];
  /** Write budget per app; off when absent. */
  throttle?: ThrottleOptions;
  /** The `interval` device code responses announce (the real service says 5). */
  deviceCodeIntervalSeconds?: number;
}

export interface EntraStandIn {
  /** `https://127.0.0.1:PORT/TENANT_ID` (msal `authority`). */
  authority: string;
  /** `127.0.0.1:PORT` (msal `knownAuthorities`). */
  authorityHost: string;
  /** `https://127.0.0.1:PORT` (Graph base URL; requests go to /v1.0). */
  graphEndpoint: string;
  tenantId: string;
  /** The pre-created app registration with the roles DirSync needs. */
  clientId: string;
  clientSecret: string;
  /** Object id of that app registration (for /applications/{id}/extensionProperties). */
  applicationObjectId: string;
  caFile: string;
  caPem: string;
  initialDomain: string;
  /** A cloud-only Global Administrator every tenant has (device code sign-in, soft-match exclusions). */
  administrator: { id: string; userPrincipalName: string };
  control: StandInControl;
  stop(): Promise<void>;
}

interface PersistedState {
  tenantId: string;
  initialDomain: string;
  createdDateTime: string;
  signingKey: SigningKeyMaterial;
  defaultAppId: string;
  directory: DirectoryState;
}

const maxBodyBytes = 8 * 1024 * 1024;
const saveDelayMs = 200;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new Error('Request body too large.'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const contentType =
    typeof body === 'string'
      ? 'text/plain'
      : 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';
  response.writeHead(status, {
    ...(body === undefined ? {} : { 'Content-Type': contentType }),
    ...headers,
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

function lowerCaseHeaders(request: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(', ') : (value ?? '')]),
  );
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startEntraStandIn(options: EntraStandInOptions = {}): Promise<EntraStandIn> {
  if (process.env.DIRSYNC_TEST_LANE === 'unit')
    throw new Error('The unit lane must not start the Entra stand-in: move this test out of .mocharc.unit.json.');
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'entra-standin-'));
  const temporaryState = options.stateDir === undefined;
  const stateFile = join(stateDir, 'state.json');
  const persisted = !temporaryState && existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as PersistedState) : undefined;

  const tls = await ensureTlsMaterial(stateDir);
  const server = createServer({ key: tls.keyPem, cert: tls.certPem });
  const port = await listen(server, options.port ?? 0);
  const origin = `https://127.0.0.1:${port}`;

  const tenantId = persisted?.tenantId ?? randomUUID();
  const initialDomain = persisted?.initialDomain ?? `dirsync${tenantId.slice(0, 8)}.onmicrosoft.com`;
  const directory = new Directory({
    tenantId,
    initialDomain,
    organizationName: 'DirSync Test Tenant',
    ...(persisted ? { createdDateTime: persisted.createdDateTime } : {}),
  });
  const signingKey = persisted?.signingKey ?? (await createSigningKey());
  let defaultAppId = persisted?.defaultAppId;
  if (persisted) directory.loadState(persisted.directory);
  else {
    const app = newApplication({ roles: dirSyncApplicationRoles, displayName: 'DirSync' });
    directory.addApplication(app);
    defaultAppId = app.appId;
    for (const domain of options.verifiedDomains ?? ['corp.example.test']) directory.addDomain(domain);
  }
  const defaultApp = () => directory.applicationByAppId(defaultAppId!)!;

  const tokens = new TokenService({ material: signingKey, issuer: `${origin}/${tenantId}/v2.0`, tenantId, graphOrigin: origin });
  const identity = new IdentityPlatform({ directory, tokens, origin, deviceCodeIntervalSeconds: options.deviceCodeIntervalSeconds ?? 5 });
  const faults = new FaultInjector();
  const log = new RequestLog();
  const budget = new WriteBudget(options.throttle);
  const graph = new GraphService({ directory, tokens, budget, faults, log, origin });
  const control = createControl({ directory, faults, log, budget, identity, tokens, defaultApp, graphAudience: 'https://graph.microsoft.com' });

  let saveTimer: NodeJS.Timeout | undefined;
  const save = (): void => {
    saveTimer = undefined;
    const state: PersistedState = {
      tenantId,
      initialDomain,
      createdDateTime: directory.createdDateTime,
      signingKey,
      defaultAppId: defaultAppId!,
      directory: directory.toState(),
    };
    writeFileSync(`${stateFile}.tmp`, JSON.stringify(state), { mode: 0o600 });
    renameSync(`${stateFile}.tmp`, stateFile);
  };
  if (!temporaryState) {
    directory.onChange = () => {
      saveTimer ??= setTimeout(save, saveDelayMs);
    };
    save();
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      console.error('entra-standin: request failed', error);
      if (!response.headersSent) send(response, 500, { error: { code: 'generalException', message: String(error) } });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    const method = (request.method ?? 'GET').toUpperCase();
    const headers = lowerCaseHeaders(request);
    const rawBody = await readBody(request);

    if (url.pathname.startsWith('/_standin/')) {
      const result = await handleControlRequest(control, method, url.pathname, rawBody ? JSON.parse(rawBody) : undefined).catch((error: unknown) => ({
        status: 400,
        body: { error: error instanceof Error ? error.message : String(error) },
      }));
      send(response, result.status, result.body);
      return;
    }

    if (url.pathname === graphVersion || url.pathname.startsWith(`${graphVersion}/`)) {
      const outcome = await graph.handle({ method, path: url.pathname.slice(graphVersion.length) || '/', query: url.searchParams, headers, rawBody });
      if ('drop' in outcome) {
        request.socket.destroy();
        return;
      }
      send(response, outcome.status, outcome.body, outcome.headers);
      return;
    }

    const fault = faults.take(method, url.pathname);
    if (fault?.kind === 'drop') {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    const form = new URLSearchParams(rawBody);
    const result =
      fault?.kind === 'status'
        ? {
            status: fault.status,
            body: { error: 'temporarily_unavailable', error_description: 'AADSTS50196: The server is temporarily unavailable (injected fault).' },
          }
        : await identity.handle(method, url.pathname.split('/').filter(Boolean), form, headers.authorization);
    const status = result?.status ?? 404;
    log.add({
      time: new Date().toISOString(),
      method,
      path: url.pathname,
      status,
      appId: form.get('client_id'),
      inBatch: false,
      requestId: randomUUID(),
    });
    send(response, status, result?.body ?? { error: 'not_found', error_description: `No endpoint at ${url.pathname}.` });
  }

  const app = defaultApp();
  return {
    authority: `${origin}/${tenantId}`,
    authorityHost: `127.0.0.1:${port}`,
    graphEndpoint: origin,
    tenantId,
    clientId: app.appId,
    clientSecret: app.clientSecret!,
    applicationObjectId: app.objectId,
    caFile: tls.caFile,
    caPem: tls.caPem,
    initialDomain,
    get administrator() {
      const userPrincipalName = `${administratorUserName}@${initialDomain}`;
      const user = directory.list('user').find((candidate) => candidate.props.userPrincipalName === userPrincipalName);
      return { id: user?.id ?? '', userPrincipalName };
    },
    control,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (saveTimer) {
        clearTimeout(saveTimer);
        save();
      }
      if (temporaryState) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
