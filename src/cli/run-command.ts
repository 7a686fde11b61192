// Runs one command for the terminal: renders its output, turns its failure into a message and an exit code.
import { InvalidArgumentError } from 'commander';
import { renderFailure } from '../use-cases/errors.ts';
import type { SuppliedSecrets } from '../use-cases/secrets.ts';
import { readSuppliedSecrets } from './secrets-input.ts';
import { TerminalOutput } from './terminal-output.ts';

export interface CommonOptions {
  json?: boolean;
  verbose?: boolean;
  secretsStdin?: boolean;
}

export async function runForTerminal(
  options: CommonOptions,
  body: (output: TerminalOutput, secrets: SuppliedSecrets, signal: AbortSignal) => Promise<number>,
): Promise<number> {
  const output = new TerminalOutput({ json: Boolean(options.json), verbose: Boolean(options.verbose) });
  // Ctrl+C or a service manager's SIGTERM stops a cycle after the batch in flight; a second one ends the process.
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(130);
    output.warning(`${signal}: stopping after the batch in flight (again to stop at once).`);
    stop.abort();
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    const secrets = await readSuppliedSecrets(Boolean(options.secretsStdin));
    const exitCode = await body(output, secrets, stop.signal);
    output.flush();
    return exitCode;
  } catch (error) {
    return renderFailure(error, output);
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
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
