// An administrator's session in a terminal: the project's pwsh in tmux, typed into with send-keys and read
// back with capture-pane, against a real Samba domain and the Entra stand-in. What is asserted is what the
// administrator sees: prompts with masked passwords, a progress bar, default table and list views, help,
// errors the PowerShell way, and Ctrl+C stopping a sync cleanly.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEntraStandIn, type EntraStandIn } from '../entra-standin/stand-in.ts';
import { FIXTURE, startDomain, type TestDomain } from '../support/ad/index.ts';
import { shippedArtefacts } from '../support/shipped-artefacts.ts';
import { quote } from './pwsh-session.ts';
import { putPwshOnPath } from '../pwsh-host/run.ts';

// A tmux server of this test's own (its socket name), so that no other tmux session is touched.
const socket = `dirsync-test-${process.pid}`;
const session = 'admin';

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

/** The screen, or with `history` the whole scrollback, as text (wrapped lines joined). */
function screen(history = false): string {
  return tmux('capture-pane', '-p', '-J', '-t', session, ...(history ? ['-S', '-5000'] : []));
}

function type(text: string): void {
  // `--`: a generated secret may begin with a dash, which tmux would read as an option.
  tmux('send-keys', '-t', session, '-l', '--', text);
  tmux('send-keys', '-t', session, 'Enter');
}

async function waitFor(pattern: RegExp, options: { history?: boolean; timeoutMs?: number } = {}): Promise<string> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const text = screen(options.history ?? true);
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) assert.fail(`the terminal never showed ${pattern}; it shows:\n${screen(true).split('\n').slice(-40).join('\n')}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** Clears the terminal, types a command and waits for the prompt to come back. */
async function run(command: string, until: RegExp = /PS [^\n]*> $/m): Promise<string> {
  tmux('clear-history', '-t', session);
  type(`Clear-Host; ${command}`);
  return waitFor(new RegExp(`${until.source}[\\s\\S]*PS [^\\n]*> *$`, `${until.flags.replace('m', '')}m`));
}

describe("an administrator's PowerShell session in a terminal (tmux)", function () {
  this.timeout(600_000);
  let domain: TestDomain;
  let standIn: EntraStandIn;
  let work: string;
  let path: string;

  before(async () => {
    [domain, standIn] = await Promise.all([startDomain(), startEntraStandIn()]);
    work = await mkdtemp(join(tmpdir(), 'dirsync-terminal-'));
    path = join(work, 'DirSync');
    putPwshOnPath();
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '200',
      '-y',
      '50',
      '-e',
      `PATH=${process.env.PATH}`,
      '-e',
      `DIRSYNC_NODE=${process.execPath}`,
      '-c',
      work,
      'pwsh -NoProfile',
    );
    await waitFor(/PS [^\n]*> $/m);
  });
  after(async () => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    await Promise.all([domain?.stop(), standIn?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('imports the module and installs DirSync, showing the installation as a list', async () => {
    const imported = await run(
      `Import-Module ${quote(join(shippedArtefacts().moduleRoot, 'DirSync.psd1'))}; Get-Module DirSync | Format-Table Name, Version`,
      /DirSync\s+1\.0\.7200\.0/,
    );
    assert.match(imported, /Name\s+Version/);
    const installed = await run(`Install-OnlineCoexistenceTool -InstallPath ${quote(path)}`, /ConfigurationRequired\s*: True/);
    assert.match(installed, /Path\s+: .*DirSync\n\s*ProductVersion\s+: 1\.0\.7200\.0000\n\s*Store\s+: embedded/);
  });

  it('Set-CoexistenceConfiguration without credentials prompts for both, masking the passwords', async () => {
    tmux('clear-history', '-t', session);
    type(
      `Clear-Host; Set-CoexistenceConfiguration -InstallPath ${quote(path)} -AdServer ${quote(domain.ldapsUrl)} -AdCaFile ${quote(domain.caFile)} ` +
        `-IncludeOU ${quote(FIXTURE.ous.sales)} -TenantId ${quote(standIn.tenantId)} -AuthorityHost ${quote(new URL(standIn.authority).origin)} ` +
        `-GraphEndpoint ${quote(standIn.graphEndpoint)} -CloudCaFile ${quote(standIn.caFile)} -WriteBudget 20000/10`,
    );
    await waitFor(/Enter the credentials of an on-premises Enterprise Administrator[^\n]*\n[\s\S]*User: $/m);
    type(domain.adminDn);
    await waitFor(/Password for user CN=Administrator[^:]*: $/m);
    type(domain.adminPassword);
    const afterAd = await waitFor(/client secret as password[\s\S]*User: $/m);
    assert.match(
      afterAd,
      new RegExp(`Password for user CN=Administrator[^:]*: \\*{${domain.adminPassword.length}}\\n`),
      'the password shows as one * per character',
    );
    type(standIn.clientId);
    await waitFor(new RegExp(`Password for user ${standIn.clientId}: $`, 'm'));
    type(standIn.clientSecret);
    const configured = await waitFor(/ServiceAccount\s+: AAD_[0-9a-f]{12}[\s\S]*PS [^\n]*> $/m);
    assert.doesNotMatch(
      configured,
      new RegExp(`${domain.adminPassword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}|${standIn.clientSecret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      'no secret on the screen',
    );
    assert.match(configured, /IncludeOU\s+: OU=Sales,OU=Corp/);
    assert.match(configured, /Checks\s+: /);
  });

  it('Start-OnlineCoexistenceSync shows a progress bar while it runs, then the run as a table', async () => {
    // Slow Graph reads down, so that the progress bar stays on the screen long enough to be seen.
    standIn.control.addFault({ method: 'GET', path: '^/v1\\.0/(users|groups)', count: 4, action: { kind: 'delay', ms: 1500 } });
    tmux('clear-history', '-t', session);
    type(`Clear-Host; Start-OnlineCoexistenceSync -InstallPath ${quote(path)}`);
    await waitFor(/Importing from Active Directory|Exporting to Entra ID/, { history: false, timeoutMs: 30_000 });
    const table = await waitFor(/RunId\s+Mode\s+Status\s+StartedAt\s+Duration\s+Added\s+Updated\s+Deleted\s+Errors[\s\S]*PS [^\n]*> $/m);
    const salesUsers = Object.values(FIXTURE.users).filter((user) => user.dn.endsWith(FIXTURE.ous.sales)).length;
    assert.match(
      table,
      new RegExp(`\\n\\s*1\\s+full\\s+success\\s+\\S+ \\S+( [AP]M)?\\s+\\d\\d:\\d\\d:\\d\\d\\s+${salesUsers}\\s+0\\s+0\\s+0\\s*\\n`),
    );
  });

  it('Ctrl+C stops a slow sync cleanly; the history then shows it stopped-by-request', async () => {
    standIn.control.clearFaults();
    standIn.control.addFault({ method: 'GET', path: '^/v1\\.0/', count: 6, action: { kind: 'delay', ms: 2000 } });
    tmux('clear-history', '-t', session);
    type(`Clear-Host; Start-OnlineCoexistenceSync -InstallPath ${quote(path)} -FullSync`);
    await new Promise((done) => setTimeout(done, 2500));
    tmux('send-keys', '-t', session, 'C-c');
    const stopped = await waitFor(/Stopping DirSync: the batch in flight finishes first[\s\S]*PS [^\n]*> $/m, { timeoutMs: 90_000 });
    assert.match(stopped, /stopped-by-request/);
    standIn.control.clearFaults();
    const history = await run(`Get-OnlineCoexistenceSyncHistory -InstallPath ${quote(path)} | Format-Table`, /RunId\s+Mode\s+Status/);
    assert.match(history, /\n\s*2\s+full\s+stopped-by-request\s/);
    assert.match(history, /\n\s*1\s+full\s+success\s/);
  });

  it('Get-Help -Full shows the whole help of a cmdlet', async () => {
    const help = await run('Get-Help Start-OnlineCoexistenceSync -Full', /RELATED LINKS/);
    for (const section of [
      'NAME',
      'SYNOPSIS',
      'SYNTAX',
      'DESCRIPTION',
      'PARAMETERS',
      '-InstallPath <String>',
      'Accept pipeline input\\?\\s+true \\(ByPropertyName\\)',
      'Alias -Path',
      'EXAMPLE 3',
      "Where-Object Action -eq 'delete'",
    ]) {
      assert.match(help, new RegExp(section));
    }
  });

  it('shows an error the PowerShell way: message, category, FullyQualifiedErrorId and the recommended action', async () => {
    const second = join(work, 'Second');
    const concise = await run(
      `Install-OnlineCoexistenceTool -InstallPath ${quote(second)} | Out-Null; Start-OnlineCoexistenceSync -InstallPath ${quote(second)}`,
      /Start-OnlineCoexistenceSync: /,
    );
    assert.match(concise, /Start-OnlineCoexistenceSync: .*cannot synchronize until it is configured/);
    const details = await run('Get-Error', /FullyQualifiedErrorId/);
    assert.match(details, /CategoryInfo\s*: InvalidOperation: /);
    assert.match(details, /FullyQualifiedErrorId\s*: Configuration\.required,Start-OnlineCoexistenceSync/);
    const advice = await run('$Error[0].ErrorDetails | Format-List Message, RecommendedAction', /RecommendedAction/);
    // In PowerShell's words: the cmdlet and its parameter, not the command line's `dirsync configure --path`.
    assert.match(advice, /RecommendedAction\s*: run Set-CoexistenceConfiguration -InstallPath \S*Second …/);
  });
});
