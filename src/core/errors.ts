// The one error type of DirSync. Every failure a user can meet is a DirSyncError whose `code` is listed in the
// catalogue (error-catalogue.ts) with its category, whether it is transient, and what to do about it. Connectors
// translate their libraries' errors into DirSyncErrors at their own boundary; the use-case layer (src/use-cases)
// alone turns a category into an exit code; the renderers (terminal, PowerShell module) show the code with it.
import { errorCatalogue, type ErrorCategory, type ErrorCode } from './error-catalogue.ts';

export type { ErrorCategory, ErrorCode } from './error-catalogue.ts';

export interface DirSyncErrorOptions {
  /** What to do next, when the catalogue's general advice can say it better for this case. */
  recommendedAction?: string;
  /** The same in the PowerShell module's words, when recommendedAction names a command or an option (advice.ts). */
  powerShellAction?: string;
  /** What the failure is about: a server, a file, an object's DN, an account. */
  target?: string;
  cause?: unknown;
}

export class DirSyncError extends Error {
  readonly code: ErrorCode;
  readonly category: ErrorCategory;
  /** A passing condition (a server down, throttling): trying again later can succeed without anyone acting. */
  readonly transient: boolean;
  /** What to do next, in the command line's words. */
  readonly recommendedAction: string;
  /** What to do next, in the PowerShell module's words (the cmdlets and their parameters). */
  readonly powerShellAction: string;
  readonly target: string | undefined;

  /** `message` says what happened here; without it the catalogue's summary of the code is used. */
  constructor(code: ErrorCode, message?: string, options: DirSyncErrorOptions = {}) {
    const entry = errorCatalogue[code];
    super(message ?? entry.summary, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DirSyncError';
    this.code = code;
    this.category = entry.category;
    this.transient = entry.transient;
    this.recommendedAction = options.recommendedAction ?? entry.action;
    // Advice given for this case beats the catalogue's general advice, even when it is said one way only.
    this.powerShellAction =
      options.powerShellAction ?? options.recommendedAction ?? ('powerShellAction' in entry ? entry.powerShellAction : entry.action);
    this.target = options.target;
  }
}

/** Aborting a run between two batches (Ctrl+C, SIGTERM, the service stopping): not a failure of anything. */
export class StopRequestedError extends Error {
  constructor() {
    super('stopped on request');
    this.name = 'StopRequestedError';
  }
}

export function isTransient(error: unknown): boolean {
  return error instanceof DirSyncError && error.transient;
}
