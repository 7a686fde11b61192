// The notification senders against real receivers on loopback: an SMTP server (smtp-server) that parses what it gets,
// with STARTTLS or implicit TLS (SMTPS) on a certificate of the test CA, an account, refusals, and a port nobody
// listens on; an HTTPS webhook receiver with the same CA, TLS verified, the signature checked as a receiver would,
// reached directly or through a CONNECT proxy (HTTPS_PROXY / NO_PROXY).
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { sendMail, type MailMessage } from '../../../src/connectors/notify/mail-sender.ts';
import { postWebhook } from '../../../src/connectors/notify/webhook-sender.ts';
import { DirSyncError } from '../../../src/core/errors.ts';
import { createCertificateAuthority, issueServerCertificate, type Certificate } from '../../support/certificates.ts';
import { loopbackCertificates, signedWith, startMailReceiver, startWebhookReceiver } from '../../support/notification-receivers.ts';
import { startTunnelProxy } from '../../support/tunnel-proxy.ts';

const message: MailMessage = {
  from: 'dirsync@corp.example.com',
  to: ['ops@corp.example.com', 'lead@corp.example.com'],
  subject: 'DirSync corp: stopped-deletion-threshold-exceeded — 612 deletes withheld',
  text: 'What happened\n  Run 7 withheld 612 deletes.\n',
  attachments: [{ filename: 'dirsync-run-7.html', content: '<!doctype html><h1>DirSync run 7</h1>', contentType: 'text/html; charset=utf-8' }],
};

async function undeliverable(promise: Promise<unknown>): Promise<DirSyncError> {
  const error = await promise.then(
    () => assert.fail('expected Notification.undeliverable'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof DirSyncError, String(error));
  assert.equal(error.code, 'Notification.undeliverable');
  return error;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('notification senders (real SMTP and HTTPS receivers on loopback)', function () {
  this.timeout(60_000);
  let certificates: { ca: Certificate; server: Certificate };
  before(async () => {
    certificates = await loopbackCertificates();
  });

  describe('mail (nodemailer)', () => {
    it('delivers subject, recipients, body and the report attachment, and returns the server’s answer', async () => {
      const receiver = await startMailReceiver();
      try {
        const answer = await sendMail({ host: receiver.host, port: receiver.port, tls: 'none' }, message);
        assert.match(answer.response, /^250 .*Message queued as 4242/);
        assert.deepEqual(answer.accepted, message.to);
        assert.equal(receiver.received.length, 1);
        const [mail] = receiver.received;
        assert.deepEqual(mail!.envelope, { from: message.from, to: message.to });
        assert.equal(mail!.secure, false);
        assert.equal(mail!.parsed.subject, message.subject);
        assert.equal(mail!.parsed.text, message.text);
        const [attachment] = mail!.parsed.attachments;
        assert.equal(attachment?.filename, 'dirsync-run-7.html');
        assert.equal(attachment?.contentType, 'text/html');
        assert.equal(attachment?.content.toString('utf8'), message.attachments[0]!.content);
      } finally {
        await receiver.close();
      }
    });

    it('requires STARTTLS when configured: the certificate verified against the configured CA, the account signed in over TLS', async () => {
      const account = { user: 'dirsync-mailer', password: 'Mail-Secret-1' };
      const receiver = await startMailReceiver({ tls: certificates.server, account });
      try {
        const server = { host: receiver.host, port: receiver.port, tls: 'starttls' as const, caPem: certificates.ca.certificatePem, ...account };
        const answer = await sendMail(server, message);
        assert.match(answer.response, /^250 /);
        assert.equal(receiver.received[0]?.secure, true);
        assert.equal(receiver.received[0]?.user, account.user);

        const wrong = await undeliverable(sendMail({ ...server, password: 'wrong' }, message));
        assert.match(wrong.message, /535/);
      } finally {
        await receiver.close();
      }
    });

    it('refuses a server whose certificate no trusted CA issued, and sends nothing', async () => {
      const stranger = await createCertificateAuthority('Someone else');
      const receiver = await startMailReceiver({ tls: await issueServerCertificate(stranger, { commonName: 'localhost', ips: ['127.0.0.1'] }) });
      try {
        const error = await undeliverable(
          sendMail({ host: receiver.host, port: receiver.port, tls: 'starttls', caPem: certificates.ca.certificatePem }, message),
        );
        assert.match(error.message, /certificate/i);
        assert.equal(receiver.received.length, 0);
      } finally {
        await receiver.close();
      }
    });

    it('speaks TLS from the first byte with implicit TLS (SMTPS): the certificate verified, the account signed in', async () => {
      const account = { user: 'dirsync-mailer', password: 'Mail-Secret-1' };
      const receiver = await startMailReceiver({ tls: certificates.server, implicitTls: true, account });
      try {
        const answer = await sendMail(
          { host: receiver.host, port: receiver.port, tls: 'implicit', caPem: certificates.ca.certificatePem, ...account },
          message,
        );
        assert.match(answer.response, /^250 .*Message queued as 4242/);
        assert.equal(receiver.received.length, 1);
        assert.equal(receiver.received[0]?.secure, true);
        assert.equal(receiver.received[0]?.user, account.user);
        assert.equal(receiver.received[0]?.parsed.subject, message.subject);
      } finally {
        await receiver.close();
      }
    });

    it('refuses an implicit-TLS server whose certificate no trusted CA issued, and sends nothing', async () => {
      const stranger = await createCertificateAuthority('Someone else');
      const receiver = await startMailReceiver({
        tls: await issueServerCertificate(stranger, { commonName: 'localhost', ips: ['127.0.0.1'] }),
        implicitTls: true,
      });
      try {
        const error = await undeliverable(
          sendMail({ host: receiver.host, port: receiver.port, tls: 'implicit', caPem: certificates.ca.certificatePem }, message),
        );
        assert.match(error.message, /certificate/i);
        assert.equal(error.target, `${receiver.host}:${receiver.port}`);
        assert.equal(receiver.received.length, 0);
      } finally {
        await receiver.close();
      }
    });

    it('refuses to go on in clear when STARTTLS is required and the server does not offer it', async () => {
      const receiver = await startMailReceiver();
      try {
        await undeliverable(sendMail({ host: receiver.host, port: receiver.port, tls: 'starttls' }, message));
        assert.equal(receiver.received.length, 0);
      } finally {
        await receiver.close();
      }
    });

    it('reports the server’s refusal in its own words', async () => {
      const receiver = await startMailReceiver({ refuseRecipients: { code: 550, message: 'Relaying denied for this sender' } });
      try {
        const error = await undeliverable(sendMail({ host: receiver.host, port: receiver.port, tls: 'none' }, message));
        assert.match(error.message, /550/);
        assert.match(error.message, /Relaying denied/);
        assert.equal(error.target, `${receiver.host}:${receiver.port}`);
      } finally {
        await receiver.close();
      }
    });

    it('fails at once, as undeliverable, when the server is down', async () => {
      const started = Date.now();
      const error = await undeliverable(sendMail({ host: '127.0.0.1', port: await closedPort(), tls: 'none' }, message));
      assert.match(error.message, /ECONNREFUSED|refused/i);
      assert.ok(Date.now() - started < 5_000, 'no time-out waited for');
    });
  });

  describe('webhook (HTTPS)', () => {
    it('posts one JSON object, over TLS verified against the configured CA', async () => {
      const receiver = await startWebhookReceiver(certificates.server);
      try {
        const answer = await postWebhook({ url: receiver.url, caPem: certificates.ca.certificatePem }, { event: 'threshold', run: { runId: 7 } });
        assert.equal(answer.status, 204);
        assert.deepEqual(receiver.received[0]?.body, { event: 'threshold', run: { runId: 7 } });
        assert.equal(receiver.received[0]?.headers['content-type'], 'application/json');
      } finally {
        await receiver.close();
      }
    });

    it('signs the request when given a secret: the receiver verifies it with that secret, not with another', async () => {
      const secret = 'whsec-7f3a9c1e5b2d4f6a8c0e';
      const receiver = await startWebhookReceiver(certificates.server);
      try {
        const before = Math.floor(Date.now() / 1000);
        await postWebhook({ url: receiver.url, caPem: certificates.ca.certificatePem, secret }, { event: 'threshold', text: 'ünïcode ✓' });
        const [signed] = receiver.received;
        assert.ok(signed);
        const timestamp = Number(signed.headers['x-dirsync-timestamp']);
        assert.ok(timestamp >= before && timestamp <= Math.ceil(Date.now() / 1000), `a unix time of now: ${timestamp}`);
        assert.match(String(signed.headers['x-dirsync-signature']), /^sha256=[0-9a-f]{64}$/);
        assert.equal(signedWith(signed, secret), true, 'verified with the shared secret');
        assert.equal(signedWith(signed, 'whsec-another-secret-000'), false, 'not with another secret');
        assert.equal(signedWith({ ...signed, raw: signed.raw.replace('threshold', 'failure') }, secret), false, 'not once the body is altered');
        assert.equal(signedWith(signed, secret, (timestamp + 301) * 1000), false, 'not once older than 5 minutes (a replay)');
        assert.ok(!JSON.stringify(signed.headers).includes(secret), 'the secret itself never travels');

        await postWebhook({ url: receiver.url, caPem: certificates.ca.certificatePem }, { event: 'test' });
        assert.equal(receiver.received[1]?.headers['x-dirsync-signature'], undefined, 'unsigned without a secret');
      } finally {
        await receiver.close();
      }
    });

    it('goes through the proxy HTTPS_PROXY names (a CONNECT tunnel), and straight to a host NO_PROXY lists', async () => {
      const receiver = await startWebhookReceiver(certificates.server);
      const proxy = await startTunnelProxy();
      try {
        const target = { url: receiver.url, caPem: certificates.ca.certificatePem };
        await postWebhook({ ...target, proxyEnv: { HTTPS_PROXY: proxy.url } }, { event: 'test', via: 'proxy' });
        assert.deepEqual(proxy.targets, [new URL(receiver.url).host], 'tunnelled to the receiver');
        assert.deepEqual(receiver.received[0]?.body, { event: 'test', via: 'proxy' });

        await postWebhook({ ...target, proxyEnv: { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } }, { event: 'test', via: 'direct' });
        assert.equal(proxy.targets.length, 1, 'NO_PROXY: not through the proxy');
        assert.deepEqual(receiver.received[1]?.body, { event: 'test', via: 'direct' });

        await proxy.stop();
        const down = await undeliverable(postWebhook({ ...target, proxyEnv: { HTTPS_PROXY: proxy.url } }, { event: 'test' }));
        assert.match(down.message, new RegExp(`through the proxy ${proxy.url.replace(/[.]/g, '\\.')}`));
        assert.equal(receiver.received.length, 2);
      } finally {
        await proxy.stop().catch(() => {});
        await receiver.close();
      }
    });

    it('refuses a receiver it cannot verify, and reports an error status with the answer', async () => {
      const receiver = await startWebhookReceiver(certificates.server);
      try {
        const untrusted = await undeliverable(postWebhook({ url: receiver.url }, { event: 'test' }));
        assert.match(untrusted.message, /certificate/i);
        assert.equal(receiver.received.length, 0);
        receiver.answerWith(500);
        const refused = await undeliverable(postWebhook({ url: receiver.url, caPem: certificates.ca.certificatePem }, { event: 'test' }));
        assert.match(refused.message, /HTTP 500: no thanks/);
      } finally {
        await receiver.close();
      }
    });
  });
});
