// Opens an authenticated LDAP session to a domain controller: LDAPS, or StartTLS on ldap:// (the default),
// plain LDAP only when explicitly allowed. Certificates are verified. Failures become DirSyncErrors (ActiveDirectory.*)
// that name the server, the account or the CA file involved and say what to do.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client, ConfidentialityRequiredError, InvalidCredentialsError, StrongAuthRequiredError } from 'ldapts';
import type { DirSyncError } from '../../core/errors.ts';
import { directoryConfigurationError, directoryConnectionError } from './errors.ts';
import type { DirectoryConnectionFailure } from './errors.ts';

export interface DirectoryConnectionOptions {
  /** `ldaps://dc1.corp.example.com` (port 636) or `ldap://…` (port 389, upgraded with StartTLS). */
  url: string;
  bindDn: string;
  password: string;
  /** CA certificate(s) in PEM that issued the DC's certificate, when the system store does not hold them. */
  caPem?: string;
  /** The same, read from a file (its path appears in certificate errors). */
  caFile?: string;
  /** Simple binds over an unencrypted connection: only for labs; the password crosses the network in clear. */
  allowPlainLdap?: boolean;
  connectTimeoutMs?: number;
  /** Upper bound of one LDAP operation (one search page, one bind). */
  operationTimeoutMs?: number;
}

interface Endpoint {
  host: string;
  port: number;
  secure: boolean;
}

/** An open, bound LDAP session (what callers outside the connector hold; only the connector speaks LDAP). */
export type DirectoryClient = Client;

export async function openDirectoryConnection(options: DirectoryConnectionOptions): Promise<Client> {
  const endpoint = parseEndpoint(options.url);
  const tlsOptions = buildTlsOptions(options, endpoint);
  const client = new Client({
    url: options.url,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    timeout: options.operationTimeoutMs ?? 120_000,
    // ldapts would speak TLS on port 389 if given tlsOptions with ldap:// (a known ldapts behaviour).
    ...(endpoint.secure ? { tlsOptions } : {}),
  });
  const stage = { name: 'connect' as 'connect' | 'starttls' | 'bind' };
  try {
    if (!endpoint.secure && !options.allowPlainLdap) {
      stage.name = 'starttls';
      await client.startTLS(tlsOptions);
    }
    stage.name = 'bind';
    await client.bind(options.bindDn, options.password);
    return client;
  } catch (error) {
    await client.unbind().catch(() => undefined);
    throw translateConnectionError(error, { ...endpoint, stage: stage.name, bindDn: options.bindDn, caFile: options.caFile });
  }
}

function parseEndpoint(url: string): Endpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw directoryConfigurationError(`"${url}" is not a valid LDAP URL.`, 'Use ldaps://dc.example.com or ldap://dc.example.com.', url);
  }
  if (parsed.protocol !== 'ldaps:' && parsed.protocol !== 'ldap:') {
    throw directoryConfigurationError(`"${url}" is not an LDAP URL.`, 'Use ldaps://dc.example.com or ldap://dc.example.com.', url);
  }
  const secure = parsed.protocol === 'ldaps:';
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, secure, port: parsed.port === '' ? (secure ? 636 : 389) : Number(parsed.port) };
}

function buildTlsOptions(options: DirectoryConnectionOptions, endpoint: Endpoint): ConnectionOptions {
  if (options.caPem !== undefined && options.caFile !== undefined) {
    throw directoryConfigurationError('Both caPem and caFile are set.', 'Give the CA certificate one way only.');
  }
  let ca = options.caPem;
  if (options.caFile !== undefined) {
    try {
      ca = readFileSync(options.caFile, 'utf8');
    } catch (error) {
      throw directoryConnectionError(
        'invalid-ca-file',
        `The CA file ${options.caFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
        'Check the path and that the service account may read the file.',
        options.caFile,
        error,
      );
    }
  }
  return {
    // For StartTLS ldapts hands these options to tls.connect with the existing socket: the host must be
    // given here, or Node checks the certificate against "localhost".
    host: endpoint.host,
    ...(isIP(endpoint.host) === 0 ? { servername: endpoint.host } : {}),
    ...(ca === undefined ? {} : { ca }),
    rejectUnauthorized: true,
  };
}

/** AD's sub-codes of invalidCredentials (the "data xxx" of the diagnostic message). */
const bindFailures: Record<string, { failure: DirectoryConnectionFailure; what: string; action: string }> = {
  '52e': {
    failure: 'wrong-password',
    what: 'the password for {account} is wrong (or the account does not exist)',
    action: 'Re-enter the on-premises credential (Set-CoexistenceConfiguration).',
  },
  '525': {
    failure: 'wrong-password',
    what: 'the account {account} does not exist',
    action: 'Check the account name, then re-enter the on-premises credential (Set-CoexistenceConfiguration).',
  },
  '530': {
    failure: 'logon-not-permitted',
    what: '{account} may not log on at this time',
    action: "Widen the account's logon hours in Active Directory.",
  },
  '531': {
    failure: 'logon-not-permitted',
    what: '{account} may not log on from this computer',
    action: 'Allow this computer in the account\'s "Log On To" list in Active Directory.',
  },
  '532': {
    failure: 'password-expired',
    what: 'the password of {account} has expired',
    action: 'Set a new password for the account in Active Directory (and consider "password never expires" for a service account), then re-enter it.',
  },
  '533': { failure: 'account-disabled', what: 'the account {account} is disabled', action: 'Enable the account in Active Directory.' },
  '701': { failure: 'account-expired', what: 'the account {account} has expired', action: "Extend the account's expiry date in Active Directory." },
  '773': {
    failure: 'password-must-change',
    what: 'the password of {account} must be changed before it can be used',
    action: 'Set a new password for the account in Active Directory, then re-enter it.',
  },
  '775': {
    failure: 'account-locked-out',
    what: 'the account {account} is locked out',
    action: 'Unlock the account in Active Directory, and check nothing keeps trying an old password.',
  },
};

const untrustedCertificateCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
]);

const unreachableCodes = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET']);

/** ldapts's own words for a connection that went away while an operation was under way. */
const LOST_CONNECTION_MESSAGES = /^(Socket connection not established|Connection closed before message response was received)/;

/**
 * An LDAP operation failed because the connection to the DC was lost (the DC stopped, the network dropped):
 * an ActiveDirectory.unreachable DirSyncError naming the server. Any other error is returned as it is.
 */
export function lostConnectionError(error: unknown, url: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = (error as Error | undefined)?.message ?? '';
  if (!(typeof code === 'string' && unreachableCodes.has(code)) && !LOST_CONNECTION_MESSAGES.test(message)) return error;
  const { host, port } = parseEndpoint(url);
  const server = `${host}:${port}`;
  return directoryConnectionError(
    'unreachable',
    `The connection to the domain controller ${server} was lost while reading the directory (${code ?? message}).`,
    'Check that the domain controller is running and reachable; the next cycle resumes from the last recorded watermark.',
    server,
    error,
  );
}

interface FailureContext extends Endpoint {
  stage: 'connect' | 'starttls' | 'bind';
  bindDn: string;
  caFile: string | undefined;
}

function translateConnectionError(error: unknown, context: FailureContext): unknown {
  const server = `${context.host}:${context.port}`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const fail = (failure: DirectoryConnectionFailure, message: string, action: string): DirSyncError =>
    directoryConnectionError(failure, message, action, server, error);

  if (error instanceof InvalidCredentialsError) {
    const subCode = /data ([0-9a-f]+)/i.exec(error.message)?.[1]?.toLowerCase() ?? '52e';
    const known = bindFailures[subCode] ?? bindFailures['52e']!;
    const what = known.what.replace('{account}', context.bindDn);
    return fail(known.failure, `Sign-in to Active Directory at ${server} failed: ${what}.`, known.action);
  }
  if (error instanceof StrongAuthRequiredError || error instanceof ConfidentialityRequiredError) {
    return fail(
      'encryption-required',
      `The domain controller ${server} refuses a simple bind over an unencrypted connection.`,
      'Use ldaps:// or let DirSync use StartTLS on ldap:// (do not set allowPlainLdap).',
    );
  }
  if (typeof code === 'string' && untrustedCertificateCodes.has(code)) {
    const trustedBy = context.caFile === undefined ? "the system's trusted CAs" : `the CA file ${context.caFile}`;
    return fail(
      'untrusted-certificate',
      `The certificate of the domain controller ${server} is not trusted by ${trustedBy} (${code}).`,
      "Give the CA that issued the domain controller's certificate with the caFile option (PEM), or renew an expired certificate. Verification cannot be turned off.",
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return fail(
      'hostname-mismatch',
      `The certificate of the domain controller ${server} is not issued for "${context.host}" (${(error as Error).message}).`,
      "Connect with the name the certificate is issued for (usually the DC's fully qualified name), or have the certificate reissued with this name or address in its subject alternative names.",
    );
  }
  if ((typeof code === 'string' && unreachableCodes.has(code)) || (error as Error | undefined)?.message === 'Connection timeout') {
    return fail(
      'unreachable',
      `Cannot reach the domain controller at ${server} (${code ?? 'connection timed out'}).`,
      'Check the server name and port, that the domain controller is running, and that no firewall blocks the port.',
    );
  }
  if (context.stage === 'starttls') {
    return fail(
      'start-tls-failed',
      `StartTLS with the domain controller ${server} failed: ${(error as Error).message}.`,
      'Check the DC has a certificate for LDAP over TLS, or use ldaps://.',
    );
  }
  return error;
}
