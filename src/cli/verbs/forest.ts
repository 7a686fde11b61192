import type { Command } from 'commander';
import { addForest, forestAddParameters } from '../../use-cases/forest-add.ts';
import { forestListParameters, listForests } from '../../use-cases/forest-list.ts';
import { forestRemoveParameters, removeForest } from '../../use-cases/forest-remove.ts';
import { parseParameters } from '../../use-cases/parameters.ts';
import { pick, runForTerminal, type CommonOptions } from '../run-command.ts';

const repeatable = (value: string, previous: string[] = []) => [...previous, value];

export function registerForest(program: Command, setExitCode: (code: number) => void): void {
  const forest = program.command('forest').description('the forests synchronised into the tenant besides the first (add, list, remove)');
  forest
    .command('add')
    .description('bring in a further forest: its own AAD_ account, deletion-visibility probe and scope checks, as configure does for the first')
    .requiredOption('--path <dir>', 'installation directory')
    .requiredOption('--ad-url <url>', 'a domain controller of the forest: ldaps://dc1.fabrikam.example.com (a bare host name means LDAPS)')
    .requiredOption('--ad-user <user>', "the forest's administrator (DN, user@domain or DOMAIN\\user); password in DIRSYNC_AD_PASSWORD or on stdin")
    .option('--ad-ca-file <pem>', "CA certificate(s) that issued the domain controller's certificate")
    .option('--allow-plain-ldap', 'allow an unencrypted LDAP connection (labs only)')
    .option('--no-service-account', 'read the forest with the given account instead of creating its AAD_ service account')
    .option('--include-ou <dn>', 'synchronize only this OU of the forest (repeatable)', repeatable)
    .option('--exclude-ou <dn>', 'leave out this OU (repeatable)', repeatable)
    .option('--attribute-filter <ldap-filter>', 'synchronize only objects matching this LDAP filter')
    .option('--secrets-stdin', 'read {"adPassword"} as JSON from stdin instead of the environment')
    .option('--json', 'print the result as one JSON object on the last line')
    .option('--verbose', 'report each check as it runs')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      const raw = {
        ...pick(options, ['path', 'adUrl', 'adUser', 'adCaFile', 'allowPlainLdap', 'attributeFilter', 'includeOu', 'excludeOu']),
        noServiceAccount: options.serviceAccount === false,
      };
      setExitCode(await runForTerminal(options, (output, secrets) => addForest(parseParameters(forestAddParameters, raw), secrets, output)));
    });
  forest
    .command('list')
    .description("the installation's forests, the first one first, with the account each is read with and its scope")
    .requiredOption('--path <dir>', 'installation directory')
    .option('--name <dns-name>', 'only this forest')
    .option('--json', 'print the forests as JSON on the last line')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output) => listForests(parseParameters(forestListParameters, pick(options, ['path', 'name'])), output)),
      );
    });
  forest
    .command('remove')
    .description(
      'take a forest out of the installation; its objects are deleted in Entra ID only with --accept-deletes (exit 4 and a list of them otherwise)',
    )
    .requiredOption('--path <dir>', 'installation directory')
    .requiredOption('--name <dns-name>', "the forest's DNS root, as forest list shows it")
    .option('--accept-deletes', 'remove it, and delete its objects in Entra ID')
    .option('--preview', 'list what removing it would delete; change nothing')
    .option('--json', 'print the result as one JSON object on the last line')
    .option('--verbose', 'say what is being done, object by object')
    .addHelpText('after', '\nExit codes: 0 removed (or previewed), 4 not removed: its objects would be deleted and --accept-deletes was not given.')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output, _secrets, signal) =>
          removeForest(parseParameters(forestRemoveParameters, pick(options, ['path', 'name', 'acceptDeletes', 'preview'])), output, signal),
        ),
      );
    });
  for (const command of forest.commands) command.exitOverride().showHelpAfterError('(run with --help for usage)');
}
