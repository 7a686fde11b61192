// What ships, laid out as it ships, away from the checkout: the module folder (manifest, scripts, format file) with
// dist/dirsync.mjs and, when build.ps1 made it, the single executable dist/dirsync — copied once per test process
// into a temporary directory with no node_modules above it. Every suite runs these copies, never the files in the
// repository, so a dependency the bundle leaves to be resolved at run time fails the tests as it would fail on a server.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const repositoryRoot = resolve(import.meta.dirname, '..', '..');
const singleExecutableName = process.platform === 'win32' ? 'dirsync.exe' : 'dirsync';

export interface ShippedArtefacts {
  /** The module folder as installed on a server (Import-Module this path's DirSync.psd1). */
  moduleRoot: string;
  /** dist/dirsync.mjs, started with a supported node. */
  bundle: string;
  /** dist/dirsync, which needs no node; undefined when build.ps1 has not made one (Node < 25.5, or -NoSingleExecutable). */
  singleExecutable: string | undefined;
}

let staged: ShippedArtefacts | undefined;

/** The copies (made on first use; removed when the test process exits). */
export function shippedArtefacts(): ShippedArtefacts {
  staged ??= stage();
  return staged;
}

function stage(): ShippedArtefacts {
  const bundleInRepository = join(repositoryRoot, 'dist', 'dirsync.mjs');
  if (!existsSync(bundleInRepository)) throw new Error(`${bundleInRepository} does not exist: run npm run build (or build.ps1) before the tests.`);
  const work = mkdtempSync(join(tmpdir(), 'dirsync-shipped-'));
  process.once('exit', () => rmSync(work, { recursive: true, force: true }));
  const moduleRoot = join(work, 'DirSync');
  mkdirSync(join(moduleRoot, 'dist'), { recursive: true });
  for (const file of ['DirSync.psd1', 'DirSync.psm1', 'DirSync.Format.ps1xml']) cpSync(join(repositoryRoot, file), join(moduleRoot, file));
  cpSync(join(repositoryRoot, 'module'), join(moduleRoot, 'module'), { recursive: true });
  const bundle = join(moduleRoot, 'dist', 'dirsync.mjs');
  cpSync(bundleInRepository, bundle);
  const singleExecutableInRepository = join(repositoryRoot, 'dist', singleExecutableName);
  let singleExecutable: string | undefined;
  if (existsSync(singleExecutableInRepository)) {
    singleExecutable = join(moduleRoot, 'dist', singleExecutableName);
    cpSync(singleExecutableInRepository, singleExecutable);
  }
  assertNoNodeModulesAbove(moduleRoot);
  return { moduleRoot, bundle, singleExecutable };
}

/** Node resolves a bare specifier through every node_modules from the file's folder up to the root. */
function assertNoNodeModulesAbove(directory: string): void {
  for (let current = directory; ; current = dirname(current)) {
    if (existsSync(join(current, 'node_modules'))) {
      throw new Error(
        `${join(current, 'node_modules')} exists above the shipped copy: the tests could not tell a bundle that needs it from one that does not.`,
      );
    }
    if (dirname(current) === current) return;
  }
}
