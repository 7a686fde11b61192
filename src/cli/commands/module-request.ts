// `dirsync module-request`: how the PowerShell module runs a command. The request (command, parameters,
// secrets) arrives as JSON on stdin, never on the command line; the answer is one CliXml document per
// stdout line (src/protocol/protocol-output.ts); the exit code follows src/commands/exit-codes.ts.
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { asDirSyncError, defectDetails } from '../../commands/errors.ts';
import { exitCodeOfError } from '../../commands/exit-codes.ts';
import { DirSyncError } from '../../core/errors.ts';
import { findCommand, registeredCommandNames } from '../../protocol/command-registry.ts';
import { registerModuleCommands } from '../../protocol/module-commands.ts';
import { readModuleRequest } from '../../protocol/module-request.ts';
import { ProtocolOutput } from '../../protocol/protocol-output.ts';

export function registerModuleRequest(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('module-request')
    .description('run a command for the DirSync PowerShell module (JSON request on stdin, CliXml lines on stdout)')
    .action(async () => {
      setExitCode(await runModuleRequest(process.stdin, new ProtocolOutput()));
    });
}

export async function runModuleRequest(input: Readable, output: ProtocolOutput): Promise<number> {
  registerModuleCommands();
  try {
    const request = await readModuleRequest(input);
    const handler = findCommand(request.command) ?? unknownCommand(request.command);
    return await handler(request.parameters, request.secrets, output);
  } catch (error) {
    const failure = asDirSyncError(error);
    // A defect, not a condition the user can fix: the details go to the verbose stream for the report.
    const details = defectDetails(failure);
    if (details) output.verbose(details);
    output.error(failure);
    return exitCodeOfError(failure);
  }
}

function unknownCommand(name: string): never {
  throw new DirSyncError('Module.unknown-command', `This DirSync executable has no command '${name}' (it knows: ${registeredCommandNames().join(', ')}).`, { target: name });
}
