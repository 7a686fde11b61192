// Entry point of the bundled executable: `node dist/dirsync.mjs <command>`.
import { Command, CommanderError } from 'commander';
import { PRODUCT_VERSION } from '../version.ts';
import { ExitCode } from '../commands/exit-codes.ts';

export function createProgram(): Command {
  const program = new Command('dirsync')
    .description('One-way directory synchronization from on-premises Active Directory to Entra ID.')
    .version(PRODUCT_VERSION, '-V, --version', 'print the product version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
    return ExitCode.success;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? ExitCode.success : ExitCode.usageOrConfiguration;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv);
