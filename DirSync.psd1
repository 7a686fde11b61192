@{
    RootModule           = 'DirSync.psm1'
    # Kept equal to package.json's "productVersion" (a test checks it).
    ModuleVersion        = '1.0.7200.0000'
    GUID                 = '5b0f4d0e-8c57-4a53-9c1e-0d6f2b7a9e41'
    Author               = 'The DirSync contributors'
    CompanyName          = 'DirSync'
    Copyright            = '(c) The DirSync contributors. MIT licence.'
    Description          = 'DirSync: one-way synchronization of on-premises Active Directory to Microsoft Entra ID (Microsoft Graph). An open-source re-implementation of the Azure Active Directory Sync tool''s cmdlets.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FunctionsToExport    = @(
        'Add-CoexistenceForest'
        'Compare-CoexistenceConfiguration'
        'Export-CoexistenceConfiguration'
        'Export-OnlineCoexistenceSyncReport'
        'Get-CoexistenceAttributeMapping'
        'Get-CoexistenceConfiguration'
        'Get-CoexistenceForest'
        'Get-OnlineCoexistenceObject'
        'Get-OnlineCoexistenceSyncHistory'
        'Import-CoexistenceConfiguration'
        'Install-OnlineCoexistenceTool'
        'Remove-CoexistenceForest'
        'Restore-OnlineCoexistenceSyncRun'
        'Set-CoexistenceAttributeMapping'
        'Set-CoexistenceConfiguration'
        'Set-PreventAccidentalDeletes'
        'Start-OnlineCoexistenceScheduler'
        'Start-OnlineCoexistenceSync'
        'Switch-OnlineCoexistenceServer'
        'Test-CoexistenceNotification'
        'Test-CoexistenceAttributeMapping'
        'Test-CoexistenceReadiness'
        'Uninstall-OnlineCoexistenceTool'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FormatsToProcess     = @('DirSync.Format.ps1xml')
    PrivateData          = @{
        PSData = @{
            Tags         = @('DirSync', 'ActiveDirectory', 'EntraID', 'AzureAD', 'MicrosoftGraph', 'Synchronization', 'Identity', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/dirsync/dirsync'
            ReleaseNotes = @'
1.0.7200.0000
- Do no harm: deletes confirmed by objectGUID (never what the account merely cannot see), a deletion guard by count
  and share (Set-PreventAccidentalDeletes -DeletionSharePercent), Restore-OnlineCoexistenceSyncRun, soft match that
  never takes an administrator or a rewritten UPN, the AAD_ account with Replicating Directory Changes only
  (Uninstall-OnlineCoexistenceTool -RemoveServiceAccount).
- PowerShell-shaped objects (PascalCase, flat counts, views), -InstallPath from the pipeline, tab completion, Ctrl+C.
- Errors carry a stable code (FullyQualifiedErrorId = code,Cmdlet).
- Test-CoexistenceReadiness and Export-OnlineCoexistenceSyncReport.
- Switch-OnlineCoexistenceServer (promote a standby) and Start-OnlineCoexistenceScheduler (the service's schedule in
  the session): every command of the executable has its cmdlet.
- Every error id is a code of DirSync's catalogue, with advice in PowerShell's words: CompletedWithExportErrors is
  now Sync.completed-with-export-errors, DeletionThresholdExceeded Sync.deletion-threshold-exceeded,
  ReadinessErrorsFound Readiness.errors-found, CredentialRequired Module.credential-required, NodeTooOld
  Module.node-too-old, NodeNotFound Module.node-not-found, DirSyncExecutableMissing Module.executable-missing,
  DirSyncExecutableFailed Module.executable-failed, DirSyncExecutableFailedToStart Module.executable-failed-to-start.
- The module and the executable check each other's protocol version and refuse a mismatch (Module.protocol-mismatch).

1.0.7100.0000
- Install-OnlineCoexistenceTool (embedded store or standalone SQL Server, in-place upgrade from 1.0.6385.0012 on),
  Set-CoexistenceConfiguration, Get-CoexistenceConfiguration, Start-OnlineCoexistenceSync (-WhatIf previews the plan),
  Set-PreventAccidentalDeletes, Get-OnlineCoexistenceSyncHistory, Uninstall-OnlineCoexistenceTool.
- Credentials reach the executable on stdin only, never on a command line.
- Password hash sync is not possible through Microsoft Graph; -EnablePasswordSync says so instead of pretending.
'@
        }
    }
}
