// What a command reports while it runs. Two renderers implement it: the terminal (src/cli/) and the
// PowerShell module protocol (src/protocol/), so every command is written once for both audiences.

export interface ProgressEvent {
  /** What is being done, e.g. "Importing from Active Directory". Stable across one activity. */
  activity: string;
  /** What is happening now, e.g. "1,200 objects (450/s)". */
  status: string;
  current?: number;
  total?: number;
  /** The activity is over. */
  completed?: boolean;
}

/** A result object; `typeName` becomes the PowerShell PSTypeName (e.g. "DirSync.SyncRun"). */
export interface CommandResult {
  typeName: string;
  properties: Record<string, unknown>;
}

export interface CommandOutput {
  progress(event: ProgressEvent): void;
  verbose(message: string): void;
  warning(message: string): void;
  result(result: CommandResult): void;
}

/**
 * Categories a failure can have; the names are PowerShell's ErrorCategory members, so the module maps
 * them one to one and scripts can branch on them.
 */
export type ErrorCategory =
  | 'AuthenticationError'
  | 'ConnectionError'
  | 'InvalidArgument'
  | 'InvalidData'
  | 'InvalidOperation'
  | 'LimitsExceeded'
  | 'NotInstalled'
  | 'ObjectNotFound'
  | 'OperationStopped'
  | 'PermissionDenied'
  | 'ResourceExists'
  | 'ResourceUnavailable'
  | 'SecurityError';

/**
 * A failure the user can act on. `errorId` is stable (scripts and the module's FullyQualifiedErrorId rely
 * on it); the message says what happened and `recommendedAction` what to do next.
 */
export class CommandError extends Error {
  readonly errorId: string;
  readonly category: ErrorCategory;
  readonly exitCode: number;
  readonly recommendedAction: string | undefined;
  readonly target: string | undefined;

  constructor(options: {
    errorId: string;
    category: ErrorCategory;
    message: string;
    exitCode: number;
    recommendedAction?: string;
    target?: string;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.name = 'CommandError';
    this.errorId = options.errorId;
    this.category = options.category;
    this.exitCode = options.exitCode;
    this.recommendedAction = options.recommendedAction;
    this.target = options.target;
  }
}
