// The executable's side of the module protocol: every message is one CliXml document on one stdout line,
// typed by its PSTypeName, which the module turns into WriteProgress / WriteVerbose / WriteWarning /
// WriteObject / WriteError / ThrowTerminatingError as it reads. The first line is always the Hello (module-contract.ts).
import { exitCodeOfError } from '../use-cases/exit-codes.ts';
import type { CommandOutput, CommandResult, ProgressEvent } from '../use-cases/output.ts';
import type { DirSyncError } from '../core/errors.ts';
import { toCliXml, TypedObject } from './clixml.ts';
import { helloMessage } from './module-contract.ts';
import { toModuleShape } from './module-shapes.ts';

export const MessageType = {
  hello: 'DirSync.Protocol.Hello',
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

  /** The protocol version this executable speaks: the first line of every answer. */
  hello(): void {
    this.send(MessageType.hello, helloMessage());
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

  /** The module speaks PowerShell: its cmdlets and their parameters. */
  adviceFor(error: DirSyncError): string {
    return error.powerShellAction;
  }

  /** The failure that ends the command (ThrowTerminatingError); the process then exits with `exitCode`. */
  error(error: DirSyncError): void {
    this.sendError(error, { terminating: true, exitCode: exitCodeOfError(error) });
  }

  /** A command that ran to its end with an outcome other than success (WriteError, after its results). */
  nonTerminatingError(error: DirSyncError, exitCode: number): void {
    this.sendError(error, { terminating: false, exitCode });
  }

  private sendError(error: DirSyncError, ending: { terminating: boolean; exitCode: number }): void {
    this.send(MessageType.error, {
      code: error.code,
      category: error.category,
      message: error.message,
      // The advice in the module's words: cmdlets and their parameters, not the command line's options.
      recommendedAction: this.adviceFor(error),
      target: error.target ?? null,
      terminating: ending.terminating,
      // Read by modules of protocol 2, which end the cmdlet on 1 and 2: so they still show a version mismatch as the failure it is.
      exitCode: ending.exitCode,
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
