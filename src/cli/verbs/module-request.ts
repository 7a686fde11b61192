// `dirsync module-request`: how the PowerShell module runs a command. The request (protocol version, command,
// parameters, secrets) arrives as JSON on stdin, never on the command line (with `"cancellation": "stdin"`, a later
// line `cancel` stops it: src/protocol/module-request.ts); the answer is one CliXml document per stdout line
// (src/protocol/protocol-output.ts), the Hello first; the exit code follows src/use-cases/exit-codes.ts.
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { renderFailure } from '../../use-cases/errors.ts';
import { DirSyncError } from '../../core/errors.ts';
import { findCommand, registeredCommandNames } from '../../protocol/command-registry.ts';
import { registerModuleCommands } from '../../protocol/module-commands.ts';
import { checkModuleProtocol } from '../../protocol/module-contract.ts';
import { receiveModuleRequest } from '../../protocol/module-request.ts';
import { ProtocolOutput } from '../../protocol/protocol-output.ts';

export function registerModuleRequest(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('module-request')
    .description('run a command for the DirSync PowerShell module (JSON request on stdin, CliXml lines on stdout)')
    .action(async () => {
      // Ctrl+C at the PowerShell prompt signals the whole foreground process group, this child too. The
      // module decides what Ctrl+C means and says so on stdin ('cancel'), so the signal itself is ignored.
      process.on('SIGINT', () => {});
      setExitCode(await runModuleRequest(process.stdin, new ProtocolOutput()));
    });
}

export async function runModuleRequest(input: Readable, output: ProtocolOutput): Promise<number> {
  registerModuleCommands();
  output.hello();
  let stopListening = () => {};
  try {
    const received = await receiveModuleRequest(input);
    stopListening = received.stopListening;
    const { request, signal } = received;
    checkModuleProtocol(request.protocolVersion);
    const command = findCommand(request.command) ?? unknownCommand(request.command);
    const exitCode = await command.handler(request.parameters, request.secrets, output, signal);
    const outcome = command.outcomes[exitCode];
    if (outcome !== undefined) output.nonTerminatingError(new DirSyncError(outcome), exitCode);
    return exitCode;
  } catch (error) {
    return renderFailure(error, output);
  } finally {
    stopListening();
  }
}

function unknownCommand(name: string): never {
  throw new DirSyncError(
    'Module.unknown-command',
    `This DirSync executable has no command '${name}' (it knows: ${registeredCommandNames().join(', ')}).`,
    { target: name },
  );
}
