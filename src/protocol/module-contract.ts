// What the PowerShell module and the executable agree on. The module holds none of it as a literal of its own: the
// build (scripts/bundle.ts) writes moduleContract() to module/DirSync.Contract.psd1, which the module loads at import
// (module/private/Import-DirSyncContract.ps1). The protocol version is checked both ways on every request: the
// module sends its own, and the executable refuses another; the executable's first line says its own, and the
// module refuses another (module/private/Invoke-DirSyncCommand.ps1).
import packageJson from '../../package.json' with { type: 'json' };
import { CMDLET_OF_COMMAND, PARAMETER_OF_OPTION } from '../core/advice.ts';
import { ERROR_CODES } from '../core/error-catalogue.ts';
import { DirSyncError } from '../core/errors.ts';
import type { RunHistoryMode } from '../engine/state-store.ts';
import { ExitCode } from '../use-cases/exit-codes.ts';
import { PRODUCT_VERSION } from '../version.ts';
import { type PowerShellData, toPowerShellDataFile } from './powershell-data.ts';

/** Where the build writes the contract, relative to the repository (and the module's) root. */
export const MODULE_CONTRACT_FILE = 'module/DirSync.Contract.psd1';

/**
 * Bumped when the module and the executable stop understanding each other's messages.
 * 2: PowerShell-shaped results (module-shapes.ts), errors carry `code`, requests may ask for cancellation on stdin.
 * 3: the handshake (the request's protocolVersion, the Hello line); errors say whether they end the command
 *    (`terminating`) and carry the advice in the module's words; a command's outcome other than success comes as a
 *    non-terminating error; writeBudget travels as 'writes/seconds'.
 */
export const PROTOCOL_VERSION = 3;

/** Where an installation lives when -InstallPath is not given. The module expands %ProgramData% on Windows. */
export const DEFAULT_INSTALL_PATH = { windows: '%ProgramData%\\DirSync', other: '/var/lib/dirsync' } as const;

/** Every run mode a history shows (a new one does not compile until listed): the module's table view is as wide as the longest. */
const RUN_MODES: Record<RunHistoryMode, true> = {
  full: true,
  delta: true,
  restore: true,
  object: true,
  'preview-full': true,
  'preview-delta': true,
  'preview-restore': true,
  'preview-object': true,
  'standby-full': true,
  'standby-delta': true,
  'standby-restore': true,
  'standby-object': true,
};

/** The executable's first line on every request: which protocol it speaks, so that the module can refuse another. */
export function helloMessage(): { protocolVersion: number; productVersion: string } {
  return { protocolVersion: PROTOCOL_VERSION, productVersion: PRODUCT_VERSION };
}

/** The executable's refusal of a module of another protocol version (an older module sends none). */
export function checkModuleProtocol(moduleVersion: number | undefined): void {
  if (moduleVersion === PROTOCOL_VERSION) return;
  const module = moduleVersion === undefined ? 'an older protocol (its request names none)' : `protocol ${moduleVersion}`;
  throw new DirSyncError(
    'Module.protocol-mismatch',
    `This DirSync executable (${PRODUCT_VERSION}) speaks module protocol ${PROTOCOL_VERSION}, and the PowerShell module that sent the request speaks ${module}: it ran nothing.`,
  );
}

/** The text of module/DirSync.Contract.psd1. */
export function moduleContractFile(): string {
  return toPowerShellDataFile(
    moduleContract(),
    'What the DirSync module and executable agree on, written by the build from src/protocol/module-contract.ts. Do not edit.',
  );
}

/** The data the module loads from module/DirSync.Contract.psd1, PowerShell-cased. */
export function moduleContract(): PowerShellData {
  return {
    ProductVersion: PRODUCT_VERSION,
    ProtocolVersion: PROTOCOL_VERSION,
    MinimumNodeVersion: minimumNodeMajorVersion(),
    DefaultInstallPath: { Windows: DEFAULT_INSTALL_PATH.windows, Other: DEFAULT_INSTALL_PATH.other },
    ExitCodes: Object.fromEntries(Object.entries(ExitCode).map(([name, code]) => [pascalCase(name), code])),
    RunModes: Object.keys(RUN_MODES),
    Errors: Object.fromEntries(
      ERROR_CODES.map((code) => {
        const { category, powerShellAction } = new DirSyncError(code);
        return [code, { Category: category, Action: powerShellAction }];
      }),
    ),
    Cmdlets: { ...CMDLET_OF_COMMAND },
    Parameters: { ...PARAMETER_OF_OPTION },
  };
}

/** The major version of package.json's engines.node ('>=24'), which the module checks before it starts node. */
function minimumNodeMajorVersion(): number {
  const match = /^>=\s*(\d+)/.exec(packageJson.engines.node);
  if (!match) throw new Error(`package.json's engines.node (${packageJson.engines.node}) is not of the form >=N.`);
  return Number(match[1]);
}

function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
