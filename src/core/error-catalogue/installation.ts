// Error codes: The state store, the installation, its configuration, secrets and forests.
import { actions } from '../advice.ts';
import { reconfigure, type CatalogueEntry } from './entry.ts';

export const installationErrors = {
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
} as const satisfies Record<string, CatalogueEntry>;
