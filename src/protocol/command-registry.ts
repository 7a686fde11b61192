// Which handler answers which module request. Commands register themselves by name; `module-request`
// looks them up, so the protocol layer knows no command in particular.
import type { CommandOutput } from '../use-cases/output.ts';
import type { ErrorCode } from '../core/errors.ts';

/**
 * Runs one command; resolves to the process exit code (see src/use-cases/exit-codes.ts). `signal` aborts when
 * the user stops the cmdlet (Ctrl+C), for the commands that can stop cleanly.
 */
export type CommandHandler = (
  parameters: Record<string, unknown>,
  secrets: Record<string, string>,
  output: CommandOutput,
  signal?: AbortSignal,
) => Promise<number>;

/** What an exit code other than success or failure means for a command: the module writes it as a non-terminating error. */
export type Outcomes = Readonly<Partial<Record<number, ErrorCode>>>;

export interface RegisteredCommand {
  handler: CommandHandler;
  outcomes: Outcomes;
}

const commands = new Map<string, RegisteredCommand>();

export function registerCommand(name: string, handler: CommandHandler, outcomes: Outcomes = {}): void {
  if (commands.has(name)) throw new Error(`A handler for the module command '${name}' is already registered.`);
  commands.set(name, { handler, outcomes });
}

export function findCommand(name: string): RegisteredCommand | undefined {
  return commands.get(name);
}

export function registeredCommandNames(): string[] {
  return [...commands.keys()].sort();
}
