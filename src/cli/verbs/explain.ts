import type { Command } from 'commander';
import { explain, explainParameters } from '../../use-cases/explain.ts';
import { parseParameters } from '../../use-cases/parameters.ts';
import { pick, runForTerminal, type CommonOptions } from '../run-command.ts';

export function registerExplain(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('explain')
    .description(
      'one object, every stage: AD as DirSync reads it, scope, match, attributes (desired, last exported, in the cloud now), what the next cycle sends, errors, history; writes nothing',
    )
    .requiredOption('--path <dir>', 'installation directory')
    .option('--dn <dn>', 'the object by its distinguished name')
    .option('--upn <upn>', 'the user by its userPrincipalName')
    .option('--anchor <anchor>', 'the object by its anchor (sourceAnchor: Base64 of its objectGUID, the cloud onPremisesImmutableId)')
    .option('--cloud-id <id>', 'the object by the id of its cloud object')
    .option('--html <file>', 'also write the explanation as one self-contained page')
    .option('--json', 'print the explanation as one JSON object on the last line')
    .option('--verbose', 'say what is being looked up, and what the next cycle would do, step by step')
    .addHelpText('after', '\nExit codes: 0 explained, 2 no such object (Explain.not-found) or a usage error, 1 AD or the tenant out of reach.')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      setExitCode(
        await runForTerminal(options, (output) =>
          explain(parseParameters(explainParameters, pick(options, ['path', 'dn', 'upn', 'anchor', 'cloudId', 'html'])), output),
        ),
      );
    });
}
