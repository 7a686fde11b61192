// Runs one command for the terminal: renders its output, turns its failure into a message and an exit code.
import { InvalidArgumentError } from 'commander';
import { asCommandError } from '../commands/errors.ts';
import { ExitCode } from '../commands/exit-codes.ts';
import { CommandError } from '../commands/output.ts';
import type { SuppliedSecrets } from '../commands/secrets.ts';
import { readSuppliedSecrets } from './secrets-input.ts';
import { TerminalOutput } from './terminal-output.ts';

export interface CommonOptions {
  json?: boolean;
  verbose?: boolean;
  secretsStdin?: boolean;
}

export async function runForTerminal(
  options: CommonOptions,
  body: (output: TerminalOutput, secrets: SuppliedSecrets) => Promise<number>,
): Promise<number> {
  const output = new TerminalOutput({ json: Boolean(options.json), verbose: Boolean(options.verbose) });
  try {
    const secrets = await readSuppliedSecrets(Boolean(options.secretsStdin));
    const exitCode = await body(output, secrets);
    output.flush();
    return exitCode;
  } catch (error) {
    const failure = asCommandError(error);
    output.flush();
    if (failure instanceof CommandError) {
      output.error(failure.message, failure.recommendedAction);
      return failure.exitCode;
    }
    output.error(`unexpected failure: ${failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)}`);
    return ExitCode.runFailed;
  }
}

/** The named options that were given (commander leaves the others undefined). */
export function pick(options: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((name) => options[name] !== undefined).map((name) => [name, options[name]]));
}

/** commander argument parser for whole numbers; validation of the range is the command's. */
export function integer(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}
