// Runs the bundled executable as administrators and scripts do, and gives back what it printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** The bundle under test; DIRSYNC_EXECUTABLE points the suites at another build (e.g. an older one, to see a test fail). */
export const EXECUTABLE = resolve(process.env.DIRSYNC_EXECUTABLE ?? 'dist/dirsync.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The last stdout line parsed as JSON, for commands run with --json. */
  json: any;
}

export function startDirsync(args: string[], options: { env?: Record<string, string>; input?: string } = {}): ChildProcess {
  const child = spawn(process.execPath, [EXECUTABLE, ...args], { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.end(options.input ?? '');
  return child;
}

export async function dirsync(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  const child = startDirsync(args, options);
  return collect(child);
}

export async function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number>((done) => child.on('close', (exitCode, signal) => done(exitCode ?? (signal ? 128 : 1))));
  const lastLine = stdout.trim().split('\n').at(-1) ?? '';
  let json: unknown;
  try {
    json = JSON.parse(lastLine);
  } catch {
    json = undefined;
  }
  return { code, stdout, stderr, json };
}
