import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationError, type PowerShell } from 'node-powershell';
import { runPwsh, startPowerShell, text } from './pwsh-session.ts';

describe('the PowerShell test host', function () {
  this.timeout(120_000); // the first run may build the host

  describe('driven by node-powershell', () => {
    let shell: PowerShell;
    before(() => {
      shell = startPowerShell();
    });
    after(async () => {
      await shell.dispose();
    });

    it('evaluates expressions with the real engine and keeps state between invocations', async () => {
      assert.equal(text(await shell.invoke('$answer = 6 * 7; $answer')), '42');
      assert.equal(text(await shell.invoke('$answer + 1')), '43');
      assert.equal(text(await shell.invoke('$PSVersionTable.PSVersion.ToString()')), '7.6.9');
    });

    it('collects a multi-line statement until the parser says it is complete', async () => {
      const result = await shell.invoke(['function Get-Double {', '  param([int] $Value)', '  $Value * 2', '}', 'Get-Double -Value 21'].join('\n'));
      assert.equal(text(result), '42');
    });

    it('formats objects through Out-Default as plain text', async () => {
      const lines = text(await shell.invoke("[pscustomobject]@{ Name = 'alpha'; Count = 3 }")).split('\n');
      assert.deepEqual(lines.map((line) => line.trimEnd()), ['Name  Count', '----  -----', 'alpha     3']);
    });

    it('turns an error into an InvocationError carrying the message, and stays usable', async () => {
      await assert.rejects(shell.invoke("throw 'the directory is unreachable'"), (error: unknown) => {
        assert.ok(error instanceof InvocationError);
        assert.match(error.message, /the directory is unreachable/);
        return true;
      });
      assert.equal(text(await shell.invoke("'still alive'")), 'still alive');
    });

    it('captures -WhatIf text on stdout and in $Host.PrivateData.WhatIf', async () => {
      const script = [
        'function Remove-Thing { [CmdletBinding(SupportsShouldProcess)] param($Name)',
        "  if ($PSCmdlet.ShouldProcess($Name, 'Remove thing')) { 'removed' } }",
        "Remove-Thing -Name 'widget' -WhatIf",
      ].join('\n');
      assert.equal(text(await shell.invoke(script)), 'What if: Performing the operation "Remove thing" on target "widget".');
      assert.equal(text(await shell.invoke('$Host.PrivateData.WhatIf[-1]')), 'What if: Performing the operation "Remove thing" on target "widget".');
    });

    it('answers -Confirm prompts from TESTHOST_CHOICE_ANSWERS, one answer per prompt', async () => {
      await shell.invoke(
        "function Set-Thing { [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')] param($Name) if ($PSCmdlet.ShouldProcess($Name)) { \"changed $Name\" } }",
      );
      const result = await shell.invoke("$env:TESTHOST_CHOICE_ANSWERS = 'Y,N'; Set-Thing one; Set-Thing two; $Host.PrivateData.Prompts.Count");
      assert.deepEqual(text(result).split('\n'), ['changed one', '2']);
      await assert.rejects(shell.invoke('Set-Thing three'), /TESTHOST_CHOICE_ANSWERS/);
    });

    it('answers credential prompts from TESTHOST_CREDENTIAL_*', async () => {
      const result = await shell.invoke(
        "$env:TESTHOST_CREDENTIAL_USERNAME = 'CONTOSO\\admin'; $env:TESTHOST_CREDENTIAL_PASSWORD = 'pa55'; $c = $Host.UI.PromptForCredential('Sign in', 'AD', '', ''); $c.UserName; $c.GetNetworkCredential().Password",
      );
      assert.deepEqual(text(result).split('\n'), ['CONTOSO\\admin', 'pa55']);
    });

    it('records progress records for the test to read', async () => {
      const script = [
        'function Show-Progress { [CmdletBinding()] param()',
        "  $PSCmdlet.WriteProgress([System.Management.Automation.ProgressRecord]::new(1, 'Importing', '10 objects')) }",
        "Show-Progress; $Host.PrivateData.Progress[-1].Activity + ' / ' + $Host.PrivateData.Progress[-1].StatusDescription",
      ].join('\n');
      assert.equal(text(await shell.invoke(script)), 'Importing / 10 objects');
    });
  });

  it('refuses prompts with pwsh\'s message under -NonInteractive', async () => {
    const shell = startPowerShell({ nonInteractive: true });
    try {
      await assert.rejects(shell.invoke("$Host.UI.PromptForCredential('Sign in', 'AD', '', '')"), /NonInteractive mode/);
    } finally {
      await shell.dispose();
    }
  });

  describe('run as a command', () => {
    let directory: string;
    before(async () => {
      directory = await mkdtemp(join(tmpdir(), 'pwsh-host-'));
    });
    after(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    it('-Command runs the rest of the line and exits with exit N, 1 after an error, else 0', async () => {
      assert.deepEqual(await runPwsh(['-NoLogo', '-NoProfile', '-Command', "'a' + 'b';", 'exit 5']), { code: 5, stdout: 'ab\n', stderr: '' });
      const failed = await runPwsh(['-Command', "'before'; throw 'broken'"]);
      assert.equal(failed.code, 1);
      assert.equal(failed.stdout, 'before\n');
      assert.match(failed.stderr, /broken/);
      assert.equal((await runPwsh(['-c', '1 + 1'])).code, 0);
    });

    it('-File binds named arguments and switches and returns the script\'s exit code', async () => {
      const script = join(directory, 'greet.ps1');
      await writeFile(script, "param([string] $Name, [switch] $Shout, [int] $Code)\n$greeting = \"hello $Name\"\nif ($Shout) { $greeting.ToUpper() } else { $greeting }\nexit $Code\n");
      assert.deepEqual(await runPwsh(['-NoProfile', '-File', script, '-Name', "O'Brien two", '-Shout', '-Code', '3']), {
        code: 3,
        stdout: "HELLO O'BRIEN TWO\n",
        stderr: '',
      });
      assert.equal((await runPwsh(['-File', script, '-Name', 'x'])).code, 0);
    });

    it('-File exits 1 when the script ends with a terminating error', async () => {
      const script = join(directory, 'fail.ps1');
      await writeFile(script, "throw 'cannot continue'\n");
      const result = await runPwsh(['-File', script]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /cannot continue/);
    });

    it('reads statements from stdin with -Command - and exits 0 at the end of input', async () => {
      const result = await runPwsh(['-NoExit', '-Command', '-'], { input: "if ($true) {\n  'inside'\n}\n'after'\n" });
      assert.deepEqual(result, { code: 0, stdout: 'inside\nafter\n', stderr: '' });
    });
  });
});
