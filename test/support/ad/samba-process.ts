import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitForExit } from './processes.ts';

export const ldapsPort = 636;

export function smbConfPath(directory: string): string {
  return join(directory, 'etc', 'smb.conf');
}

function canConnect(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port, timeout: 500 });
    const finish = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
    socket.once('timeout', () => finish(false));
  });
}

export function isPortOpen(ip: string, port = ldapsPort): Promise<boolean> {
  return canConnect(ip, port);
}

function logTail(directory: string): string {
  try {
    return readFileSync(join(directory, 'log', 'samba.out'), 'utf8')
      .split('\n')
      .slice(-15)
      .join('\n');
  } catch {
    return '(no samba log)';
  }
}

/**
 * Starts `samba -i -M single` for the domain in `directory` and resolves with its pid once LDAPS
 * accepts connections. The process is detached from our stdin, so it outlives nothing by accident:
 * the caller stops it by pid (and a sweep of dead owners catches the rest).
 */
export async function startSamba(directory: string, ip: string, timeoutMs = 60_000): Promise<number> {
  const output = openSync(join(directory, 'log', 'samba.out'), 'a');
  const child = spawn('samba', ['-s', smbConfPath(directory), '-i', '-M', 'single', '-d1'], {
    stdio: ['ignore', output, output],
  });
  closeSync(output);
  let exitCode: number | null | undefined;
  child.once('exit', (code, signal) => (exitCode = code ?? (signal ? -1 : null)));
  child.once('error', () => (exitCode = -1));
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start samba: is the Samba AD DC package installed? (test/support/install-system-packages.sh)');
  const deadline = Date.now() + timeoutMs;
  while (!(await canConnect(ip, ldapsPort))) {
    if (exitCode !== undefined) throw new Error(`samba exited (${exitCode}) before accepting LDAPS on ${ip}:\n${logTail(directory)}`);
    if (Date.now() > deadline) {
      await stopSamba(pid);
      throw new Error(`samba did not accept LDAPS on ${ip}:${ldapsPort} within ${timeoutMs} ms:\n${logTail(directory)}`);
    }
    await sleep(50);
  }
  return pid;
}

/** SIGTERM by pid, wait for the exit, SIGKILL after a grace period. Resolves when the pid is gone. */
export async function stopSamba(pid: number, graceMs = 10_000): Promise<void> {
  if (!(pid > 0)) return; // kill(0) would signal our own process group
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await waitForExit(pid, graceMs)) return;
  process.kill(pid, 'SIGKILL');
  await waitForExit(pid, graceMs);
}
