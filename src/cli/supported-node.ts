// The first thing the executable does (main.ts imports this module before any other): refuse an older Node with
// one clear sentence and what to use instead. This works only because nothing in the bundle imports, at link time,
// what an older Node lacks (node:sqlite is loaded when the store opens: src/store/sqlite-store.ts).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DirSyncError } from '../core/errors.ts';
import { exitCodeOfError } from '../use-cases/exit-codes.ts';
import { MINIMUM_NODE_MAJOR } from '../version.ts';
import { TerminalOutput } from './terminal-output.ts';

/** The Node an `npm ci` in a checkout installed (the `node` devDependency), when this file lies in one. */
function checkoutNode(from: string): string | undefined {
  for (let directory = from; ; directory = dirname(directory)) {
    const node = join(directory, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
    if (existsSync(node)) return node;
    if (dirname(directory) === directory) return undefined;
  }
}

export function unsupportedNode(version: string, executable: string, here: string): DirSyncError {
  const projectNode = checkoutNode(here);
  const use = projectNode
    ? `use "npx dirsync …" in the checkout (it runs the Node that npm ci installed, ${projectNode}), or start the bundle with that node`
    : `use Node ${MINIMUM_NODE_MAJOR} or later, or the single executable dirsync (dirsync.exe on Windows) that build.ps1 makes and that needs no Node`;
  return new DirSyncError('Runtime.unsupported-node', `DirSync needs Node ≥ ${MINIMUM_NODE_MAJOR} (this is ${version}, ${executable}).`, {
    recommendedAction: `${use[0]!.toUpperCase()}${use.slice(1)}.`,
    target: executable,
  });
}

const major = Number(process.versions.node.split('.')[0]);
if (major < MINIMUM_NODE_MAJOR) {
  const error = unsupportedNode(process.versions.node, process.execPath, dirname(fileURLToPath(import.meta.url)));
  new TerminalOutput({ json: process.argv.includes('--json'), verbose: false }).error(error);
  process.exit(exitCodeOfError(error));
}
