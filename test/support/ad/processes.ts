import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** True while `pid` runs; a zombie (killed, not yet reaped by its parent) counts as gone. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // The state is the field after the parenthesised command name.
    return !/\)\s+Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * True when `pid` is alive and holds a file under `directory` open: guards against a recycled pid.
 * (Samba rewrites its command line to "samba: root process", so that cannot tell.)
 */
export function isProcessUsingDirectory(pid: number, directory: string): boolean {
  try {
    const descriptors = readdirSync(`/proc/${pid}/fd`);
    return isProcessAlive(pid) && descriptors.some((fd) => readlinkOrEmpty(`/proc/${pid}/fd/${fd}`).startsWith(`${directory}/`));
  } catch {
    return false;
  }
}

function readlinkOrEmpty(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}
