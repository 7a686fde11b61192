import type { Command } from 'commander';
import { notifyTest, notifyTestParameters } from '../../use-cases/notify-test.ts';
import { parseParameters } from '../../use-cases/parameters.ts';
import { pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerNotify(program: Command, setExitCode: (code: number) => void): void {
  const notify = program.command('notify').description('notifications by mail and webhook (configure --notify-… sets them up)');
  notify
    .command('test')
    .description("send a test message through each configured channel and show the server's answer")
    .requiredOption('--path <dir>', 'installation directory')
    .option('--json', 'print the answers as JSON on the last line')
    .addHelpText('after', '\nExit codes: 0 every channel took the message, 1 one did not, 2 none is configured.')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(await runForTerminal(options, (output) => notifyTest(parseParameters(notifyTestParameters, pick(options, ['path'])), output)));
    });
}
