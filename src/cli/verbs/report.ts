import type { Command } from 'commander';
import { parseParameters } from '../../use-cases/parameters.ts';
import { report, reportParameters } from '../../use-cases/report.ts';
import { integer, pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerReport(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('report')
    .description('writes one run (the last by default) as a self-contained HTML page: summary, changes old → new, deletes, errors')
    .requiredOption('--path <dir>', 'installation directory')
    .option('--run <n>', 'the run id (status lists them; default: the last run that ended)', integer)
    .requiredOption('--html <file>', 'where to write the page')
    .option('--all', 'with no --run: the last run that ended, previews included (by default the last one that was not a preview)')
    .option('--json', 'print the result as JSON on the last line')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output) => report(parseParameters(reportParameters, pick(options, ['path', 'run', 'html', 'all'])), output)),
      );
    });
}
