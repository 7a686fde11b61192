// Failures of the Active Directory connector, as DirSyncErrors (codes ActiveDirectory.*, see src/core/error-catalogue.ts).
// Each names the server, account or file involved and says what to do next.
import { DirSyncError } from '../../core/errors.ts';

export type DirectoryConnectionFailure =
  | 'wrong-password'
  | 'account-disabled'
  | 'account-expired'
  | 'password-expired'
  | 'password-must-change'
  | 'account-locked-out'
  | 'logon-not-permitted'
  | 'unreachable'
  | 'untrusted-certificate'
  | 'hostname-mismatch'
  | 'encryption-required'
  | 'start-tls-failed'
  | 'invalid-ca-file';

/** Opening or binding the LDAP session failed, or the connection was lost. */
export function directoryConnectionError(
  failure: DirectoryConnectionFailure,
  message: string,
  recommendedAction: string,
  target: string,
  cause?: unknown,
): DirSyncError {
  return new DirSyncError(`ActiveDirectory.${failure}`, message, { recommendedAction, target, cause });
}

/** The connector's configuration cannot work against this directory (bad DN, OU outside the domain…). */
export function directoryConfigurationError(message: string, recommendedAction: string, target?: string): DirSyncError {
  return new DirSyncError('ActiveDirectory.invalid-configuration', message, { recommendedAction, ...(target === undefined ? {} : { target }) });
}

/** The stored watermark cannot be resumed from: the sync cycle catches this by code and runs a full import. */
export function watermarkRejectedError(message: string, options: { target?: string; cause?: unknown } = {}): DirSyncError {
  return new DirSyncError('ActiveDirectory.watermark-rejected', message, options);
}
