// Runs the shipped executable as administrators and scripts do, and gives back what it printed. What runs is the copy
// of the build outside the checkout (test/support/shipped-artefacts.ts), never dist/ inside it.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { shippedArtefacts } from '../support/shipped-artefacts.ts';

/** How to start one build of DirSync: the bundle under a supported node, or the single executable on its own. */
export interface Artefact {
  name: string;
  command: string;
  /** Arguments before DirSync's own (the bundle's path, for node). */
  prefix: string[];
}

/** The bundle at `path`, run by the node running the tests. */
export function bundleArtefact(path: string): Artefact {
  return { name: 'bundle', command: process.execPath, prefix: [path] };
}

/**
 * The bundle under test: the shipped copy, or DIRSYNC_EXECUTABLE (another build of the bundle, e.g. an older one, to
 * see a test fail).
 */
export const EXECUTABLE = process.env.DIRSYNC_EXECUTABLE ? resolve(process.env.DIRSYNC_EXECUTABLE) : shippedArtefacts().bundle;
const defaultArtefact = bundleArtefact(EXECUTABLE);

export interface RunOptions {
  env?: Record<string, string>;
  input?: string;
  /** The bundle under test unless given. */
  artefact?: Artefact;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The last stdout line parsed as JSON, for commands run with --json. */
  json: any;
}

export function startDirsync(args: string[], options: RunOptions = {}): ChildProcess {
  const artefact = options.artefact ?? defaultArtefact;
  const child = spawn(artefact.command, [...artefact.prefix, ...args], { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.end(options.input ?? '');
  return child;
}

export async function dirsync(args: string[], options: RunOptions = {}): Promise<CliResult> {
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
