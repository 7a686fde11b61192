/** Process exit codes: part of the stable command-line contract (README, --help, the PowerShell module). */
export const ExitCode = {
  success: 0,
  runFailed: 1,
  usageOrConfiguration: 2,
  completedWithExportErrors: 3,
  stoppedByDeletionThreshold: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
