import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PowerShell } from 'node-powershell';
import { DirSyncError } from '../../src/core/errors.ts';
import { ProtocolOutput } from '../../src/protocol/protocol-output.ts';
import { startPowerShell, text } from './pwsh-session.ts';

const repositoryRoot = resolve(import.meta.dirname, '..', '..');
const fakeExecutable = join(import.meta.dirname, 'fixtures', 'fake-dirsync');
const manifest = join(repositoryRoot, 'DirSync.psd1');

/** The lines the fake executable answers with, written by the real protocol encoder. */
async function prepareAnswer(directory: string, exitCode: number, write: (output: ProtocolOutput) => void): Promise<void> {
  const lines: string[] = [];
  write(new ProtocolOutput((line) => lines.push(line)));
  await writeFile(join(directory, 'answer'), lines.map((line) => `${line}\n`).join(''));
  await writeFile(join(directory, 'exit-code'), String(exitCode));
}

describe('the DirSync PowerShell module', function () {
  this.timeout(120_000);
  let shell: PowerShell;
  let fakeDirectory: string;

  before(async () => {
    fakeDirectory = await mkdtemp(join(tmpdir(), 'dirsync-module-'));
    shell = startPowerShell({ env: { DIRSYNC_NODE: join(repositoryRoot, 'node_modules', '.bin', 'node'), FAKE_DIRSYNC_DIR: fakeDirectory } });
    await shell.invoke(`Import-Module '${manifest}' -ErrorAction Stop`);
  });
  after(async () => {
    await shell.dispose();
    await rm(fakeDirectory, { recursive: true, force: true });
  });

  /** Runs `script` with the fake executable in place of DirSync's. */
  async function withFakeExecutable(script: string): Promise<string> {
    return text(await shell.invoke(`$env:DIRSYNC_EXECUTABLE = '${fakeExecutable}'; try { ${script} } finally { $env:DIRSYNC_EXECUTABLE = $null }`));
  }

  describe('manifest', () => {
    it('passes Test-ModuleManifest, targets 5.1 Desktop and Core, and carries the product version of package.json', async () => {
      const packageJson = JSON.parse(await readFile(join(repositoryRoot, 'package.json'), 'utf8')) as { productVersion: string };
      // Sort-Object is a Utility cmdlet, which an engine-only host lacks: sort in .NET.
      const result = await shell.invoke(
        `$m = Test-ModuleManifest '${manifest}' -ErrorAction Stop; $m.Version.ToString(); $m.PowerShellVersion.ToString(); $e = [string[]]$m.CompatiblePSEditions; [Array]::Sort($e); $e -join ','; $m.ExportedFormatFiles.Count; $m.ExportedCmdlets.Count; $m.ExportedAliases.Count`,
      );
      const [version, powerShellVersion, editions, formatFiles, cmdlets, aliases] = text(result).split('\n');
      const productVersion = packageJson.productVersion.split('.').map(Number).join('.');
      assert.equal(version, productVersion);
      assert.equal(powerShellVersion, '5.1');
      assert.equal(editions, 'Core,Desktop');
      assert.equal(formatFiles, '1');
      assert.deepEqual([cmdlets, aliases], ['0', '0']);
      const manifestText = await readFile(manifest, 'utf8');
      assert.match(manifestText, new RegExp(`ModuleVersion\\s*=\\s*'${packageJson.productVersion.replaceAll('.', '\\.')}'`));
    });

    it('exports exactly the functions the manifest lists, and no wildcard', async () => {
      const exported = text(await shell.invoke("$c = [string[]]@((Get-Command -Module DirSync).Name); [Array]::Sort($c); $c -join ','"));
      const listed = text(await shell.invoke(`$l = [string[]](Test-ModuleManifest '${manifest}').ExportedFunctions.Keys; [Array]::Sort($l); $l -join ','`));
      assert.equal(exported, listed);
      assert.equal(exported.split(',').length, 7);
      assert.doesNotMatch(await readFile(manifest, 'utf8'), /FunctionsToExport\s*=\s*['"]?\*/);
    });

    it('gives every exported command help: synopsis, description, each parameter, two or more examples, a link', async () => {
      const report = text(
        await shell.invoke(`
          $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
          foreach ($command in Get-Command -Module DirSync) {
            $help = Get-Help $command.Name -Full
            $documented = @($help.parameters.parameter).Where{ $_ -and "$($_.description.Text)".Trim() }.ForEach{ $_.name }
            $missing = @($command.Parameters.Keys).Where{ $common -notcontains $_ -and $documented -notcontains $_ }
            '{0}|{1}|{2}|{3}|{4}|{5}' -f $command.Name, [bool]"$($help.Synopsis)".Trim(), [bool]"$($help.description.Text)".Trim(), ($missing -join ' '), @($help.examples.example).Count, @($help.relatedLinks.navigationLink).Count
          }`),
      );
      const rows = report.split('\n').map((row) => row.trim().split('|'));
      assert.equal(rows.length, 7);
      for (const [name, synopsis, description, missing, examples, links] of rows) {
        assert.equal(synopsis, 'True', `${name} has a synopsis`);
        assert.equal(description, 'True', `${name} has a description`);
        assert.equal(missing, '', `${name} documents every parameter`);
        assert.ok(Number(examples) >= 2, `${name} has several examples`);
        assert.ok(Number(links) >= 1, `${name} has a .LINK`);
      }
    });
  });

  describe('talking to the executable', () => {
    it('runs the version request end to end through the real executable and returns a typed object', async () => {
      const result = await shell.invoke(
        "$v = & (Get-Module DirSync) { [CmdletBinding()] param() Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'version' }; $v.PSTypeNames[0]; $v.productVersion; $v.protocolVersion.GetType().Name",
      );
      const packageJson = JSON.parse(await readFile(join(repositoryRoot, 'package.json'), 'utf8')) as { productVersion: string };
      assert.deepEqual(text(result).split('\n'), ['DirSync.VersionInfo', packageJson.productVersion, 'Int32']);
    });

    it('turns an Error line with exit code 2 into a terminating ErrorRecord with the id, category, target and advice', async () => {
      await prepareAnswer(fakeDirectory, 2, (output) =>
        output.error(new DirSyncError('Configuration.required', 'not configured yet', { recommendedAction: 'run Set-CoexistenceConfiguration', target: '/srv/dirsync' })),
      );
      const result = await withFakeExecutable(
        "try { Start-OnlineCoexistenceSync -InstallPath /srv/dirsync; 'not reached' } catch { $_.FullyQualifiedErrorId; $_.CategoryInfo.Category; $_.TargetObject; $_.ErrorDetails.RecommendedAction; $_.Exception.Message }",
      );
      assert.deepEqual(result.split('\n'), ['Configuration.required,Start-OnlineCoexistenceSync', 'InvalidOperation', '/srv/dirsync', 'run Set-CoexistenceConfiguration', 'not configured yet']);
    });

    it('with exit code 3 outputs the run object and a non-terminating error', async () => {
      await prepareAnswer(fakeDirectory, 3, (output) => {
        output.result({ typeName: 'DirSync.SyncRun', properties: { runId: 7, status: 'completed-export-errors', counts: { added: 1, updated: 0, deleted: 0, errors: 1 } } });
        output.error(new DirSyncError('Graph.request-failed', '1 object could not be exported'));
      });
      const result = await withFakeExecutable(
        "$run = Start-OnlineCoexistenceSync -ErrorVariable problems -ErrorAction SilentlyContinue; $run.PSTypeNames[0]; $run.runId; $run.counts.errors; $problems.Count; $problems[0].FullyQualifiedErrorId; $problems[0].CategoryInfo.Category",
      );
      assert.deepEqual(result.split('\n'), ['DirSync.SyncRun', '7', '1', '1', 'Graph.request-failed,Start-OnlineCoexistenceSync', 'InvalidOperation']);
    });

    it('turns Progress lines into progress records, completing each activity', async () => {
      await prepareAnswer(fakeDirectory, 0, (output) => {
        output.progress({ activity: 'Importing from Active Directory', status: '400 of 1,000 objects', current: 400, total: 1000 });
        output.progress({ activity: 'Exporting to Entra ID', status: 'starting' });
        output.progress({ activity: 'Importing from Active Directory', status: 'done', completed: true });
        output.verbose('read 1,000 objects');
        output.warning('3 users keep their onmicrosoft.com UPN');
      });
      const result = await withFakeExecutable(
        "$Host.PrivateData.Clear(); $null = Start-OnlineCoexistenceSync -WarningVariable warnings -WarningAction SilentlyContinue; foreach ($p in $Host.PrivateData.Progress) { '{0}|{1}|{2}|{3}|{4}' -f $p.ActivityId, $p.Activity, $p.StatusDescription, $p.PercentComplete, $p.RecordType }; $warnings[0].Message",
      );
      assert.deepEqual(result.split('\n'), [
        '1|Importing from Active Directory|400 of 1,000 objects|40|Processing',
        '2|Exporting to Entra ID|starting|-1|Processing',
        '1|Importing from Active Directory|done|100|Completed',
        '2|Exporting to Entra ID|Done|-1|Completed',
        '3 users keep their onmicrosoft.com UPN',
      ]);
    });

    it('sends secrets on stdin only: never on the command line, never in an output stream', async () => {
      await prepareAnswer(fakeDirectory, 0, (output) => output.result({ typeName: 'DirSync.Configuration', properties: { path: '/srv/dirsync' } }));
      const adPassword = 'Ad-Pa55-"quoted"-ümlaut';
      const clientSecret = 'cl1ent~secret';
      const everything = await withFakeExecutable(`
        $ad = [pscredential]::new('CONTOSO\\admin', [System.Net.NetworkCredential]::new('', '${adPassword}').SecurePassword)
        $app = [pscredential]::new('0b5e1b5c-3f0a-4e7a-9a9e-5d7a8e0c1f23', [System.Net.NetworkCredential]::new('', '${clientSecret}').SecurePassword)
        Set-CoexistenceConfiguration -InstallPath /srv/dirsync -AdServer ldaps://dc01 -Credential $ad -TenantId contoso.onmicrosoft.com -TargetCredential $app -IncludeOU 'OU=Staff,DC=contoso,DC=com' -Verbose -Confirm:$false *>&1 | ForEach-Object { "$_" }`);
      assert.doesNotMatch(everything, /Pa55|cl1ent/);
      assert.equal((await readFile(join(fakeDirectory, 'argv'), 'utf8')).trim(), 'module-request');
      const request = JSON.parse(await readFile(join(fakeDirectory, 'stdin'), 'utf8')) as { command: string; parameters: Record<string, unknown>; secrets: Record<string, string> };
      assert.deepEqual(request, {
        command: 'configure',
        parameters: { path: '/srv/dirsync', adUrl: 'ldaps://dc01', tenantId: 'contoso.onmicrosoft.com', includeOu: ['OU=Staff,DC=contoso,DC=com'], adUser: 'CONTOSO\\admin', clientId: '0b5e1b5c-3f0a-4e7a-9a9e-5d7a8e0c1f23' },
        secrets: { adPassword, clientSecret },
      });
    });

    it('asks for a missing credential with the host prompt, and says which parameter to pass when it cannot ask', async () => {
      await prepareAnswer(fakeDirectory, 0, () => {});
      await withFakeExecutable(
        "$env:TESTHOST_CREDENTIAL_USERNAME = 'CONTOSO\\prompted'; $env:TESTHOST_CREDENTIAL_PASSWORD = 'typed-in'; Set-CoexistenceConfiguration -InstallPath /srv/dirsync -AdServer dc01 -Confirm:$false",
      );
      const request = JSON.parse(await readFile(join(fakeDirectory, 'stdin'), 'utf8')) as { parameters: Record<string, unknown>; secrets: Record<string, string> };
      assert.equal(request.parameters.adUser, 'CONTOSO\\prompted');
      assert.equal(request.secrets.adPassword, 'typed-in');

      const nonInteractive = startPowerShell({ nonInteractive: true, env: { DIRSYNC_EXECUTABLE: fakeExecutable, FAKE_DIRSYNC_DIR: fakeDirectory } });
      try {
        const result = await nonInteractive.invoke(
          `Import-Module '${manifest}'; try { Set-CoexistenceConfiguration -InstallPath /srv/dirsync -AdServer dc01 -Confirm:$false } catch { $_.FullyQualifiedErrorId; $_.Exception.Message }`,
        );
        const [errorId, message] = text(result).split('\n');
        assert.equal(errorId, 'CredentialRequired,Set-CoexistenceConfiguration');
        assert.match(message ?? '', /-Credential/);
      } finally {
        await nonInteractive.dispose();
      }
    });

    it('-WhatIf on Start-OnlineCoexistenceSync runs the engine preview; on Uninstall it starts nothing', async () => {
      await prepareAnswer(fakeDirectory, 0, (output) => output.result({ typeName: 'DirSync.SyncRun', properties: { runId: 0, status: 'preview', plan: [{ kind: 'create' }] } }));
      const preview = await withFakeExecutable("$Host.PrivateData.Clear(); $run = Start-OnlineCoexistenceSync -FullSync -WhatIf; $run.plan[0].kind; $Host.PrivateData.WhatIf.Count");
      assert.deepEqual(preview.split('\n').slice(-2), ['create', '1']);
      const request = JSON.parse(await readFile(join(fakeDirectory, 'stdin'), 'utf8')) as { command: string; parameters: Record<string, unknown> };
      assert.equal(request.command, 'sync');
      assert.equal(request.parameters.preview, true);
      assert.equal(request.parameters.full, true);

      await rm(join(fakeDirectory, 'stdin'));
      const uninstall = await withFakeExecutable('Uninstall-OnlineCoexistenceTool -InstallPath /srv/dirsync -WhatIf');
      assert.match(uninstall, /What if: Performing the operation "Uninstall DirSync and delete its data" on target "\/srv\/dirsync"/);
      await assert.rejects(readFile(join(fakeDirectory, 'stdin')), /ENOENT/);
    });

    it('refuses a Node.js older than 24 with an error that says what to do', async () => {
      const result = text(
        await shell.invoke(
          `$saved = $env:DIRSYNC_NODE; $env:DIRSYNC_NODE = '${join(import.meta.dirname, 'fixtures', 'old-node')}'; try { Get-CoexistenceConfiguration -InstallPath /srv/dirsync } catch { $_.FullyQualifiedErrorId; $_.Exception.Message; $_.ErrorDetails.RecommendedAction } finally { $env:DIRSYNC_NODE = $saved }`,
        ),
      );
      const [errorId, message, advice] = result.split('\n');
      assert.equal(errorId, 'NodeTooOld,Get-CoexistenceConfiguration');
      assert.match(message ?? '', /Node\.js 24 or later.*version 20\.11\.1/);
      assert.match(advice ?? '', /DIRSYNC_NODE/);
    });
  });
});
