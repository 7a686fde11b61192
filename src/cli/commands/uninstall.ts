import type { Command } from 'commander';
import { parseParameters } from '../../commands/parameters.ts';
import { uninstall, uninstallParameters } from '../../commands/uninstall.ts';
import { pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerUninstall(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('uninstall')
    .description('remove an installation')
    .requiredOption('--path <dir>', 'installation directory')
    .option('--keep-data', 'keep the store, configuration and secrets, so that a later install adopts them')
    .option('--json', 'print the result as one JSON object on the last line')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(await runForTerminal(options, (output) => uninstall(parseParameters(uninstallParameters, pick(options, ['path', 'keepData'])), output)));
    });
}
