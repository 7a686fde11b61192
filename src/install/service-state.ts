// What the running service tells the other commands about the schedule: which process runs it, every how many minutes,
// and when its next cycle is due. One small owner-only file in the installation directory, written by the service when
// it starts and after each cycle, and removed when it stops; a file left by a service that died is recognised as such.
import { readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import * as z from 'zod';
import { type Installation, writePrivateFile } from './installation.ts';
import { pidExists } from './run-lock.ts';

const SERVICE_FILE = 'service.json';

const serviceStateSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  startedAt: z.string(),
  intervalMinutes: z.number().int().positive(),
  /** When the next cycle starts; null while one runs. */
  nextCycleAt: z.string().nullable(),
});
export type ServiceState = z.infer<typeof serviceStateSchema>;

export async function writeServiceState(installation: Installation, state: Omit<ServiceState, 'pid' | 'host'>): Promise<void> {
  await writePrivateFile(installation.file(SERVICE_FILE), `${JSON.stringify({ pid: process.pid, host: hostname(), ...state }, null, 2)}\n`);
}

export async function removeServiceState(installation: Installation): Promise<void> {
  await rm(installation.file(SERVICE_FILE), { force: true });
}

/** The service's state, when a service runs (on this computer: its process is alive; on another: as it wrote it). */
export async function runningService(installation: Installation): Promise<ServiceState | undefined> {
  let text: string;
  try {
    text = await readFile(installation.file(SERVICE_FILE), 'utf8');
  } catch {
    return undefined;
  }
  let parsed: ReturnType<typeof serviceStateSchema.safeParse>;
  try {
    parsed = serviceStateSchema.safeParse(JSON.parse(text));
  } catch {
    return undefined; // half-written by a service killed mid-write: no running service to speak of
  }
  if (!parsed.success) return undefined;
  if (parsed.data.host === hostname() && !pidExists(parsed.data.pid)) return undefined;
  return parsed.data;
}
