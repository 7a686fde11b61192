// promote: a standby installation (configure --staging) becomes the active one. Failover: stop the active
// installation (or it is gone), promote the standby; its store followed the active one's, so its first cycle
// re-creates nothing and matches nothing again — objects it only saw planned are joined by their anchor.
import * as z from 'zod';
import { Installation } from '../install/installation.ts';
import { acquireLock } from '../wiring/installation-context.ts';
import { ExitCode } from './exit-codes.ts';
import { configurationResult } from './get-configuration.ts';
import type { CommandOutput } from './output.ts';

export const promoteParameters = z.object({ path: z.string().min(1) });
export type PromoteParameters = z.infer<typeof promoteParameters>;

export async function promote(parameters: PromoteParameters, output: CommandOutput): Promise<number> {
  const installation = new Installation(parameters.path);
  const manifest = await installation.readManifest();
  // Under the run lock: a standby cycle in flight finishes as a standby's.
  const lock = await acquireLock(installation.path);
  try {
    const configuration = await installation.readConfiguration();
    if (configuration.staging) {
      await installation.writeConfiguration({ ...configuration, staging: false });
      output.warning(
        `${installation.path} is now the active installation: its next cycle writes to Entra ID. Make sure the installation it replaces is stopped, or both will export.`,
      );
    } else {
      output.verbose(`${installation.path} is already the active installation.`);
    }
    const vault = await installation.vault.read();
    output.result(
      configurationResult(
        installation,
        manifest,
        { ...configuration, staging: false },
        { adPassword: Boolean(vault.adPassword), clientSecret: Boolean(vault.clientSecret) },
      ),
    );
    return ExitCode.success;
  } finally {
    await lock.release();
  }
}
