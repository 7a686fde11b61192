import type { Command } from 'commander';
import { install, installParameters } from '../../use-cases/install.ts';
import { parseParameters } from '../../use-cases/parameters.ts';
import { pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerInstall(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('install')
    .description('create an installation (embedded store by default), or upgrade one in place with --upgrade')
    .requiredOption('--path <dir>', 'installation directory (created readable by its owner only)')
    .option('--sql-server <server>', 'use a standalone SQL Server instead of the embedded store')
    .option('--sql-instance <name>', 'SQL Server named instance')
    .option('--sql-database <name>', 'SQL Server database (default DirSync)')
    .option('--upgrade', 'upgrade the existing installation in place (from 1.0.6385.0012 on)')
    .option('--secrets-stdin', 'read {"sqlUser","sqlPassword"} as JSON from stdin instead of DIRSYNC_SQL_USER / DIRSYNC_SQL_PASSWORD')
    .option('--json', 'print the result as one JSON object on the last line')
    .option('--verbose', 'say what is being done')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output, secrets) =>
          install(parseParameters(installParameters, pick(options, ['path', 'sqlServer', 'sqlInstance', 'sqlDatabase', 'upgrade'])), secrets, output),
        ),
      );
    });
}
