// The state store's policy, written once for both engines: the migration loop, what a batch is (distinct anchors, the
// last of duplicates wins, nothing sent for an empty one, all of it in one transaction), the keyset pager of the link
// sweeps, the bounded run history, interrupted runs and unknown runs. What differs between SQLite and SQL Server (SQL
// text, and how a statement and a batch travel) is the dialect's (dialect.ts): SqliteStore and SqlServerStore are
// this class over their dialect. (One core over dialects rather than a port split by concern: the engines differ in
// SQL and transport, never in policy, so each rule lives once here and a new statement is a name and two texts.)
import type { Batch, Dialect, Parameters, StatementName } from './dialect.ts';
import { pendingMigrations } from './migrations/index.ts';
import {
  deletedLinkFromRow,
  deletedLinkRow,
  deletedObjectFromRow,
  deletedObjectRow,
  linkFromRow,
  inRun,
  linkRow,
  objectChangeFromRow,
  objectChangeRow,
  objectErrorFromRow,
  runFromRow,
  type DeletedLinkRow,
  type DeletedObjectRow,
  type LinkRow,
  type ObjectChangeRow,
  type OfRun,
  type RunRow,
} from './rows.ts';
import {
  DEFAULT_RETAINED_RUNS,
  type DeletedLink,
  type DeletedObject,
  type DirSyncStore,
  type ObjectChange,
  type ObjectError,
  type ObjectLink,
  type ObjectRunRecords,
  type RunCounts,
  type RunHistoryMode,
  type RunRecord,
  type RunStatus,
  type StoreInfo,
  type StoreOptions,
} from './store.ts';
import { PRODUCT_VERSION } from '../version.ts';

const INTERRUPTED_MESSAGE =
  'the process running this cycle ended without recording an outcome (killed or crashed); the next cycle resumed from the last recorded watermark';

export class SqlStore implements DirSyncStore {
  readonly #dialect: Dialect;
  readonly #productVersion: string;
  readonly #retainedRuns: number;

  protected constructor(dialect: Dialect, options: StoreOptions) {
    this.#dialect = dialect;
    this.#productVersion = options.productVersion ?? PRODUCT_VERSION;
    this.#retainedRuns = options.retainedRuns ?? DEFAULT_RETAINED_RUNS;
  }

  async migrate(targetVersion?: number): Promise<void> {
    // One transaction per version. The dialect's prepareMigration makes a concurrent migration wait (SQLite: the
    // write lock the transaction took first; SQL Server: an application lock), so no version is applied twice.
    let migrating = true;
    while (migrating) {
      migrating = await this.#dialect.transaction(async (transaction) => {
        await transaction.run('prepareMigration');
        const [row] = await transaction.all<{ version: number }>('schemaVersion');
        const current = row?.version ?? 0;
        const next = pendingMigrations(this.#dialect.location, current, targetVersion)[0];
        if (next) await transaction.applyMigration(next);
        const version = next?.version ?? current;
        if (version > 0) {
          await transaction.run('recordSchemaVersion', { version, productVersion: this.#productVersion, migratedAt: new Date() });
        }
        return next !== undefined;
      });
    }
  }

  async storeInfo(): Promise<StoreInfo> {
    const [table] = await this.#dialect.all<{ found: number }>('schemaVersionTableExists');
    if (!table?.found) return { schemaVersion: 0, productVersion: null };
    const [row] = await this.#dialect.all<{ version: number; product_version: string }>('schemaVersion');
    return { schemaVersion: row?.version ?? 0, productVersion: row?.product_version ?? null };
  }

  async getLinks(anchors: readonly string[]): Promise<Map<string, ObjectLink>> {
    const rows = await this.#read<LinkRow>('linksByAnchor', {}, anchorBatch(anchors));
    return new Map(rows.map((row) => [row.anchor, linkFromRow(row)]));
  }

  async getLinksByCloudIds(cloudIds: readonly string[]): Promise<Map<string, ObjectLink>> {
    const rows = await this.#read<LinkRow>('linksByCloudId', {}, anchorBatch(cloudIds));
    return new Map(rows.map((row) => [row.cloud_id!, linkFromRow(row)]));
  }

  saveLinks(links: readonly ObjectLink[]): Promise<void> {
    return this.#write('saveLinks', {}, { kind: 'links', rows: lastByAnchor(links).map(linkRow) });
  }

  deleteLinks(anchors: readonly string[]): Promise<void> {
    return this.#write('deleteLinks', {}, anchorBatch(anchors));
  }

  markSeen(runId: number, anchors: readonly string[]): Promise<void> {
    return this.#write('markSeen', { runId }, anchorBatch(anchors));
  }

  unseenLinks(runId: number): AsyncGenerator<ObjectLink> {
    return this.#pagedLinks('unseenLinksPage', { runId });
  }

  allLinks(): AsyncGenerator<ObjectLink> {
    return this.#pagedLinks('allLinksPage', {});
  }

  countLinks(): Promise<number> {
    return this.#count('countLinks');
  }

  async getMemberships(groupAnchors: readonly string[]): Promise<Map<string, Set<string>>> {
    const memberships = new Map(groupAnchors.map((anchor) => [anchor, new Set<string>()]));
    const rows = await this.#read<{ group_anchor: string; member_anchor: string }>('membershipsOfGroups', {}, anchorBatch(groupAnchors));
    for (const row of rows) memberships.get(row.group_anchor)?.add(row.member_anchor);
    return memberships;
  }

  async getMembersAmong(groupAnchor: string, candidates: readonly string[]): Promise<Set<string>> {
    const rows = await this.#read<{ member_anchor: string }>('membersAmong', { group: groupAnchor }, anchorBatch(candidates));
    return new Set(rows.map((row) => row.member_anchor));
  }

  async setMembers(groupAnchor: string, add: readonly string[], remove: readonly string[]): Promise<void> {
    if (add.length === 0 && remove.length === 0) return;
    await this.#dialect.transaction(async (transaction) => {
      if (remove.length > 0) await transaction.run('removeMembers', { group: groupAnchor }, anchorBatch(remove));
      if (add.length > 0) await transaction.run('addMembers', { group: groupAnchor }, anchorBatch(add));
    });
  }

  async groupsOf(memberAnchor: string): Promise<string[]> {
    const rows = await this.#dialect.all<{ group_anchor: string }>('groupsOf', { member: memberAnchor });
    return rows.map((row) => row.group_anchor);
  }

  countMemberships(): Promise<number> {
    return this.#count('countMemberships');
  }

  rememberDeletedLinks(links: readonly DeletedLink[]): Promise<void> {
    return this.#write('rememberDeletedLinks', {}, { kind: 'deletedLinks', rows: lastByAnchor(links).map(deletedLinkRow) });
  }

  async getDeletedLinks(anchors: readonly string[]): Promise<Map<string, DeletedLink>> {
    const rows = await this.#read<DeletedLinkRow>('deletedLinksByAnchor', {}, anchorBatch(anchors));
    return new Map(rows.map((row) => [row.anchor, deletedLinkFromRow(row)]));
  }

  forgetDeletedLinks(anchors: readonly string[]): Promise<void> {
    return this.#write('forgetDeletedLinks', {}, anchorBatch(anchors));
  }

  pruneDeletedLinks(deletedBefore: Date): Promise<number> {
    return this.#dialect.run('pruneDeletedLinks', { deletedBefore });
  }

  addRetries(runId: number, anchors: readonly string[]): Promise<void> {
    return this.#write('addRetries', { runId }, anchorBatch(anchors));
  }

  clearRetries(anchors: readonly string[]): Promise<void> {
    return this.#write('clearRetries', {}, anchorBatch(anchors));
  }

  async listRetries(limit: number): Promise<string[]> {
    return (await this.#dialect.all<{ anchor: string }>('listRetries', { limit })).map((row) => row.anchor);
  }

  async getWatermark(source: string): Promise<string | undefined> {
    const [row] = await this.#dialect.all<{ value: string }>('getWatermark', { source });
    return row?.value;
  }

  async setWatermark(source: string, value: string | undefined): Promise<void> {
    if (value === undefined) await this.#dialect.run('deleteWatermark', { source });
    else await this.#dialect.transaction((transaction) => transaction.run('setWatermark', { source, value }));
  }

  startRun(mode: RunHistoryMode, startedAt: Date): Promise<number> {
    return this.#dialect.transaction(async (transaction) => {
      const [row] = await transaction.all<{ id: number | string }>('startRun', { mode, started: startedAt });
      // Bounded history: what belongs to the pruned runs (errors, deleted objects, changes) goes with them.
      await transaction.run('pruneRuns', { retained: this.#retainedRuns });
      return Number(row!.id);
    });
  }

  async setRunMode(runId: number, mode: RunHistoryMode): Promise<void> {
    await this.#dialect.run('setRunMode', { runId, mode });
  }

  markInterruptedRuns(endedAt: Date): Promise<number> {
    return this.#dialect.run('markInterruptedRuns', { status: 'interrupted', ended: endedAt, message: INTERRUPTED_MESSAGE });
  }

  recordObjectErrors(runId: number, errors: readonly ObjectError[]): Promise<void> {
    const rows = errors.map(({ dn, anchor, code, message }, ordinal) => ({ ordinal, dn, anchor, code, message }));
    return this.#write('recordObjectErrors', { runId }, { kind: 'runErrors', rows });
  }

  recordDeletedObjects(runId: number, objects: readonly DeletedObject[]): Promise<void> {
    return this.#write('recordDeletedObjects', { runId }, { kind: 'deletedObjects', rows: lastByAnchor(objects).map(deletedObjectRow) });
  }

  async getDeletedObjects(runId: number): Promise<DeletedObject[]> {
    return (await this.#dialect.all<DeletedObjectRow>('deletedObjects', { runId })).map(deletedObjectFromRow);
  }

  recordObjectChanges(runId: number, changes: readonly ObjectChange[]): Promise<void> {
    return this.#write('recordObjectChanges', { runId }, { kind: 'objectChanges', rows: changes.map(objectChangeRow) });
  }

  async getObjectChanges(runId: number): Promise<ObjectChange[]> {
    return (await this.#dialect.all<ObjectChangeRow>('objectChanges', { runId })).map(objectChangeFromRow);
  }

  async finishRun(runId: number, status: RunStatus, counts: RunCounts, endedAt: Date, message?: string): Promise<void> {
    const changed = await this.#dialect.run('finishRun', { runId, status, ended: endedAt, message: message ?? null, ...counts });
    if (changed === 0) throw new RangeError(`run ${runId} is not in the run history of ${this.#dialect.location}`);
  }

  async listRuns(limit: number): Promise<RunRecord[]> {
    return (await this.#dialect.all<RunRow>('listRuns', { limit })).map(runFromRow);
  }

  async getRunErrors(runId: number): Promise<ObjectError[]> {
    return (await this.#dialect.all<ObjectError>('runErrors', { runId })).map(objectErrorFromRow);
  }

  async getObjectHistory(anchor: string): Promise<ObjectRunRecords> {
    const [changes, deleted, errors] = await Promise.all([
      this.#dialect.all<OfRun<ObjectChangeRow>>('objectChangesOfAnchor', { anchor }),
      this.#dialect.all<OfRun<DeletedObjectRow>>('deletedObjectsOfAnchor', { anchor }),
      this.#dialect.all<OfRun<ObjectError>>('runErrorsOfAnchor', { anchor }),
    ]);
    return {
      changes: changes.map((row) => inRun(row, objectChangeFromRow)),
      deleted: deleted.map((row) => inRun(row, deletedObjectFromRow)),
      errors: errors.map((row) => inRun(row, objectErrorFromRow)),
    };
  }

  close(): Promise<void> {
    return this.#dialect.close();
  }

  /** Keyset pagination on the primary key: each page is one indexed range read, whatever the table size. */
  async *#pagedLinks(statement: 'unseenLinksPage' | 'allLinksPage', parameters: Parameters): AsyncGenerator<ObjectLink> {
    const { pageSize } = this.#dialect;
    let after = ''; // anchors are never empty (the schema checks it)
    for (;;) {
      const page = await this.#dialect.all<LinkRow>(statement, { ...parameters, after, pageSize });
      for (const row of page) yield linkFromRow(row);
      const last = page.at(-1);
      if (!last || page.length < pageSize) return;
      after = last.anchor;
    }
  }

  /** A read keyed by a batch: nothing to send for an empty one. */
  async #read<Row>(statement: StatementName, parameters: Parameters, batch: Batch): Promise<Row[]> {
    return batch.rows.length === 0 ? [] : this.#dialect.all<Row>(statement, parameters, batch);
  }

  /** A batch write: all of it, in one transaction, or none of it; nothing to send for an empty one. */
  async #write(statement: StatementName, parameters: Parameters, batch: Batch): Promise<void> {
    if (batch.rows.length === 0) return;
    await this.#dialect.transaction((transaction) => transaction.run(statement, parameters, batch));
  }

  async #count(statement: StatementName): Promise<number> {
    const [row] = await this.#dialect.all<{ count: number | string }>(statement);
    return Number(row?.count ?? 0);
  }
}

/** The distinct anchors as a batch (SQL Server's anchor list type has them as its primary key). */
function anchorBatch(anchors: readonly string[]): Batch {
  return { kind: 'anchors', rows: [...new Set(anchors)].map((anchor) => ({ anchor })) };
}

/** One item per anchor, the last of duplicates winning (as successive upserts would leave it). */
function lastByAnchor<Item extends { anchor: string }>(items: readonly Item[]): Item[] {
  return [...new Map(items.map((item) => [item.anchor, item])).values()];
}
