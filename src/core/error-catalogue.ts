// Every error code DirSync can report, in one place: its category, whether it is transient, a summary of the
// condition and the general advice. Codes read `Area.kebab-case-condition` (README: "Error codes"); scripts and the
// PowerShell module's FullyQualifiedErrorId rely on them, so a code is never renamed once released. Advice that names
// a command or an option is said twice (advice.ts): `action` in the command line's words, `powerShellAction` in the
// module's; the PowerShell module gets the codes, categories and its advice at build (src/protocol/module-contract.ts).
//
// category: PowerShell's ErrorCategory member, so the module maps it one to one and scripts can branch on it.
// transient: a passing condition (a server down, throttling). A run that ends on one is `stopped-server-down`
// and the next cycle resumes; a run that ends on anything else is `failed`.
import { cloudErrors } from './error-catalogue/cloud.ts';
import { onPremisesErrors } from './error-catalogue/directory.ts';
import { installationErrors } from './error-catalogue/installation.ts';
import { operationErrors } from './error-catalogue/operations.ts';
import { runErrors } from './error-catalogue/runs.ts';

export type { CatalogueEntry, ErrorCategory } from './error-catalogue/entry.ts';

// One file per area (error-catalogue/); the order here is the order codes are listed in (README, module contract).
export const errorCatalogue = {
  ...onPremisesErrors,
  ...cloudErrors,
  ...installationErrors,
  ...runErrors,
  ...operationErrors,
};

export type ErrorCode = keyof typeof errorCatalogue;

export const ERROR_CODES = Object.keys(errorCatalogue) as ErrorCode[];
