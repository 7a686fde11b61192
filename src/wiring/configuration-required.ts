// The installation cannot do what was asked until it is configured (never configured, upgraded, or part missing).
import { DirSyncError } from '../core/errors.ts';

export function configurationRequired(path: string, why: string): DirSyncError {
  return new DirSyncError('Configuration.required', `${why}; DirSync in ${path} cannot synchronize until it is configured`, {
    recommendedAction: `run "dirsync configure --path ${path} …" (Set-CoexistenceConfiguration)`,
    target: path,
  });
}
