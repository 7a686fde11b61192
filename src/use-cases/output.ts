// What a command reports while it runs, and its results. Two renderers implement it: the terminal (src/cli/) and
// the PowerShell module protocol (src/protocol/), so every command is written once for both audiences.
import type { DirSyncError } from '../core/errors.ts';
import type { Reporter } from '../core/reporter.ts';

export type { ProgressEvent, Reporter } from '../core/reporter.ts';

/** A result object; `typeName` becomes the PowerShell PSTypeName (e.g. "DirSync.SyncRun"). */
export interface CommandResult {
  typeName: string;
  properties: Record<string, unknown>;
}

export interface CommandOutput extends Reporter {
  result(result: CommandResult): void;
  /** What to do about a failure in this audience's words, for a message that names it; the command line's by default. */
  adviceFor?(error: DirSyncError): string;
}
