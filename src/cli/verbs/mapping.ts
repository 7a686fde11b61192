import type { Command } from 'commander';
import { getMapping, mappingGetParameters } from '../../use-cases/mapping-get.ts';
import { mappingSetParameters, setMapping } from '../../use-cases/mapping-set.ts';
import { mappingTestParameters, testMapping } from '../../use-cases/mapping-test.ts';
import { parseParameters } from '../../use-cases/parameters.ts';
import { pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerMapping(program: Command, setExitCode: (code: number) => void): void {
  const mapping = program
    .command('mapping')
    .description('the attribute mapping: which cloud property gets which value (README: "The attribute mapping")');
  mapping
    .command('get')
    .description('show the effective attribute mapping, defaults included')
    .requiredOption('--path <dir>', 'installation directory')
    .option('--json', 'print it as one JSON object on the last line')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(await runForTerminal(options, (output) => getMapping(parseParameters(mappingGetParameters, pick(options, ['path'])), output)));
    });
  mapping
    .command('set')
    .description('check an attribute mapping file and store it (the next cycle evaluates every object again); writes nothing to the tenant')
    .requiredOption('--path <dir>', 'installation directory')
    .requiredOption('--file <file>', 'the mapping: {"user": {"<target>": "<expression>" | {"expression", "apply", "dataType"} | null}, "group": {…}}')
    .option('--preview', 'store nothing: show the plan of a cycle with this mapping, every object whose cloud values would change and how')
    .option('--json', 'print the result as one JSON object on the last line')
    .option('--verbose', 'say what is being done')
    .addHelpText('after', '\nExit codes: 0 stored (or previewed), 2 the mapping is refused (a Mapping.* code, with the target and the column).')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output, _secrets, signal) =>
          setMapping(parseParameters(mappingSetParameters, pick(options, ['path', 'file', 'preview'])), output, signal),
        ),
      );
    });
  mapping
    .command('test')
    .description('evaluate the attribute mapping on one AD object, read as a cycle reads it; writes nothing anywhere')
    .requiredOption('--path <dir>', 'installation directory')
    .requiredOption('--dn <dn>', 'the distinguished name of a user or group in scope')
    .option('--json', 'print the result as one JSON object on the last line: {"dn","objectType","targets":[{"target","value","expression"}]}')
    .option('--verbose', 'say what is being done')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output) => testMapping(parseParameters(mappingTestParameters, pick(options, ['path', 'dn'])), output)),
      );
    });
  for (const command of mapping.commands) command.exitOverride().showHelpAfterError('(run with --help for usage)');
}
