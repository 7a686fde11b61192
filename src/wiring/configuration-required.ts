// The installation cannot do what was asked until it is configured (never configured, upgraded, or part missing).
import { recommendedActions } from '../core/advice.ts';
import { DirSyncError } from '../core/errors.ts';

export function configurationRequired(path: string, why: string): DirSyncError {
  return new DirSyncError('Configuration.required', `${why}; DirSync in ${path} cannot synchronize until it is configured`, {
    ...recommendedActions((say) => `run ${say.run('configure', '--path', path)} …`),
    target: path,
  });
}
