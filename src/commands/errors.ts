// The failures commands report, in one place: stable error ids, categories and the advice that goes with them.
import { GraphError } from '@microsoft/microsoft-graph-client';
import { GraphRequestError } from '../connectors/entra/errors.ts';
import { ConfigurationError } from '../install/configuration.ts';
import { InstallationError } from '../install/installation.ts';
import { SecretVaultError } from '../install/secret-vault.ts';
import { ExitCode } from './exit-codes.ts';
import { CommandError } from './output.ts';

export function invalidParameter(message: string, recommendedAction?: string): CommandError {
  return new CommandError({ errorId: 'InvalidParameter', category: 'InvalidArgument', exitCode: ExitCode.usageOrConfiguration, message, ...(recommendedAction ? { recommendedAction } : {}) });
}

export function configurationRequired(path: string, why: string): CommandError {
  return new CommandError({
    errorId: 'ConfigurationRequired',
    category: 'InvalidOperation',
    exitCode: ExitCode.usageOrConfiguration,
    message: `${why}; DirSync in ${path} cannot synchronize until it is configured`,
    recommendedAction: `run "dirsync configure --path ${path} …" (Set-CoexistenceConfiguration)`,
    target: path,
  });
}

/** Turns the installation layer's own errors into what the user sees; anything else passes through. */
export function asCommandError(error: unknown): unknown {
  if (error instanceof CommandError) return error;
  if (error instanceof InstallationError) {
    const category = error.reason === 'not-installed' ? 'NotInstalled' : error.reason === 'already-installed' ? 'ResourceExists' : 'InvalidData';
    return new CommandError({ errorId: `Installation.${error.reason}`, category, exitCode: ExitCode.usageOrConfiguration, message: error.message, cause: error });
  }
  if (error instanceof ConfigurationError) {
    return new CommandError({ errorId: 'ConfigurationInvalid', category: 'InvalidData', exitCode: ExitCode.usageOrConfiguration, message: error.message, cause: error });
  }
  if (error instanceof GraphError) {
    return new GraphRequestError(error.statusCode, error.code ?? '', error.message, error);
  }
  if (error instanceof SecretVaultError) {
    return new CommandError({ errorId: 'SecretsUnavailable', category: 'SecurityError', exitCode: ExitCode.usageOrConfiguration, message: error.message, cause: error });
  }
  return error;
}
