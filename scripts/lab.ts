// `npm run lab`: a place to try every command by hand. A seeded Samba AD domain (OUs, users, groups, contacts) and
// the Entra stand-in start on loopback and keep running; the lab writes what a shell (lab.env) and PowerShell
// (lab.ps1) need to reach them — URLs, CA files, the credentials as environment variables, never on a command line —
// and prints ready-to-paste commands. Ctrl+C (or SIGTERM) stops what it started, by pid, and removes its directory.
//   node scripts/lab.ts [--dir DIR]     DIR: where the lab keeps its files (default: $TMPDIR/dirsync-lab)
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FIXTURE, startDomain } from '../test/support/ad/index.ts';
import { isProcessAlive } from '../test/support/ad/processes.ts';
import { startEntraStandIn } from '../test/entra-standin/stand-in.ts';

const { values } = parseArgs({ options: { dir: { type: 'string' } } });
const labDirectory = resolve(values.dir ?? join(tmpdir(), 'dirsync-lab'));
const pidFile = join(labDirectory, 'lab.pid');
const repository = resolve(import.meta.dirname, '..');

await refuseSecondLab();
await rm(labDirectory, { recursive: true, force: true });
await mkdir(labDirectory, { recursive: true, mode: 0o700 });
await writeFile(pidFile, `${process.pid}\n`);

console.log('Starting a seeded Samba AD domain and the Entra ID stand-in (loopback only)…');
const [domain, standIn] = await Promise.all([startDomain(), startEntraStandIn()]);
let stopping = false;
const stop = async (signal: NodeJS.Signals): Promise<void> => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping Samba (pid ${domain.pid}) and the Entra stand-in…`);
  await Promise.all([domain.stop(), standIn.stop()]);
  await rm(labDirectory, { recursive: true, force: true });
  console.log('The lab is stopped.');
  process.exit(0);
};
process.once('SIGINT', stop).once('SIGTERM', stop);

/** What the commands need, by name; the two secrets under the names DirSync reads them from. */
const environment: Record<string, string> = {
  DIRSYNC_AD_PASSWORD: domain.adminPassword,
  DIRSYNC_CLIENT_SECRET: standIn.clientSecret,
  LAB_DIR: labDirectory,
  LAB_PATH: join(labDirectory, 'installation'),
  LAB_AD_URL: domain.ldapsUrl,
  LAB_AD_USER: domain.adminDn,
  LAB_AD_CA_FILE: domain.caFile,
  LAB_TENANT_ID: standIn.tenantId,
  LAB_CLIENT_ID: standIn.clientId,
  LAB_AUTHORITY_HOST: new URL(standIn.authority).origin,
  LAB_GRAPH_ENDPOINT: standIn.graphEndpoint,
  LAB_CLOUD_CA_FILE: standIn.caFile,
  LAB_INCLUDE_OU: FIXTURE.ous.corp,
  // The 1,600 users of OU=Crowd would take ~90 s at Graph's real write budget.
  LAB_EXCLUDE_OU: FIXTURE.ous.crowd,
};
const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
const powerShellQuote = (value: string) => `'${value.replaceAll("'", "''")}'`;
await writeFile(
  join(labDirectory, 'lab.env'),
  `${Object.entries(environment)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join('\n')}\n`,
  { mode: 0o600 },
);
await writeFile(
  join(labDirectory, 'lab.ps1'),
  `${Object.entries(environment)
    .map(([name, value]) => `$env:${name} = ${powerShellQuote(value)}`)
    .join('\n')}\n`,
  { mode: 0o600 },
);

const users = Object.values(FIXTURE.users).map((user) => user.userPrincipalName);
console.log(`
The lab is ready (Ctrl+C stops it).
  Active Directory  ${domain.ldapsUrl}  ${domain.baseDn}  (Samba, pid ${domain.pid}; CA ${domain.caFile})
                    ${users.length} named users (${users.slice(0, 3).join(', ')}, …), ${FIXTURE.counts.groups} groups, ${FIXTURE.counts.contacts} contacts under ${FIXTURE.ous.corp},
                    and ${FIXTURE.crowd.users.length} more users in ${FIXTURE.ous.crowd}
  Entra stand-in    ${standIn.graphEndpoint}  tenant ${standIn.initialDomain} (${standIn.tenantId}), application ${standIn.clientId}
  Files             ${labDirectory}  (lab.env, lab.ps1: the settings and both secrets, readable by you only)

In another terminal, in ${repository}:

  source ${join(labDirectory, 'lab.env')}
  npx dirsync install --path "$LAB_PATH"
  npx dirsync configure --path "$LAB_PATH" --ad-url "$LAB_AD_URL" --ad-user "$LAB_AD_USER" --ad-ca-file "$LAB_AD_CA_FILE" \\
      --tenant-id "$LAB_TENANT_ID" --client-id "$LAB_CLIENT_ID" --authority-host "$LAB_AUTHORITY_HOST" \\
      --graph-endpoint "$LAB_GRAPH_ENDPOINT" --cloud-ca-file "$LAB_CLOUD_CA_FILE" --include-ou "$LAB_INCLUDE_OU" --exclude-ou "$LAB_EXCLUDE_OU"
  npx dirsync sync --path "$LAB_PATH" --preview
  npx dirsync sync --path "$LAB_PATH"
  npx dirsync status --path "$LAB_PATH"
  npx dirsync report --path "$LAB_PATH" --html "$LAB_DIR/run.html"

Or in PowerShell 7 (npm run pwsh):

  . ${powerShellQuote(join(labDirectory, 'lab.ps1'))}
  Import-Module ${powerShellQuote(join(repository, 'DirSync.psd1'))}
  $env:DIRSYNC_NODE = ${powerShellQuote(process.execPath)}
  Install-OnlineCoexistenceTool -InstallPath $env:LAB_PATH
  $adCredential = [pscredential]::new($env:LAB_AD_USER, (ConvertTo-SecureString $env:DIRSYNC_AD_PASSWORD -AsPlainText -Force))
  $appCredential = [pscredential]::new($env:LAB_CLIENT_ID, (ConvertTo-SecureString $env:DIRSYNC_CLIENT_SECRET -AsPlainText -Force))
  Set-CoexistenceConfiguration -InstallPath $env:LAB_PATH -AdServer $env:LAB_AD_URL -AdCaFile $env:LAB_AD_CA_FILE -Credential $adCredential \`
      -TenantId $env:LAB_TENANT_ID -TargetCredential $appCredential -AuthorityHost $env:LAB_AUTHORITY_HOST -GraphEndpoint $env:LAB_GRAPH_ENDPOINT \`
      -CloudCaFile $env:LAB_CLOUD_CA_FILE -IncludeOU $env:LAB_INCLUDE_OU -ExcludeOU $env:LAB_EXCLUDE_OU
  Start-OnlineCoexistenceSync -InstallPath $env:LAB_PATH -WhatIf
  Start-OnlineCoexistenceSync -InstallPath $env:LAB_PATH
  Get-OnlineCoexistenceSyncHistory -InstallPath $env:LAB_PATH

Change AD as the domain's Administrator (ldapmodify -H "$LAB_AD_URL" with LDAPTLS_CACERT="$LAB_AD_CA_FILE"), then sync
again to see a delta; the stand-in's state is at ${standIn.graphEndpoint}/_standin/snapshot.`);

/** One lab per directory: a running one is never wiped (its Samba would be orphaned). */
async function refuseSecondLab(): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isProcessAlive(pid)) {
    console.error(`A lab already runs in ${labDirectory} (process ${pid}): stop it with Ctrl+C in its terminal, or start this one with --dir.`);
    process.exit(2);
  }
}
