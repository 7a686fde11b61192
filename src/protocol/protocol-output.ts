// The executable's side of the module protocol: every message is one CliXml document on one stdout line,
// typed by its PSTypeName, which the module turns into WriteProgress / WriteVerbose / WriteWarning /
// WriteObject / WriteError as it reads.
import { exitCodeOfError } from '../use-cases/exit-codes.ts';
import type { CommandOutput, CommandResult, ProgressEvent } from '../use-cases/output.ts';
import type { DirSyncError } from '../core/errors.ts';
import { toCliXml, TypedObject } from './clixml.ts';
import { toModuleShape } from './module-shapes.ts';

export const MessageType = {
  progress: 'DirSync.Protocol.Progress',
  verbose: 'DirSync.Protocol.Verbose',
  warning: 'DirSync.Protocol.Warning',
  result: 'DirSync.Protocol.Result',
  error: 'DirSync.Protocol.Error',
} as const;

export class ProtocolOutput implements CommandOutput {
  private readonly writeLine: (line: string) => void;
  // PowerShell tells concurrent activities apart by an id: one per activity name, in order of appearance.
  private readonly activityIds = new Map<string, number>();

  constructor(writeLine: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {
    this.writeLine = writeLine;
  }

  progress(event: ProgressEvent): void {
    const activityId = this.activityIds.get(event.activity) ?? this.activityIds.size + 1;
    this.activityIds.set(event.activity, activityId);
    this.send(MessageType.progress, {
      activityId,
      activity: event.activity,
      status: event.status,
      percent: percentComplete(event),
      current: event.current,
      total: event.total,
      completed: event.completed === true,
    });
  }

  verbose(message: string): void {
    this.send(MessageType.verbose, { message });
  }

  warning(message: string): void {
    this.send(MessageType.warning, { message });
  }

  result(result: CommandResult): void {
    this.send(MessageType.result, { value: toModuleShape(result) });
  }

  /** The failure that ends the command; the process then exits with `exitCode`. */
  error(error: DirSyncError): void {
    this.send(MessageType.error, {
      code: error.code,
      category: error.category,
      message: error.message,
      recommendedAction: error.recommendedAction,
      target: error.target ?? null,
      exitCode: exitCodeOfError(error),
    });
  }

  private send(type: string, properties: Record<string, unknown>): void {
    this.writeLine(toCliXml(new TypedObject(type, properties)));
  }
}

/** 0–100 when the total is known, else -1 (PowerShell's "unknown" for ProgressRecord.PercentComplete). */
function percentComplete(event: ProgressEvent): number {
  if (event.completed) return 100;
  if (event.current === undefined || event.total === undefined || event.total <= 0) return -1;
  return Math.min(100, Math.max(0, Math.floor((event.current * 100) / event.total)));
}
