// The README's first command: DirSync's main job end to end on this machine, with real servers.
// A seeded Samba AD domain and the Entra stand-in start on loopback; then, as an administrator would:
// install, configure (checks + the AAD_ service account), a full sync, an AD change, a delta sync, status —
// first with the command line, then the same in a PowerShell 7.6.9 session (the project's pwsh,
// test/pwsh-host) with the DirSync module, against a fresh tenant.
// Everything it starts is stopped (by pid) and removed at the end, also on failure.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Attribute, Change } from 'ldapts';
import { adminClient, FIXTURE, startDomain } from '../test/support/ad/index.ts';
import { startEntraStandIn } from '../test/entra-standin/stand-in.ts';
import { putPwshOnPath } from '../test/pwsh-host/run.ts';

const executable = resolve('dist/dirsync.mjs');

function step(title: string): void {
  console.log(`\n=== ${title}`);
}

/** Runs the executable with the terminal attached, as an administrator would see it. */
function dirsync(args: string[], env: Record<string, string> = {}): Promise<number> {
  console.log(`$ dirsync ${args.join(' ')}`);
  const child = spawn(process.execPath, [executable, ...args], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  return new Promise((done) => child.on('close', (code) => done(code ?? 1)));
}

/** A PowerShell single-quoted string literal. */
const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * Runs commands in one pwsh session with the terminal attached, each shown after a prompt as typed. Values
 * the commands need come as $env:DEMO_* variables: secrets stay off every command line.
 */
function powershell(commands: string[], env: Record<string, string>): Promise<number> {
  // Dot-sourced blocks: assignments stay in the session; Out-Host keeps each output under its command.
  const script = commands.map((command) => `Write-Host ${quote(`PS> ${command}`)}; . { ${command} } | Out-Host`).join('\n');
  const child = spawn('pwsh', ['-NoProfile', '-NonInteractive', '-Command', `$ErrorActionPreference = 'Stop'\n${script}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  });
  return new Promise((done) => child.on('close', (code) => done(code ?? 1)));
}

async function expectSuccess(exitCode: Promise<number>): Promise<void> {
  const code = await exitCode;
  if (code !== 0) throw new Error(`dirsync exited with ${code}`);
}

step('Starting a seeded Samba AD domain and the Entra ID stand-in (loopback only)');
const [domain, standIn] = await Promise.all([startDomain(), startEntraStandIn()]);
const work = await mkdtemp(join(tmpdir(), 'dirsync-demo-'));
const path = join(work, 'installation');
try {
  console.log(`AD: ${domain.ldapsUrl} (${domain.baseDn});  Entra stand-in: ${standIn.graphEndpoint}, tenant ${standIn.initialDomain}`);
  const secrets = { DIRSYNC_AD_PASSWORD: domain.adminPassword, DIRSYNC_CLIENT_SECRET: standIn.clientSecret };

  step('Install (embedded store)');
  await expectSuccess(dirsync(['install', '--path', path]));

  step('Configure: credentials come from the environment, never the command line');
  await expectSuccess(
    dirsync(
      [
        'configure',
        '--path',
        path,
        '--ad-url',
        domain.ldapsUrl,
        '--ad-user',
        domain.adminDn,
        '--ad-ca-file',
        domain.caFile,
        '--tenant-id',
        standIn.tenantId,
        '--client-id',
        standIn.clientId,
        '--authority-host',
        new URL(standIn.authority).origin,
        '--graph-endpoint',
        standIn.graphEndpoint,
        '--cloud-ca-file',
        standIn.caFile,
        '--include-ou',
        FIXTURE.ous.corp,
        // The 1,600 users of OU=Crowd would take ~90 s at Graph's real write budget (3,000 writes / 150 s).
        '--exclude-ou',
        FIXTURE.ous.crowd,
        '--verbose',
      ],
      secrets,
    ),
  );

  step('First synchronization (full: no watermark yet)');
  await dirsync(['sync', '--path', path]);

  step('Changes in AD: a new title for Alice; Conor leaves (disabled) and leaves the Sales Team');
  const admin = await adminClient(domain);
  await admin.modify(FIXTURE.users.alice.dn, [
    new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Chief Revenue Officer'] }) }),
  ]);
  await admin.modify(FIXTURE.users.conor.dn, [
    new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: [String(0x202)] }) }),
  ]);
  await admin.modify(FIXTURE.groups.salesTeam.dn, [
    new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [FIXTURE.users.conor.dn] }) }),
  ]);
  await admin.unbind();

  step('Delta synchronization: only what changed');
  await dirsync(['sync', '--path', path]);

  step('Run history');
  await expectSuccess(dirsync(['status', '--path', path, '--last', '2']));
  const snapshot = standIn.control.snapshot();
  console.log(
    `\nThe Entra stand-in now holds ${snapshot.counts.users} users (the tenant's administrator included) and ${snapshot.counts.groups} groups.`,
  );

  step('The same as an administrator does it: PowerShell 7.6.9 and the DirSync module (a fresh tenant, a second installation)');
  putPwshOnPath();
  standIn.control.reset();
  const modulePath = join(work, 'module-installation');
  const values = {
    DEMO_INSTALL_PATH: modulePath,
    DEMO_AD_SERVER: domain.ldapsUrl,
    DEMO_AD_CA_FILE: domain.caFile,
    DEMO_AD_USER: domain.adminDn,
    DEMO_AD_PASSWORD: domain.adminPassword,
    DEMO_TENANT_ID: standIn.tenantId,
    DEMO_CLIENT_ID: standIn.clientId,
    DEMO_CLIENT_SECRET: standIn.clientSecret,
    DEMO_AUTHORITY_HOST: new URL(standIn.authority).origin,
    DEMO_GRAPH_ENDPOINT: standIn.graphEndpoint,
    DEMO_CLOUD_CA_FILE: standIn.caFile,
    DEMO_INCLUDE_OU: FIXTURE.ous.corp,
    DEMO_EXCLUDE_OU: FIXTURE.ous.crowd,
    DIRSYNC_NODE: process.execPath,
  };
  const importModule = `Import-Module ${quote(resolve('DirSync.psd1'))}`;
  const status = await powershell(
    [
      '$PSVersionTable.PSVersion.ToString()',
      importModule,
      'Install-OnlineCoexistenceTool -InstallPath $env:DEMO_INSTALL_PATH',
      // At a console Set-CoexistenceConfiguration asks for both credentials (masked); here they are built from the environment.
      '$adCredential = [pscredential]::new($env:DEMO_AD_USER, (ConvertTo-SecureString $env:DEMO_AD_PASSWORD -AsPlainText -Force))',
      '$appCredential = [pscredential]::new($env:DEMO_CLIENT_ID, (ConvertTo-SecureString $env:DEMO_CLIENT_SECRET -AsPlainText -Force))',
      'Set-CoexistenceConfiguration -InstallPath $env:DEMO_INSTALL_PATH -AdServer $env:DEMO_AD_SERVER -AdCaFile $env:DEMO_AD_CA_FILE -Credential $adCredential ' +
        '-TenantId $env:DEMO_TENANT_ID -TargetCredential $appCredential -AuthorityHost $env:DEMO_AUTHORITY_HOST -GraphEndpoint $env:DEMO_GRAPH_ENDPOINT ' +
        '-CloudCaFile $env:DEMO_CLOUD_CA_FILE -IncludeOU $env:DEMO_INCLUDE_OU -ExcludeOU $env:DEMO_EXCLUDE_OU',
      'Start-OnlineCoexistenceSync -InstallPath $env:DEMO_INSTALL_PATH',
    ],
    values,
  );
  if (status !== 0) throw new Error(`pwsh exited with ${status}`);

  step('Changes in AD: Alice becomes Chief Sales Officer');
  const changer = await adminClient(domain);
  await changer.modify(FIXTURE.users.alice.dn, [
    new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Chief Sales Officer'] }) }),
  ]);
  await changer.unbind();

  const deltaStatus = await powershell(
    [
      importModule,
      'Get-CoexistenceConfiguration -InstallPath $env:DEMO_INSTALL_PATH | Start-OnlineCoexistenceSync',
      'Get-OnlineCoexistenceSyncHistory -InstallPath $env:DEMO_INSTALL_PATH | Format-Table',
    ],
    values,
  );
  if (deltaStatus !== 0) throw new Error(`pwsh exited with ${deltaStatus}`);
} finally {
  await Promise.all([domain.stop(), standIn.stop()]);
  await rm(work, { recursive: true, force: true });
}
