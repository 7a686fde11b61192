// Shared by the stand-in's tests: one stand-in per suite, trusted in-process, and a raw HTTPS
// helper for the places where the real clients hide the wire.

import tls from 'node:tls';
import { Client } from '@microsoft/microsoft-graph-client';
import { startEntraStandIn, type EntraStandIn, type EntraStandInOptions } from '../entra-standin/stand-in.ts';

/** Starts a stand-in before the suite and stops it after; returns an accessor for it. */
export function useStandIn(options: EntraStandInOptions = {}): () => EntraStandIn {
  let standIn: EntraStandIn | undefined;
  before(async () => {
    standIn = await startEntraStandIn(options);
    // fetch (used by msal and the Graph client) trusts the stand-in's CA from here on.
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), standIn.caPem]);
  });
  after(async () => {
    await standIn?.stop();
  });
  return () => {
    if (!standIn) throw new Error('The stand-in is not started yet.');
    return standIn;
  };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** A Graph (or identity) request with the pre-created app's token unless `token` says otherwise. */
export async function call(
  standIn: EntraStandIn,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; token?: string | null } = {},
): Promise<RawResponse> {
  const token = options.token === undefined ? await standIn.control.issueAccessToken() : options.token;
  const headers: Record<string, string> = { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${standIn.graphEndpoint}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* plain text ($count) */
  }
  return { status: response.status, headers: response.headers, body };
}

export function graphClient(standIn: EntraStandIn, token?: string): Client {
  return Client.initWithMiddleware({
    authProvider: { getAccessToken: async () => token ?? standIn.control.issueAccessToken() },
    baseUrl: standIn.graphEndpoint,
    defaultVersion: 'v1.0',
    customHosts: new Set(['127.0.0.1']),
  });
}

let userCounter = 0;

/** A valid POST /users body with unique names. */
export function newUser(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  userCounter += 1;
  const name = `user${userCounter}x${Date.now() % 100000}`;
  return {
    accountEnabled: true,
    displayName: name,
    mailNickname: name,
    userPrincipalName: `${name}@corp.example.test`,
    passwordProfile: { password: 'Str0ng!Passw0rd', forceChangePasswordNextSignIn: false },
    ...overrides,
  };
}
