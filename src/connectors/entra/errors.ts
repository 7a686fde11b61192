// Failures of the Entra ID connector, as DirSyncErrors (codes CloudConnection.*, CloudSignIn.*, Graph.*; see
// src/core/error-catalogue.ts). Each says what happened and keeps the underlying error as `cause`.
import { GraphError } from '@microsoft/microsoft-graph-client';
import { DirSyncError } from '../../core/errors.ts';

export type ConnectionFailureReason =
  | 'certificate-untrusted'
  | 'certificate-expired'
  | 'host-mismatch'
  | 'connection-refused'
  | 'host-not-found'
  | 'timed-out'
  | 'network-error';

const connectionFailureMessages: Record<ConnectionFailureReason, (host: string, detail: string) => string> = {
  'certificate-untrusted': (host, detail) => `The TLS certificate of ${host} is not trusted (${detail}).`,
  'certificate-expired': (host, detail) => `The TLS certificate of ${host} has expired or is not yet valid (${detail}).`,
  'host-mismatch': (host, detail) => `The TLS certificate presented by ${host} is issued to another host name (${detail}).`,
  'connection-refused': (host, detail) => `${host} refused the connection (${detail}).`,
  'host-not-found': (host, detail) => `The host name ${host} could not be resolved (${detail}).`,
  'timed-out': (host, detail) => `${host} did not answer in time (${detail}).`,
  'network-error': (host, detail) => `The connection to ${host} failed (${detail}).`,
};

/** The cloud could not be reached over HTTPS; the reason names the real cause (msal would only say endpoints_resolution_error). */
export function cloudConnectionError(reason: ConnectionFailureReason, host: string, detail: string, cause?: unknown): DirSyncError {
  return new DirSyncError(`CloudConnection.${reason}`, connectionFailureMessages[reason](host, detail), { target: host, cause });
}

/** Transport failures after which a request may or may not have been applied: safe to send again only if idempotent. */
export function isOutcomeUnknown(error: unknown): boolean {
  return error instanceof DirSyncError && (error.code === 'CloudConnection.network-error' || error.code === 'CloudConnection.timed-out');
}

export type SignInFailureReason =
  | 'client-secret-rejected'
  | 'client-certificate-rejected'
  | 'application-not-found'
  | 'tenant-not-found'
  | 'certificate-file-invalid'
  | 'empty-access-token'
  | 'sign-in-refused';

const signInFailureMessages: Record<SignInFailureReason, (clientId: string, detail: string) => string> = {
  'client-secret-rejected': (clientId, detail) => `The client secret for application ${clientId} was rejected (${detail}).`,
  'client-certificate-rejected': (clientId, detail) => `The certificate credential for application ${clientId} was rejected (${detail}).`,
  'application-not-found': (clientId, detail) => `The tenant has no application with the client id ${clientId} (${detail}).`,
  'tenant-not-found': (clientId, detail) => `The tenant configured for application ${clientId} does not exist in this cloud (${detail}).`,
  'certificate-file-invalid': (clientId, detail) => `The certificate file for application ${clientId} cannot be used (${detail}).`,
  'empty-access-token': (clientId, detail) => `Sign-in for application ${clientId} returned no access token (${detail}).`,
  'sign-in-refused': (clientId, detail) => `Sign-in for application ${clientId} was refused (${detail}).`,
};

export function cloudSignInError(reason: SignInFailureReason, clientId: string, detail: string, cause?: unknown): DirSyncError {
  return new DirSyncError(`CloudSignIn.${reason}`, signInFailureMessages[reason](clientId, detail), { target: clientId, cause });
}

/** A preview run tried to change the cloud. Raised where requests are sent, so no code path can slip past it. */
export function previewWriteBlocked(method: string, url: string): DirSyncError {
  return new DirSyncError('Sync.preview-write-blocked', `A preview run writes nothing to the cloud, but ${method} ${url} was about to be sent.`, {
    target: url,
  });
}

/**
 * A Graph request failed in a way the connector does not handle (not an object's own export error, which is recorded
 * per object): the run stops, saying which request, with Graph's status, code and message. 429 and 5xx are transient.
 */
export function graphRequestError(httpStatus: number, code: string, message: string, cause?: unknown): DirSyncError {
  const text = `Microsoft Graph answered ${httpStatus}${code ? ` ${code}` : ''}: ${message}`;
  const errorCode =
    httpStatus === 401
      ? 'Graph.unauthorized'
      : httpStatus === 403
        ? 'Graph.permission-denied'
        : httpStatus === 429
          ? 'Graph.throttled'
          : httpStatus >= 500
            ? 'Graph.unavailable'
            : 'Graph.request-failed';
  return new DirSyncError(errorCode, text, { cause });
}

/** Graph's HTTP status and error code behind a Graph.* DirSyncError (for callers that handle one answer themselves). */
export function graphAnswerOf(error: unknown): { status: number; code: string } | undefined {
  const cause = error instanceof DirSyncError ? error.cause : undefined;
  return cause instanceof GraphError ? { status: cause.statusCode, code: cause.code ?? '' } : undefined;
}

/** The Graph SDK's GraphError as a DirSyncError (Graph.*), anything else as it is: the connector's boundary. */
export function translateGraphError(error: unknown): unknown {
  if (error instanceof GraphError) return graphRequestError(error.statusCode, error.code ?? '', error.message, error);
  return error;
}
