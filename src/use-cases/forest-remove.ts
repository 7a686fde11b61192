// forest remove (Remove-CoexistenceForest): takes a forest out of the installation, and its objects out of the
// tenant — only through the deletion guard. Without --accept-deletes it previews a full cycle as if the forest were
// gone, lists the deletes that would follow, changes nothing, and ends with exit 4 (as a cycle the guard stopped); with
// --accept-deletes it removes the forest from the configuration and runs that cycle for real, its deletes accepted.
// --preview (-WhatIf) shows the same list and ends normally.
import * as z from 'zod';
import { isDnWithin, domainDnOfDnsName } from '../connectors/ad/distinguished-name.ts';
import { recommendedActions } from '../core/advice.ts';
import { DirSyncError } from '../core/errors.ts';
import type { CycleResult } from '../engine/sync-cycle.ts';
import { Installation } from '../install/installation.ts';
import { runInstallationCycle } from '../wiring/cycle.ts';
import { ExitCode, exitCodeOfRun } from './exit-codes.ts';
import type { CommandOutput } from './output.ts';

export const forestRemoveParameters = z.object({
  path: z.string().min(1),
  name: z.string().min(1),
  acceptDeletes: z.boolean().default(false),
  preview: z.boolean().default(false),
});
export type ForestRemoveParameters = z.infer<typeof forestRemoveParameters>;

export async function removeForest(parameters: ForestRemoveParameters, output: CommandOutput, signal?: AbortSignal): Promise<number> {
  const installation = new Installation(parameters.path);
  const configuration = await installation.readConfiguration();
  const name = parameters.name.toLowerCase();
  if (name === configuration.activeDirectory?.forestName)
    throw new DirSyncError('Forest.is-the-first', `${name} is the installation's first forest: forest remove takes out the others`, {
      target: name,
    });
  const forest = configuration.forests.find((candidate) => candidate.name === name);
  if (!forest)
    throw new DirSyncError(
      'Forest.not-found',
      `no forest ${name} is configured in ${installation.path} (configured: ${configuration.forests.map((other) => other.name).join(', ') || 'none besides the first'})`,
      { target: name },
    );

  if (parameters.preview || !parameters.acceptDeletes) {
    const preview = await runInstallationCycle(
      installation.path,
      { full: true, preview: true, acceptDeletes: false, withdrawnForests: [name] },
      output,
      signal,
    );
    const deletes = deletesIn(preview, name);
    output.result(removalResult(name, false, preview, deletes));
    if (preview.status !== 'success' && preview.status !== 'stopped-deletion-threshold-exceeded') return exitCodeOfRun(preview.status);
    if (parameters.preview) return ExitCode.success;
    if (deletes.length > 0) {
      const notAccepted = new DirSyncError(
        'Forest.deletes-not-accepted',
        `removing ${name} deletes its ${deletes.length} object(s) in Entra ID; nothing was changed`,
        recommendedActions((say) => `if that is intended, run ${say.run('forest remove', '--name', name, '--accept-deletes')}`),
      );
      output.warning(`${notAccepted.message}: ${output.adviceFor?.(notAccepted) ?? notAccepted.recommendedAction}.`);
      return ExitCode.stoppedByDeletionThreshold;
    }
  }

  const secrets = await installation.vault.read();
  const { [name]: _removed, ...otherPasswords } = secrets.forestPasswords ?? {};
  await installation.writeConfiguration({ ...configuration, forests: configuration.forests.filter((other) => other.name !== name) });
  await installation.vault.write({ ...secrets, forestPasswords: otherPasswords });
  if (forest.activeDirectory.serviceAccount)
    output.warning(
      `The service account ${forest.activeDirectory.serviceAccount.samAccountName} still exists in ${name} (${forest.activeDirectory.serviceAccount.dn}): delete it there when it is no longer needed.`,
    );
  const run = await runInstallationCycle(
    installation.path,
    { full: true, preview: false, acceptDeletes: true, withdrawnForests: [name] },
    output,
    signal,
  );
  output.result(removalResult(name, true, run, []));
  return exitCodeOfRun(run.status);
}

/** The deletes of the forest's objects a run made, planned or withheld. */
function deletesIn(run: CycleResult, name: string): { dn: string; objectType: string }[] {
  const base = domainDnOfDnsName(name);
  const inForest = (dn: string) => dn !== '' && isDnWithin(dn, base);
  return [
    ...run.plan.filter((operation) => operation.action === 'delete' && inForest(operation.dn)),
    ...run.withheld.filter((withheld) => withheld.objectType !== 'membership' && inForest(withheld.dn)),
  ].map(({ dn, objectType }) => ({ dn, objectType }));
}

function removalResult(name: string, removed: boolean, run: CycleResult, deletes: { dn: string; objectType: string }[]) {
  return {
    typeName: 'DirSync.ForestRemoval',
    properties: {
      name,
      removed,
      runId: run.runId,
      mode: run.mode,
      status: run.status,
      deleted: removed ? run.counts.deleted : 0,
      // A preview lists what would be deleted; a live run's deletes are in its history (status, report).
      ...(removed ? {} : { deletes }),
      message: run.message,
    },
  };
}
