// status: "is a sync running, when is the next one, and what did the last ones do?" — the schedule, then the last runs,
// newest first, with their errors. Previews stay out unless asked for (--all): they would crowd the real runs.
import * as z from 'zod';
import { readForestRuns } from '../install/forest-runs.ts';
import { Installation } from '../install/installation.ts';
import { runningSync } from '../install/run-lock.ts';
import { DEFAULT_RETAINED_RUNS } from '../store/store.ts';
import { openInstalledStore } from '../wiring/installed-store.ts';
import { ExitCode } from './exit-codes.ts';
import type { CommandOutput } from './output.ts';
import { isPreview, syncRunResult } from './run-result.ts';
import { scheduleOf } from './schedule.ts';

export const statusParameters = z.object({
  path: z.string().min(1),
  last: z.number().int().min(1).max(1000).default(5),
  /** Previews too (sync --preview, -WhatIf, configure --preview). */
  all: z.boolean().default(false),
});
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
    const history = await store.listRuns(parameters.all ? parameters.last : DEFAULT_RETAINED_RUNS);
    const runs = history.filter((run) => parameters.all || !isPreview(run)).slice(0, parameters.last);
    const forests = await readForestRuns(installation);
    // The newest run carries the schedule: when it ran, and when the next one is due.
    const schedule = await scheduleOf(installation, await installation.readConfiguration(), runs[0]);
    if (runs.length === 0) output.warning(`No synchronization has run yet in ${installation.path}; the service is ${schedule.service}.`);
    for (const [index, { id, ...run }] of runs.entries()) {
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
      const result = syncRunResult({ runId: id, ...run }, await store.getRunErrors(id), {
        upnClashes,
        reverted: driftOf('reverted'),
        drift: driftOf('drift'),
        forests: forests.get(id),
      });
      output.result(index === 0 ? { ...result, properties: { ...result.properties, schedule: { ...schedule } } } : result);
    }
  } finally {
    await store.close();
  }
  return ExitCode.success;
}
