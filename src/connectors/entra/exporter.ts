// Sends the engine's operations to Graph in $batch requests of up to 20 and streams one outcome per
// operation as batches complete. Pacing is the session's write budget; this file decides what each
// item's answer means: done, try again later (429, 5xx), already done (idempotent re-sends), or failed.
import { setTimeout as sleep } from 'node:timers/promises';
import { DirSyncError } from '../../core/errors.ts';
import type { CloudOperation, MemberRef, OperationOutcome } from '../../engine/operations.ts';
import type { OperationSink } from '../../engine/ports.ts';
import { errorDetail, retryItem, type GraphErrorDetail } from './batch-items.ts';
import { findByAnchors } from './cloud-directory.ts';
import { isOutcomeUnknown } from './errors.ts';
import { MAX_BATCH_SIZE, type BatchRequestItem, type BatchResponseItem, type GraphSession } from './graph-session.ts';

/** Graph accepts at most this many `members@odata.bind` references in one request. */
export const MAX_MEMBERS_PER_ADD = 20;

export interface ExporterOptions {
  /** $batch requests in flight at once. Default: what the write budget's burst can fill, at most 4 (the budget does the pacing). */
  concurrency?: number;
  /** The directory extension property carrying the anchor on groups (CloudDirectory.ensureSourceAnchorExtension). */
  sourceAnchorProperty: string;
}

const MAX_DEFAULT_CONCURRENCY = 4;
const OBJECT_CONFLICT = /Another object with the same value for property (onPremisesImmutableId|userPrincipalName)/i;
const REFERENCE_EXISTS = /added object references already exist/i;
const CONFLICTING_PROPERTY = /same value for property (\w+)/i;

export class Exporter implements OperationSink {
  private readonly session: GraphSession;
  private readonly concurrency: number;
  private readonly sourceAnchorProperty: string;

  constructor(session: GraphSession, options: ExporterOptions) {
    this.session = session;
    this.sourceAnchorProperty = options.sourceAnchorProperty;
    this.concurrency =
      options.concurrency ?? Math.min(MAX_DEFAULT_CONCURRENCY, Math.max(1, Math.floor(session.writeBudget.capacity / MAX_BATCH_SIZE)));
  }

  /**
   * One outcome per operation, in completion order. A terminal failure of one object is an outcome;
   * a failure of the connection itself (or a write in a preview) throws, after the outcomes of the
   * batches already in flight have been yielded.
   */
  apply(operations: Iterable<CloudOperation> | AsyncIterable<CloudOperation>): AsyncIterable<OperationOutcome> {
    return new ExportRun(this.session, this.concurrency, this.sourceAnchorProperty, operations).outcomes();
  }

  /** The Graph requests apply() sends for an operation when Graph takes them as they are (explain shows them). */
  requestsFor(operation: CloudOperation): Omit<BatchRequestItem, 'id'>[] {
    return new ExportRun(this.session, this.concurrency, this.sourceAnchorProperty, []).requestsFor(operation);
  }
}

interface WorkItem {
  operation: CloudOperation;
  request: Omit<BatchRequestItem, 'id'>;
  /** Times sent so far. */
  attempts: number;
  /** performance.now() before which the item must not be sent again (Retry-After, backoff). */
  notBefore: number;
  /** The members this item adds, for an add-members operation sent in several requests. */
  members?: readonly MemberRef[];
  /** Set when the item is one of several requests of one operation (members in chunks, or one by one). */
  split?: MemberSplit;
  /**
   * A group create whose batch got no answer (connection lost): it may exist already, and Graph would take a
   * second create of the same group, so it is looked up by anchor before being sent again.
   */
  lookUpBeforeResending?: boolean;
}

/** An add-members operation sent in several requests; it has one outcome once every request is settled. */
interface MemberSplit {
  operation: CloudOperation;
  remaining: number;
  failure?: OperationOutcome;
}

class ExportRun {
  private readonly session: GraphSession;
  private readonly concurrency: number;
  private readonly sourceAnchorProperty: string;
  private readonly source: Iterator<CloudOperation> | AsyncIterator<CloudOperation>;
  private sourceDone = false;
  private readonly pending: WorkItem[] = [];
  private readonly finished: OperationOutcome[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private fatal: { error: unknown } | undefined;

  constructor(
    session: GraphSession,
    concurrency: number,
    sourceAnchorProperty: string,
    operations: Iterable<CloudOperation> | AsyncIterable<CloudOperation>,
  ) {
    this.session = session;
    this.concurrency = concurrency;
    this.sourceAnchorProperty = sourceAnchorProperty;
    this.source = Symbol.asyncIterator in operations ? operations[Symbol.asyncIterator]() : operations[Symbol.iterator]();
  }

  async *outcomes(): AsyncIterable<OperationOutcome> {
    for (;;) {
      await this.readAhead();
      if (this.fatal === undefined) this.startReadyBatches();
      while (this.finished.length > 0) yield this.finished.shift()!;
      const drained = this.sourceDone && this.pending.length === 0;
      if (this.inFlight.size === 0 && (drained || this.fatal !== undefined)) break;
      await this.nextEvent();
    }
    if (this.fatal !== undefined) throw this.fatal.error;
  }

  /** Keeps enough operations at hand to fill every batch slot, without reading the whole input. */
  private async readAhead(): Promise<void> {
    while (!this.sourceDone && this.pending.length < MAX_BATCH_SIZE * this.concurrency * 2) {
      const next = await this.source.next();
      if (next.done) this.sourceDone = true;
      else this.pending.push(...this.workItemsFor(next.value));
    }
  }

  private startReadyBatches(): void {
    while (this.inFlight.size < this.concurrency) {
      const now = performance.now();
      const batch: WorkItem[] = [];
      for (let index = 0; index < this.pending.length && batch.length < MAX_BATCH_SIZE; ) {
        if (this.pending[index]!.notBefore <= now) batch.push(...this.pending.splice(index, 1));
        else index += 1;
      }
      if (batch.length === 0) return;
      const sending: Promise<void> = this.send(batch).finally(() => this.inFlight.delete(sending));
      this.inFlight.add(sending);
    }
  }

  /** Waits for a batch to complete, or for a re-queued item's Retry-After to pass. */
  private async nextEvent(): Promise<void> {
    const waits: Promise<unknown>[] = [...this.inFlight];
    const cancelTimer = new AbortController();
    if (this.pending.length > 0 && this.inFlight.size < this.concurrency && this.fatal === undefined) {
      const earliest = Math.min(...this.pending.map((item) => item.notBefore));
      waits.push(sleep(Math.max(0, earliest - performance.now()), undefined, { signal: cancelTimer.signal }));
    }
    await Promise.race(waits);
    cancelTimer.abort();
  }

  private async send(batch: WorkItem[]): Promise<void> {
    const items = await this.withoutGroupsCreatedAlready(batch);
    if (items.length === 0) return;
    for (const item of items) item.attempts += 1;
    let responses: BatchResponseItem[];
    try {
      responses = await this.session.batch(items.map((item, index) => ({ id: String(index), ...item.request })));
    } catch (error) {
      // The retry middleware has waited out 429s and server errors of the whole batch already, as the policy says.
      if (!(isOutcomeUnknown(error) && this.resendLater(items))) this.fatal ??= { error };
      return;
    }
    await Promise.all(responses.map((response) => this.settle(items[Number(response.id)]!, response)));
  }

  private async settle(item: WorkItem, response: BatchResponseItem): Promise<void> {
    const { operation } = item;
    if (response.status < 300) {
      const cloudId = operation.action === 'create' ? (response.body as { id?: string } | undefined)?.id : undefined;
      this.finish(item, { ok: true, operation, ...(cloudId ? { cloudId } : {}) });
      return;
    }
    if (this.retryLater(item, response)) return;
    const detail = errorDetail(response);
    const alreadyGone =
      operation.action === 'delete' || operation.action === 'remove-member' || (operation.action === 'set-manager' && operation.manager === null);
    if (response.status === 404 && alreadyGone) {
      this.finish(item, { ok: true, operation }); // already gone
    } else if (response.status === 400 && operation.action === 'add-members' && REFERENCE_EXISTS.test(detail.message)) {
      // Graph rejects the whole PATCH when one member is already there: add them one by one.
      const members = item.members ?? operation.members;
      if (members.length === 1) this.finish(item, { ok: true, operation });
      else this.splitMembers(item, operation.groupId, members);
    } else if (response.status === 400 && operation.action === 'create' && OBJECT_CONFLICT.test(detail.message)) {
      await this.rejoin(item, operation, response.status, detail);
    } else if (response.status === 400 && operation.action === 'restore' && CONFLICTING_PROPERTY.test(detail.message)) {
      // A live object took a unique value of the deleted one meanwhile (its UPN, a proxy address).
      this.finish(item, { ok: false, operation, httpStatus: response.status, ...detail, conflict: CONFLICTING_PROPERTY.exec(detail.message)![1]! });
    } else {
      this.finish(item, { ok: false, operation, httpStatus: response.status, ...detail });
    }
  }

  /**
   * The connection was lost before the batch's answer came: each item may or may not have been applied. Every
   * operation but a group create is safe to send again (a repeated create of a user meets its own anchor and is
   * taken back, a repeated delete or member change is a no-op); group creates are looked up first. False when
   * the attempts are spent: the failure then ends the run, and the next cycle converges.
   */
  private resendLater(items: WorkItem[]): boolean {
    const decisions = items.map((item) => this.session.retryPolicy.afterLostConnection(item.attempts));
    if (decisions.some((decision) => decision === undefined)) return false;
    items.forEach((item, index) => {
      if (item.operation.action === 'create' && item.operation.objectType === 'group') item.lookUpBeforeResending = true;
      item.notBefore = performance.now() + decisions[index]!.delaySeconds * 1000;
      this.session.counters.retries += 1;
      this.pending.push(item);
    });
    return true;
  }

  /** Group creates that may have gone through before a lost connection: those that did are taken back. */
  private async withoutGroupsCreatedAlready(items: WorkItem[]): Promise<WorkItem[]> {
    const toLookUp = items.filter((item) => item.lookUpBeforeResending);
    if (toLookUp.length === 0) return items;
    let found: Map<string, string>;
    try {
      found = await findByAnchors(
        this.session,
        'group',
        toLookUp.map((item) => item.operation.anchor),
        this.sourceAnchorProperty,
      );
    } catch (error) {
      this.fatal ??= { error };
      return [];
    }
    return items.filter((item) => {
      const cloudId = item.lookUpBeforeResending ? found.get(item.operation.anchor) : undefined;
      if (cloudId === undefined) return true;
      this.finish(item, { ok: true, operation: item.operation, cloudId, rejoined: true });
      return false;
    });
  }

  /** Re-queues a throttled or server-failed item after its delay; false when its failure is terminal or its attempts are spent. */
  private retryLater(item: WorkItem, response: BatchResponseItem): boolean {
    const decision = retryItem(this.session, response, item.attempts);
    if (decision === undefined) return false;
    item.notBefore = performance.now() + decision.delaySeconds * 1000;
    this.pending.push(item);
    return true;
  }

  /** A create whose object already exists (sent before a crash, say): take it back if it carries our anchor. */
  private async rejoin(item: WorkItem, operation: CloudOperation & { action: 'create' }, status: number, detail: GraphErrorDetail): Promise<void> {
    let cloudId: string | undefined;
    try {
      cloudId = (await findByAnchors(this.session, operation.objectType, [operation.anchor], this.sourceAnchorProperty)).get(operation.anchor);
    } catch (error) {
      this.fatal ??= { error };
      return;
    }
    if (cloudId !== undefined) this.finish(item, { ok: true, operation, cloudId, rejoined: true });
    else this.finish(item, { ok: false, operation, httpStatus: status, ...detail, conflict: OBJECT_CONFLICT.exec(detail.message)![1]! });
  }

  /** Graph rejects a whole members@odata.bind PATCH when one member is already there: the item's members go one by one. */
  private splitMembers(item: WorkItem, groupId: string, members: readonly MemberRef[]): void {
    const split = item.split ?? { operation: item.operation, remaining: 1 };
    split.remaining += members.length - 1; // this item becomes one request per member
    for (const member of members) {
      this.pending.push({
        operation: item.operation,
        request: { method: 'POST', url: `/groups/${groupId}/members/$ref`, body: { '@odata.id': this.session.directoryObjectUrl(member.cloudId) } },
        members: [member],
        attempts: 0,
        notBefore: 0,
        split,
      });
    }
  }

  requestsFor(operation: CloudOperation): Omit<BatchRequestItem, 'id'>[] {
    return this.workItemsFor(operation).map((item) => item.request);
  }

  /** One work item per operation; an add-members of more members than Graph takes in a request, one per chunk. */
  private workItemsFor(operation: CloudOperation): WorkItem[] {
    if (operation.action !== 'add-members' || operation.members.length <= MAX_MEMBERS_PER_ADD) {
      return [{ operation, request: this.requestFor(operation), attempts: 0, notBefore: 0 }];
    }
    const chunks: MemberRef[][] = [];
    for (let index = 0; index < operation.members.length; index += MAX_MEMBERS_PER_ADD)
      chunks.push(operation.members.slice(index, index + MAX_MEMBERS_PER_ADD));
    const split: MemberSplit = { operation, remaining: chunks.length };
    return chunks.map((members) => ({
      operation,
      request: this.addMembersRequest(operation.groupId, members),
      members,
      attempts: 0,
      notBefore: 0,
      split,
    }));
  }

  private finish(item: WorkItem, outcome: OperationOutcome): void {
    const split = item.split;
    if (split === undefined) {
      this.finished.push(outcome);
      return;
    }
    split.remaining -= 1;
    if (!outcome.ok) split.failure ??= outcome;
    if (split.remaining === 0) this.finished.push(split.failure ?? { ok: true, operation: split.operation });
  }

  private addMembersRequest(groupId: string, members: readonly MemberRef[]): Omit<BatchRequestItem, 'id'> {
    return {
      method: 'PATCH',
      url: `/groups/${groupId}`,
      body: { 'members@odata.bind': members.map((member) => this.session.directoryObjectUrl(member.cloudId)) },
    };
  }

  private requestFor(operation: CloudOperation): Omit<BatchRequestItem, 'id'> {
    switch (operation.action) {
      case 'create':
        return { method: 'POST', url: `/${operation.objectType}s`, body: operation.body };
      case 'update':
        return { method: 'PATCH', url: `/${operation.objectType}s/${operation.cloudId}`, body: operation.body };
      case 'delete':
        return { method: 'DELETE', url: `/${operation.objectType}s/${operation.cloudId}` };
      case 'restore':
        // Graph: "newUserPrincipalName … Optional. The new UPN to use for the restored user" (restore deleted item).
        return {
          method: 'POST',
          url: `/directory/deletedItems/${operation.cloudId}/restore`,
          ...(operation.newUserPrincipalName ? { body: { newUserPrincipalName: operation.newUserPrincipalName } } : {}),
        };
      case 'add-members':
        if (operation.members.length === 0 || operation.members.length > MAX_MEMBERS_PER_ADD) {
          throw new DirSyncError(
            'Internal.unexpected',
            `An add-members request holds 1 to ${MAX_MEMBERS_PER_ADD} members; group ${operation.anchor} has ${operation.members.length}.`,
          );
        }
        return this.addMembersRequest(operation.groupId, operation.members);
      case 'remove-member':
        return { method: 'DELETE', url: `/groups/${operation.groupId}/members/${operation.member.cloudId}/$ref` };
      case 'set-manager':
        return operation.manager === null
          ? { method: 'DELETE', url: `/users/${operation.userId}/manager/$ref` }
          : {
              method: 'PUT',
              url: `/users/${operation.userId}/manager/$ref`,
              body: { '@odata.id': this.session.directoryObjectUrl(operation.manager.cloudId) },
            };
    }
  }
}
