// The commands the PowerShell module can request, registered in one place.
import { isSea } from 'node:sea';
import { ExitCode } from '../commands/exit-codes.ts';
import { PRODUCT_VERSION } from '../version.ts';
import { registerCommand, type CommandHandler } from './command-registry.ts';

/** Bumped when the module and the executable stop understanding each other's messages. */
export const PROTOCOL_VERSION = 1;

const version: CommandHandler = async (_parameters, _secrets, output) => {
  output.result({
    typeName: 'DirSync.VersionInfo',
    properties: {
      productVersion: PRODUCT_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      nodeVersion: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
      singleExecutable: isSea(),
    },
  });
  return ExitCode.success;
};

let registered = false;

export function registerModuleCommands(): void {
  if (registered) return;
  registered = true;
  registerCommand('version', version);
}
