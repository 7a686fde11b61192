// Errors of the Entra ID connector a user can meet. Each has a stable reason (scripts branch on the
// errorId), says what happened and what to do next, and keeps the underlying error as `cause`.
import { ExitCode } from '../../commands/exit-codes.ts';
import { CommandError, type ErrorCategory } from '../../commands/output.ts';

interface ErrorText {
  category: ErrorCategory;
  message: string;
  recommendedAction: string;
}

export type ConnectionFailureReason =
  | 'certificate-untrusted'
  | 'certificate-expired'
  | 'host-mismatch'
  | 'connection-refused'
  | 'host-not-found'
  | 'timed-out'
  | 'network-error';

const connectionFailureTexts: Record<ConnectionFailureReason, (host: string, detail: string) => ErrorText> = {
  'certificate-untrusted': (host, detail) => ({
    category: 'SecurityError',
    message: `The TLS certificate of ${host} is not trusted (${detail}).`,
    recommendedAction: 'If a proxy or a private cloud endpoint presents its own certificate, give DirSync its CA certificate (PEM); otherwise check that nothing intercepts the connection.',
  }),
  'certificate-expired': (host, detail) => ({
    category: 'SecurityError',
    message: `The TLS certificate of ${host} has expired or is not yet valid (${detail}).`,
    recommendedAction: 'Check the clock of this computer, then the certificate of the endpoint or proxy.',
  }),
  'host-mismatch': (host, detail) => ({
    category: 'SecurityError',
    message: `The TLS certificate presented by ${host} is issued to another host name (${detail}).`,
    recommendedAction: 'Check the endpoint URL and any proxy between this computer and the cloud.',
  }),
  'connection-refused': (host, detail) => ({
    category: 'ConnectionError',
    message: `${host} refused the connection (${detail}).`,
    recommendedAction: 'Check the endpoint URL, the HTTPS_PROXY setting and the firewall.',
  }),
  'host-not-found': (host, detail) => ({
    category: 'ConnectionError',
    message: `The host name ${host} could not be resolved (${detail}).`,
    recommendedAction: 'Check the endpoint URL and the DNS or proxy settings of this computer.',
  }),
  'timed-out': (host, detail) => ({
    category: 'ConnectionError',
    message: `${host} did not answer in time (${detail}).`,
    recommendedAction: 'Check the network path and the HTTPS_PROXY setting; retry later.',
  }),
  'network-error': (host, detail) => ({
    category: 'ConnectionError',
    message: `The connection to ${host} failed (${detail}).`,
    recommendedAction: 'Check the network path and the HTTPS_PROXY setting; retry later.',
  }),
};

/** The cloud could not be reached over HTTPS; `reason` names the real cause (msal would only say endpoints_resolution_error). */
export class CloudConnectionError extends CommandError {
  readonly reason: ConnectionFailureReason;

  constructor(reason: ConnectionFailureReason, host: string, detail: string, cause?: unknown) {
    const text = connectionFailureTexts[reason](host, detail);
    super({ errorId: `CloudConnection.${reason}`, exitCode: ExitCode.runFailed, target: host, cause, ...text });
    this.name = 'CloudConnectionError';
    this.reason = reason;
  }
}

export type SignInFailureReason =
  | 'client-secret-rejected'
  | 'client-certificate-rejected'
  | 'application-not-found'
  | 'tenant-not-found'
  | 'certificate-file-invalid'
  | 'empty-access-token'
  | 'sign-in-refused';

const signInFailureTexts: Record<SignInFailureReason, (clientId: string, detail: string) => ErrorText> = {
  'client-secret-rejected': (clientId, detail) => ({
    category: 'AuthenticationError',
    message: `The client secret for application ${clientId} was rejected (${detail}).`,
    recommendedAction: 'Create a new client secret for the application and run configure again.',
  }),
  'client-certificate-rejected': (clientId, detail) => ({
    category: 'AuthenticationError',
    message: `The certificate credential for application ${clientId} was rejected (${detail}).`,
    recommendedAction: 'Upload the certificate to the application registration (or renew it) and run configure again.',
  }),
  'application-not-found': (clientId, detail) => ({
    category: 'AuthenticationError',
    message: `The tenant has no application with the client id ${clientId} (${detail}).`,
    recommendedAction: 'Check the application (client) id, or register the application in the tenant, and run configure again.',
  }),
  'tenant-not-found': (clientId, detail) => ({
    category: 'AuthenticationError',
    message: `The tenant configured for application ${clientId} does not exist in this cloud (${detail}).`,
    recommendedAction: 'Check the tenant id and the cloud (AzureCloud, AzureChinaCloud, AzureUSGovernment), then run configure again.',
  }),
  'certificate-file-invalid': (clientId, detail) => ({
    category: 'InvalidData',
    message: `The certificate file for application ${clientId} cannot be used (${detail}).`,
    recommendedAction: 'Give a PEM file holding both the certificate and its unencrypted RSA private key.',
  }),
  'empty-access-token': (clientId, detail) => ({
    category: 'AuthenticationError',
    message: `Sign-in for application ${clientId} returned no access token (${detail}).`,
    recommendedAction: 'Check the authority host: it must be an Entra ID token endpoint.',
  }),
  'sign-in-refused': (clientId, detail) => ({
    category: 'AuthenticationError',
    message: `Sign-in for application ${clientId} was refused (${detail}).`,
    recommendedAction: 'Check the application registration, its credentials and its Microsoft Graph application permissions, then run configure again.',
  }),
};

export class CloudSignInError extends CommandError {
  readonly reason: SignInFailureReason;

  constructor(reason: SignInFailureReason, clientId: string, detail: string, cause?: unknown) {
    const text = signInFailureTexts[reason](clientId, detail);
    super({ errorId: `CloudSignIn.${reason}`, exitCode: ExitCode.usageOrConfiguration, target: clientId, cause, ...text });
    this.name = 'CloudSignInError';
    this.reason = reason;
  }
}

/** A preview run tried to change the cloud. Raised where requests are sent, so no code path can slip past it. */
export class PreviewWriteBlockedError extends CommandError {
  constructor(method: string, url: string) {
    super({
      errorId: 'PreviewWriteBlocked',
      category: 'InvalidOperation',
      exitCode: ExitCode.runFailed,
      message: `A preview run writes nothing to the cloud, but ${method} ${url} was about to be sent.`,
      recommendedAction: 'This is a defect of DirSync: report it with the verbose log of the run.',
      target: url,
    });
    this.name = 'PreviewWriteBlockedError';
  }
}

/** What to do about a Graph answer DirSync could not handle itself, by HTTP status. */
function graphFailureText(status: number): Pick<ErrorText, 'category' | 'recommendedAction'> {
  if (status === 401) return { category: 'AuthenticationError', recommendedAction: 'The access token was refused even after a fresh sign-in: check the application\'s credential and the tenant, then run configure again.' };
  if (status === 403) return { category: 'PermissionDenied', recommendedAction: 'Grant the application the Microsoft Graph application permissions DirSync needs (User.ReadWrite.All, Group.ReadWrite.All, Domain.Read.All, Application.ReadWrite.OwnedBy) with admin consent.' };
  if (status === 429) return { category: 'LimitsExceeded', recommendedAction: 'Microsoft Graph kept throttling after every retry: run the sync again later, or lower the write budget (configure --write-budget).' };
  if (status >= 500) return { category: 'ResourceUnavailable', recommendedAction: 'Microsoft Graph is failing: run the sync again later; nothing is lost, the next cycle resumes where this one stopped.' };
  return { category: 'InvalidOperation', recommendedAction: 'Run the sync again with --verbose; if it persists, report it with that output.' };
}

/**
 * A Graph request failed in a way the connector does not handle (not an object's own export error, which is
 * recorded per object): the run stops, saying which request, with Graph's status, code and message.
 */
export class GraphRequestError extends CommandError {
  readonly httpStatus: number;

  constructor(httpStatus: number, code: string, message: string, cause?: unknown) {
    super({
      errorId: `Graph.${code || `HTTP${httpStatus}`}`,
      exitCode: ExitCode.runFailed,
      message: `Microsoft Graph answered ${httpStatus} ${code}: ${message}`,
      cause,
      ...graphFailureText(httpStatus),
    });
    this.name = 'GraphRequestError';
    this.httpStatus = httpStatus;
  }
}
