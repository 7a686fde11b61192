// How a run treats the cloud and the store, decided once and turned into the parts that differ. Nothing else asks
// "is this a preview?": the phases, restore and the connectors are handed these parts, so a new mode is one entry here.
//   live           sends to Entra ID and records in the store, holding the tenant's active-installation lease
//   preview        sends nothing, records nothing but the run itself (an overlay keeps its records in memory), lists its plan
//   standby        a staging installation: sends nothing (creates wait for the active one), records as the active one would, lists its plan
//   approved-plan  sends only what an approved plan holds: a batch with anything else is refused before it leaves
//                  (holding the lease, as a live run)
import type { CloudOperation, OperationOutcome } from './operations.ts';
import { PlanRecorder } from './plan-recorder.ts';
import type { OperationSink } from './ports.ts';
import { PreviewOverlay } from './cycle/preview-overlay.ts';
import type { RunHistoryMode, RunWork, StateStore } from './state-store.ts';
import { StandbySink } from './standby-sink.ts';

/**
 * How a run that writes holds the tenant's active-installation lease (one active installation per tenant): renew it
 * (or take it when nobody holds it); also take it from a holder that stopped renewing it long ago (--take-over-lease);
 * or take it whoever holds it (promote).
 */
export type LeaseClaim = 'renew' | 'take-over-stale' | 'take-over';

export type RunMode =
  | { kind: 'live'; lease?: LeaseClaim }
  | { kind: 'preview' }
  | { kind: 'standby' }
  /** `admits` guards the exporter: it throws when a batch holds an operation the plan does not. */
  | { kind: 'approved-plan'; admits(operations: readonly CloudOperation[]): void; lease?: LeaseClaim };

export interface RunParts {
  readonly kind: RunMode['kind'];
  /** Whether the Graph session may send writes at all; its guard refuses every write otherwise (the second line of defence). */
  readonly writesCloud: boolean;
  /** How the run holds the tenant's active-installation lease before it writes; none for a run that writes nothing. */
  readonly lease: LeaseClaim | undefined;
  /** Whether the run lists its operations (what it would send, or would have sent) as its plan. */
  readonly listsPlan: boolean;
  /** Where the run's operations go, given the exporter that sends them to Graph. */
  sink(exporter: OperationSink): OperationSink;
  /** The store the run reads and records into. */
  storeView(store: StateStore): StateStore;
  /** The run's name in the history (a preview or a standby run is never mistaken for a real one). */
  historyMode(work: RunWork): RunHistoryMode;
}

export function resolveRunMode(mode: RunMode): RunParts {
  switch (mode.kind) {
    case 'live':
      return {
        kind: mode.kind,
        writesCloud: true,
        lease: mode.lease ?? 'renew',
        listsPlan: false,
        sink: (exporter) => exporter,
        storeView: (store) => store,
        historyMode: (work) => work,
      };
    case 'preview':
      return {
        kind: mode.kind,
        writesCloud: false,
        lease: undefined,
        listsPlan: true,
        sink: () => new PlanRecorder(),
        // The phases read back what they recorded a moment earlier (a group they created, to add its members).
        storeView: (store) => new PreviewOverlay(store),
        historyMode: (work) => `preview-${work}`,
      };
    case 'standby':
      return {
        kind: mode.kind,
        writesCloud: false,
        lease: undefined,
        listsPlan: true,
        sink: () => new StandbySink(),
        // A standby records as the active installation does, so that a promotion finds its store up to date.
        storeView: (store) => store,
        historyMode: (work) => `standby-${work}`,
      };
    case 'approved-plan':
      return {
        kind: mode.kind,
        writesCloud: true,
        lease: mode.lease ?? 'renew',
        listsPlan: false,
        sink: (exporter) => new GuardedSink(exporter, mode.admits),
        storeView: (store) => store,
        historyMode: (work) => work,
      };
  }
}

/** The exporter behind a check that runs before each batch is sent. */
class GuardedSink implements OperationSink {
  readonly #exporter: OperationSink;
  readonly #admits: (operations: readonly CloudOperation[]) => void;

  constructor(exporter: OperationSink, admits: (operations: readonly CloudOperation[]) => void) {
    this.#exporter = exporter;
    this.#admits = admits;
  }

  apply(operations: readonly CloudOperation[]): AsyncIterable<OperationOutcome> {
    this.#admits(operations);
    return this.#exporter.apply(operations);
  }
}
