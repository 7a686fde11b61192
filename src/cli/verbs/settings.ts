import type { Command } from 'commander';
import { parseParameters } from '../../use-cases/parameters.ts';
import {
  compareSettingsCommand,
  exportSettings,
  importSettings,
  settingsFileParameters,
  settingsImportParameters,
} from '../../use-cases/settings.ts';
import { pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerSettings(program: Command, setExitCode: (code: number) => void): void {
  const settings = program
    .command('settings')
    .description('the settings as one reviewable JSON file without secrets: export, import (as a standby), compare');
  settings
    .command('export')
    .description('write everything configured to a file: stable and sorted, no secret (only whether each is stored)')
    .requiredOption('--path <dir>', 'installation directory')
    .requiredOption('--file <file>', 'the settings file to write')
    .option('--json', 'print the result as one JSON object on the last line')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output) => exportSettings(parseParameters(settingsFileParameters, pick(options, ['path', 'file'])), output)),
      );
    });
  settings
    .command('import')
    .description('configure a new installation from a settings file, as a standby; checks everything as configure does')
    .requiredOption('--path <dir>', 'installation directory (installed, not yet configured, or a standby)')
    .requiredOption('--file <file>', 'the settings file (from settings export)')
    .option('--ad-user <user>', 'Enterprise Administrator (as configure); password in DIRSYNC_AD_PASSWORD or on stdin')
    .option(
      '--secrets-stdin',
      'read {"adPassword","clientSecret","smtpUser","smtpPassword","webhookSecret"} as JSON from stdin instead of the environment',
    )
    .option('--json', 'print the configuration as one JSON object on the last line')
    .option('--verbose', 'report each check as it runs')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output, secrets, signal) =>
          importSettings(parseParameters(settingsImportParameters, pick(options, ['path', 'file', 'adUser'])), secrets, output, signal),
        ),
      );
    });
  settings
    .command('compare')
    .description('list the settings that differ between an installation and a settings file')
    .requiredOption('--path <dir>', 'installation directory')
    .requiredOption('--file <file>', 'the settings file (from settings export)')
    .option('--json', 'print the comparison as one JSON object on the last line')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output) =>
          compareSettingsCommand(parseParameters(settingsFileParameters, pick(options, ['path', 'file'])), output),
        ),
      );
    });
}
