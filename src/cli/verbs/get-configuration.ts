import type { Command } from 'commander';
import { getConfiguration, getConfigurationParameters } from '../../use-cases/get-configuration.ts';
import { parseParameters } from '../../use-cases/parameters.ts';
import { pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerGetConfiguration(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('get-configuration')
    .description('show the configuration (never a secret: only whether one is stored)')
    .requiredOption('--path <dir>', 'installation directory')
    .option('--json', 'print it as one JSON object on the last line')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output) => getConfiguration(parseParameters(getConfigurationParameters, pick(options, ['path'])), output)),
      );
    });
}
