// The commands the PowerShell module can request, registered in one place. Each validates its request's
// parameters and secrets with the same schemas as the command line.
import { isSea } from 'node:sea';
import { deletionThresholdParameters, setDeletionThreshold } from '../use-cases/deletion-threshold.ts';
import { ExitCode } from '../use-cases/exit-codes.ts';
import { getConfiguration, getConfigurationParameters } from '../use-cases/get-configuration.ts';
import { install, installParameters } from '../use-cases/install.ts';
import { getMapping, mappingGetParameters } from '../use-cases/mapping-get.ts';
import { mappingSetParameters, setMapping } from '../use-cases/mapping-set.ts';
import { mappingTestParameters, testMapping } from '../use-cases/mapping-test.ts';
import { parseParameters } from '../use-cases/parameters.ts';
import { parseSuppliedSecrets } from '../use-cases/secrets.ts';
import { readiness, readinessParameters } from '../use-cases/readiness.ts';
import { report, reportParameters } from '../use-cases/report.ts';
import { restore, restoreParameters } from '../use-cases/restore.ts';
import { status, statusParameters } from '../use-cases/status.ts';
import { sync, syncParameters } from '../use-cases/sync.ts';
import { uninstall, uninstallParameters } from '../use-cases/uninstall.ts';
import { configure, configureParameters } from '../use-cases/configure.ts';
import { PRODUCT_VERSION } from '../version.ts';
import { registerCommand, type CommandHandler } from './command-registry.ts';
import { organizationalUnits, organizationalUnitsParameters } from '../use-cases/organizational-units.ts';

/**
 * Bumped when the module and the executable stop understanding each other's messages.
 * 2: PowerShell-shaped results (module-shapes.ts), errors carry `code`, requests may ask for cancellation on stdin.
 */
export const PROTOCOL_VERSION = 2;

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

const commands: Record<string, CommandHandler> = {
  version,
  install: (parameters, secrets, output) => install(parseParameters(installParameters, parameters), parseSuppliedSecrets(secrets), output),
  configure: (parameters, secrets, output) => configure(parseParameters(configureParameters, parameters), parseSuppliedSecrets(secrets), output),
  'get-configuration': (parameters, _secrets, output) => getConfiguration(parseParameters(getConfigurationParameters, parameters), output),
  sync: (parameters, _secrets, output, signal) => sync(parseParameters(syncParameters, parameters), output, signal),
  status: (parameters, _secrets, output) => status(parseParameters(statusParameters, parameters), output),
  restore: (parameters, _secrets, output) => restore(parseParameters(restoreParameters, parameters), output),
  readiness: (parameters, _secrets, output) => readiness(parseParameters(readinessParameters, parameters), output),
  report: (parameters, _secrets, output) => report(parseParameters(reportParameters, parameters), output),
  'deletion-threshold': (parameters, _secrets, output) => setDeletionThreshold(parseParameters(deletionThresholdParameters, parameters), output),
  uninstall: (parameters, secrets, output) => uninstall(parseParameters(uninstallParameters, parameters), parseSuppliedSecrets(secrets), output),
  'organizational-units': (parameters, _secrets, output) => organizationalUnits(parseParameters(organizationalUnitsParameters, parameters), output),
  'mapping-get': (parameters, _secrets, output) => getMapping(parseParameters(mappingGetParameters, parameters), output),
  'mapping-set': (parameters, _secrets, output, signal) => setMapping(parseParameters(mappingSetParameters, parameters), output, signal),
  'mapping-test': (parameters, _secrets, output) => testMapping(parseParameters(mappingTestParameters, parameters), output),
};

let registered = false;

export function registerModuleCommands(): void {
  if (registered) return;
  registered = true;
  for (const [name, handler] of Object.entries(commands)) registerCommand(name, handler);
}
