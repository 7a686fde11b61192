// configure --preview (Set-CoexistenceConfiguration -IncludeOU … -WhatIf): what a change of scope or matching would do,
// shown as the plan of a full preview cycle run with the would-be configuration — each create, update and delete, with
// why (an OU left out, a filter no longer matched). Nothing is saved and nothing is written; the stored credentials
// are used, so no credential is asked for. Servers and credentials are checked by configure itself, not previewed.
import type { Configuration } from '../install/configuration.ts';
import { Installation } from '../install/installation.ts';
import { runInstallationCycle } from '../wiring/cycle.ts';
import type { ConfigureParameters } from './configure.ts';
import { invalidParameter } from './errors.ts';
import { exitCodeOfRun } from './exit-codes.ts';
import type { CommandOutput } from './output.ts';
import { syncRunResult } from './run-result.ts';

/** What a preview can show the effect of: the scope and matching (everything else changes how DirSync connects). */
const PREVIEWED = new Set(['includeOu', 'excludeOu', 'attributeFilter', 'softMatch']);

export async function previewConfiguration(parameters: ConfigureParameters, output: CommandOutput, signal?: AbortSignal): Promise<number> {
  const others = Object.entries(parameters)
    .filter(([name, value]) => name !== 'path' && name !== 'preview' && value !== undefined && value !== false && !PREVIEWED.has(name))
    .map(([name]) => name);
  if (others.length > 0)
    throw invalidParameter(
      `configure --preview shows what a change of scope or matching would do; ${others.join(', ')} cannot be previewed`,
      (say) =>
        `preview only a change of ${say.option('--include-ou')}, ${say.option('--exclude-ou')}, the attribute filter or ${say.option('--soft-match')}; the other settings are checked when ${say.command('configure')} saves them (without ${say.option('--preview')})`,
    );
  const installation = new Installation(parameters.path);
  const wouldBe = (stored: Configuration): Configuration => ({ ...stored, ...scopeAndMatching(parameters, stored) });
  output.verbose('Previewing the configuration as it would be: a full preview cycle over the would-be scope; nothing is saved.');
  // Full: what leaves the scope is found by the sweep of a full import, which a delta does not make.
  const run = await runInstallationCycle(installation.path, { full: true, preview: true, acceptDeletes: false }, output, {
    amend: wouldBe,
    ...(signal ? { signal } : {}),
  });
  output.result(syncRunResult(run, run.errors, { plan: run.plan, withheld: run.withheld, upnClashes: run.upnClashes }));
  return exitCodeOfRun(run.status);
}

/** The scope and matching a configure request asks for, over what `existing` has: what a preview shows and configure saves. */
export function scopeAndMatching(parameters: ConfigureParameters, existing: Configuration): Pick<Configuration, 'scope' | 'matching'> {
  return {
    scope: {
      includeOus: parameters.includeOu ?? existing.scope.includeOus,
      excludeOus: parameters.excludeOu ?? existing.scope.excludeOus,
      attributeFilter: parameters.attributeFilter ?? existing.scope.attributeFilter,
    },
    matching: { softMatch: parameters.softMatch ?? existing.matching.softMatch },
  };
}
