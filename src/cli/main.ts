// Entry point of the bundled executable: `node dist/dirsync.mjs <command>`.
import { Command, CommanderError } from 'commander';
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

export function createProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('dirsync')
    .description('One-way directory synchronization from on-premises Active Directory to Entra ID.')
    .version(PRODUCT_VERSION, '-V, --version', 'print the product version')
    .showHelpAfterError('(run with --help for usage)')
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
  for (const command of program.commands) command.exitOverride().showHelpAfterError('(run with --help for usage)');
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
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? ExitCode.success : ExitCode.usageOrConfiguration;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv);
