// Creating the installation directory, with every failure said plainly: a path that is (or runs through) a file, a
// folder this account may not write, or a file system that will not create it. Each missing level is created once,
// in order: Node's recursive mkdir retries for ever when a file system answers ENOENT for a folder whose parent
// exists (/proc, some network and FUSE mounts), spinning at full CPU.
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DirSyncError } from '../core/errors.ts';

/** Creates `path` and its missing parents (mode 0700), or throws Installation.path-* saying why not. */
export async function createInstallationDirectory(path: string): Promise<void> {
  const missing: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    const existing = await statIfPresent(current, path);
    if (existing) {
      if (!existing.isDirectory()) throw pathIsAFile(path, current);
      break;
    }
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const directory of missing) {
    try {
      await mkdir(directory, { mode: 0o700 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Made by another process a moment ago: as good as made here, if it is a folder.
      if (code === 'EEXIST' && (await statIfPresent(directory, path))?.isDirectory()) continue;
      throw creationFailure(path, directory, error as NodeJS.ErrnoException);
    }
  }
  try {
    await access(path, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw notWritable(path, path, error as NodeJS.ErrnoException);
  }
}

async function statIfPresent(entry: string, path: string) {
  try {
    return await stat(entry);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw pathIsAFile(path, dirname(entry));
    // The parent may not be searched by this account.
    if (code === 'EACCES' || code === 'EPERM') throw notWritable(path, dirname(entry), error as NodeJS.ErrnoException);
    throw creationFailure(path, entry, error as NodeJS.ErrnoException);
  }
}

function creationFailure(path: string, directory: string, error: NodeJS.ErrnoException): DirSyncError {
  switch (error.code) {
    case 'ENOTDIR':
      return pathIsAFile(path, dirname(directory));
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      // mkdir writes into the parent: that is the folder this account may not write.
      return notWritable(path, dirname(directory), error);
    default:
      return new DirSyncError(
        'Installation.path-not-creatable',
        `${path} cannot be created: ${reasonFor(error, directory)} (${error.code ?? error.message})`,
        { target: path, cause: error },
      );
  }
}

function reasonFor(error: NodeJS.ErrnoException, directory: string): string {
  switch (error.code) {
    case 'ENOENT':
      return `the file system refused to create ${directory} although its parent exists (a virtual file system such as /proc, or a broken symbolic link?)`;
    case 'ENAMETOOLONG':
      return 'the path, or one of its names, is longer than the file system allows';
    case 'EEXIST':
      return `${directory} is a symbolic link to something that does not exist`;
    case 'ELOOP':
      return `${directory} runs through a loop of symbolic links`;
    case 'ENOSPC':
      return 'the file system is full';
    default:
      return `creating ${directory} failed`;
  }
}

function pathIsAFile(path: string, file: string): DirSyncError {
  return new DirSyncError(
    'Installation.path-is-a-file',
    file === path
      ? `${path} is a file, not a directory: DirSync installs into a directory of its own`
      : `${path} cannot be created: ${file} is a file, not a directory`,
    { target: path },
  );
}

function notWritable(path: string, where: string, error: NodeJS.ErrnoException): DirSyncError {
  const account = process.getuid ? ` (user id ${process.getuid()})` : '';
  return new DirSyncError(
    'Installation.path-not-writable',
    `${where === path ? `${path} may not be written` : `${path} cannot be created: ${where} may not be written`} by the account DirSync runs as${account} (${error.code ?? error.message})`,
    { target: path, cause: error },
  );
}
