import type { Command } from 'commander';
import { parseParameters } from '../../use-cases/parameters.ts';
import { status, statusParameters } from '../../use-cases/status.ts';
import { integer, pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerStatus(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('status')
    .description('the schedule (last and next cycle) and the last synchronization runs, newest first, with their per-object errors')
    .requiredOption('--path <dir>', 'installation directory')
    .option('--last <n>', 'how many runs (default 5)', integer)
    .option('--all', 'previews too (by default only the runs that were not previews)')
    .option('--json', 'print the runs as JSON on the last line')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output) => status(parseParameters(statusParameters, pick(options, ['path', 'last', 'all'])), output)),
      );
    });
}
