// uninstall: removes an installation; --keep-data keeps the store, configuration and secrets so that a later
// install adopts them (the links to cloud objects survive, so nothing is duplicated).
import * as z from 'zod';
import { Installation } from '../install/installation.ts';
import { acquireLock } from './cycle-runner.ts';
import { ExitCode } from './exit-codes.ts';
import type { CommandOutput } from './output.ts';

export const uninstallParameters = z.object({ path: z.string().min(1), keepData: z.boolean().default(false) });
export type UninstallParameters = z.infer<typeof uninstallParameters>;

export async function uninstall(parameters: UninstallParameters, output: CommandOutput): Promise<number> {
  const installation = new Installation(parameters.path);
  const manifest = await installation.readManifest();
  const lock = await acquireLock(installation.path); // never pull the floor from under a running cycle
  try {
    if (manifest.store.kind === 'sqlserver') {
      output.warning(`The SQL Server database ${manifest.store.database} on ${manifest.store.server} is left in place; drop it there if it is no longer needed.`);
    }
    await installation.remove(parameters.keepData);
  } finally {
    // Without --keep-data the lock file went with the directory.
    if (parameters.keepData) await lock.release();
  }
  output.result({
    typeName: 'DirSync.Uninstallation',
    properties: { path: installation.path, productVersion: manifest.productVersion, dataKept: parameters.keepData },
  });
  return ExitCode.success;
}
