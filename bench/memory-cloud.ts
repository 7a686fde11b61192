// The cloud side of the scale benchmark: a tenant kept in memory, with only what joins and exports need
// (anchor → id). At 100k objects the Entra stand-in would measure itself, not DirSync.
import type { CloudOperation, OperationOutcome } from '../src/engine/operations.ts';
import type { TenantContext } from '../src/engine/mapping.ts';
import type { CloudChange, CloudChangeRound, CloudDeltaLinks, CloudTarget, OperationSink, SoftMatchCandidate } from '../src/engine/ports.ts';

export class MemoryCloud implements CloudTarget, OperationSink {
  readonly context: TenantContext;
  /** anchor → cloud id, per object type. */
  readonly #ids = { user: new Map<string, string>(), group: new Map<string, string>() };
  /** The cloud ids written, in order: what Graph's delta query reports (attributes are not kept here, so no drift is found). */
  readonly #changeLog: { objectType: 'user' | 'group'; id: string }[] = [];

  constructor(context: TenantContext) {
    this.context = context;
  }

  async tenant(): Promise<TenantContext> {
    return this.context;
  }

  async findByAnchors(objectType: 'user' | 'group', anchors: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const anchor of anchors) {
      const id = this.#ids[objectType].get(anchor);
      if (id !== undefined) found.set(anchor, id);
    }
    return found;
  }

  /** Every cloud user here is anchored: soft match never applies. */
  async findSoftMatches(_candidates: readonly SoftMatchCandidate[]): Promise<Map<string, string>> {
    return new Map();
  }

  /** UPNs are not tracked here: none is ever taken. */
  async takenUserPrincipalNames(_userPrincipalNames: readonly string[]): Promise<Set<string>> {
    return new Set();
  }

  /**
   * The ids written since `from` (all objects when undefined), without attributes: the benchmark measures what the
   * engine's drift check costs per change reported, not the comparison of values (the engine's unit tests do that).
   */
  cloudChanges(from: CloudDeltaLinks | 'now' | undefined): CloudChangeRound {
    const end = this.#changeLog.length;
    const complete = from === undefined;
    const reported = complete
      ? (['user', 'group'] as const).flatMap((objectType) => [...this.#ids[objectType].values()].map((id) => ({ objectType, id })))
      : from === 'now'
        ? []
        : this.#changeLog.slice(Number(from.users));
    const changes: CloudChange[] = reported.map(({ objectType, id }) => ({ kind: 'present', objectType, id, attributes: {}, complete }));
    return {
      changes: (async function* () {
        yield* changes;
      })(),
      completeTypes: () => new Set(complete ? (['user', 'group'] as const) : []),
      resumeAt: () => ({ users: String(end), groups: String(end) }),
    };
  }

  async *apply(operations: readonly CloudOperation[]): AsyncIterable<OperationOutcome> {
    for (const operation of operations) {
      if (operation.action === 'create') {
        const ids = this.#ids[operation.objectType];
        const cloudId = `${operation.objectType}-${ids.size + 1}`;
        ids.set(operation.anchor, cloudId);
        this.#changeLog.push({ objectType: operation.objectType, id: cloudId });
        yield { ok: true, operation, cloudId };
      } else {
        if (operation.action === 'delete') this.#ids[operation.objectType].delete(operation.anchor);
        if ('cloudId' in operation) this.#changeLog.push({ objectType: operation.objectType, id: operation.cloudId });
        yield { ok: true, operation };
      }
    }
  }
}
