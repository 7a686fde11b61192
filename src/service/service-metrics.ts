// What the service tells a monitoring system, in Prometheus's text exposition (prom-client): how its cycles end,
// how long they take, what they change, what fails, what Graph answered, and whether deletes were held back.
// Counters add up since the service started; gauges describe the last cycle. The Graph counters are read live,
// so a scrape during a long export shows it moving.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { newGraphCounters, type GraphCounters } from '../connectors/entra/graph-counters.ts';
import type { WriteBudgetLimits } from '../connectors/entra/write-budget.ts';
import type { CycleResult } from '../engine/sync-cycle.ts';
import type { RunStatus } from '../engine/state-store.ts';

/** Runs that completed their cycle (export errors are counted and alerted on separately). */
export function isCompleted(status: RunStatus): boolean {
  return status === 'success' || status === 'completed-export-errors';
}

export interface HealthReport {
  healthy: boolean;
  /** Why it is not healthy; null when it is. */
  problem: string | null;
  lastSuccessAt: Date | null;
  lastRunStatus: RunStatus | null;
  cycleInProgress: boolean;
}

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #intervalMinutes: number;
  readonly #startedAt: Date;
  readonly #writeBudget: WriteBudgetLimits;
  /** Graph counters of the cycles that ended, and the session of the cycle in flight. */
  readonly #graphFinished = newGraphCounters();
  #graphLive: GraphCounters | undefined;
  #cycleStartedAt: number | undefined;
  #lastSuccessAt: Date | null = null;
  #lastRunStatus: RunStatus | null = null;

  readonly #runs: Counter<'status'>;
  readonly #duration: Histogram;
  readonly #objects: Counter<'change'>;
  readonly #objectErrors: Counter<'code'>;
  readonly #retryQueue: Gauge;
  readonly #lastSuccess: Gauge;
  readonly #inProgress: Gauge;
  readonly #withheld: Gauge;
  readonly #thresholdTripped: Gauge;
  readonly #budgetUse: Gauge;
  readonly #notifications: Counter<'channel' | 'outcome'>;
  readonly #notificationsPending: Gauge;
  readonly #forestReadable: Gauge<'forest'>;
  readonly #forestObjects: Counter<'forest' | 'change'>;
  /** The forests the last cycle could not read (health names them). */
  #unreadForests: string[] = [];

  constructor(options: { intervalMinutes: number; writeBudget: WriteBudgetLimits; standby?: boolean; now?: Date }) {
    this.#intervalMinutes = options.intervalMinutes;
    this.#writeBudget = options.writeBudget;
    this.#startedAt = options.now ?? new Date();
    const registers = [this.registry];
    this.#runs = new Counter({ name: 'dirsync_runs_total', help: 'Synchronization cycles by how they ended.', labelNames: ['status'], registers });
    this.#duration = new Histogram({
      name: 'dirsync_run_duration_seconds',
      help: 'How long a cycle took, connection to outcome.',
      buckets: [1, 5, 15, 60, 300, 900, 3600, 10800],
      registers,
    });
    this.#objects = new Counter({
      name: 'dirsync_objects_total',
      help: 'Cloud objects added, updated, deleted, reverted to AD after a change in the cloud, and restored from the deleted items.',
      labelNames: ['change'],
      registers,
    });
    this.#objectErrors = new Counter({
      name: 'dirsync_object_errors_total',
      help: 'Per-object export errors by code.',
      labelNames: ['code'],
      registers,
    });
    this.#retryQueue = new Gauge({
      name: 'dirsync_retry_queue_objects',
      help: 'Objects waiting on the retry queue after the last cycle.',
      registers,
    });
    this.#lastSuccess = new Gauge({
      name: 'dirsync_last_success_timestamp_seconds',
      help: 'When the last cycle that completed (success, or completed with export errors) ended, Unix time; 0 if none is recorded.',
      registers,
    });
    this.#inProgress = new Gauge({ name: 'dirsync_cycle_in_progress', help: '1 while a cycle runs.', registers });
    this.#withheld = new Gauge({
      name: 'dirsync_deletes_withheld',
      help: 'Deletes the last cycle did not export (the deletion threshold, or objects it could not confirm as gone).',
      registers,
    });
    this.#thresholdTripped = new Gauge({
      name: 'dirsync_deletion_threshold_tripped',
      help: '1 when the last cycle was stopped by the accidental-delete threshold.',
      registers,
    });
    this.#budgetUse = new Gauge({
      name: 'dirsync_graph_write_budget_use_ratio',
      help: 'Writes of the last cycle over what the write budget allowed in its duration (one window at least).',
      registers,
    });
    this.#notifications = new Counter({
      name: 'dirsync_notifications_total',
      help: 'Notifications (mail, webhook) by channel and outcome (delivered, failed: sent again after the next cycle).',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    this.#notificationsPending = new Gauge({
      name: 'dirsync_notifications_pending',
      help: 'Notifications not delivered yet after the last cycle.',
      registers,
    });
    new Gauge({
      name: 'dirsync_standby',
      help: '1 when the installation is a standby (staging mode): its cycles plan and send nothing to Entra ID.',
      registers,
    }).set(options.standby ? 1 : 0);
    this.#forestReadable = new Gauge({
      name: 'dirsync_forest_readable',
      help: 'Several forests: 1 when the last cycle read the forest, 0 when it could not (its objects were left as they were).',
      labelNames: ['forest'],
      registers,
    });
    this.#forestObjects = new Counter({
      name: 'dirsync_forest_objects_total',
      help: 'Several forests: cloud objects added, updated and deleted, by forest.',
      labelNames: ['forest', 'change'],
      registers,
    });
    new Gauge({ name: 'dirsync_graph_write_budget_writes', help: 'The configured write budget: writes per window.', registers }).set(
      options.writeBudget.writes,
    );
    new Gauge({ name: 'dirsync_graph_write_budget_window_seconds', help: 'The configured write budget: window length.', registers }).set(
      options.writeBudget.windowSeconds,
    );
    const live = (name: string, help: string, counter: keyof GraphCounters) => {
      const total = () => this.#graphFinished[counter] + (this.#graphLive?.[counter] ?? 0);
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(total());
        },
      });
    };
    live('dirsync_graph_requests_total', 'HTTP requests sent to Microsoft Graph, retries included.', 'requests');
    live('dirsync_graph_writes_total', 'Directory writes sent to Graph ($batch items included).', 'writes');
    live('dirsync_graph_throttled_total', '429 answers from Graph (top level and inside $batch).', 'throttled');
    live('dirsync_graph_retries_total', 'Requests sent again after a 429 or a server error.', 'retries');
  }

  /** What the history says before the service ran its first cycle (a restarted service keeps its last success). */
  seed(history: { lastSuccessAt: Date | null; retryQueue: number }): void {
    this.#setLastSuccess(history.lastSuccessAt);
    this.#retryQueue.set(history.retryQueue);
  }

  cycleStarted(now = performance.now()): void {
    this.#cycleStartedAt = now;
    this.#inProgress.set(1);
  }

  /** The cycle's Graph session: counted live until the cycle ends. */
  connected(graphCounters: GraphCounters): void {
    this.#graphLive = graphCounters;
  }

  /** A cycle ended: with its run, or with a failure before or outside the run (`status` then says which). */
  cycleEnded(outcome: { run: CycleResult } | { status: RunStatus }, retryQueue: number | undefined, now = performance.now()): void {
    const seconds = this.#cycleStartedAt === undefined ? 0 : (now - this.#cycleStartedAt) / 1000;
    const graph = this.#graphLive;
    if (graph) for (const key of Object.keys(graph) as (keyof GraphCounters)[]) this.#graphFinished[key] += graph[key];
    this.#graphLive = undefined;
    this.#cycleStartedAt = undefined;
    this.#inProgress.set(0);
    this.#duration.observe(seconds);
    const windows = Math.max(seconds / this.#writeBudget.windowSeconds, 1);
    this.#budgetUse.set((graph?.writes ?? 0) / (this.#writeBudget.writes * windows));
    if (retryQueue !== undefined) this.#retryQueue.set(retryQueue);
    const status = 'run' in outcome ? outcome.run.status : outcome.status;
    this.#lastRunStatus = status;
    this.#runs.inc({ status });
    this.#thresholdTripped.set(status === 'stopped-deletion-threshold-exceeded' ? 1 : 0);
    if (!('run' in outcome)) return;
    const { run } = outcome;
    this.#withheld.set(run.withheld.length);
    for (const change of ['added', 'updated', 'deleted', 'reverted', 'restored'] as const) this.#objects.inc({ change }, run.counts[change]);
    for (const error of run.errors) this.#objectErrors.inc({ code: error.code });
    this.#unreadForests = (run.parts ?? []).filter((forest) => forest.status === 'unreadable').map((forest) => forest.name);
    for (const forest of run.parts ?? []) {
      this.#forestReadable.set({ forest: forest.name }, forest.status === 'read' ? 1 : 0);
      for (const change of ['added', 'updated', 'deleted'] as const) this.#forestObjects.inc({ forest: forest.name, change }, forest.counts[change]);
    }
    if (isCompleted(run.status)) this.#setLastSuccess(run.endedAt);
  }

  /** How the cycle's notifications fared (after the cycle ended). */
  notified(report: { deliveries: readonly { channel: string; delivered: boolean }[]; pending: number }): void {
    for (const delivery of report.deliveries)
      this.#notifications.inc({ channel: delivery.channel, outcome: delivery.delivered ? 'delivered' : 'failed' });
    this.#notificationsPending.set(report.pending);
  }

  /**
   * Healthy unless the last cycle failed (the directory, Graph or the store out of reach, or anything else), or no
   * cycle has completed for two intervals (counted from the service's start when none is recorded).
   */
  health(now = new Date()): HealthReport {
    const since = this.#lastSuccessAt ?? this.#startedAt;
    const overdue = now.getTime() - since.getTime() > 2 * this.#intervalMinutes * 60_000;
    const failed = this.#lastRunStatus === 'failed' || this.#lastRunStatus === 'stopped-server-down';
    const problem = failed
      ? `the last cycle ended ${this.#lastRunStatus}`
      : this.#lastRunStatus === 'completed-forest-errors'
        ? `the last cycle could not read ${this.#unreadForests.join(', ') || 'a forest'}`
        : overdue
          ? `no cycle has completed for more than two intervals (${2 * this.#intervalMinutes} minutes)`
          : null;
    return {
      healthy: problem === null,
      problem,
      lastSuccessAt: this.#lastSuccessAt,
      lastRunStatus: this.#lastRunStatus,
      cycleInProgress: this.#cycleStartedAt !== undefined,
    };
  }

  #setLastSuccess(at: Date | null): void {
    this.#lastSuccessAt = at;
    this.#lastSuccess.set(at ? at.getTime() / 1000 : 0);
  }
}
