// A file holding a secret (the vault's key, a client certificate's private key) must be readable by its owner
// alone: a secret that other accounts can read protects nothing, and one they can change can be swapped.
// POSIX mode bits only: on Windows they mean nothing (Node reports 666 or 444); there the installation
// directory's ACL does this job.
import { stat } from 'node:fs/promises';
import { DirSyncError } from './errors.ts';

const GROUP_AND_OTHERS = 0o077;

function exposedSecretFile(file: string, mode: number, holds: string): DirSyncError {
  return new DirSyncError(
    'Secrets.file-exposed',
    `refusing to use ${file}: it holds ${holds}, but its mode is ${mode.toString(8).padStart(3, '0')}, so other accounts ${exposure(mode)}`,
    {
      recommendedAction: `restrict it with "chmod 600 ${file}" (its owner must be the account DirSync runs as)`,
      target: file,
    },
  );
}

/**
 * Throws Secrets.file-exposed when the group or other accounts have any access to `file` (`holds` says what
 * secret it holds, for the message). Failures of stat itself (a missing file) are thrown as they are.
 */
export async function assertOwnerOnly(file: string, holds: string): Promise<void> {
  if (process.platform === 'win32') return;
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & GROUP_AND_OTHERS) !== 0) throw exposedSecretFile(file, mode, holds);
}

function exposure(mode: number): string {
  const rights = [(mode & 0o044) !== 0 ? 'read' : undefined, (mode & 0o022) !== 0 ? 'change' : undefined].filter((right) => right !== undefined);
  return rights.length === 0 ? 'have access to it' : `can ${rights.join(' and ')} it`;
}
