// The failures the use-case layer itself raises, and the last line of defence: anything that reaches a renderer is a
// DirSyncError (a condition DirSync knows) or becomes Internal.unexpected (a defect, with its stack for the report).
import { recommendedActions, type Vocabulary } from '../core/advice.ts';
import { DirSyncError } from '../core/errors.ts';
import { exitCodeOfError } from './exit-codes.ts';

/** Advice that names an option is a function of the vocabulary, so that each audience reads its own (advice.ts). */
export function invalidParameter(message: string, advice?: string | ((say: Vocabulary) => string)): DirSyncError {
  if (advice === undefined) return new DirSyncError('Parameters.invalid', message);
  return new DirSyncError('Parameters.invalid', message, typeof advice === 'string' ? { recommendedAction: advice } : recommendedActions(advice));
}

/** What a renderer shows for any failure. */
export function asDirSyncError(error: unknown): DirSyncError {
  if (error instanceof DirSyncError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new DirSyncError('Internal.unexpected', `DirSync failed unexpectedly: ${detail}`, { cause: error });
}

/** What both renderers (terminal, module protocol) do with the failure that ends a command. */
export interface FailureRenderer {
  verbose(message: string): void;
  error(error: DirSyncError): void;
}

/** Renders any failure; a defect's stack goes to the verbose stream (never for a known condition). Returns the exit code. */
export function renderFailure(error: unknown, renderer: FailureRenderer): number {
  const failure = asDirSyncError(error);
  if (failure.code === 'Internal.unexpected') {
    const cause = failure.cause;
    renderer.verbose(cause instanceof Error ? (cause.stack ?? cause.message) : String(cause));
  }
  renderer.error(failure);
  return exitCodeOfError(failure);
}
