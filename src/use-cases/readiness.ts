// readiness (Test-CoexistenceReadiness): what in the configured scope will fail, be rewritten or land differently
// than intended, before anything is exported. Reads AD with the same full import a cycle uses (nothing stored, no
// watermark) and, when the tenant can be reached, its verified domains and the users no sync client owns. Writes
// nothing to AD or the tenant: only the optional HTML and CSV files, and its summary in the installation (for the
// run reports).
import { writeFile } from 'node:fs/promises';
import * as z from 'zod';
import { CloudDirectory } from '../connectors/entra/cloud-directory.ts';
import type { Configuration } from '../install/configuration.ts';
import type { Installation } from '../install/installation.ts';
import { writeReadinessSummary } from '../install/readiness-summary.ts';
import type { StoredSecrets } from '../install/secret-vault.ts';
import { READINESS_ATTRIBUTES, type CloudFacts, type Finding, type UnanchoredCloudUser } from '../readiness/rules.ts';
import { scanForReadiness, type ReadinessScan } from '../readiness/scan.ts';
import { toCsv } from '../report/csv.ts';
import { readinessPage } from '../report/readiness-page.ts';
import { signInToTenant } from '../wiring/connections.ts';
import { withInstallation } from '../wiring/installation-context.ts';
import { ExitCode } from './exit-codes.ts';
import type { CommandOutput } from './output.ts';

export const readinessParameters = z.object({
  path: z.string().min(1),
  html: z.string().min(1).optional(),
  csv: z.string().min(1).optional(),
});
export type ReadinessParameters = z.infer<typeof readinessParameters>;

const PROGRESS_EVERY = 500;

export async function readiness(parameters: ReadinessParameters, output: CommandOutput): Promise<number> {
  return withInstallation(
    parameters.path,
    { directory: true, alsoRead: READINESS_ATTRIBUTES },
    output,
    async ({ installation, configuration, secrets, source }) => {
      const checkedAt = new Date();
      const { cloud, notChecked } = await readCloudFacts(configuration, secrets, installation.path, output);
      if (notChecked)
        output.warning(`The tenant was not consulted (${notChecked}): unverified UPN suffixes and clashes with cloud users are not checked.`);
      const scan = await scanForReadiness(source.fullImport().changes, cloud, (scanned) => {
        if (scanned % PROGRESS_EVERY === 0) output.progress({ activity: 'Checking readiness', status: `${scanned} objects`, current: scanned });
      });
      return report(installation, parameters, scan, { checkedAt, ...(notChecked ? { notChecked } : {}) }, output);
    },
  );
}

async function report(
  installation: Installation,
  parameters: ReadinessParameters,
  scan: ReadinessScan,
  { checkedAt, notChecked }: { checkedAt: Date; notChecked?: string },
  output: CommandOutput,
): Promise<number> {
  const { scanned, findings } = scan;

  if (parameters.html)
    await writeFile(parameters.html, readinessPage({ scanned, findings, checkedAt, ...(notChecked ? { cloudNotChecked: notChecked } : {}) }));
  if (parameters.csv) {
    const columns = ['dn', 'attribute', 'value', 'code', 'severity', 'fix'] as const;
    await writeFile(
      parameters.csv,
      toCsv(
        columns,
        findings.map((finding) => columns.map((column) => finding[column])),
      ),
    );
  }
  await writeReadinessSummary(installation, {
    checkedAt: checkedAt.toISOString(),
    scanned,
    errors: countByCode(findings.filter((finding) => finding.severity === 'error')),
    warnings: countByCode(findings.filter((finding) => finding.severity === 'warning')),
    cloudNotChecked: notChecked ?? null,
  });
  output.result({ typeName: 'DirSync.ReadinessReport', properties: { scanned, findings } });
  // 3, as for a run with export errors: objects that will not export as they are.
  return findings.some((finding) => finding.severity === 'error') ? ExitCode.completedWithExportErrors : ExitCode.success;
}

/** The tenant's domains and unanchored users, read without writing anything; undefined (and why) when unreachable. */
async function readCloudFacts(
  configuration: Configuration,
  secrets: StoredSecrets,
  installationPath: string,
  output: CommandOutput,
): Promise<{ cloud?: CloudFacts; notChecked?: string }> {
  const settings = configuration.cloud;
  if (!settings) return { notChecked: 'no tenant is configured' };
  try {
    // Readiness writes nothing: its session refuses writes like a preview's.
    const entra = await signInToTenant(configuration, secrets, { writesCloud: false, installationPath });
    try {
      const directory = new CloudDirectory(entra.session, settings.clientId, { mayRegisterExtension: false });
      const domains = await directory.domains();
      const unanchoredUsers: UnanchoredCloudUser[] = [];
      for await (const user of directory.unanchoredUsers()) unanchoredUsers.push(user);
      output.verbose(`The tenant has ${domains.verifiedDomains.size} verified domains and ${unanchoredUsers.length} users no sync client owns.`);
      return { cloud: { ...domains, unanchoredUsers, softMatch: configuration.matching.softMatch !== 'off' } };
    } finally {
      entra.close();
    }
  } catch (error) {
    return { notChecked: error instanceof Error ? error.message : String(error) };
  }
}

function countByCode(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const finding of findings) counts[finding.code] = (counts[finding.code] ?? 0) + 1;
  return counts;
}
