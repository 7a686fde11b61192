// The commands the PowerShell module can request, registered in one place. Each validates its request's
// parameters and secrets with the same schemas as the command line, and says what its exit codes other than
// success and failure mean (the module writes them as non-terminating errors after the results).
import { isSea } from 'node:sea';
import { configure, configureParameters } from '../use-cases/configure.ts';
import { deletionThresholdParameters, setDeletionThreshold } from '../use-cases/deletion-threshold.ts';
import { explain, explainParameters } from '../use-cases/explain.ts';
import { ExitCode } from '../use-cases/exit-codes.ts';
import { getConfiguration, getConfigurationParameters } from '../use-cases/get-configuration.ts';
import { install, installParameters } from '../use-cases/install.ts';
import { getMapping, mappingGetParameters } from '../use-cases/mapping-get.ts';
import { mappingSetParameters, setMapping } from '../use-cases/mapping-set.ts';
import { mappingTestParameters, testMapping } from '../use-cases/mapping-test.ts';
import { organizationalUnits, organizationalUnitsParameters } from '../use-cases/organizational-units.ts';
import { parseParameters } from '../use-cases/parameters.ts';
import { promote, promoteParameters } from '../use-cases/promote.ts';
import { readiness, readinessParameters } from '../use-cases/readiness.ts';
import { report, reportParameters } from '../use-cases/report.ts';
import { restore, restoreParameters } from '../use-cases/restore.ts';
import { parseSuppliedSecrets } from '../use-cases/secrets.ts';
import { runService, serviceParameters } from '../use-cases/service.ts';
import { status, statusParameters } from '../use-cases/status.ts';
import { sync, syncParameters } from '../use-cases/sync.ts';
import { uninstall, uninstallParameters } from '../use-cases/uninstall.ts';
import { addForest, forestAddParameters } from '../use-cases/forest-add.ts';
import { forestListParameters, listForests } from '../use-cases/forest-list.ts';
import { forestRemoveParameters, removeForest } from '../use-cases/forest-remove.ts';
import { PRODUCT_VERSION } from '../version.ts';
import { type CommandHandler, type Outcomes, registerCommand } from './command-registry.ts';
import { PROTOCOL_VERSION } from './module-contract.ts';
import { notifyTest, notifyTestParameters } from '../use-cases/notify-test.ts';
import { compareSettingsCommand, exportSettings, importSettings, settingsFileParameters, settingsImportParameters } from '../use-cases/settings.ts';

/** A run's exit code, as exitCodeOfRun gives it. */
const RUN_OUTCOMES: Outcomes = {
  [ExitCode.completedWithExportErrors]: 'Sync.completed-with-export-errors',
  [ExitCode.stoppedByDeletionThreshold]: 'Sync.deletion-threshold-exceeded',
};

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

const commands: Record<string, { handler: CommandHandler; outcomes?: Outcomes }> = {
  version: { handler: version },
  install: {
    handler: (parameters, secrets, output) => install(parseParameters(installParameters, parameters), parseSuppliedSecrets(secrets), output),
  },
  configure: {
    handler: (parameters, secrets, output, signal) =>
      configure(parseParameters(configureParameters, parameters), parseSuppliedSecrets(secrets), output, signal),
    // -SynchronizeNow ends with the first run.
    outcomes: RUN_OUTCOMES,
  },
  'get-configuration': {
    handler: (parameters, _secrets, output) => getConfiguration(parseParameters(getConfigurationParameters, parameters), output),
  },
  sync: {
    handler: (parameters, _secrets, output, signal) => sync(parseParameters(syncParameters, parameters), output, signal),
    outcomes: RUN_OUTCOMES,
  },
  status: { handler: (parameters, _secrets, output) => status(parseParameters(statusParameters, parameters), output) },
  restore: { handler: (parameters, _secrets, output) => restore(parseParameters(restoreParameters, parameters), output), outcomes: RUN_OUTCOMES },
  promote: { handler: (parameters, _secrets, output) => promote(parseParameters(promoteParameters, parameters), output) },
  readiness: {
    handler: (parameters, _secrets, output) => readiness(parseParameters(readinessParameters, parameters), output),
    outcomes: { [ExitCode.completedWithExportErrors]: 'Readiness.errors-found' },
  },
  report: { handler: (parameters, _secrets, output) => report(parseParameters(reportParameters, parameters), output) },
  explain: { handler: (parameters, _secrets, output) => explain(parseParameters(explainParameters, parameters), output) },
  'deletion-threshold': {
    handler: (parameters, _secrets, output) => setDeletionThreshold(parseParameters(deletionThresholdParameters, parameters), output),
  },
  // The schedule runs until the module cancels it (Ctrl+C), or for the cycles asked for.
  service: {
    handler: (parameters, _secrets, output, signal) =>
      runService(parseParameters(serviceParameters, parameters), output, signal ?? new AbortController().signal),
  },
  uninstall: {
    handler: (parameters, secrets, output) => uninstall(parseParameters(uninstallParameters, parameters), parseSuppliedSecrets(secrets), output),
  },
  'organizational-units': {
    handler: (parameters, _secrets, output) => organizationalUnits(parseParameters(organizationalUnitsParameters, parameters), output),
  },
  'notify-test': { handler: (parameters, _secrets, output) => notifyTest(parseParameters(notifyTestParameters, parameters), output) },
  'settings-export': { handler: (parameters, _secrets, output) => exportSettings(parseParameters(settingsFileParameters, parameters), output) },
  'settings-import': {
    handler: (parameters, secrets, output, signal) =>
      importSettings(parseParameters(settingsImportParameters, parameters), parseSuppliedSecrets(secrets), output, signal),
  },
  'settings-compare': {
    handler: (parameters, _secrets, output) => compareSettingsCommand(parseParameters(settingsFileParameters, parameters), output),
  },
  'forest-add': {
    handler: (parameters, secrets, output) => addForest(parseParameters(forestAddParameters, parameters), parseSuppliedSecrets(secrets), output),
  },
  'forest-list': { handler: (parameters, _secrets, output) => listForests(parseParameters(forestListParameters, parameters), output) },
  // Exit 4: the forest's objects would be deleted and the deletes were not accepted; 3: its removal run had export errors.
  'forest-remove': {
    handler: (parameters, _secrets, output, signal) => removeForest(parseParameters(forestRemoveParameters, parameters), output, signal),
    outcomes: { ...RUN_OUTCOMES, [ExitCode.stoppedByDeletionThreshold]: 'Forest.deletes-not-accepted' },
  },
  'mapping-get': { handler: (parameters, _secrets, output) => getMapping(parseParameters(mappingGetParameters, parameters), output) },
  // --preview ends with a preview run.
  'mapping-set': {
    handler: (parameters, _secrets, output, signal) => setMapping(parseParameters(mappingSetParameters, parameters), output, signal),
    outcomes: RUN_OUTCOMES,
  },
  'mapping-test': { handler: (parameters, _secrets, output) => testMapping(parseParameters(mappingTestParameters, parameters), output) },
};

let registered = false;

export function registerModuleCommands(): void {
  if (registered) return;
  registered = true;
  for (const [name, { handler, outcomes }] of Object.entries(commands)) registerCommand(name, handler, outcomes);
}
