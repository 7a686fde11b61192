// Undo a bad cycle: bring back what run N deleted in the cloud. Users come back from the tenant's deleted items (30
// days, same object id, anchor and UPN); groups Entra deleted for good (security groups) are created again with the
// attributes last exported. Then their memberships, as last exported, and the links, so that the next cycle is a
// no-op where AD agrees and AD wins where it does not (an object still gone from AD is deleted again). A preview is the
// same run on its run mode's parts: a sink that sends nothing, and an overlay that keeps its records in memory.
import type { Reporter } from '../core/reporter.ts';
import type { CloudOperation } from './operations.ts';
import type { OperationSink } from './ports.ts';
import type { RunParts } from './run-mode.ts';
import type { DeletedObject, ObjectError, ObjectLink, RunStatus, StateStore } from './state-store.ts';

export interface RestoreDependencies {
  store: StateStore;
  /** What sends operations to Entra ID; the run mode decides whether they reach it. */
  exporter: OperationSink;
  /** Live, or a preview that lists what it would restore and records nothing but the run. */
  runMode: RunParts;
  reporter: Reporter;
  now?: () => Date;
}

export interface RestoredObject {
  anchor: string;
  dn: string;
  kind: DeletedObject['kind'];
  /** restored: from the deleted items, with its old id; re-created: a new object with the last exported attributes. */
  how: 'restored' | 're-created';
  cloudId: string;
}

export interface RestoreResult {
  /** The run this restore was recorded as. */
  runId: number;
  restoredRun: number;
  status: RunStatus;
  restored: RestoredObject[];
  /** Already back (linked again), so left alone. */
  skipped: string[];
  errors: ObjectError[];
}

export async function restoreRun(deletedByRun: number, dependencies: RestoreDependencies): Promise<RestoreResult> {
  const { reporter, runMode } = dependencies;
  const store = runMode.storeView(dependencies.store);
  const sink = runMode.sink(dependencies.exporter);
  const now = dependencies.now ?? (() => new Date());
  const startedAt = now();
  const runId = await store.startRun(runMode.historyMode('restore'), startedAt);
  const result: RestoreResult = { runId, restoredRun: deletedByRun, status: 'success', restored: [], skipped: [], errors: [] };
  const deleted = await store.getDeletedObjects(deletedByRun);
  if (deleted.length === 0) reporter.warning(`Run ${deletedByRun} deleted nothing DirSync can restore (or it is no longer in the run history).`);
  const linkedAgain = await store.getLinks(deleted.map((object) => object.anchor));
  const pending = deleted.filter((object) => {
    if (!linkedAgain.get(object.anchor)?.cloudId) return true;
    result.skipped.push(object.anchor);
    return false;
  });

  // From the deleted items first (every kind: role-assignable groups are soft-deleted too); groups not found there
  // are created again.
  const fromDeletedItems = await send(sink, pending, (object) => ({
    action: 'restore',
    objectType: object.kind === 'group' ? 'group' : 'user',
    anchor: object.anchor,
    cloudId: object.cloudId,
  }));
  for (const { object, cloudId } of fromDeletedItems.succeeded) result.restored.push(restoredObject(object, 'restored', cloudId ?? object.cloudId));
  const toRecreate = fromDeletedItems.failed
    .filter(({ object, outcome }) => object.kind === 'group' && outcome.httpStatus === 404)
    .map(({ object }) => object);
  const recreated = await send(sink, toRecreate, (object) => ({
    action: 'create',
    objectType: 'group',
    anchor: object.anchor,
    body: object.exported,
  }));
  for (const { object, cloudId } of recreated.succeeded) result.restored.push(restoredObject(object, 're-created', cloudId!));
  for (const { object, outcome } of fromDeletedItems.failed.filter(({ object }) => !toRecreate.includes(object))) {
    const purged =
      outcome.httpStatus === 404
        ? ' (no longer in the deleted items: purged, or deleted more than 30 days ago; a full import creates it again if it is still in AD)'
        : '';
    result.errors.push({ anchor: object.anchor, dn: object.dn, code: outcome.code, message: `cannot be restored: ${outcome.message}${purged}` });
  }
  for (const { object, outcome } of recreated.failed)
    result.errors.push({ anchor: object.anchor, dn: object.dn, code: outcome.code, message: `could not be created again: ${outcome.message}` });

  await store.saveLinks(result.restored.map((object) => linkOf(object, deleted)));
  await store.forgetDeletedLinks(result.restored.map((object) => object.anchor));
  await restoreMemberships(result.restored, deleted, store, sink);
  for (const error of result.errors) reporter.warning(`Not restored: ${error.dn}: ${error.code}: ${error.message}`);
  result.status = result.errors.length > 0 ? 'completed-export-errors' : 'success';
  if (result.errors.length > 0) await store.recordObjectErrors(runId, result.errors);
  await store.finishRun(
    runId,
    result.status,
    {
      added: result.restored.filter((object) => object.how === 're-created').length,
      restored: result.restored.filter((object) => object.how === 'restored').length,
      updated: 0,
      deleted: 0,
      unchanged: result.skipped.length,
      errors: result.errors.length,
      notExportable: 0,
      reverted: 0,
    },
    now(),
    `restore of what run ${deletedByRun} deleted`,
  );
  return result;
}

interface Sent {
  succeeded: { object: DeletedObject; cloudId: string | undefined }[];
  failed: { object: DeletedObject; outcome: { httpStatus: number; code: string; message: string } }[];
}

/** One operation per object; the outcomes sorted into what succeeded and what failed. */
async function send(sink: OperationSink, objects: readonly DeletedObject[], operationFor: (object: DeletedObject) => CloudOperation): Promise<Sent> {
  const sent: Sent = { succeeded: [], failed: [] };
  if (objects.length === 0) return sent;
  const byAnchor = new Map(objects.map((object) => [object.anchor, object]));
  for await (const outcome of sink.apply(objects.map(operationFor))) {
    const object = byAnchor.get(outcome.operation.anchor)!;
    if (outcome.ok) sent.succeeded.push({ object, cloudId: outcome.cloudId });
    else sent.failed.push({ object, outcome });
  }
  return sent;
}

/** The memberships the restored objects had, as last exported: members of restored groups, groups of restored members. */
async function restoreMemberships(
  restored: readonly RestoredObject[],
  deleted: readonly DeletedObject[],
  store: StateStore,
  sink: OperationSink,
): Promise<void> {
  const restoredIds = new Map(restored.map((object) => [object.anchor, object.cloudId]));
  const wanted = new Map<string, Set<string>>(); // group anchor → member anchors
  for (const object of deleted) {
    if (!restoredIds.has(object.anchor)) continue;
    for (const member of object.members) wanted.set(object.anchor, new Set([...(wanted.get(object.anchor) ?? []), member]));
    for (const group of object.memberOf) wanted.set(group, new Set([...(wanted.get(group) ?? []), object.anchor]));
  }
  const links = await store.getLinks([...new Set([...wanted.keys(), ...[...wanted.values()].flatMap((members) => [...members])])]);
  const cloudIdOf = (anchor: string) => restoredIds.get(anchor) ?? links.get(anchor)?.cloudId ?? undefined;
  const operations: CloudOperation[] = [];
  for (const [group, members] of wanted) {
    const groupId = cloudIdOf(group);
    const refs = [...members].flatMap((anchor) => {
      const cloudId = cloudIdOf(anchor);
      return cloudId ? [{ anchor, cloudId }] : [];
    });
    if (groupId && refs.length > 0) operations.push({ action: 'add-members', anchor: group, groupId, members: refs });
  }
  if (operations.length === 0) return;
  for await (const outcome of sink.apply(operations)) {
    if (outcome.ok && outcome.operation.action === 'add-members')
      await store.setMembers(
        outcome.operation.anchor,
        outcome.operation.members.map((member) => member.anchor),
        [],
      );
  }
}

function restoredObject(object: DeletedObject, how: RestoredObject['how'], cloudId: string): RestoredObject {
  return { anchor: object.anchor, dn: object.dn, kind: object.kind, how, cloudId };
}

function linkOf(restored: RestoredObject, deleted: readonly DeletedObject[]): ObjectLink {
  const object = deleted.find((entry) => entry.anchor === restored.anchor)!;
  return { anchor: object.anchor, kind: object.kind, cloudId: restored.cloudId, dn: object.dn, exported: object.exported, lastSeenRunId: null };
}
