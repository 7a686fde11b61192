// Failures of the Active Directory connector a user can meet. Each carries a stable errorId (scripts and the
// PowerShell module branch on it), says what happened and what to do next.
import { CommandError } from '../../commands/output.ts';
import type { ErrorCategory } from '../../commands/output.ts';
import { ExitCode } from '../../commands/exit-codes.ts';

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

const categoryOfFailure: Record<DirectoryConnectionFailure, ErrorCategory> = {
  'wrong-password': 'AuthenticationError',
  'account-disabled': 'AuthenticationError',
  'account-expired': 'AuthenticationError',
  'password-expired': 'AuthenticationError',
  'password-must-change': 'AuthenticationError',
  'account-locked-out': 'AuthenticationError',
  'logon-not-permitted': 'AuthenticationError',
  unreachable: 'ConnectionError',
  'untrusted-certificate': 'SecurityError',
  'hostname-mismatch': 'SecurityError',
  'encryption-required': 'SecurityError',
  'start-tls-failed': 'ConnectionError',
  'invalid-ca-file': 'InvalidArgument',
};

/** Opening or binding the LDAP session failed. `failure` tells which way, for callers that branch. */
export class DirectoryConnectionError extends CommandError {
  readonly failure: DirectoryConnectionFailure;

  constructor(failure: DirectoryConnectionFailure, message: string, recommendedAction: string, target: string, cause?: unknown) {
    super({
      errorId: `ActiveDirectory.${failure}`,
      category: categoryOfFailure[failure],
      message,
      recommendedAction,
      target,
      exitCode: ExitCode.runFailed,
      cause,
    });
    this.name = 'DirectoryConnectionError';
    this.failure = failure;
  }
}

/** The connector's configuration cannot work against this directory (bad DN, OU outside the domain…). */
export class DirectoryConfigurationError extends CommandError {
  constructor(message: string, recommendedAction: string, target?: string) {
    super({
      errorId: 'ActiveDirectory.invalid-configuration',
      category: 'InvalidArgument',
      message,
      recommendedAction,
      exitCode: ExitCode.usageOrConfiguration,
      ...(target === undefined ? {} : { target }),
    });
    this.name = 'DirectoryConfigurationError';
  }
}
