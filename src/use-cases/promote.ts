// promote: this installation becomes the tenant's active one. Failover: stop the active installation (or it is gone),
// promote the standby. Promoting takes the tenant's active-installation lease whoever holds it (the one active until
// now refuses to write from its next cycle), and a standby (configure --staging) becomes active; its store followed
// the active one's, so its first cycle re-creates nothing and matches nothing again — objects it only saw planned are
// joined by their anchor.
import * as z from 'zod';
import type { Installation } from '../install/installation.ts';
import { resolveRunMode } from '../engine/run-mode.ts';
import { withConnections, withInstallation } from '../wiring/installation-context.ts';
import { ExitCode } from './exit-codes.ts';
import { configurationResult, storedSecretsShown } from './get-configuration.ts';
import { compareSettings } from '../install/settings-file.ts';
import { DirSyncError } from '../core/errors.ts';
import { currentSettings, readSettingsFile, shown } from './settings.ts';
import type { CommandOutput } from './output.ts';

export const promoteParameters = z.object({
  path: z.string().min(1),
  /** The active installation's last exported settings: promotion is refused while the standby's differ. */
  compareWith: z.string().min(1).optional(),
  /** Promote even though the settings differ (they are shown all the same). */
  force: z.boolean().default(false),
});
export type PromoteParameters = z.infer<typeof promoteParameters>;

export async function promote(parameters: PromoteParameters, output: CommandOutput): Promise<number> {
  // Under the run lock: a standby cycle in flight finishes as a standby's.
  return withInstallation(parameters.path, { lock: true }, output, async (opened) => {
    const { installation, configuration } = opened;
    if (parameters.compareWith !== undefined) await checkSettingsMatch(installation, parameters.compareWith, parameters.force, output);
    // Then the tenant's lease, whoever holds it: the installation active until now refuses to write from its next cycle.
    await withConnections(opened, { cloud: resolveRunMode({ kind: 'live', lease: 'take-over' }) }, output, async () => {});
    if (configuration.standby) {
      await installation.writeConfiguration({ ...configuration, standby: false });
      output.warning(`${installation.path} is now the active installation: its next cycle writes to Entra ID.`);
    } else {
      output.verbose(`${installation.path} is the active installation (it holds the tenant's lease).`);
    }
    output.result(
      configurationResult(
        installation,
        await installation.readManifest(),
        { ...configuration, standby: false },
        storedSecretsShown(await installation.vault.read()),
      ),
    );
    return ExitCode.success;
  });
}

/** Shows every difference between the standby's settings and the file; refuses (Settings.differ, exit 2) unless forced. */
async function checkSettingsMatch(installation: Installation, file: string, force: boolean, output: CommandOutput): Promise<void> {
  const differences = compareSettings(await currentSettings(installation), await readSettingsFile(file));
  if (differences.length === 0) {
    output.verbose(`The settings of ${installation.path} match ${file}.`);
    return;
  }
  for (const difference of differences)
    output.warning(`Setting ${difference.setting}: ${shown(difference.installation)} here, ${shown(difference.file)} in ${file}.`);
  if (force) {
    output.warning(`Promoted with ${differences.length} setting(s) different from ${file} (--force).`);
    return;
  }
  throw new DirSyncError(
    'Settings.differ',
    `${installation.path} differs from ${file} in ${differences.length} setting(s): ${differences.map((difference) => difference.setting).join(', ')}. It stays a standby.`,
    { target: installation.path },
  );
}
