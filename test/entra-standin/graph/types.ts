// What a Graph handler receives and returns. The same shapes serve top-level requests and the
// requests inside a $batch, so every rule applies identically in both.

export interface Caller {
  /** Client id of the calling application. */
  appId: string;
  /** Object id of the caller's service principal (app-only tokens) or of the signed-in user. */
  objectId: string;
  /** Application roles (app-only) or delegated scopes the token carries. */
  permissions: ReadonlySet<string>;
  /** Set for delegated (user) tokens. */
  userId: string | undefined;
}

export interface GraphRequest {
  method: string;
  /** Path below the version segment, e.g. `/users/{id}`. */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: unknown;
  inBatch: boolean;
  caller: Caller;
  /** `https://127.0.0.1:PORT/v1.0`: base of @odata.context and @odata.nextLink. */
  serviceRoot: string;
}

export interface GraphResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Handler = (request: GraphRequest, params: Record<string, string>) => GraphResponse | Promise<GraphResponse>;
