// Notifications and settings files through the shipped executable, on a real Samba domain and the Entra stand-in: the
// mails reach a real SMTP server on loopback (STARTTLS on the test CA, an account), the webhook an HTTPS receiver
// (signed with the secret configure stored, directly or through a CONNECT proxy named by HTTPS_PROXY); a
// mail server that is down costs the sync nothing and gets the mail after the next run; a standby is built from an
// exported settings file, marked as a standby in what it says, and promote compares it with the active one's file.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURE } from '../support/ad/index.ts';
import type { Certificate } from '../support/certificates.ts';
import {
  loopbackCertificates,
  type MailReceiver,
  signedWith,
  startMailReceiver,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../support/notification-receivers.ts';
import { startTestBed, type TestBed } from '../support/test-bed.ts';
import { startTunnelProxy } from '../support/tunnel-proxy.ts';
import { type CliResult, dirsync as runDirsync, type RunOptions } from './dirsync-cli.ts';

describe('notifications and settings files (shipped executable, Samba AD DC + Entra stand-in)', function () {
  this.timeout(300_000);
  const account = { user: 'dirsync-mailer', password: 'Mailer-Secret-7' };
  let bed: TestBed;
  let certificates: { ca: Certificate; server: Certificate };
  let mail: MailReceiver;
  let webhook: WebhookReceiver;
  let caFile: string;
  const webhookSecret = 'whsec-e2e-5f1d2c3b4a69788796a5';
  const mailEnv = { DIRSYNC_SMTP_USER: account.user, DIRSYNC_SMTP_PASSWORD: account.password };
  /** Everything the executable printed here: no secret may be in it. */
  const printed: CliResult[] = [];
  const dirsync = async (args: string[], options?: RunOptions) => {
    const result = await runDirsync(args, options);
    printed.push(result);
    return result;
  };

  before(async () => {
    bed = await startTestBed({ includeOus: [FIXTURE.ous.sales, FIXTURE.ous.crowd] });
    certificates = await loopbackCertificates();
    mail = await startMailReceiver({ tls: certificates.server, account });
    webhook = await startWebhookReceiver(certificates.server);
    caFile = join(bed.work, 'notify-ca.pem');
    await writeFile(caFile, certificates.ca.certificatePem);
  });
  after(async () => {
    await Promise.all([mail?.close(), webhook?.close()]);
    await bed?.stop();
  });

  it('configures notifications alone (no AD or cloud credential), and notify test shows each server’s answer', async () => {
    const configured = await dirsync(
      [
        'configure',
        '--path',
        bed.path,
        '--notify-smtp',
        `${mail.host}:${mail.port}`,
        '--notify-smtp-starttls',
        '--notify-from',
        'dirsync@corp.example.com',
        '--notify-to',
        'ops@corp.example.com,lead@corp.example.com',
        '--notify-webhook',
        webhook.url,
        '--notify-webhook-secret',
        '--notify-ca-file',
        caFile,
        '--notify-name',
        'corp',
        '--json',
      ],
      { env: { ...mailEnv, DIRSYNC_WEBHOOK_SECRET: webhookSecret } },
    );
    assert.equal(configured.code, 0, configured.stderr);
    assert.equal(configured.json.notifySmtp, `${mail.host}:${mail.port} (STARTTLS)`);
    assert.equal(configured.json.notifySmtpAccountStored, true);
    assert.equal(configured.json.notifyWebhookSecretStored, true);
    assert.deepEqual(configured.json.notifyOn, ['failure', 'threshold', 'drift', 'recovered']);

    const tested = await dirsync(['notify', 'test', '--path', bed.path, '--json']);
    assert.equal(tested.code, 0, tested.stderr);
    assert.deepEqual(
      tested.json.map((answer: { channel: string; delivered: boolean }) => [answer.channel, answer.delivered]),
      [
        ['mail', true],
        ['webhook', true],
      ],
    );
    assert.match(tested.json[0].answer, /^250 /);
    assert.equal(mail.received.at(-1)?.parsed.subject, 'DirSync corp: test message');
    assert.equal(mail.received.at(-1)?.user, account.user);
    assert.equal(tested.json[1].signed, true);
    assert.equal(signedWith(webhook.received.at(-1)!, webhookSecret), true, 'the receiver verifies the signature with the shared secret');
    assert.equal(signedWith(webhook.received.at(-1)!, 'whsec-someone-else-entirely'), false);

    const onTheCommandLine = await dirsync(['configure', '--path', bed.path, '--notify-webhook-secret', 'whsec-typed-on-the-command-line']);
    assert.equal(onTheCommandLine.code, 2, onTheCommandLine.stderr);
    assert.match(onTheCommandLine.stderr, /never from the command line/);
    assert.ok(!onTheCommandLine.stderr.includes('whsec-typed-on-the-command-line'), 'a secret typed there is not repeated');
  });

  it('sends the webhook through the proxy HTTPS_PROXY names, as Graph goes, and straight to a host NO_PROXY lists', async () => {
    const proxy = await startTunnelProxy();
    try {
      const through = await dirsync(['notify', 'test', '--path', bed.path, '--json'], {
        env: { HTTPS_PROXY: proxy.url, NO_PROXY: '', no_proxy: '' },
      });
      assert.equal(through.code, 0, through.stderr);
      assert.deepEqual(proxy.targets, [new URL(webhook.url).host], 'the webhook, tunnelled (the mail is SMTP: no HTTPS proxy)');
      const direct = await dirsync(['notify', 'test', '--path', bed.path, '--json'], { env: { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
      assert.equal(direct.code, 0, direct.stderr);
      assert.equal(proxy.targets.length, 1, 'NO_PROXY: not through the proxy');
    } finally {
      await proxy.stop();
    }
  });

  it('tells nobody about a run that went well, and mails the deletion threshold with the withheld count and the report', async () => {
    const first = await bed.sync();
    assert.equal(first.code, 0, first.stderr);
    const before = mail.received.length;
    assert.equal((await dirsync(['deletion-threshold', '--path', bed.path, '--enable', '--threshold', '1'])).code, 0);
    for (const user of FIXTURE.crowd.users.slice(0, 2)) await bed.admin.del(user.dn);
    const stopped = await bed.sync();
    assert.equal(stopped.code, 4, stopped.stderr);
    assert.equal(mail.received.length, before + 1, 'one mail: the threshold, none for the successful run');
    const alarm = mail.received.at(-1)!;
    assert.equal(alarm.parsed.subject, 'DirSync corp: stopped-deletion-threshold-exceeded — 2 deletes withheld');
    assert.deepEqual(alarm.envelope.to, ['ops@corp.example.com', 'lead@corp.example.com']);
    assert.ok(alarm.parsed.text!.includes(`dirsync sync --path ${bed.path} --accept-deletes`));
    const report = alarm.parsed.attachments[0]!;
    assert.equal(report.filename, `dirsync-run-${stopped.json.runId}.html`);
    assert.ok(report.content.toString('utf8').includes(FIXTURE.crowd.users[0]!.dn), 'the report names the withheld deletes');
    const payload = webhook.received.at(-1)!.body as Record<string, any>;
    assert.equal(payload.event, 'threshold');
    assert.equal(signedWith(webhook.received.at(-1)!, webhookSecret), true, 'signed after a cycle too');
    assert.deepEqual(payload.run, stopped.json, 'the webhook carries the run as sync --json printed it');
  });

  it('goes on when the mail server is down (same exit code, a warning), and delivers the mail after the next run', async () => {
    const notifyEveryRun = await dirsync(['configure', '--path', bed.path, '--notify-on', 'every-run', '--json']);
    assert.equal(notifyEveryRun.code, 0, notifyEveryRun.stderr);
    const { port } = mail;
    await mail.close();
    const accepted = await bed.sync('--accept-deletes');
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.equal(accepted.json.counts.deleted, 2);
    assert.match(accepted.stderr, /could not be sent by mail \[Notification\.undeliverable\]/);
    assert.equal((webhook.received.at(-1)!.body as any).run.runId, accepted.json.runId, 'the webhook still had it');

    mail = await startMailReceiver({ port, tls: certificates.server, account });
    const next = await bed.sync();
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(
      mail.received.map((received) => received.parsed.subject),
      ['DirSync corp: success — 0 added, 0 updated, 2 deleted, 0 errors', 'DirSync corp: success — 0 added, 0 updated, 0 deleted, 0 errors'],
      'the undelivered one first, then the new one',
    );
  });

  it('builds a standby from an exported settings file: no secret in it, checked as configure checks, marked as a standby, compared by promote', async () => {
    const file = join(bed.work, 'corp-settings.json');
    const again = join(bed.work, 'corp-settings-again.json');
    for (const target of [file, again]) assert.equal((await dirsync(['settings', 'export', '--path', bed.path, '--file', target])).code, 0);
    const text = await readFile(file, 'utf8');
    assert.equal(text, await readFile(again, 'utf8'), 'two exports of an unchanged installation are byte-identical');
    for (const secret of [bed.domain.adminPassword, bed.standIn.clientSecret, account.password, webhookSecret]) assert.ok(!text.includes(secret));
    assert.equal(JSON.parse(text).secrets.webhookSecret, true, 'only whether the webhook secret is set');

    const standby = join(bed.work, 'standby');
    assert.equal((await dirsync(['install', '--path', standby])).code, 0);
    const imported = await dirsync(['settings', 'import', '--path', standby, '--file', file, '--ad-user', bed.domain.adminDn, '--json'], {
      env: { ...bed.secrets(), ...mailEnv, DIRSYNC_WEBHOOK_SECRET: webhookSecret },
    });
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(imported.json.notifyWebhookSecretStored, true);
    assert.equal(imported.json.staging, true);
    assert.match(imported.json.serviceAccount, /^AAD_[0-9a-f]{12}$/, 'its own AAD_ account');
    const compared = await dirsync(['settings', 'compare', '--path', standby, '--file', file, '--json']);
    assert.equal(compared.code, 0, compared.stderr);
    assert.deepEqual(compared.json.differences, []);

    const standbyRun = await dirsync(['sync', '--path', standby, '--json']);
    assert.equal(standbyRun.code, 0, standbyRun.stderr);
    assert.match(standbyRun.json.mode, /^standby-/);
    assert.match(mail.received.at(-1)!.parsed.subject!, /^DirSync corp \(standby\): success — /);
    assert.match(mail.received.at(-1)!.parsed.attachments[0]!.content.toString('utf8'), /id="standby"/);

    assert.equal((await dirsync(['configure', '--path', standby, '--notify-after-failures', '3'])).code, 0);
    const refused = await dirsync(['promote', '--path', standby, '--compare-with', file]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /Setting notifications\.failuresInARow: 3 here, 1 in/);
    assert.match(refused.stderr, /\[Settings\.differ\]/);
    const status = await dirsync(['get-configuration', '--path', standby, '--json']);
    assert.equal(status.json.staging, true, 'still a standby');
    assert.ok(printed.length > 10);
    for (const result of printed) assert.ok(!`${result.stdout}${result.stderr}`.includes(webhookSecret), 'the webhook secret was printed');
  });
});
