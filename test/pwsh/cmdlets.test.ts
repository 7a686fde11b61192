// Every cmdlet end to end, as an administrator types them: the module in a real PowerShell engine, the bundled
// executable behind it, a real Samba domain and the Entra stand-in.
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PowerShell } from 'node-powershell';
import { FIXTURE, startDomain, type TestDomain } from '../support/ad/index.ts';
import { startEntraStandIn, type EntraStandIn } from '../entra-standin/stand-in.ts';
import { startPowerShell, text } from './pwsh-session.ts';

const repositoryRoot = resolve(import.meta.dirname, '..', '..');

/** A PowerShell single-quoted string literal. */
const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

describe('the DirSync cmdlets end to end (PowerShell engine + Samba + Entra stand-in)', function () {
  this.timeout(180_000);
  let domain: TestDomain;
  let standIn: EntraStandIn;
  let shell: PowerShell;
  let work: string;
  let path: string;
  const run = async (script: string) => text(await shell.invoke(script));
  /** Runs a cmdlet expected to fail; answers its error id, category and message, one per line. */
  const failure = (script: string) => run(`try { ${script} -ErrorAction Stop; 'no error' } catch { $_.FullyQualifiedErrorId; [string]$_.CategoryInfo.Category; $_.Exception.Message }`);

  before(async () => {
    [domain, standIn] = await Promise.all([startDomain(), startEntraStandIn()]);
    work = await mkdtemp(join(tmpdir(), 'dirsync-cmdlets-'));
    path = join(work, 'DirSync');
    shell = startPowerShell({ env: { DIRSYNC_NODE: join(repositoryRoot, 'node_modules', '.bin', 'node') } });
    await shell.invoke(`Import-Module ${quote(join(repositoryRoot, 'DirSync.psd1'))} -ErrorAction Stop`);
    await shell.invoke(
      `$adCredential = [pscredential]::new(${quote(domain.adminDn)}, [System.Net.NetworkCredential]::new('', ${quote(domain.adminPassword)}).SecurePassword); ` +
        `$cloudCredential = [pscredential]::new(${quote(standIn.clientId)}, [System.Net.NetworkCredential]::new('', ${quote(standIn.clientSecret)}).SecurePassword); ` +
        `$cloud = @{ TenantId = ${quote(standIn.tenantId)}; TargetCredential = $cloudCredential; AuthorityHost = ${quote(new URL(standIn.authority).origin)}; ` +
        `GraphEndpoint = ${quote(standIn.graphEndpoint)}; CloudCaFile = ${quote(standIn.caFile)}; WriteBudget = '20000/10' }`,
    );
  });
  after(async () => {
    await shell?.dispose();
    await Promise.all([domain?.stop(), standIn?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('Install-OnlineCoexistenceTool creates the installation and returns a DirSync.Installation', async () => {
    const lines = await run(`$i = Install-OnlineCoexistenceTool -InstallPath ${quote(path)}; $i.PSTypeNames[0]; $i.ProductVersion; $i.ConfigurationRequired`);
    assert.deepEqual(lines.split('\n'), ['DirSync.Installation', (await import('../../package.json', { with: { type: 'json' } })).default.productVersion, 'True']);
  });

  it('Set-CoexistenceConfiguration reports a wrong password, an unreachable server and a bad OU clearly, and saves nothing', async () => {
    const common = `-InstallPath ${quote(path)} -AdCaFile ${quote(domain.caFile)} @cloud`;
    const wrongPassword = await failure(`$bad = [pscredential]::new(${quote(domain.adminDn)}, [System.Net.NetworkCredential]::new('', 'not-the-password').SecurePassword); Set-CoexistenceConfiguration ${common} -AdServer ${quote(domain.ldapsUrl)} -Credential $bad`);
    assert.match(wrongPassword, /^ActiveDirectory\.wrong-password,Set-CoexistenceConfiguration\nAuthenticationError\n.*password .* is wrong/s);
    const unreachable = await failure(`Set-CoexistenceConfiguration ${common} -AdServer 'ldaps://127.0.0.1:1' -Credential $adCredential`);
    assert.match(unreachable, /^ActiveDirectory\.unreachable,Set-CoexistenceConfiguration\nConnectionError\n.*127\.0\.0\.1:1/s);
    const badOu = await failure(`Set-CoexistenceConfiguration ${common} -AdServer ${quote(domain.ldapsUrl)} -Credential $adCredential -IncludeOU 'OU=Nowhere,${FIXTURE.baseDn}'`);
    assert.match(badOu, /^OrganizationalUnitNotFound,Set-CoexistenceConfiguration\nObjectNotFound\n.*OU=Nowhere/s);
    const unchanged = await run(`$c = Get-CoexistenceConfiguration -InstallPath ${quote(path)}; $c.ConfigurationRequired; "[$($c.AdServer)]"`);
    assert.deepEqual(unchanged.split('\n'), ['True', '[]'], 'nothing was saved');
  });

  it('Set-CoexistenceConfiguration checks and stores the configuration, creating the AAD_ service account', async () => {
    const lines = await run(
      `$c = Set-CoexistenceConfiguration -InstallPath ${quote(path)} -AdServer ${quote(domain.ldapsUrl)} -AdCaFile ${quote(domain.caFile)} -Credential $adCredential ` +
        `-IncludeOU ${quote(FIXTURE.ous.sales)} @cloud; $c.PSTypeNames[0]; $c.ServiceAccount; @($c.Checks | Where-Object { -not $_.passed }).Count`,
    );
    const [typeName, serviceAccount, failedChecks] = lines.split('\n');
    assert.equal(typeName, 'DirSync.Configuration');
    assert.match(serviceAccount ?? '', /^AAD_[0-9a-f]{12}$/);
    assert.equal(failedChecks, '0');
  });

  it('Set-CoexistenceConfiguration -EnablePasswordSync is refused with the reason', async () => {
    const refused = await failure(`Set-CoexistenceConfiguration -InstallPath ${quote(path)} -Credential $adCredential @cloud -EnablePasswordSync`);
    assert.match(refused, /^PasswordSyncNotSupported,Set-CoexistenceConfiguration\nInvalidOperation\n.*no public Microsoft Graph API accepts password hashes/s);
  });

  it('Start-OnlineCoexistenceSync -WhatIf shows the plan and writes nothing', async () => {
    standIn.control.clearRequests();
    const lines = await run(`$r = Start-OnlineCoexistenceSync -InstallPath ${quote(path)} -WhatIf; $r.Mode; @($r.Plan).Count`);
    const [whatIf, mode, planned] = lines.split('\n');
    assert.match(whatIf ?? '', /^What if: .*Synchronize Active Directory to Entra ID/);
    assert.equal(mode, 'preview-full');
    assert.ok(Number(planned) > 0);
    assert.deepEqual(standIn.control.requests().filter((request) => request.method !== 'GET' && !request.path.includes('oauth2') && !request.path.endsWith('$batch')), []);
  });

  it('Start-OnlineCoexistenceSync runs the cycle and returns a typed DirSync.SyncRun', async () => {
    const lines = await run(`$r = Start-OnlineCoexistenceSync -InstallPath ${quote(path)}; $r.PSTypeNames[0]; $r.Status; $r.Mode; $r.Counts.Added; $r.StartedAt.GetType().Name`);
    const [typeName, status, mode, added, startedType] = lines.split('\n');
    assert.deepEqual([typeName, status, mode, startedType], ['DirSync.SyncRun', 'success', 'full', 'DateTime']);
    const salesUsers = Object.values(FIXTURE.users).filter((user) => user.dn.endsWith(FIXTURE.ous.sales)).length;
    assert.equal(Number(added), salesUsers);
  });

  it('Get-OnlineCoexistenceSyncHistory lists the runs, newest first', async () => {
    const lines = await run(`$h = @(Get-OnlineCoexistenceSyncHistory -InstallPath ${quote(path)} -Last 5); $h.Count; $h[0].Mode; $h[1].Mode`);
    assert.deepEqual(lines.split('\n'), ['2', 'full', 'preview-full']);
  });

  it('Set-PreventAccidentalDeletes changes the threshold, and Get-CoexistenceConfiguration shows it', async () => {
    const set = await run(`$t = Set-PreventAccidentalDeletes -InstallPath ${quote(path)} -Enable -ObjectDeletionThreshold 7; $t.PSTypeNames[0]; $t.ObjectDeletionThreshold`);
    assert.deepEqual(set.split('\n'), ['DirSync.DeletionThreshold', '7']);
    const shown = await run(`$c = Get-CoexistenceConfiguration -InstallPath ${quote(path)}; $c.DeletionThresholdEnabled; $c.DeletionThreshold; $c.AdPasswordStored`);
    assert.deepEqual(shown.split('\n'), ['True', '7', 'True']);
  });

  it('Uninstall-OnlineCoexistenceTool -WhatIf keeps everything; confirmed, it removes the installation', async () => {
    await run(`Uninstall-OnlineCoexistenceTool -InstallPath ${quote(path)} -WhatIf`);
    assert.ok((await stat(path)).isDirectory());
    const lines = await run(`$u = Uninstall-OnlineCoexistenceTool -InstallPath ${quote(path)} -Confirm:$false; $u.PSTypeNames[0]`);
    assert.equal(lines, 'DirSync.Uninstallation');
    await assert.rejects(stat(path), { code: 'ENOENT' });
  });
});
