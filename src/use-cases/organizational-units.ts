// organizational-units (module only): the OUs of the configured domain, read with the stored configuration, for the
// tab completion of -IncludeOU and -ExcludeOU.
import * as z from 'zod';
import { openDirectoryConnection } from '../connectors/ad/connection.ts';
import { listOrganizationalUnits } from '../connectors/ad/directory-checks.ts';
import { Installation } from '../install/installation.ts';
import { configurationRequired } from '../wiring/configuration-required.ts';
import { adSettings } from '../wiring/connections.ts';
import { ExitCode } from './exit-codes.ts';
import type { CommandOutput } from './output.ts';

export const organizationalUnitsParameters = z.object({ path: z.string().min(1) });

// Completion runs while the user waits at the prompt: a domain controller that is slow to answer gets no second chance.
const TIMEOUT_MS = 5_000;

export async function organizationalUnits(parameters: z.infer<typeof organizationalUnitsParameters>, output: CommandOutput): Promise<number> {
  const installation = new Installation(parameters.path);
  const ad = (await installation.readConfiguration()).activeDirectory;
  if (!ad) throw configurationRequired(installation.path, 'Active Directory is not configured');
  const client = await openDirectoryConnection({
    ...adSettings(ad, await installation.vault.read(), installation.path),
    connectTimeoutMs: TIMEOUT_MS,
    operationTimeoutMs: TIMEOUT_MS,
  });
  try {
    for (const dn of await listOrganizationalUnits(client))
      output.result({ typeName: 'DirSync.OrganizationalUnit', properties: { distinguishedName: dn } });
  } finally {
    await client.unbind();
  }
  return ExitCode.success;
}
