// promote: this installation becomes the tenant's active one. Failover: stop the active installation (or it is gone),
// promote the standby. Promoting takes the tenant's active-installation lease whoever holds it (the one active until
// now refuses to write from its next cycle), and a standby (configure --staging) becomes active; its store followed
// the active one's, so its first cycle re-creates nothing and matches nothing again — objects it only saw planned are
// joined by their anchor.
import * as z from 'zod';
import { resolveRunMode } from '../engine/run-mode.ts';
import { withInstallation } from '../wiring/installation-context.ts';
import { ExitCode } from './exit-codes.ts';
import { configurationResult } from './get-configuration.ts';
import type { CommandOutput } from './output.ts';

export const promoteParameters = z.object({ path: z.string().min(1) });
export type PromoteParameters = z.infer<typeof promoteParameters>;

export async function promote(parameters: PromoteParameters, output: CommandOutput): Promise<number> {
  // Under the run lock (a standby cycle in flight finishes as a standby's), connected as a run that writes, taking the lease.
  const takeOver = resolveRunMode({ kind: 'live', lease: 'take-over' });
  return withInstallation(parameters.path, { lock: true, cloud: takeOver }, output, async ({ installation, configuration, secrets }) => {
    if (configuration.staging) {
      await installation.writeConfiguration({ ...configuration, staging: false });
      output.warning(`${installation.path} is now the active installation: its next cycle writes to Entra ID.`);
    } else {
      output.verbose(`${installation.path} is the active installation (it holds the tenant's lease).`);
    }
    output.result(
      configurationResult(
        installation,
        await installation.readManifest(),
        { ...configuration, staging: false },
        { adPassword: Boolean(secrets.adPassword), clientSecret: Boolean(secrets.clientSecret) },
      ),
    );
    return ExitCode.success;
  });
}
