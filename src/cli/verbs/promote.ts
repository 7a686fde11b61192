import type { Command } from 'commander';
import { parseParameters } from '../../use-cases/parameters.ts';
import { promote, promoteParameters } from '../../use-cases/promote.ts';
import { pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerPromote(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('promote')
    .description(
      "make this installation the tenant's active one: a standby (configure --staging) starts exporting, and the installation active until now refuses to write",
    )
    .requiredOption('--path <dir>', 'installation directory')
    .option('--compare-with <file>', "the active installation's last exported settings: refused (exit 2) while this one's differ")
    .option('--force', 'with --compare-with: promote even though the settings differ')
    .option('--json', 'print the configuration as one JSON object on the last line')
    .option('--verbose', 'say what is being done')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output) =>
          promote(parseParameters(promoteParameters, pick(options, ['path', 'compareWith', 'force'])), output),
        ),
      );
    });
}
