// Which handler answers which module request. Commands register themselves by name; `module-request`
// looks them up, so the protocol layer knows no command in particular.
import type { CommandOutput } from '../use-cases/output.ts';

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

const handlers = new Map<string, CommandHandler>();

export function registerCommand(name: string, handler: CommandHandler): void {
  if (handlers.has(name)) throw new Error(`A handler for the module command '${name}' is already registered.`);
  handlers.set(name, handler);
}

export function findCommand(name: string): CommandHandler | undefined {
  return handlers.get(name);
}

export function registeredCommandNames(): string[] {
  return [...handlers.keys()].sort();
}
