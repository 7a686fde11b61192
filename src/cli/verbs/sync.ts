import type { Command } from 'commander';
import { parseParameters } from '../../use-cases/parameters.ts';
import { sync, syncParameters } from '../../use-cases/sync.ts';
import { pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerSync(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('sync')
    .description('run one synchronization cycle: delta by default, full when no watermark exists')
    .requiredOption('--path <dir>', 'installation directory')
    .option('--full', 'import everything and delete in the cloud what is no longer in AD or in scope')
    .option('--preview', 'plan the cycle and print the plan; write nothing to Entra ID')
    .option('--accept-deletes', "export this cycle's deletes even if they exceed the accidental-delete threshold")
    .option('--save-plan <file>', 'with --preview: save the whole plan (every operation, where it was computed from, a digest) for approval')
    .option(
      '--apply-plan <file>',
      'send exactly the operations of a saved plan, or nothing if AD, the configuration, the store or the cloud moved since',
    )
    .option(
      '--object <identity>',
      'only this object (DN, UPN, anchor or cloud id), with its memberships and manager, through the same phases; moves no watermark',
    )
    .option('--json', 'print the run as one JSON object on the last line')
    .option('--verbose', 'say what is being done, object by object')
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 run failed, 2 usage or configuration error, 3 completed with export errors, 4 stopped by the deletion threshold.',
    )
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output, _secrets, signal) =>
          sync(
            parseParameters(syncParameters, pick(options, ['path', 'full', 'preview', 'acceptDeletes', 'savePlan', 'applyPlan', 'object'])),
            output,
            signal,
          ),
        ),
      );
    });
}
