import type { Command } from 'commander';
import { configure, configureParameters } from '../../use-cases/configure.ts';
import { parseParameters } from '../../use-cases/parameters.ts';
import { integer, pick, runForTerminal, type CommonOptions } from '../run-command.ts';

const repeatable = (value: string, previous: string[] = []) => [...previous, value];
/** A comma-separated list, the option repeatable too. */
const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
];

/**
 * --notify-webhook-secret alone (true: the secret comes from the environment or stdin) or with off. Any other value
 * would be the secret on the command line: it is refused without being repeated (commander's own error would echo it).
 */
const webhookSecretRequest = (value: string): true | 'off' | 'a value' => (value === 'off' ? 'off' : 'a value');

export function registerConfigure(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('configure')
    .description('check and store the configuration: AD (with an Enterprise Administrator credential) and the cloud application')
    .requiredOption('--path <dir>', 'installation directory')
    .option('--ad-url <url>', 'domain controller: ldaps://dc1.corp.example.com, or ldap://… for StartTLS (a bare host name means LDAPS)')
    .option('--ad-user <user>', 'Enterprise Administrator (DN, user@domain or DOMAIN\\user); password in DIRSYNC_AD_PASSWORD or on stdin')
    .option('--ad-ca-file <pem>', "CA certificate(s) that issued the domain controller's certificate")
    .option('--allow-plain-ldap', 'allow an unencrypted LDAP connection (labs only: passwords cross the network in clear)')
    .option('--no-service-account', 'read AD with the given account instead of creating the AAD_ service account')
    .option('--tenant-id <id>', 'Entra ID tenant id (or its initial domain)')
    .option('--client-id <id>', 'application (client) id; secret in DIRSYNC_CLIENT_SECRET or on stdin, or use --client-certificate')
    .option('--client-certificate <pem>', "PEM file with the application's certificate and private key (preferred over a secret)")
    .option('--cloud <name>', 'AzureCloud (default), AzureChinaCloud or AzureUSGovernment')
    .option('--authority-host <url>', 'custom sign-in endpoint (with --graph-endpoint), e.g. a private endpoint')
    .option('--graph-endpoint <url>', 'custom Microsoft Graph endpoint (with --authority-host)')
    .option('--cloud-ca-file <pem>', 'extra CA certificate to trust for sign-in and Graph (e.g. a TLS-inspecting proxy)')
    .option('--include-ou <dn>', 'synchronize only this OU (repeatable)', repeatable)
    .option('--exclude-ou <dn>', 'leave out this OU (repeatable)', repeatable)
    .option('--attribute-filter <ldap-filter>', 'synchronize only objects matching this LDAP filter')
    .option('--soft-match <mode>', 'join unanchored cloud users by primary SMTP address then UPN (smtp-then-upn, default) or never (off)')
    .option('--write-budget <writes/seconds>', "the tenant's Graph write budget the export paces itself to (default 3000/150)")
    .option('--enable-hybrid-deployment', 'record the Exchange hybrid deployment option (checks the Exchange schema)')
    .option('--enable-password-sync', 'refused, with the reason: no public Graph API accepts password hashes')
    .option('--staging', 'a standby installation: every cycle plans against the cloud and exports nothing, until promote')
    .option(
      '--lease-stale-after-hours <n>',
      "another installation's lease on the tenant may be taken over (sync --take-over-lease) once it is this old (default 24)",
      integer,
    )
    .option(
      '--cloud-drift <policy>',
      'changes made in the cloud to what DirSync owns: revert (default: AD is the authority, they are sent back) or report (listed only)',
    )
    .option(
      '--notify-smtp <host:port>',
      'mail server for notifications (off: no mail); an account in DIRSYNC_SMTP_USER/DIRSYNC_SMTP_PASSWORD or on stdin',
    )
    .option('--notify-from <address>', 'sender of the notification mails')
    .option('--notify-to <addresses>', 'recipients of the notification mails, comma-separated', list)
    .option(
      '--notify-smtp-tls <mode>',
      "starttls (required, e.g. port 587), implicit (TLS from the start, SMTPS port 465: the default there) or none; TLS verifies the server's certificate and is needed for an account",
    )
    .option('--notify-smtp-starttls', 'the same as --notify-smtp-tls starttls')
    .option('--no-notify-smtp-starttls', 'the same as --notify-smtp-tls none: notification mails without TLS')
    .option('--notify-on <events>', 'what to notify: failure,threshold,drift,recovered,every-run (default: all but every-run)', list)
    .option('--notify-webhook <url>', 'https:// URL that receives one JSON object per notification (off: none)')
    .option(
      '--notify-webhook-secret [off]',
      'sign the webhook (HMAC-SHA256) with the secret in DIRSYNC_WEBHOOK_SECRET or webhookSecret on stdin, never given here; off: unsigned',
      webhookSecretRequest,
    )
    .option('--notify-ca-file <pem>', "CA certificate to trust for the mail server's TLS and the webhook")
    .option('--notify-name <name>', "the installation's name in notifications (default: the host name)")
    .option('--notify-after-failures <n>', 'notify a failure once this many runs in a row failed, and at each multiple (default 1)', integer)
    .option('--notify-drift-above <n>', 'notify drift when a run reverted more than this many objects (default 0)', integer)
    .option('--sync-now', 'start the first synchronization once the configuration is saved')
    .option(
      '--preview',
      'show what a change of --include-ou, --exclude-ou, --attribute-filter or --soft-match would do (the plan of a full preview cycle); save nothing',
    )
    .option(
      '--secrets-stdin',
      'read {"adPassword","clientSecret","smtpUser","smtpPassword","webhookSecret"} as JSON from stdin instead of the environment',
    )
    .option('--json', 'print the result as one JSON object on the last line')
    .option('--verbose', 'report each check as it runs')
    .action(async (options: CommonOptions & Record<string, unknown>) => {
      // commander turns --no-service-account into serviceAccount=false.
      const raw = {
        ...pick(options, [
          'path',
          'adUrl',
          'adUser',
          'adCaFile',
          'allowPlainLdap',
          'tenantId',
          'clientId',
          'clientCertificate',
          'cloud',
          'authorityHost',
          'graphEndpoint',
          'cloudCaFile',
          'attributeFilter',
          'softMatch',
          'cloudDrift',
          'enableHybridDeployment',
          'enablePasswordSync',
          'syncNow',
          'writeBudget',
          'staging',
          'leaseStaleAfterHours',
          'preview',
          'notifySmtp',
          'notifyFrom',
          'notifyTo',
          'notifySmtpTls',
          'notifySmtpStarttls',
          'notifyOn',
          'notifyWebhook',
          'notifyWebhookSecret',
          'notifyCaFile',
          'notifyName',
          'notifyAfterFailures',
          'notifyDriftAbove',
        ]),
        noServiceAccount: options.serviceAccount === false,
        ...(options.includeOu ? { includeOu: options.includeOu } : {}),
        ...(options.excludeOu ? { excludeOu: options.excludeOu } : {}),
      };
      setExitCode(
        await runForTerminal(options, (output, secrets, signal) => configure(parseParameters(configureParameters, raw), secrets, output, signal)),
      );
    });
}
