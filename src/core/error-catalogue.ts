// Every error code DirSync can report, in one place: its category, whether it is transient, a summary of the
// condition and the general advice. Codes read `Area.kebab-case-condition` (README: "Error codes"); scripts and the
// PowerShell module's FullyQualifiedErrorId rely on them, so a code is never renamed once released. Advice that names
// a command or an option is said twice (advice.ts): `action` in the command line's words, `powerShellAction` in the
// module's; the PowerShell module gets the codes, categories and its advice at build (src/protocol/module-contract.ts).
//
// category: PowerShell's ErrorCategory member, so the module maps it one to one and scripts can branch on it.
// transient: a passing condition (a server down, throttling). A run that ends on one is `stopped-server-down`
// and the next cycle resumes; a run that ends on anything else is `failed`.
import { actions, type Vocabulary } from './advice.ts';

export type ErrorCategory =
  | 'AuthenticationError'
  | 'ConnectionError'
  | 'InvalidArgument'
  | 'InvalidData'
  | 'InvalidOperation'
  | 'InvalidResult'
  | 'LimitsExceeded'
  | 'NotInstalled'
  | 'NotSpecified'
  | 'ObjectNotFound'
  | 'PermissionDenied'
  | 'ResourceExists'
  | 'ResourceUnavailable'
  | 'SecurityError';

export interface CatalogueEntry {
  category: ErrorCategory;
  transient: boolean;
  /** What the condition is, in general (the error's own message says what happened this time). */
  summary: string;
  /** What to do next, in general: in the command line's words. */
  action: string;
  /** The same advice in the PowerShell module's words, where `action` names a command or an option. */
  powerShellAction?: string;
}

/** Re-entering a credential or a setting: `run configure again` | `run Set-CoexistenceConfiguration again`. */
const reconfigure = (say: Vocabulary) => `run ${say.command('configure')} again`;

export const errorCatalogue = {
  // Active Directory: signing in and reading.
  'ActiveDirectory.wrong-password': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'Active Directory refused the password (or the account does not exist).',
    ...actions((say) => `Re-enter the on-premises credential: ${reconfigure(say)}.`),
  },
  'ActiveDirectory.account-disabled': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The Active Directory account is disabled.',
    action: 'Enable the account in Active Directory.',
  },
  'ActiveDirectory.account-expired': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The Active Directory account has expired.',
    action: "Extend the account's expiry date in Active Directory.",
  },
  'ActiveDirectory.password-expired': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The password of the Active Directory account has expired.',
    ...actions((say) => `Set a new password for the account, then ${reconfigure(say)}.`),
  },
  'ActiveDirectory.password-must-change': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The password of the Active Directory account must be changed before it can be used.',
    ...actions((say) => `Set a new password for the account, then ${reconfigure(say)}.`),
  },
  'ActiveDirectory.account-locked-out': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The Active Directory account is locked out.',
    action: 'Unlock the account, and check that nothing keeps trying an old password.',
  },
  'ActiveDirectory.logon-not-permitted': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The Active Directory account may not log on now or from this computer.',
    action: 'Widen the account\'s logon hours or its "Log On To" list.',
  },
  'ActiveDirectory.unreachable': {
    category: 'ConnectionError',
    transient: true,
    summary: 'The domain controller cannot be reached, or the connection to it was lost.',
    action: 'Check that the domain controller is running and reachable; the next cycle resumes from the last recorded watermark.',
  },
  'ActiveDirectory.untrusted-certificate': {
    category: 'SecurityError',
    transient: false,
    summary: "The domain controller's certificate is not trusted.",
    ...actions(
      (say) =>
        `Give the CA that issued the domain controller's certificate (${say.option('--ad-ca-file')}, a PEM file), or renew an expired certificate. Verification cannot be turned off.`,
    ),
  },
  'ActiveDirectory.hostname-mismatch': {
    category: 'SecurityError',
    transient: false,
    summary: "The domain controller's certificate is issued for another name.",
    action: 'Connect with the name the certificate is issued for, or have the certificate reissued with this name in its subject alternative names.',
  },
  'ActiveDirectory.encryption-required': {
    category: 'SecurityError',
    transient: false,
    summary: 'The domain controller refuses a simple bind over an unencrypted connection.',
    action: 'Use ldaps:// or StartTLS on ldap:// (do not allow plain LDAP).',
  },
  'ActiveDirectory.start-tls-failed': {
    category: 'ConnectionError',
    transient: false,
    summary: 'StartTLS with the domain controller failed.',
    action: 'Check that the domain controller has a certificate for LDAP over TLS, or use ldaps://.',
  },
  'ActiveDirectory.invalid-ca-file': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The CA file for the domain controller cannot be read.',
    action: 'Check the path and that the account DirSync runs as may read the file.',
  },
  'ActiveDirectory.invalid-configuration': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The Active Directory settings cannot work against this directory.',
    ...actions((say) => `Correct the LDAP URL or the scope (OUs, attribute filter), then ${reconfigure(say)}.`),
  },
  'ActiveDirectory.invalid-url': {
    category: 'InvalidArgument',
    transient: false,
    summary: "The domain controller's address is not an LDAP URL.",
    ...actions((say) => `Give ${say.option('--ad-url')} ldaps://dc1.corp.example.com (or ldap://… for StartTLS), or only the host name.`),
  },
  'ActiveDirectory.ou-not-found': {
    category: 'ObjectNotFound',
    transient: false,
    summary: 'An organizational unit of the scope does not exist (or the account cannot see it).',
    ...actions((say) => `Correct the OU distinguished name (${say.option('--include-ou')} / ${say.option('--exclude-ou')}).`),
  },
  'ActiveDirectory.exchange-schema-missing': {
    category: 'InvalidOperation',
    transient: false,
    summary: "Exchange hybrid deployment needs Exchange's schema extensions, and the directory lacks them.",
    ...actions(
      (say) =>
        `Extend the schema with Exchange Server setup (/PrepareSchema), or run ${say.command('configure')} without ${say.option('--enable-hybrid-deployment')}.`,
    ),
  },
  // Not transient: the same watermark is refused again. A sync cycle catches it by code and runs a full import instead.
  'ActiveDirectory.watermark-rejected': {
    category: 'InvalidData',
    transient: false,
    summary: 'Active Directory cannot resume from the stored watermark (an expired or foreign cookie, another or a restored DC, a changed scope).',
    action: 'Nothing, for a sync cycle: it runs a full import instead. A saved plan computed from that watermark must be computed again.',
  },
  'ActiveDirectory.unexpected-reply': {
    category: 'InvalidData',
    transient: false,
    summary: 'The directory answered something DirSync does not understand.',
    ...actions((say) => `Run again with ${say.option('--verbose')}; if it persists, report it with that output.`),
  },
  // The AAD_ service account DirSync reads AD with.
  'ServiceAccount.insufficient-access': {
    category: 'PermissionDenied',
    transient: false,
    summary: 'The on-premises credential may not create the service account or grant it the replication right.',
    action: 'Enter the credential of an Enterprise Administrator (or a Domain Administrator of this domain).',
  },
  'ServiceAccount.encryption-required': {
    category: 'SecurityError',
    transient: false,
    summary: 'Active Directory sets passwords only over an encrypted connection.',
    action: 'Connect with LDAPS (port 636) or StartTLS.',
  },
  'ServiceAccount.password-rejected': {
    category: 'InvalidOperation',
    transient: false,
    summary: "Active Directory refused the service account's password.",
    action: 'Check the domain password policy: DirSync uses a random 64-character password with every character class.',
  },
  'ServiceAccount.users-container-not-found': {
    category: 'ObjectNotFound',
    transient: false,
    summary: 'The domain does not name its Users container, so the service account has no place to go.',
    action: 'Check the domain with "redirusr" or ADSI Edit: wellKnownObjects must list the Users container.',
  },
  'ServiceAccount.not-the-service-account': {
    category: 'SecurityError',
    transient: false,
    summary: 'The account recorded as the service account is not an AAD_ account DirSync created; DirSync will not touch it.',
    action:
      'Check configuration.json (activeDirectory.serviceAccount): restore it, or remove the entry so that configure creates a new AAD_ account.',
  },
  'ServiceAccount.cannot-sign-in': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The DirSync service account cannot sign in to Active Directory (removed, disabled, moved to another domain, or its password changed).',
    ...actions(
      (say) =>
        `${reconfigure(say)} with an Enterprise Administrator credential: it finds the account by its objectGUID, or creates a new one, and resets its password.`,
    ),
  },
  // Reaching the cloud.
  'CloudConnection.certificate-untrusted': {
    category: 'SecurityError',
    transient: false,
    summary: 'The TLS certificate of the cloud endpoint is not trusted.',
    action:
      'If a proxy or a private endpoint presents its own certificate, give DirSync its CA certificate (PEM); otherwise check that nothing intercepts the connection.',
  },
  'CloudConnection.certificate-expired': {
    category: 'SecurityError',
    transient: false,
    summary: 'The TLS certificate of the cloud endpoint has expired or is not yet valid.',
    action: 'Check the clock of this computer, then the certificate of the endpoint or proxy.',
  },
  'CloudConnection.host-mismatch': {
    category: 'SecurityError',
    transient: false,
    summary: 'The TLS certificate of the cloud endpoint is issued to another host name.',
    action: 'Check the endpoint URL and any proxy between this computer and the cloud.',
  },
  'CloudConnection.connection-refused': {
    category: 'ConnectionError',
    transient: true,
    summary: 'The cloud endpoint refused the connection.',
    action: 'Check the endpoint URL, the HTTPS_PROXY setting and the firewall.',
  },
  'CloudConnection.host-not-found': {
    category: 'ConnectionError',
    transient: true,
    summary: 'The host name of the cloud endpoint could not be resolved.',
    action: 'Check the endpoint URL and the DNS or proxy settings of this computer.',
  },
  'CloudConnection.timed-out': {
    category: 'ConnectionError',
    transient: true,
    summary: 'The cloud endpoint did not answer in time.',
    action: 'Check the network path and the HTTPS_PROXY setting; the next cycle tries again.',
  },
  'CloudConnection.network-error': {
    category: 'ConnectionError',
    transient: true,
    summary: 'The connection to the cloud endpoint failed.',
    action: 'Check the network path and the HTTPS_PROXY setting; the next cycle tries again.',
  },
  'CloudConnection.proxy-failed': {
    category: 'ConnectionError',
    transient: true,
    summary: 'The HTTPS proxy could not be reached, or would not connect to the cloud endpoint.',
    action:
      'Check the HTTPS_PROXY setting (and NO_PROXY), that the proxy runs and answers, and that it may reach the sign-in and Graph hosts; the next cycle tries again.',
  },
  // Signing in to the cloud.
  'CloudSignIn.client-secret-rejected': {
    category: 'AuthenticationError',
    transient: false,
    summary: "The cloud application's client secret was rejected.",
    ...actions((say) => `Create a new client secret for the application and ${reconfigure(say)}.`),
  },
  'CloudSignIn.client-certificate-rejected': {
    category: 'AuthenticationError',
    transient: false,
    summary: "The cloud application's certificate credential was rejected.",
    ...actions((say) => `Upload the certificate to the application registration (or renew it) and ${reconfigure(say)}.`),
  },
  'CloudSignIn.application-not-found': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The tenant has no application with this client id.',
    ...actions((say) => `Check the application (client) id, or register the application in the tenant, and ${reconfigure(say)}.`),
  },
  'CloudSignIn.tenant-not-found': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'The tenant does not exist in this cloud.',
    ...actions((say) => `Check the tenant id and the cloud (AzureCloud, AzureChinaCloud, AzureUSGovernment), then ${reconfigure(say)}.`),
  },
  'CloudSignIn.graph-resource-unknown': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The sign-in service does not know the configured Microsoft Graph endpoint (AADSTS500011).',
    ...actions(
      (say) =>
        `Give the Graph endpoint of the same cloud as the authority host (${say.option('--graph-endpoint')} with ${say.option('--authority-host')}, or ${say.option('--cloud')}), then ${reconfigure(say)}.`,
    ),
  },
  'CloudSignIn.certificate-file-invalid': {
    category: 'InvalidData',
    transient: false,
    summary: "The cloud application's certificate file cannot be used.",
    action: 'Give a PEM file holding both the certificate and its unencrypted RSA private key, readable by its owner only.',
  },
  'CloudSignIn.credential-missing': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'No credential is stored for the cloud application.',
    ...actions((say) => `${reconfigure(say)} with the client secret or a certificate.`),
  },
  'CloudSignIn.empty-access-token': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'Sign-in returned no access token.',
    action: 'Check the authority host: it must be an Entra ID token endpoint.',
  },
  'CloudSignIn.sign-in-refused': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'Sign-in to Entra ID was refused.',
    ...actions(
      (say) => `Check the application registration, its credentials and its Microsoft Graph application permissions, then ${reconfigure(say)}.`,
    ),
  },
  // Microsoft Graph answers the connector cannot handle itself (an object's own refusal is a per-object error instead).
  'Graph.unauthorized': {
    category: 'AuthenticationError',
    transient: false,
    summary: 'Microsoft Graph refused the access token, even after a fresh sign-in.',
    ...actions((say) => `Check the application's credential and the tenant, then ${reconfigure(say)}.`),
  },
  'Graph.permission-denied': {
    category: 'PermissionDenied',
    transient: false,
    summary: 'Microsoft Graph refused a request for lack of permission.',
    action:
      'Grant the application the Microsoft Graph application permissions DirSync needs (User.ReadWrite.All, Group.ReadWrite.All, Domain.Read.All, Application.ReadWrite.OwnedBy) with admin consent.',
  },
  'Graph.permission-missing': {
    category: 'PermissionDenied',
    transient: false,
    summary: 'The application lacks Microsoft Graph application permissions DirSync needs.',
    ...actions((say) => `Grant the permissions to the app registration with admin consent, then ${reconfigure(say)}.`),
  },
  'Graph.throttled': {
    category: 'LimitsExceeded',
    transient: true,
    summary: 'Microsoft Graph kept throttling after every retry.',
    ...actions(
      (say) =>
        `Nothing is lost: the next cycle resumes. If it persists, lower the write budget (${say.command('configure')} ${say.option('--write-budget')}).`,
    ),
  },
  'Graph.unavailable': {
    category: 'ResourceUnavailable',
    transient: true,
    summary: 'Microsoft Graph is failing (server errors after every retry).',
    action: 'Nothing is lost: the next cycle resumes where this one stopped.',
  },
  'Graph.request-failed': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'A Microsoft Graph request failed in a way DirSync does not handle.',
    ...actions((say) => `Run ${say.command('sync')} again with ${say.option('--verbose')}; if it persists, report it with that output.`),
  },
  'Graph.unexpected-reply': {
    category: 'InvalidData',
    transient: false,
    summary: 'Microsoft Graph answered something DirSync does not understand.',
    ...actions(
      (say) =>
        `Check the Graph endpoint (${say.command('configure')} ${say.option('--graph-endpoint')}); if it is right, report it with the verbose output.`,
    ),
  },
  'Graph.application-not-visible': {
    category: 'PermissionDenied',
    transient: false,
    summary: 'The application cannot see itself through Graph, so it cannot register the group anchor property.',
    action: 'Grant it Application.ReadWrite.OwnedBy and make it its own owner.',
  },
  // The state store.
  'Store.open-failed': {
    category: 'ResourceUnavailable',
    transient: false,
    summary: 'The state store file cannot be opened.',
    action:
      "Check that the folder exists and that this account may read and write it; if the file is damaged or not DirSync's, restore it from a backup.",
  },
  'Store.unreachable': {
    category: 'ConnectionError',
    transient: true,
    summary: 'The SQL Server state store cannot be reached or signed in to.',
    action:
      "Check the server and instance names (a named instance needs the SQL Server Browser service), that the database exists, that the account may sign in, and that the server's TLS certificate is trusted.",
  },
  'Store.schema-too-new': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'A newer DirSync has upgraded the state store: this version cannot use it.',
    action: 'Install that version (or newer) again; older versions cannot use the store.',
  },
  'Store.credential-missing': {
    category: 'InvalidOperation',
    transient: false,
    summary: "The SQL Server store needs a credential (the driver cannot sign in with the process's own Windows identity).",
    ...actions((say) => `Install with ${say.sqlCredential}: a SQL login, or a Windows account given as DOMAIN\\user.`),
  },
  // The installation.
  'Installation.not-installed': {
    category: 'NotInstalled',
    transient: false,
    summary: 'DirSync is not installed in this directory.',
    ...actions((say) => `Run ${say.command('install')} first, or give the right ${say.option('--path')}.`),
  },
  'Installation.already-installed': {
    category: 'ResourceExists',
    transient: false,
    summary: 'DirSync is already installed in this directory.',
    ...actions((say) => `To upgrade it in place, run ${say.run('install', '--upgrade')}; to start over, run ${say.command('uninstall')} first.`),
  },
  'Installation.insecure-permissions': {
    category: 'SecurityError',
    transient: false,
    summary: 'The installation directory grants access to more accounts than SYSTEM, Administrators and the account DirSync runs as.',
    action: 'Reset its permissions with the icacls commands the message gives, then run the command again.',
  },
  'Installation.path-is-a-file': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The installation path is a file (or runs through one), not a directory.',
    ...actions((say) => `Give ${say.option('--path')} a directory of its own, e.g. /var/lib/dirsync.`),
  },
  'Installation.path-not-writable': {
    category: 'PermissionDenied',
    transient: false,
    summary: 'The account DirSync runs as may not create or write the installation directory.',
    action: 'Install as the account that will run DirSync into a directory it may write, or give that account the right to create it.',
  },
  'Installation.path-not-creatable': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The file system will not create the installation directory.',
    action: 'Choose a directory on an ordinary local file system (not /proc or a read-only mount), with a shorter path if it is too long.',
  },
  'Installation.damaged': {
    category: 'InvalidData',
    transient: false,
    summary: 'The installation manifest is damaged.',
    ...actions(
      (say) => `Restore installation.json from a backup, or run ${say.run('uninstall', '--keep-data')}, then ${say.command('install')} again.`,
    ),
  },
  'Installation.upgrade-required': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'The installation is of another DirSync version than this executable.',
    ...actions((say) => `Upgrade it first: ${say.run('install', '--upgrade')}.`),
  },
  'Installation.upgrade-not-supported': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'Directory Sync tool versions earlier than 1.0.6385.0012 cannot be upgraded in place.',
    action: 'Uninstall the installed version, then install this one and configure it again.',
  },
  'Installation.newer-version-installed': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'A newer DirSync is installed than this one; a downgrade is not supported.',
    action: 'Use the newer version.',
  },
  'Installation.sql-server-mismatch': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'An upgrade must use the same SQL Server and instance as the installation.',
    ...actions((say) => `Run the upgrade with the recorded ${say.option('--sql-server')} and ${say.option('--sql-instance')}.`),
  },
  // The configuration.
  'Configuration.required': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'The installation is not configured (or its configuration must be entered again after an upgrade).',
    ...actions((say) => `Run ${say.run('configure', '--path', 'DIR')} …`),
  },
  'Configuration.invalid': {
    category: 'InvalidData',
    transient: false,
    summary: 'configuration.json is not a valid DirSync configuration.',
    ...actions((say) => `Correct the field it names, or ${reconfigure(say)}.`),
  },
  'Configuration.password-sync-not-supported': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'Password sync cannot be enabled: no public Microsoft Graph API accepts password hashes.',
    ...actions(
      (say) =>
        `Let users sign in through federation or pass-through authentication, or have them set a cloud password with self-service password reset; run ${say.command('configure')} without ${say.option('--enable-password-sync')}.`,
    ),
  },
  // Secrets.
  'Secrets.unreadable': {
    category: 'SecurityError',
    transient: false,
    summary: 'The stored secrets cannot be read (key file missing, readable by others, or replaced; or the sealed file altered).',
    ...actions(
      (say) => `Restrict the key file to its owner (chmod 600) if that is the cause; otherwise ${reconfigure(say)} to re-enter the credentials.`,
    ),
  },
  'Secrets.file-exposed': {
    category: 'SecurityError',
    transient: false,
    summary: 'A file holding a secret (the vault key, a private key) can be read or changed by other accounts: DirSync refuses to use it.',
    action: 'Restrict it to its owner (chmod 600 on Linux); its owner must be the account DirSync runs as.',
  },
  'Secrets.input-invalid': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The secrets given are not understood.',
    action: 'Send one JSON object such as {"adPassword":"…","clientSecret":"…"} (keys: adPassword, clientSecret, sqlUser, sqlPassword).',
  },
  // Forests besides the first (forest add, list, remove).
  'Forest.unreadable': {
    category: 'ResourceUnavailable',
    transient: false,
    summary:
      'A forest could not be read this cycle (an unexpected answer of its directory): its objects were left as they are, and the other forests were synchronised.',
    action: 'Check that its domain controller is running and reachable and that its account may sign in; the next cycle reads it again.',
  },
  'Forest.not-found': {
    category: 'ObjectNotFound',
    transient: false,
    summary: 'No forest of that name is configured in this installation.',
    ...actions((say) => `List the forests with ${say.command('forest list')} and give one of their names.`),
  },
  'Forest.is-the-first': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'The first forest is the one configure set up: forest add and forest remove handle the others.',
    ...actions((say) => `To read the first forest differently, ${reconfigure(say)}; ${say.command('forest add')} brings in the others.`),
  },
  'Forest.deletes-not-accepted': {
    category: 'LimitsExceeded',
    transient: false,
    summary: 'Removing the forest would delete its objects in Entra ID, and the deletes were not accepted: nothing was changed.',
    ...actions((say) => `Review the deletes listed; if they are intended, run ${say.run('forest remove', '--name', 'NAME', '--accept-deletes')}.`),
  },
  // Running a cycle.
  'Sync.already-running': {
    category: 'ResourceUnavailable',
    transient: true,
    summary: 'Another synchronization is running for this installation.',
    ...actions((say) => `Wait for the running cycle to end (${say.command('status')} shows it), then run ${say.command('sync')} again.`),
  },
  'Sync.another-active-installation': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'Another installation is the active one for this tenant: this one writes nothing, so that two do not fight over every object.',
    ...actions(
      (say) =>
        `Promote this installation (${say.command('promote')}) once the other is stopped, or configure it as a standby (${say.option('--staging')}); a lease not renewed for longer than configured may be taken with ${say.run('sync', '--take-over-lease')}.`,
    ),
  },
  'Sync.preview-write-blocked': {
    category: 'NotSpecified',
    transient: false,
    summary: 'A preview run was about to write to the cloud; the write was blocked.',
    action: 'This is a defect of DirSync: report it with the verbose log of the run.',
  },
  // Reports.
  'Report.run-not-found': {
    category: 'ObjectNotFound',
    transient: false,
    summary: 'The run asked for is not in the run history.',
    ...actions((say) => `List the runs with ${say.command('status')} and give one of their ids.`),
  },
  // One object (explain, sync --object).
  'Explain.not-found': {
    category: 'ObjectNotFound',
    transient: false,
    summary: 'No object matches the identity given: not in Active Directory as DirSync reads it, not in its store, not in the tenant.',
    action:
      'Check the spelling; give the DN, the UPN, the anchor (sourceAnchor, Base64 objectGUID) or the cloud object id. An object the service account may not see is found by what DirSync synchronized of it.',
  },
  // Saved plans (sync --save-plan / --apply-plan).
  'Plan.unreadable': {
    category: 'InvalidData',
    transient: false,
    summary: 'The file is not a DirSync plan.',
    ...actions((say) => `Give the file that ${say.run('sync', '--preview', '--save-plan')} wrote.`),
  },
  'Plan.tampered': {
    category: 'InvalidData',
    transient: false,
    summary: 'The plan was changed after it was saved (its digest does not match): it is refused whole.',
    ...actions((say) => `Save a new plan with ${say.run('sync', '--preview', '--save-plan')}, review it, and apply that one unchanged.`),
  },
  'Plan.outdated': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'The plan no longer applies: the configuration, the store, Active Directory or the cloud moved since it was computed. Nothing was sent.',
    ...actions((say) => `Save a new plan (${say.run('sync', '--preview', '--save-plan')}), review it again, and apply it.`),
  },
  // What a command that ran to its end reports besides its results (the module writes it as a non-terminating error).
  'Sync.completed-with-export-errors': {
    category: 'InvalidData',
    transient: false,
    summary: 'The run completed, but some objects could not be exported to Entra ID; the run lists them in its errors.',
    ...actions(
      (say) =>
        `Correct the objects named in the errors (${say.command('readiness')} finds duplicate and invalid values), then run ${say.command('sync')} again; failed objects are retried by every cycle.`,
    ),
  },
  'Sync.deletion-threshold-exceeded': {
    category: 'LimitsExceeded',
    transient: false,
    summary: 'The run stopped: it would have deleted more objects than the deletion threshold allows, so no delete was exported.',
    ...actions(
      (say) => `Review the planned deletes with ${say.run('sync', '--preview')}; if they are intended, run ${say.run('sync', '--accept-deletes')}.`,
    ),
  },
  'Readiness.errors-found': {
    category: 'InvalidData',
    transient: false,
    summary: 'The readiness check found objects that will fail or be rewritten on export: the findings of severity error name them.',
    ...actions((say) => `Correct each object as its fix says, then run ${say.command('readiness')} again.`),
  },
  // The attribute mapping (mapping set / get / test; per-object errors of a cycle).
  'Mapping.invalid-file': {
    category: 'InvalidData',
    transient: false,
    summary: 'The attribute mapping file is not JSON, or not in the mapping format.',
    ...actions((say) => `Correct the file (README: "The attribute mapping"), then run ${say.command('mapping set')} again.`),
  },
  'Mapping.syntax-error': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'An expression of the attribute mapping is not written in the expression syntax.',
    ...actions((say) => `Correct the expression at the column named, then run ${say.command('mapping set')} again.`),
  },
  'Mapping.unknown-function': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'An expression of the attribute mapping calls a function DirSync does not know (names are case-sensitive).',
    ...actions((say) => `Use one of the functions the README lists, spelt as listed, then run ${say.command('mapping set')} again.`),
  },
  'Mapping.wrong-argument-count': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'A function in the attribute mapping is given the wrong number or the wrong form of arguments.',
    ...actions(
      (say) => `Give the function the arguments of Microsoft's reference (the message lists them), then run ${say.command('mapping set')} again.`,
    ),
  },
  'Mapping.unknown-target': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The attribute mapping names a target that is not a cloud property DirSync can set.',
    ...actions((say) => `Use a target the README lists (or extension:<name>), then run ${say.command('mapping set')} again.`),
  },
  'Mapping.read-only-target': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The attribute mapping sets a cloud property DirSync must not or cannot set that way (the message says why).',
    ...actions((say) => `Remove that target from the mapping, or map it as the message says, then run ${say.command('mapping set')} again.`),
  },
  'Mapping.unknown-attribute': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'An expression of the attribute mapping reads an attribute the Active Directory schema does not have, or one DirSync cannot read.',
    ...actions(
      (say) => `Correct the attribute name (its lDAPDisplayName), or extend the schema first, then run ${say.command('mapping set')} again.`,
    ),
  },
  'Mapping.expression-failed': {
    category: 'InvalidData',
    transient: false,
    summary: 'An expression of the attribute mapping failed on this object (Error(…), or a function refused a value): it was not exported.',
    ...actions(
      (say) => `Correct the object's attributes in Active Directory, or the expression (${say.command('mapping test')} shows what it gives).`,
    ),
  },
  'Mapping.value-refused': {
    category: 'InvalidData',
    transient: false,
    summary: "The value an expression gave does not fit its target (the target's type, or too many values): the object was not exported.",
    ...actions(
      (say) => `Correct the object's attributes in Active Directory, or the expression (${say.command('mapping test')} shows what it gives).`,
    ),
  },
  'Mapping.extension-type-conflict': {
    category: 'InvalidData',
    transient: false,
    summary: "A directory extension property the mapping writes is registered on DirSync's application with another data type.",
    action: "Map it with the data type it is registered with, or under another extension name: Graph cannot change a property's data type.",
  },
  'Mapping.object-not-synchronized': {
    category: 'ObjectNotFound',
    transient: false,
    summary: 'The object is not in Active Directory, or DirSync does not synchronize it (out of scope, excluded, or not a user or group).',
    action: 'Give the distinguished name of a user or group in the synchronization scope.',
  },
  // Staging mode.
  'Staging.standby': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'This installation is a standby (staging mode): it exports nothing.',
    ...actions((say) => `Promote it first (${say.run('promote', '--path', 'DIR')}) if it is to take over, after stopping the active installation.`),
  },
  // The service's metrics endpoint.
  'Service.metrics-address-not-loopback': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The metrics endpoint would be reachable from the network, and that was not asked for explicitly.',
    ...actions(
      (say) =>
        `Listen on 127.0.0.1 or [::1] (a local Prometheus agent scrapes it), or add ${say.option('--metrics-allow-remote')} and restrict the port with a firewall.`,
    ),
  },
  'Service.metrics-listen-failed': {
    category: 'ResourceUnavailable',
    transient: false,
    summary: 'The metrics endpoint cannot listen on the address given.',
    action: 'Choose another port (another process holds this one) or an address of this machine.',
  },
  // Notifications (mail, webhook) and settings files.
  'Notification.not-configured': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'No mail server and no webhook is configured for notifications.',
    ...actions(
      (say) =>
        `Configure one: ${say.run('configure', '--notify-smtp', 'HOST:PORT', '--notify-from', 'ADDR', '--notify-to', 'ADDR')}, or ${say.option('--notify-webhook')} https://….`,
    ),
  },
  'Notification.undeliverable': {
    category: 'ConnectionError',
    transient: true,
    summary: 'A notification could not be delivered: the mail server or the webhook refused it or did not answer.',
    ...actions(
      (say) =>
        `Check the server named in the message (address, port, STARTTLS, its certificate, the account), then run ${say.run('notify test')}; undelivered notifications are sent again after the next run.`,
    ),
  },
  'Settings.file-invalid': {
    category: 'InvalidData',
    transient: false,
    summary: 'The file is not a DirSync settings file (dirsync settings export writes them).',
    ...actions((say) => `Give a file written by ${say.run('settings export')}, edited only where its values allow.`),
  },
  'Settings.import-onto-active': {
    category: 'InvalidOperation',
    transient: false,
    summary: 'Settings are imported into a new installation or a standby, never into the active one (it would become a standby).',
    ...actions(
      (say) =>
        `Install a new installation (${say.run('install', '--path', 'DIR')}) and import into it; change the active one with ${say.command('configure')}.`,
    ),
  },
  'Settings.differ': {
    category: 'InvalidOperation',
    transient: false,
    summary: "The standby's settings differ from the active installation's exported ones: promoting it would change what is synchronized.",
    ...actions(
      (say) =>
        `Bring the standby in line (${say.command('settings import')}, ${say.command('configure')}) until ${say.command('settings compare')} shows no difference, or ${say.run('promote', '--force')} if the differences are intended.`,
    ),
  },
  // Parameters and the module protocol.
  'Parameters.invalid': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The parameters given are not valid.',
    ...actions((say) => `See ${say.help} for the expected values.`),
  },
  'Module.invalid-request': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The DirSync executable could not read the request from the PowerShell module.',
    action: 'Use the DirSync module and executable of the same version.',
  },
  'Module.unknown-command': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'This DirSync executable does not know the command the module asked for.',
    action: 'Use the DirSync module and executable of the same version: reinstall DirSync.',
  },
  // What the executable runs on.
  'Runtime.unsupported-node': {
    category: 'NotInstalled',
    transient: false,
    summary: 'DirSync needs Node.js 24 or later, and this Node is older.',
    action:
      'Run it with Node 24 or later (in a checkout: npx dirsync …, which uses the Node npm ci installed), or use the single executable, which needs no Node.',
  },
  'Module.protocol-mismatch': {
    category: 'InvalidOperation',
    transient: false,
    summary: "The PowerShell module and the DirSync executable speak different versions of the module protocol: neither runs the other's requests.",
    action:
      'Use the module and the executable of one DirSync release: reinstall DirSync, or point $env:DIRSYNC_EXECUTABLE at the executable that came with the module.',
  },
  // The PowerShell module's own failures, before or around the executable.
  'Module.executable-missing': {
    category: 'ObjectNotFound',
    transient: false,
    summary: 'The DirSync executable is missing next to the PowerShell module.',
    action: 'Reinstall the DirSync module, or build it from source with build.ps1.',
  },
  'Module.executable-failed-to-start': {
    category: 'ResourceUnavailable',
    transient: false,
    summary: 'The DirSync executable could not be started.',
    action: 'Check that the file exists and may be executed, or reinstall DirSync.',
  },
  'Module.executable-failed': {
    category: 'InvalidResult',
    transient: false,
    summary: 'The DirSync executable ended with a failure without saying why.',
    action: 'Run the command again with -Verbose; if it fails again, report the details to the DirSync project.',
  },
  'Module.node-not-found': {
    category: 'ObjectNotFound',
    transient: false,
    summary: 'DirSync runs on Node.js, and none was found.',
    action: 'Install the Node.js version the message names, or set $env:DIRSYNC_NODE to the path of its node executable.',
  },
  'Module.node-too-old': {
    category: 'ResourceUnavailable',
    transient: false,
    summary: 'The Node.js found is older than DirSync needs.',
    action: 'Install the Node.js version the message names, or set $env:DIRSYNC_NODE to the path of a newer node executable.',
  },
  'Module.credential-required': {
    category: 'InvalidArgument',
    transient: false,
    summary: 'The cmdlet needs a credential and could not ask for one (nobody can answer a prompt here).',
    action: 'Pass the credential parameter the message names (a PSCredential) on the command line.',
  },
  // A defect: something DirSync did not expect.
  'Internal.unexpected': {
    category: 'NotSpecified',
    transient: false,
    summary: 'DirSync failed unexpectedly.',
    ...actions((say) => `Run the command again with ${say.option('--verbose')} and report the details it shows to the DirSync project.`),
  },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof errorCatalogue;

export const ERROR_CODES = Object.keys(errorCatalogue) as ErrorCode[];
