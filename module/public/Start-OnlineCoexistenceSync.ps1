function Start-OnlineCoexistenceSync {
    <#
    .SYNOPSIS
    Synchronizes Active Directory to Entra ID now.

    .DESCRIPTION
    Runs one synchronization cycle: a delta synchronization (only what changed since the last run) or,
    with -FullSync, a full one. Returns the run as a DirSync.SyncRun object, with progress while it runs.

    With -WhatIf nothing is written: the engine computes the plan - the objects it would create, update
    and delete in Entra ID - and returns it in the run's Plan property, as DirSync.PlannedOperation
    objects (Action, ObjectType, DistinguishedName, Changes).

    Ctrl+C stops the cycle cleanly: the batch in flight is finished and the run is recorded as
    stopped-by-request; the next run continues from there.

    When a cycle would delete more objects than the deletion threshold (Set-PreventAccidentalDeletes)
    allows, none of its deletes is exported and the run ends with status
    stopped-deletion-threshold-exceeded and a non-terminating error; -AcceptDeletes lets such deletes
    through once, after you have checked them.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on Windows, /var/lib/dirsync elsewhere.
    Alias -Path: it takes the Path of objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER FullSync
    Read every object in scope instead of only the changes since the last run.

    .PARAMETER AcceptDeletes
    Export the deletes of this run even when they exceed the deletion threshold.

    .EXAMPLE
    Start-OnlineCoexistenceSync

    Runs a delta synchronization.

    .EXAMPLE
    Start-OnlineCoexistenceSync -FullSync -WhatIf

    Shows what a full synchronization would change in Entra ID, without changing anything.

    .EXAMPLE
    $run = Start-OnlineCoexistenceSync -ErrorVariable problems
    if ($run.Status -eq 'stopped-deletion-threshold-exceeded') { $run.Plan | Where-Object Action -eq 'delete' }

    Runs a synchronization and, when the deletion threshold stopped it, lists the deletes it held back.

    .EXAMPLE
    Start-OnlineCoexistenceSync -AcceptDeletes -Confirm

    Exports the held-back deletes after asking for confirmation.

    .LINK
    Get-OnlineCoexistenceSyncHistory

    .LINK
    Set-PreventAccidentalDeletes
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('DirSync.SyncRun')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [switch] $FullSync,

        [switch] $AcceptDeletes
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        $kind = if ($FullSync) { 'full' } else { 'delta, or full when no watermark is stored yet' }
        $action = "Synchronize Active Directory to Entra ID ($kind$(if ($AcceptDeletes) { ', accepting deletes beyond the threshold' }))"
        if ($PSCmdlet.ShouldProcess($path, $action)) {
            $preview = $false
        } elseif ($WhatIfPreference) {
            # -WhatIf: the engine's own preview shows the real plan, not just this sentence.
            $preview = $true
        } else {
            return
        }
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'sync' -Parameters ([ordered]@{
            path = $path; full = $FullSync.IsPresent; preview = $preview; acceptDeletes = $AcceptDeletes.IsPresent })
    }
}
