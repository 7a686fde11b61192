import type { Command } from 'commander';
import { deletionThresholdParameters, setDeletionThreshold } from '../../use-cases/deletion-threshold.ts';
import { parseParameters } from '../../use-cases/parameters.ts';
import { integer, pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerDeletionThreshold(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('deletion-threshold')
    .description('prevent accidental deletes: a cycle that would delete more than N objects, or more than a share of them, exports no delete')
    .requiredOption('--path <dir>', 'installation directory')
    .option('--enable', 'turn the prevention on (with --threshold)')
    .option('--threshold <n>', 'the most deletes one cycle may export (default 500)', integer)
    .option(
      '--share-percent <n>',
      'the largest share (%) of the synchronized objects one cycle may delete, once it deletes more than 5 (default 20)',
      integer,
    )
    .option('--disable', 'turn the prevention off')
    .option('--json', 'print the result as one JSON object on the last line')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output) =>
          setDeletionThreshold(
            parseParameters(deletionThresholdParameters, pick(options, ['path', 'enable', 'disable', 'threshold', 'sharePercent'])),
            output,
          ),
        ),
      );
    });
}
