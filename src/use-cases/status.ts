// status: "is a sync running and what did the last one do?" — the last runs, newest first, with their errors.
import * as z from 'zod';
import { readForestRuns } from '../install/forest-runs.ts';
import { Installation } from '../install/installation.ts';
import { runningSync } from '../install/run-lock.ts';
import { openInstalledStore } from '../wiring/installed-store.ts';
import { ExitCode } from './exit-codes.ts';
import type { CommandOutput } from './output.ts';
import { syncRunResult } from './run-result.ts';

export const statusParameters = z.object({ path: z.string().min(1), last: z.number().int().min(1).max(1000).default(5) });
export type StatusParameters = z.infer<typeof statusParameters>;

export async function status(parameters: StatusParameters, output: CommandOutput): Promise<number> {
  const installation = new Installation(parameters.path);
  const running = await runningSync(installation.path);
  if (running)
    output.warning(
      `A synchronization is running now (process ${running.pid}${running.acquiredAt ? `, since ${running.acquiredAt}` : ''}); its run shows as in-progress.`,
    );
  const store = await openInstalledStore(installation);
  try {
    const runs = await store.listRuns(parameters.last);
    const forests = await readForestRuns(installation);
    if (runs.length === 0) output.warning(`No synchronization has run yet in ${installation.path}.`);
    for (const { id, ...run } of runs) {
      const changes = await store.getObjectChanges(id);
      const driftOf = (action: 'reverted' | 'drift') =>
        changes
          .filter((change) => change.action === action)
          .flatMap((change) =>
            change.attributes.map((attribute) => ({
              anchor: change.anchor,
              dn: change.dn,
              kind: change.kind === 'membership' ? ('group' as const) : change.kind,
              attribute: attribute.name,
              cloudValue: attribute.old,
              adValue: attribute.new,
            })),
          );
      const upnClashes = changes
        .filter((change) => change.action === 'upn-placeholder')
        .map((change) => ({
          anchor: change.anchor,
          dn: change.dn,
          userPrincipalName: String(change.attributes[0]?.old),
          placeholder: String(change.attributes[0]?.new),
        }));
      output.result(
        syncRunResult({ runId: id, ...run }, await store.getRunErrors(id), {
          upnClashes,
          reverted: driftOf('reverted'),
          drift: driftOf('drift'),
          forests: forests.get(id),
        }),
      );
    }
  } finally {
    await store.close();
  }
  return ExitCode.success;
}
