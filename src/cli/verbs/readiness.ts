import type { Command } from 'commander';
import { parseParameters } from '../../use-cases/parameters.ts';
import { readiness, readinessParameters } from '../../use-cases/readiness.ts';
import { pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerReadiness(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('readiness')
    .description(
      'checks the objects in scope for what Entra ID will refuse or rewrite (duplicates, characters, lengths, UPN suffixes), writing nothing; exit 3 when there are errors',
    )
    .requiredOption('--path <dir>', 'installation directory')
    .option('--html <file>', 'also write the findings as one self-contained HTML page')
    .option('--csv <file>', 'also write the findings as CSV')
    .option('--json', 'print {"scanned":N,"findings":[…]} as JSON on the last line')
    .option('--verbose', 'say what is read')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output) => readiness(parseParameters(readinessParameters, pick(options, ['path', 'html', 'csv'])), output)),
      );
    });
}
