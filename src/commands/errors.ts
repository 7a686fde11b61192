// The failures the use-case layer itself raises, and the last line of defence: anything that reaches a renderer is a
// DirSyncError (a condition DirSync knows) or becomes Internal.unexpected (a defect, with its stack for the report).
import { DirSyncError } from '../core/errors.ts';
import { RunLockBusyError } from '../install/run-lock.ts';

export function invalidParameter(message: string, recommendedAction?: string): DirSyncError {
  return new DirSyncError('Parameters.invalid', message, recommendedAction ? { recommendedAction } : {});
}

export function configurationRequired(path: string, why: string): DirSyncError {
  return new DirSyncError('Configuration.required', `${why}; DirSync in ${path} cannot synchronize until it is configured`, {
    recommendedAction: `run "dirsync configure --path ${path} …" (Set-CoexistenceConfiguration)`,
    target: path,
  });
}

/** What a renderer shows for any failure. */
export function asDirSyncError(error: unknown): DirSyncError {
  if (error instanceof DirSyncError) return error;
  if (error instanceof RunLockBusyError) return new DirSyncError('Sync.already-running', error.message, { cause: error });
  const detail = error instanceof Error ? error.message : String(error);
  return new DirSyncError('Internal.unexpected', `DirSync failed unexpectedly: ${detail}`, { cause: error });
}

/** The stack of an unexpected failure, for the verbose stream (never shown for a known condition). */
export function defectDetails(error: DirSyncError): string | undefined {
  if (error.code !== 'Internal.unexpected') return undefined;
  const cause = error.cause;
  return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
}
