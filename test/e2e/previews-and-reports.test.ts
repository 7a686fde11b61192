// Previews and reports a reviewer can act on: a preview lists each value it would set (old → new) and why each delete;
// --verbose says what a live cycle does object by object; configure --preview (Set-CoexistenceConfiguration -WhatIf)
// shows what a scope change would do and saves nothing; previews stay out of status and report unless --all; the
// report names where the run happened and why each object was deleted; status and the service show the schedule.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Attribute, Change } from 'ldapts';
import { FIXTURE } from '../support/ad/index.ts';
import { directoryWrites, leaseWrites } from '../support/cloud-writes.ts';
import { shippedArtefacts } from '../support/shipped-artefacts.ts';
import { startTestBed, type TestBed } from '../support/test-bed.ts';
import { waitFor } from '../support/wait-for.ts';
import { quote, runPwsh } from '../pwsh/pwsh-session.ts';
import { collect, dirsync, startDirsync } from './dirsync-cli.ts';

describe('previews and reports a reviewer can act on (Samba AD DC + Entra stand-in)', function () {
  this.timeout(300_000);
  let bed: TestBed;
  const newTitle = 'Head of Reviews';
  const platform = FIXTURE.ous.platform;
  const text = (...args: string[]) => dirsync(args);

  before(async () => {
    bed = await startTestBed({ includeOus: [FIXTURE.ous.sales, FIXTURE.ous.engineering], serviceAccount: false });
    const first = await bed.sync();
    assert.equal(first.code, 0, first.stderr);
    await bed.admin.modify(FIXTURE.users.alice.dn, [
      new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: [newTitle] }) }),
    ]);
    await bed.admin.del(FIXTURE.users.conor.dn);
  });
  after(() => bed?.stop());

  it('a preview lists each value it would set, old → new, and why each delete (terminal and --json)', async () => {
    const shown = await text('sync', '--path', bed.path, '--preview');
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`update user ${FIXTURE.users.alice.dn}\\n\\s+jobTitle\\s+Head of Sales → ${newTitle}\\n`));
    assert.ok(shown.stdout.includes(`delete user ${FIXTURE.users.conor.dn}: deleted in Active Directory`), shown.stdout);
    const json = (await bed.sync('--preview')).json;
    const alice = json.plan.find((operation: any) => operation.dn === FIXTURE.users.alice.dn);
    assert.deepEqual(alice.values, [{ attribute: 'jobTitle', old: 'Head of Sales', new: newTitle }]);
    const conor = json.plan.find((operation: any) => operation.dn === FIXTURE.users.conor.dn);
    assert.deepEqual([conor.action, conor.reason], ['delete', 'deleted in Active Directory']);
  });

  it('--verbose says what the cycle does, object by object', async () => {
    const run = await text('sync', '--path', bed.path, '--verbose');
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stderr.includes(`VERBOSE: Updated user ${FIXTURE.users.alice.dn}: jobTitle "Head of Sales" → "${newTitle}".`), run.stderr);
    assert.ok(run.stderr.includes(`VERBOSE: Deleted user ${FIXTURE.users.conor.dn}: deleted in Active Directory.`), run.stderr);
  });

  it('status and report leave previews out unless --all', async () => {
    const preview = await bed.sync('--preview');
    assert.equal(preview.json.mode, 'preview-delta');
    const real = (await bed.status('--last', '10')).json as any[];
    assert.ok(real.length >= 2 && real.every((run) => !run.mode.startsWith('preview-')), JSON.stringify(real.map((run) => run.mode)));
    const all = (await bed.status('--last', '10', '--all')).json as any[];
    assert.equal(all[0].runId, preview.json.runId, 'the newest, a preview, shown with --all');
    const html = join(bed.work, 'default.html');
    const report = await dirsync(['report', '--path', bed.path, '--html', html, '--json']);
    assert.equal(report.json.runId, real[0].runId, 'the report defaults to the last real run');
    const allReport = await dirsync(['report', '--path', bed.path, '--html', join(bed.work, 'all.html'), '--all', '--json']);
    assert.equal(allReport.json.runId, preview.json.runId);
  });

  it('the report names the installation, tenant, AD server and DirSync version, and why each object was deleted', async () => {
    const html = join(bed.work, 'run.html');
    assert.equal((await dirsync(['report', '--path', bed.path, '--html', html])).code, 0);
    const page = await readFile(html, 'utf8');
    const configuration = (await dirsync(['get-configuration', '--path', bed.path, '--json'])).json;
    const { productVersion } = JSON.parse(await readFile('package.json', 'utf8'));
    assert.ok(page.includes(`<th>Installation</th><td>${bed.path} (${configuration.installationId})</td>`), page);
    assert.ok(page.includes(`<th>Tenant</th><td>${bed.standIn.tenantId} (Custom)</td>`));
    assert.ok(page.includes(`<th>Active Directory</th><td>${bed.domain.ldapsUrl}</td>`));
    assert.ok(page.includes(`<th>DirSync</th><td>${productVersion}`));
    assert.match(
      page,
      new RegExp(
        `${FIXTURE.users.conor.dn.replace("'", '&#39;').replace(/[()]/g, '\\$&')}<[^\n]*?</td><td>user</td><td[^>]*>[^<]*</td><td class="reason">deleted in Active Directory</td>`,
      ),
    );
  });

  it('configure --preview shows what a scope change would do, with why, and saves nothing — no credential needed', async () => {
    const before = await readFile(join(bed.path, 'configuration.json'), 'utf8');
    bed.standIn.control.clearRequests();
    const preview = await dirsync(['configure', '--path', bed.path, '--exclude-ou', platform, '--preview', '--json'], {
      env: { DIRSYNC_AD_PASSWORD: '', DIRSYNC_CLIENT_SECRET: '' },
    });
    assert.equal(preview.code, 0, preview.stderr);
    assert.equal(preview.json.mode, 'preview-full');
    const deletes = preview.json.plan.filter((operation: any) => operation.action === 'delete');
    assert.deepEqual(
      deletes.map((operation: any) => operation.dn).sort(),
      [FIXTURE.users.legacy.dn, FIXTURE.users.noMail.dn, FIXTURE.users.paul.dn].sort(),
    );
    for (const operation of deletes) assert.equal(operation.reason, `out of scope: it is in the excluded OU ${platform} (--exclude-ou).`);
    assert.equal(await readFile(join(bed.path, 'configuration.json'), 'utf8'), before, 'the configuration is unchanged');
    assert.deepEqual([...directoryWrites(bed.standIn), ...leaseWrites(bed.standIn)], [], 'and nothing written');
    const refused = await dirsync(['configure', '--path', bed.path, '--ad-url', 'ldaps://elsewhere', '--preview', '--json']);
    assert.equal(refused.json.error.code, 'Parameters.invalid');
    assert.match(refused.json.error.message, /adUrl cannot be previewed/);
  });

  it('Set-CoexistenceConfiguration -ExcludeOU … -WhatIf returns that plan, as its help promises; -All lists previews in the history', async () => {
    const { moduleRoot } = shippedArtefacts();
    const script = [
      `Import-Module ${quote(join(moduleRoot, 'DirSync.psd1'))}`,
      `$results = @(Set-CoexistenceConfiguration -InstallPath ${quote(bed.path)} -ExcludeOU ${quote(platform)} -WhatIf)`,
      `$run = $results | Where-Object { $_.PSTypeNames[0] -eq 'DirSync.SyncRun' }`,
      `$deletes = @($run.Plan | Where-Object Action -eq 'delete')`,
      `$previews = @(Get-OnlineCoexistenceSyncHistory -InstallPath ${quote(bed.path)} -Last 20 -All | Where-Object Mode -like 'preview-*').Count`,
      `$real = @(Get-OnlineCoexistenceSyncHistory -InstallPath ${quote(bed.path)} -Last 20 | Where-Object Mode -like 'preview-*').Count`,
      `[ordered]@{ mode = $run.Mode; deletes = $deletes.Count; reason = $deletes[0].Reason; previews = $previews; real = $real } | ConvertTo-Json -Compress`,
    ].join('\n');
    const result = await runPwsh(['-NoProfile', '-NonInteractive', '-Command', script], { env: { DIRSYNC_NODE: process.execPath } });
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    const answer = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    assert.deepEqual(answer, {
      mode: 'preview-full',
      deletes: 3,
      reason: `out of scope: it is in the excluded OU ${platform} (--exclude-ou).`,
      previews: answer.previews,
      real: 0,
    });
    assert.ok(answer.previews >= 3, `previews listed with -All (${answer.previews})`);
  });

  it('status and the service show the schedule: the last cycle, and the next one while a service runs', async () => {
    const idle = (await bed.status()).json;
    assert.equal(idle.schedule.intervalMinutes, 180);
    assert.match(idle.schedule.service, /^not running/);
    assert.equal(idle.schedule.nextCycleAt, null);
    assert.equal(idle.schedule.lastCycleAt, idle.startedAt);
    const service = startDirsync(['service', '--path', bed.path, '--interval-minutes', '60']);
    const serviceResult = collect(service);
    let serviceOutput = '';
    service.stdout!.on('data', (chunk) => (serviceOutput += chunk));
    await waitFor(() => serviceOutput.includes('nextCycleAt'), { what: "the service's first cycle and its schedule", timeoutMs: 120_000 });
    const running = (await bed.status()).json;
    assert.match(running.schedule.service, new RegExp(`^running \\(process ${service.pid} on `));
    assert.equal(running.schedule.intervalMinutes, 60);
    const next = Date.parse(running.schedule.nextCycleAt) - Date.now();
    assert.ok(next > 55 * 60_000 && next <= 60 * 60_000, `the next cycle in about an hour (${Math.round(next / 60_000)} min)`);
    const shown = await text('status', '--path', bed.path, '--last', '1');
    assert.match(shown.stdout, /schedule: a cycle every 60 min; service running \(process \d+ on .*\); next cycle \d{4}-/);
    service.kill('SIGTERM');
    assert.equal((await serviceResult).code, 0);
    assert.equal(existsSync(join(bed.path, 'service.json')), false, 'the service says it stopped');
    assert.match((await bed.status()).json.schedule.service, /^not running/);
  });
});
