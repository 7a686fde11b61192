import type { Command } from 'commander';
import { parseParameters } from '../../use-cases/parameters.ts';
import { promote, promoteParameters } from '../../use-cases/promote.ts';
import { pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerPromote(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('promote')
    .description('make a standby installation (configure --staging) the active one: its next cycle exports')
    .requiredOption('--path <dir>', 'installation directory')
    .option('--compare-with <file>', "the active installation's last exported settings: refused (exit 2) while this one's differ")
    .option('--force', 'with --compare-with: promote even though the settings differ')
    .option('--json', 'print the configuration as one JSON object on the last line')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output) =>
          promote(parseParameters(promoteParameters, pick(options, ['path', 'compareWith', 'force'])), output),
        ),
      );
    });
}
