// Process exit codes: part of the stable command-line contract (README, --help, the PowerShell module). Only this
// layer knows them: a failure's exit code follows from its category, a run's from its status.
import type { DirSyncError, ErrorCategory } from '../core/errors.ts';
import type { RunStatus } from '../engine/state-store.ts';

export const ExitCode = {
  success: 0,
  runFailed: 1,
  usageOrConfiguration: 2,
  completedWithExportErrors: 3,
  stoppedByDeletionThreshold: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Categories that say the command was asked wrongly or the installation is set up wrongly: nothing ran. */
const USAGE_OR_CONFIGURATION = new Set<ErrorCategory>([
  'InvalidArgument',
  'InvalidData',
  'InvalidOperation',
  'NotInstalled',
  'ObjectNotFound',
  'ResourceExists',
]);

export function exitCodeOfError(error: DirSyncError): ExitCode {
  return USAGE_OR_CONFIGURATION.has(error.category) ? ExitCode.usageOrConfiguration : ExitCode.runFailed;
}

export function exitCodeOfRun(status: RunStatus): ExitCode {
  switch (status) {
    case 'success':
      return ExitCode.success;
    case 'completed-export-errors':
      return ExitCode.completedWithExportErrors;
    case 'stopped-deletion-threshold-exceeded':
      return ExitCode.stoppedByDeletionThreshold;
    default:
      return ExitCode.runFailed;
  }
}
