// The schedule as status and the service show it: every how many minutes a cycle runs, whether a service runs them,
// when the last cycle was and when the next one is due.
import type { Configuration } from '../install/configuration.ts';
import type { Installation } from '../install/installation.ts';
import { runningService } from '../install/service-state.ts';
import type { RunRecord } from '../store/store.ts';

export interface Schedule {
  intervalMinutes: number;
  /** "running (process 1234 on sync-01, since …)", or that nothing runs the cycles. */
  service: string;
  lastCycleAt: Date | null;
  lastCycleStatus: string | null;
  /** When the service starts its next cycle; null when no service runs (or while its cycle runs). */
  nextCycleAt: Date | null;
}

export async function scheduleOf(installation: Installation, configuration: Configuration, lastRun: RunRecord | undefined): Promise<Schedule> {
  const service = await runningService(installation);
  return {
    intervalMinutes: service?.intervalMinutes ?? configuration.schedule.intervalMinutes,
    service: service
      ? `running (process ${service.pid} on ${service.host}, since ${service.startedAt})${service.nextCycleAt === null ? ': a cycle runs now' : ''}`
      : 'not running: cycles run when started (dirsync sync), by dirsync service, or by a scheduled task',
    lastCycleAt: lastRun?.startedAt ?? null,
    lastCycleStatus: lastRun ? `${lastRun.status} (run ${lastRun.id}, ${lastRun.mode})` : null,
    nextCycleAt: service?.nextCycleAt ? new Date(service.nextCycleAt) : null,
  };
}
