import type { Command } from 'commander';
import { parseParameters } from '../../use-cases/parameters.ts';
import { uninstall, uninstallParameters } from '../../use-cases/uninstall.ts';
import { pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerUninstall(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('uninstall')
    .description('remove an installation')
    .requiredOption('--path <dir>', 'installation directory')
    .option('--keep-data', 'keep the store, configuration and secrets, so that a later install adopts them')
    .option(
      '--remove-service-account',
      'also delete the AAD_ service account in AD, with its rights (needs --ad-user; password in DIRSYNC_AD_PASSWORD or on stdin)',
    )
    .option('--ad-user <user>', 'a domain administrator who may delete the service account')
    .option('--secrets-stdin', 'read {"adPassword"} as JSON from stdin instead of the environment')
    .option('--json', 'print the result as one JSON object on the last line')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output, secrets) =>
          uninstall(parseParameters(uninstallParameters, pick(options, ['path', 'keepData', 'removeServiceAccount', 'adUser'])), secrets, output),
        ),
      );
    });
}
