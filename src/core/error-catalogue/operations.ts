// Error codes: Notifications and settings, parameters and the module protocol, the runtime, the module, defects.
import { actions } from '../advice.ts';
import type { CatalogueEntry } from './entry.ts';

export const operationErrors = {
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
