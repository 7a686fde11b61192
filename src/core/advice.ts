// Advice that names a DirSync command or option is written once and said in two vocabularies: the command line's
// (`dirsync configure --path DIR`, `--include-ou`) and the PowerShell module's (`Set-CoexistenceConfiguration
// -InstallPath DIR`, `-IncludeOU`). The terminal shows the first (recommendedAction), the module the second
// (powerShellAction), so that neither audience is sent to the other's syntax.

/** Each command (or command and subcommand) of the command line and the cmdlet that does the same (test/pwsh checks that both exist). */
export const CMDLET_OF_COMMAND = {
  install: 'Install-OnlineCoexistenceTool',
  configure: 'Set-CoexistenceConfiguration',
  'get-configuration': 'Get-CoexistenceConfiguration',
  sync: 'Start-OnlineCoexistenceSync',
  status: 'Get-OnlineCoexistenceSyncHistory',
  restore: 'Restore-OnlineCoexistenceSyncRun',
  promote: 'Switch-OnlineCoexistenceServer',
  readiness: 'Test-CoexistenceReadiness',
  report: 'Export-OnlineCoexistenceSyncReport',
  explain: 'Get-OnlineCoexistenceObject',
  'deletion-threshold': 'Set-PreventAccidentalDeletes',
  service: 'Start-OnlineCoexistenceScheduler',
  uninstall: 'Uninstall-OnlineCoexistenceTool',
  'notify test': 'Test-CoexistenceNotification',
  'settings export': 'Export-CoexistenceConfiguration',
  'settings import': 'Import-CoexistenceConfiguration',
  'settings compare': 'Compare-CoexistenceConfiguration',
  'forest add': 'Add-CoexistenceForest',
  'forest list': 'Get-CoexistenceForest',
  'forest remove': 'Remove-CoexistenceForest',
  'mapping get': 'Get-CoexistenceAttributeMapping',
  'mapping set': 'Set-CoexistenceAttributeMapping',
  'mapping test': 'Test-CoexistenceAttributeMapping',
} as const;
export type CommandName = keyof typeof CMDLET_OF_COMMAND;

/** The command-line options that advice names, and the cmdlet parameter that does the same. */
export const PARAMETER_OF_OPTION = {
  '--path': '-InstallPath',
  '--ad-url': '-AdServer',
  '--ad-user': '-Credential',
  '--ad-ca-file': '-AdCaFile',
  '--include-ou': '-IncludeOU',
  '--exclude-ou': '-ExcludeOU',
  '--graph-endpoint': '-GraphEndpoint',
  '--authority-host': '-AuthorityHost',
  '--cloud': '-Cloud',
  '--staging': '-Staging',
  '--take-over-lease': '-TakeOverLease',
  '--soft-match': '-SoftMatch',
  '--write-budget': '-WriteBudget',
  '--enable-hybrid-deployment': '-EnableHybridDeployment',
  '--enable-password-sync': '-EnablePasswordSync',
  '--upgrade': '-Upgrade',
  '--keep-data': '-KeepData',
  '--sql-server': '-SqlServer',
  '--sql-instance': '-SqlServerInstance',
  '--preview': '-WhatIf',
  '--save-plan': '-SavePlan',
  '--accept-deletes': '-AcceptDeletes',
  '--metrics-allow-remote': '-MetricsAllowRemote',
  '--verbose': '-Verbose',
  '--force': '-Force',
  '--notify-smtp': '-NotifySmtpServer',
  '--notify-from': '-NotifyFrom',
  '--notify-to': '-NotifyTo',
  '--notify-webhook': '-NotifyWebhook',
  '--notify-webhook-secret': '-NotifyWebhookSecret',
  '--notify-smtp-tls': '-NotifySmtpTls',
  '--name': '-Name',
} as const;
export type OptionName = keyof typeof PARAMETER_OF_OPTION;

export interface Vocabulary {
  /** A command: `configure` | `Set-CoexistenceConfiguration`. */
  command(name: CommandName): string;
  /** An option: `--include-ou` | `-IncludeOU`. */
  option(name: OptionName): string;
  /**
   * A command to type: `dirsync install --upgrade --path DIR` | `Install-OnlineCoexistenceTool -Upgrade -InstallPath DIR`.
   * Words that are not options are values, quoted when they hold a space.
   */
  run(name: CommandName, ...words: string[]): string;
  /** Where the parameters are explained: `--help` | `Get-Help`. */
  readonly help: string;
  /** The credential option of configure and uninstall, with where its password goes. */
  readonly adCredential: string;
  /** The client secret of configure. */
  readonly clientSecret: string;
  /** The SQL Server credential of install. */
  readonly sqlCredential: string;
  /** The tenant and the application of configure. */
  readonly cloudApplication: string;
}

export const commandLine: Vocabulary = {
  command: (name) => name,
  option: (name) => name,
  run: (name, ...words) => ['dirsync', name, ...words.map((word) => (word.includes(' ') ? `"${word}"` : word))].join(' '),
  help: '--help',
  adCredential: '--ad-user and the password in DIRSYNC_AD_PASSWORD or as adPassword on stdin',
  clientSecret: 'the secret in DIRSYNC_CLIENT_SECRET or as clientSecret on stdin',
  sqlCredential: 'sqlUser and sqlPassword',
  cloudApplication: '--tenant-id and --client-id',
};

export const powerShell: Vocabulary = {
  command: (name) => CMDLET_OF_COMMAND[name],
  option: (name) => PARAMETER_OF_OPTION[name],
  run: (name, ...words) =>
    [
      CMDLET_OF_COMMAND[name],
      ...words.map((word) => (isOption(word) ? PARAMETER_OF_OPTION[word] : word.includes(' ') ? `'${word.replaceAll("'", "''")}'` : word)),
    ].join(' '),
  help: 'Get-Help',
  adCredential: '-Credential (a PSCredential)',
  clientSecret: '-TargetCredential (application id and client secret)',
  sqlCredential: '-ServiceCredential',
  cloudApplication: '-TenantId and -TargetCredential (or -ClientId with -CertificatePath)',
};

function isOption(word: string): word is OptionName {
  return Object.hasOwn(PARAMETER_OF_OPTION, word);
}

/** A catalogue entry's advice, said both ways: `action` for the command line, `powerShellAction` for the module. */
export function actions(words: (say: Vocabulary) => string): { action: string; powerShellAction: string } {
  return { action: words(commandLine), powerShellAction: words(powerShell) };
}

/** One error's own advice, said both ways (DirSyncErrorOptions). */
export function recommendedActions(words: (say: Vocabulary) => string): { recommendedAction: string; powerShellAction: string } {
  return { recommendedAction: words(commandLine), powerShellAction: words(powerShell) };
}
