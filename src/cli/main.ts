// Entry point of the bundled executable: `node dist/dirsync.mjs <command>`.
// First of all: an older Node is refused with one clear sentence (before anything it lacks is needed).
import './supported-node.ts';
import { Command, CommanderError } from 'commander';
import { DirSyncError } from '../core/errors.ts';
import { renderFailure } from '../use-cases/errors.ts';
import { ExitCode } from '../use-cases/exit-codes.ts';
import { PRODUCT_VERSION } from '../version.ts';
import { registerConfigure } from './verbs/configure.ts';
import { registerDeletionThreshold } from './verbs/deletion-threshold.ts';
import { registerExplain } from './verbs/explain.ts';
import { registerForest } from './verbs/forest.ts';
import { registerGetConfiguration } from './verbs/get-configuration.ts';
import { registerInstall } from './verbs/install.ts';
import { registerMapping } from './verbs/mapping.ts';
import { registerModuleRequest } from './verbs/module-request.ts';
import { registerNotify } from './verbs/notify.ts';
import { registerReadiness } from './verbs/readiness.ts';
import { registerReport } from './verbs/report.ts';
import { registerPromote } from './verbs/promote.ts';
import { registerRestore } from './verbs/restore.ts';
import { registerService } from './verbs/service.ts';
import { registerSettings } from './verbs/settings.ts';
import { registerStatus } from './verbs/status.ts';
import { registerSync } from './verbs/sync.ts';
import { registerUninstall } from './verbs/uninstall.ts';
import { TerminalOutput } from './terminal-output.ts';

export function createProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('dirsync')
    .description('One-way directory synchronization from on-premises Active Directory to Entra ID.')
    .version(PRODUCT_VERSION, '-V, --version', 'print the product version')
    // Usage errors are rendered like every other error (main below): with --json, as the same JSON object.
    .configureOutput({ outputError: () => {} })
    .exitOverride();
  for (const register of [
    registerInstall,
    registerConfigure,
    registerForest,
    registerSync,
    registerRestore,
    registerPromote,
    registerStatus,
    registerReadiness,
    registerReport,
    registerExplain,
    registerDeletionThreshold,
    registerGetConfiguration,
    registerSettings,
    registerMapping,
    registerService,
    registerNotify,
    registerUninstall,
    registerModuleRequest,
  ]) {
    register(program, setExitCode);
  }
  return program;
}

async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.success;
  const program = createProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // --help and --version end through here with exit code 0.
    if (error.exitCode === 0) return ExitCode.success;
    return renderFailure(usageError(error, program, argv), new TerminalOutput({ json: argv.includes('--json'), verbose: false }));
  }
}

/** A missing or mistyped option, an unknown command: Parameters.invalid, pointing at the command's --help. */
function usageError(error: CommanderError, program: Command, argv: string[]): DirSyncError {
  const command = program.commands.find((candidate) => argv.slice(2).includes(candidate.name()));
  const help = `dirsync ${command ? `${command.name()} ` : ''}--help`;
  return new DirSyncError(
    'Parameters.invalid',
    error.message.replace(/^error: /, '').replace(/\n\((Did you mean [^)]*)\)/, (_, suggestion: string) => ` (d${suggestion.slice(1)})`),
    { recommendedAction: `See ${help} for the options.` },
  );
}

process.exitCode = await main(process.argv);
