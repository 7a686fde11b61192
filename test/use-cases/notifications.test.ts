// Notifications after a cycle, end to end below the CLI: a real installation, runs recorded in its store, and real
// SMTP and HTTPS receivers on loopback. What is decided (events.ts) and said (message.ts) is pinned down here too.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirSyncError } from '../../src/core/errors.ts';
import type { RunHistoryMode, RunStatus } from '../../src/engine/state-store.ts';
import type { CycleResult } from '../../src/engine/sync-cycle.ts';
import { Installation } from '../../src/install/installation.ts';
import { defaultNotificationSettings } from '../../src/install/notification-settings.ts';
import { readNotificationState } from '../../src/install/notification-outbox.ts';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { configure } from '../../src/use-cases/configure.ts';
import { install } from '../../src/use-cases/install.ts';
import { notifyAfterCycle } from '../../src/use-cases/notifications/after-cycle.ts';
import { decideEvent } from '../../src/use-cases/notifications/events.ts';
import { notifyTest } from '../../src/use-cases/notify-test.ts';
import { configureParameters } from '../../src/use-cases/configure.ts';
import { parseParameters } from '../../src/use-cases/parameters.ts';
import { exportSettings } from '../../src/use-cases/settings.ts';
import type { CommandOutput, CommandResult } from '../../src/use-cases/output.ts';
import type { Certificate } from '../support/certificates.ts';
import {
  loopbackCertificates,
  type MailReceiver,
  signedWith,
  startMailReceiver,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../support/notification-receivers.ts';

interface Captured extends CommandOutput {
  warnings: string[];
  results: CommandResult[];
}

function captured(): Captured {
  const warnings: string[] = [];
  const results: CommandResult[] = [];
  return { warnings, results, progress() {}, verbose() {}, warning: (message) => warnings.push(message), result: (result) => results.push(result) };
}

const zero = { added: 0, updated: 0, deleted: 0, unchanged: 0, errors: 0, notExportable: 0, reverted: 0, restored: 0 };

describe('which event a run is worth telling', () => {
  const settings = { ...defaultNotificationSettings(), failuresInARow: 3, driftAbove: 10 };
  const eventAfter = (status: RunStatus, failuresBefore: number, counts: { reverted: number } = zero, on = settings.on) =>
    decideEvent({ status, counts }, failuresBefore, { ...settings, on });

  it('tells a failure at the configured count of failures in a row, and at each multiple, not in between', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((before) => eventAfter('stopped-server-down', before).event),
      [null, null, 'failure', null, null, 'failure'],
    );
    assert.equal(eventAfter('failed', 2).failuresInARow, 3);
  });

  it('tells a recovery only after a streak that reached the count, and a threshold before a recovery', () => {
    assert.equal(eventAfter('success', 2).event, null);
    assert.deepEqual(eventAfter('success', 3), { event: 'recovered', failuresInARow: 0, failuresBefore: 3 });
    assert.equal(eventAfter('stopped-deletion-threshold-exceeded', 4).event, 'threshold');
    assert.equal(eventAfter('stopped-by-request', 4).failuresInARow, 4, 'a stop on request leaves the streak as it was');
  });

  it('tells drift above the count (counts.reverted, when runs have it), and every run only when asked', () => {
    assert.equal(eventAfter('success', 0, { ...zero, reverted: 10 }).event, null);
    assert.equal(eventAfter('success', 0, { ...zero, reverted: 11 }).event, 'drift');
    assert.equal(eventAfter('success', 0).event, null);
    assert.equal(eventAfter('success', 0, zero, ['every-run']).event, 'every-run');
    assert.equal(eventAfter('failed', 0, zero, ['every-run']).event, 'every-run', 'a failure below the count still goes out as a run');
    assert.equal(eventAfter('stopped-deletion-threshold-exceeded', 0, zero, ['failure']).event, null);
  });
});

describe('notifications after a cycle (real SMTP and HTTPS receivers on loopback)', function () {
  this.timeout(60_000);
  let certificates: { ca: Certificate; server: Certificate };
  let work: string;
  let installation: Installation;
  let mail: MailReceiver;
  let webhook: WebhookReceiver;

  before(async () => {
    certificates = await loopbackCertificates();
  });
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'dirsync-notify-'));
    installation = new Installation(join(work, 'DirSync'));
    await install({ path: installation.path, upgrade: false }, {}, captured());
    mail = await startMailReceiver({ tls: certificates.server, account: { user: 'mailer', password: 'Mailer-Secret-9' } });
    webhook = await startWebhookReceiver(certificates.server);
    const caFile = join(work, 'ca.pem');
    await writeFile(caFile, certificates.ca.certificatePem);
    const output = captured();
    const code = await configure(
      {
        path: installation.path,
        notifySmtp: `${mail.host}:${mail.port}`,
        notifySmtpStarttls: true,
        notifyFrom: 'dirsync@corp.example.com',
        notifyTo: ['ops@corp.example.com', 'lead@corp.example.com'],
        notifyWebhook: webhook.url,
        notifyCaFile: caFile,
        notifyName: 'corp',
        notifyAfterFailures: 2,
      },
      { smtpUser: 'mailer', smtpPassword: 'Mailer-Secret-9' },
      output,
    );
    assert.equal(code, 0, 'notification options alone need no AD or cloud credential');
    assert.equal(output.results[0]?.properties.notifySmtpAccountStored, true);
  });
  afterEach(async () => {
    await Promise.all([mail.close(), webhook.close()]);
    await rm(work, { recursive: true, force: true });
  });

  async function recordRun(status: RunStatus, withheld = 0, mode: RunHistoryMode = 'delta'): Promise<CycleResult> {
    const store = new SqliteStore(installation.file('state.db'));
    const startedAt = new Date();
    const runId = await store.startRun(mode, startedAt);
    const withheldDeletes = Array.from({ length: withheld }, (_, index) => ({
      anchor: `anchor-${index}`,
      dn: `CN=Leaver ${index},OU=Sales,DC=corp,DC=example,DC=com`,
      objectType: 'user' as const,
      reason: 'the deletion threshold: 612 deletes, more than 500',
    }));
    await store.recordObjectChanges(
      runId,
      withheldDeletes.map((entry) => ({
        anchor: entry.anchor,
        dn: entry.dn,
        kind: 'user',
        action: 'withheld-delete',
        attributes: [],
        reason: entry.reason,
      })),
    );
    const counts = { ...zero, updated: 3, unchanged: 4000 };
    const endedAt = new Date();
    await store.finishRun(runId, status, counts, endedAt);
    await store.close();
    return {
      runId,
      mode,
      status,
      counts,
      errors: [],
      plan: [],
      withheld: withheldDeletes,
      upnClashes: [],
      reverted: [],
      drift: [],
      startedAt,
      endedAt,
      message: null,
    };
  }

  it('mails the deletion threshold: subject with the withheld count, recipients, what to do, the run report attached; the webhook gets the run as --json prints it', async () => {
    const run = await recordRun('stopped-deletion-threshold-exceeded', 612);
    const output = captured();
    const report = await notifyAfterCycle(installation.path, { run }, output);
    assert.deepEqual(output.warnings, []);
    assert.deepEqual(
      report.deliveries.map((delivery) => [delivery.channel, delivery.delivered]),
      [
        ['mail', true],
        ['webhook', true],
      ],
    );
    assert.equal(report.pending, 0);

    const [received] = mail.received;
    assert.equal(received?.parsed.subject, 'DirSync corp: stopped-deletion-threshold-exceeded — 612 deletes withheld');
    assert.deepEqual(received?.envelope.to, ['ops@corp.example.com', 'lead@corp.example.com']);
    assert.equal(received?.secure, true);
    assert.equal(received?.user, 'mailer');
    const body = received!.parsed.text!;
    assert.match(body, new RegExp(`Run ${run.runId} \\(delta\\)`));
    assert.match(body, /612 deletes withheld/);
    assert.ok(body.includes(`dirsync sync --path ${installation.path} --preview`), body);
    assert.ok(body.includes(`dirsync sync --path ${installation.path} --accept-deletes`), body);
    const attachment = received!.parsed.attachments[0]!;
    assert.equal(attachment.filename, `dirsync-run-${run.runId}.html`);
    const page = attachment.content.toString('utf8');
    assert.match(page, new RegExp(`<h1>DirSync run ${run.runId}</h1>`));
    assert.ok(page.includes('CN=Leaver 611,OU=Sales'), 'the report lists the withheld deletes');

    const payload = webhook.received[0]?.body as Record<string, any>;
    assert.equal(payload.event, 'threshold');
    assert.deepEqual(payload.installation, { name: 'corp', path: installation.path, standby: false });
    assert.equal(payload.run.runId, run.runId);
    assert.equal(payload.run.status, 'stopped-deletion-threshold-exceeded');
    assert.deepEqual(payload.run.counts, run.counts);
    assert.equal(payload.run.withheld.length, 612);
    assert.equal(payload.run.startedAt, run.startedAt.toISOString());
  });

  it('tells failures at the second in a row with the catalogue’s advice (no run recorded), then the recovery', async () => {
    const failure = () => ({
      failure: new DirSyncError('ActiveDirectory.unreachable', 'dc1.corp.example.com:636 did not answer'),
      attemptedAt: new Date(),
    });
    await notifyAfterCycle(installation.path, failure(), captured());
    assert.equal(mail.received.length, 0, 'one failure is not yet an alarm');
    await notifyAfterCycle(installation.path, failure(), captured());
    assert.equal(mail.received.length, 1);
    const alarm = mail.received[0]!.parsed;
    assert.equal(alarm.subject, 'DirSync corp: stopped-server-down — ActiveDirectory.unreachable, 2 runs in a row');
    assert.match(alarm.text!, /The cycle failed before a run could be recorded/);
    assert.match(alarm.text!, /Error \[ActiveDirectory\.unreachable\]: dc1\.corp\.example\.com:636 did not answer/);
    assert.ok(alarm.text!.includes(new DirSyncError('ActiveDirectory.unreachable').recommendedAction), 'the catalogue’s advice');
    assert.equal(alarm.attachments.length, 0);
    assert.deepEqual((webhook.received[0]!.body as any).error.code, 'ActiveDirectory.unreachable');
    assert.equal((webhook.received[0]!.body as any).run, null);

    await notifyAfterCycle(installation.path, { run: await recordRun('success') }, captured());
    assert.equal(mail.received[1]?.parsed.subject, 'DirSync corp: recovered — success after 2 failed runs');
    assert.equal((await readNotificationState(installation)).failuresInARow, 0);
  });

  it('keeps what the mail server did not take, warns without failing, and sends it after the next run', async () => {
    const { port } = mail;
    await mail.close();
    const output = captured();
    const run = await recordRun('stopped-deletion-threshold-exceeded', 3);
    const report = await notifyAfterCycle(installation.path, { run }, output);
    assert.deepEqual(
      report.deliveries.map((delivery) => [delivery.channel, delivery.delivered]),
      [
        ['mail', false],
        ['webhook', true],
      ],
    );
    assert.equal(report.pending, 1);
    assert.match(output.warnings.join('\n'), /The threshold notification could not be sent by mail \[Notification\.undeliverable\]: .*ECONNREFUSED/);

    mail = await startMailReceiver({ port, tls: certificates.server, account: { user: 'mailer', password: 'Mailer-Secret-9' } });
    const quiet = await notifyAfterCycle(installation.path, { run: await recordRun('success') }, captured());
    assert.deepEqual(quiet.deliveries, [{ channel: 'mail', event: 'threshold', delivered: true, detail: quiet.deliveries[0]!.detail }]);
    assert.match(quiet.deliveries[0]!.detail, /^250 /);
    assert.equal(quiet.pending, 0);
    assert.equal(mail.received[0]?.parsed.subject, 'DirSync corp: stopped-deletion-threshold-exceeded — 3 deletes withheld');
    assert.equal(webhook.received.length, 1, 'the webhook had it the first time, and not twice');
  });

  it('marks a standby’s notifications as such', async () => {
    const run = await recordRun('stopped-deletion-threshold-exceeded', 2, 'standby-delta');
    await notifyAfterCycle(installation.path, { run }, captured());
    assert.equal(mail.received[0]?.parsed.subject, 'DirSync corp (standby): stopped-deletion-threshold-exceeded — 2 deletes withheld');
    assert.match(mail.received[0]!.parsed.text!, /A standby installation: nothing was sent to Entra ID/);
    assert.equal((webhook.received[0]!.body as any).installation.standby, true);
  });

  it('notify test sends a test message on each channel and reports the answers; a refusing server makes it fail', async () => {
    const output = captured();
    assert.equal(await notifyTest({ path: installation.path }, output), 0);
    assert.deepEqual(
      output.results.map((result) => [result.properties.channel, result.properties.delivered]),
      [
        ['mail', true],
        ['webhook', true],
      ],
    );
    assert.match(String(output.results[0]?.properties.answer), /^250 .*Message queued as 4242/);
    assert.equal(output.results[1]?.properties.answer, 'HTTP 204');
    assert.equal(mail.received[0]?.parsed.subject, 'DirSync corp: test message');
    assert.equal((webhook.received[0]!.body as any).event, 'test');

    webhook.answerWith(403);
    const refused = captured();
    await assert.rejects(notifyTest({ path: installation.path }, refused), (error: DirSyncError) => {
      assert.equal(error.code, 'Notification.undeliverable');
      assert.match(error.message, /webhook .*HTTP 403/);
      return true;
    });
    assert.equal(refused.results[1]?.properties.delivered, false);
  });

  it('refuses a mail account without STARTTLS, and notify test without any channel', async () => {
    await assert.rejects(
      configure({ path: installation.path, notifySmtpStarttls: false }, {}, captured()),
      (error: DirSyncError) => error.code === 'Parameters.invalid' && /in clear/.test(error.message),
    );
    await configure({ path: installation.path, notifySmtp: 'off', notifyWebhook: 'off' }, {}, captured());
    assert.equal((await installation.vault.read()).smtpPassword, undefined, 'the account goes with the mail server');
    await assert.rejects(notifyTest({ path: installation.path }, captured()), (error: DirSyncError) => error.code === 'Notification.not-configured');
  });

  it('signs the webhook with the secret configure stored; the secret is in no output, no file in clear, no export; off removes it', async () => {
    const secret = 'whsec-Qm9vZ2xlIHRoaXMgc2VjcmV0';
    const everything: unknown[] = [];
    const configured = captured();
    assert.equal(await configure({ path: installation.path, notifyWebhookSecret: true }, { webhookSecret: secret }, configured), 0);
    everything.push(configured);
    assert.equal(configured.results[0]?.properties.notifyWebhookSecretStored, true);
    assert.equal((await installation.vault.read()).webhookSecret, secret, 'kept in the vault');

    const tested = captured();
    assert.equal(await notifyTest({ path: installation.path }, tested), 0);
    everything.push(tested);
    assert.equal(tested.results[1]?.properties.channel, 'webhook');
    assert.equal(tested.results[1]?.properties.signed, true, 'notify test says the webhook was signed');
    assert.equal(signedWith(webhook.received[0]!, secret), true);
    assert.equal(signedWith(webhook.received[0]!, 'whsec-not-the-right-one-at-all'), false);

    const afterCycle = captured();
    await notifyAfterCycle(installation.path, { run: await recordRun('stopped-deletion-threshold-exceeded', 2) }, afterCycle);
    everything.push(afterCycle);
    assert.equal(signedWith(webhook.received[1]!, secret), true, 'the notifications after a cycle are signed too');

    const exported = join(work, 'settings.json');
    const exportOutput = captured();
    await exportSettings({ path: installation.path, file: exported }, exportOutput);
    everything.push(exportOutput);
    const exportText = await readFile(exported, 'utf8');
    assert.equal(JSON.parse(exportText).secrets.webhookSecret, true, 'the export says it is set');

    const files = await readdir(installation.path, { recursive: true, withFileTypes: true });
    const texts = await Promise.all(files.filter((file) => file.isFile()).map((file) => readFile(join(file.parentPath, file.name), 'latin1')));
    assert.ok(texts.length >= 4, `the installation's files were read (${texts.length})`);
    for (const text of [...texts, exportText, JSON.stringify(everything)]) assert.ok(!text.includes(secret), 'the secret in clear somewhere');

    const off = captured();
    await configure({ path: installation.path, notifyWebhookSecret: 'off' }, {}, off);
    assert.equal(off.results[0]?.properties.notifyWebhookSecretStored, false);
    assert.equal((await installation.vault.read()).webhookSecret, undefined);
    await notifyTest({ path: installation.path }, captured());
    assert.equal(webhook.received[2]?.headers['x-dirsync-signature'], undefined, 'unsigned once off');
  });

  it('refuses a webhook secret that is missing, short, on the command line, or without a webhook', async () => {
    const refusal = (pattern: RegExp) => (error: DirSyncError) => error.code === 'Parameters.invalid' && pattern.test(error.message);
    await assert.rejects(
      configure({ path: installation.path, notifyWebhookSecret: true }, {}, captured()),
      refusal(/DIRSYNC_WEBHOOK_SECRET or as webhookSecret on stdin/),
    );
    await assert.rejects(
      configure({ path: installation.path, notifyWebhookSecret: true }, { webhookSecret: 'short' }, captured()),
      refusal(/shorter than 16 characters/),
    );
    const onTheCommandLine = (() => {
      try {
        parseParameters(configureParameters, { path: installation.path, notifyWebhookSecret: 'a value' });
      } catch (error) {
        return error as DirSyncError;
      }
      return assert.fail('a value for --notify-webhook-secret is refused');
    })();
    assert.match(onTheCommandLine.message, /never from the command line/);
    await configure({ path: installation.path, notifyWebhook: 'off' }, {}, captured());
    await assert.rejects(
      configure({ path: installation.path, notifyWebhookSecret: true }, { webhookSecret: 'whsec-long-enough-0123' }, captured()),
      refusal(/a webhook secret needs a webhook/),
    );
  });

  it('sends mail over implicit TLS (SMTPS) when configured so; --notify-smtp-starttls still works, and contradictions are refused', async () => {
    const smtps = await startMailReceiver({ tls: certificates.server, implicitTls: true, account: { user: 'mailer', password: 'Mailer-Secret-9' } });
    try {
      const output = captured();
      await configure({ path: installation.path, notifySmtp: `${smtps.host}:${smtps.port}`, notifySmtpTls: 'implicit' }, {}, output);
      assert.equal(output.results[0]?.properties.notifySmtp, `${smtps.host}:${smtps.port} (implicit TLS)`);
      assert.equal(output.results[0]?.properties.notifySmtpTls, 'implicit');
      assert.equal(output.results[0]?.properties.notifySmtpAccountStored, true, 'the account kept: it goes over TLS');
      const tested = captured();
      assert.equal(await notifyTest({ path: installation.path }, tested), 0);
      assert.equal(smtps.received[0]?.secure, true);
      assert.equal(smtps.received[0]?.user, 'mailer');
      assert.equal(smtps.received[0]?.parsed.subject, 'DirSync corp: test message');
    } finally {
      await smtps.close();
    }
    await assert.rejects(
      configure({ path: installation.path, notifySmtpTls: 'implicit', notifySmtpStarttls: true }, {}, captured()),
      (error: DirSyncError) => error.code === 'Parameters.invalid' && /contradict/.test(error.message),
    );
    const back = captured();
    await configure({ path: installation.path, notifySmtp: `${mail.host}:${mail.port}`, notifySmtpStarttls: true }, {}, back);
    assert.equal(back.results[0]?.properties.notifySmtpTls, 'starttls');
    const smtpsPort = captured();
    await configure({ path: installation.path, notifySmtp: 'off' }, {}, captured());
    await configure(
      { path: installation.path, notifySmtp: 'mail.corp.example.com:465', notifyFrom: 'a@corp.example.com', notifyTo: ['b@corp.example.com'] },
      {},
      smtpsPort,
    );
    assert.equal(smtpsPort.results[0]?.properties.notifySmtpTls, 'implicit', 'a new server on port 465 speaks SMTPS');
  });

  it('reads a configuration written before implicit TLS (smtp.startTls) as the mode it meant', async () => {
    const file = installation.file('configuration.json');
    const written = JSON.parse(await readFile(file, 'utf8'));
    const { tls: _mode, ...smtp } = written.notifications.smtp;
    written.notifications.smtp = { ...smtp, startTls: true };
    await writeFile(file, JSON.stringify(written));
    assert.equal((await installation.readConfiguration()).notifications.smtp?.tls, 'starttls');
    written.notifications.smtp = { ...smtp, startTls: false };
    await writeFile(file, JSON.stringify(written));
    assert.equal((await installation.readConfiguration()).notifications.smtp?.tls, 'none');
  });
});
