// What one entry of the error catalogue says (../error-catalogue.ts), and the helpers its area files share.
import type { Vocabulary } from '../advice.ts';

export type ErrorCategory =
  | 'AuthenticationError'
  | 'ConnectionError'
  | 'InvalidArgument'
  | 'InvalidData'
  | 'InvalidOperation'
  | 'InvalidResult'
  | 'LimitsExceeded'
  | 'NotInstalled'
  | 'NotSpecified'
  | 'ObjectNotFound'
  | 'PermissionDenied'
  | 'ResourceExists'
  | 'ResourceUnavailable'
  | 'SecurityError';

export interface CatalogueEntry {
  category: ErrorCategory;
  transient: boolean;
  /** What the condition is, in general (the error's own message says what happened this time). */
  summary: string;
  /** What to do next, in general: in the command line's words. */
  action: string;
  /** The same advice in the PowerShell module's words, where `action` names a command or an option. */
  powerShellAction?: string;
}

/** Re-entering a credential or a setting: `run configure again` | `run Set-CoexistenceConfiguration again`. */
export const reconfigure = (say: Vocabulary) => `run ${say.command('configure')} again`;
