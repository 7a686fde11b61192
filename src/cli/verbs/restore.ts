import type { Command } from 'commander';
import { parseParameters } from '../../use-cases/parameters.ts';
import { restore, restoreParameters } from '../../use-cases/restore.ts';
import { integer, pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerRestore(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('restore')
    .description(
      'bring back what one run deleted in Entra ID: users from the deleted items (30 days), security groups created again, with their memberships',
    )
    .requiredOption('--path <dir>', 'installation directory')
    .requiredOption('--run <n>', 'the run whose deletes to undo (see status)', integer)
    .option('--preview', 'list what would be restored; write nothing')
    .option('--take-over-lease', "become the tenant's active installation in place of one that has not renewed its lease for longer than configured")
    .option('--json', 'print the result as one JSON object on the last line')
    .option('--verbose', 'say what is being done')
    .addHelpText('after', '\nExit codes: 0 everything restored, 3 some objects could not be restored (listed), 1 or 2 failure.')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output) =>
          restore(parseParameters(restoreParameters, pick(options, ['path', 'run', 'preview', 'takeOverLease'])), output),
        ),
      );
    });
}
