function Start-OnlineCoexistenceSync {
    <#
    .SYNOPSIS
    Synchronizes Active Directory to Entra ID now.

    .DESCRIPTION
    Runs one synchronization cycle: a delta synchronization (only what
    changed since the last run) or, with -FullSync, a full one. Returns
    the run as a DirSync.SyncRun object, with progress while it runs.

    With -WhatIf nothing is written: the engine computes the plan - the
    objects it would create, update and delete in Entra ID - and returns
    it in the run's Plan property, as DirSync.PlannedOperation objects
    (Action, ObjectType, DistinguishedName, Changes).

    Ctrl+C stops the cycle cleanly: the batch in flight is finished and
    the run is recorded as stopped-by-request; the next run continues from
    there.

    When a cycle would delete more objects than the deletion threshold
    (Set-PreventAccidentalDeletes) allows, none of its deletes is exported
    and the run ends with status stopped-deletion-threshold-exceeded and a
    non-terminating error; -AcceptDeletes lets such deletes through once,
    after you have checked them.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER FullSync
    Read every object in scope instead of only the changes since the last
    run.

    .PARAMETER AcceptDeletes
    Export the deletes of this run even when they exceed the deletion
    threshold.

    .PARAMETER SavePlan
    With -WhatIf: save the whole plan to this file for approval - every
    operation with its attributes (never a password), the configuration,
    store and Active Directory position it was computed from, and a
    digest. Apply it, unchanged, with -Plan.

    .PARAMETER Plan
    Apply an approved plan saved with -WhatIf -SavePlan: exactly its
    operations are sent, its deletes count as accepted. If Active
    Directory, the configuration, the store or the cloud moved since it
    was computed, or the file was edited, nothing is sent and the command
    fails (Plan.outdated, Plan.tampered).

    .PARAMETER Identity
    Synchronizes this one object now: its distinguished name,
    userPrincipalName, anchor or cloud object id. It goes through the same
    steps as in a cycle - scope, match, the deletion guard - with its group
    memberships and its manager; nothing else is read or sent, and the next
    cycle still picks up every other change. The run (mode object, or
    preview-object with -WhatIf) lists its Steps. Taken from the pipeline
    by property name (Anchor, then DistinguishedName).

    .EXAMPLE
    Start-OnlineCoexistenceSync

    Runs a delta synchronization.

    .EXAMPLE
    Start-OnlineCoexistenceSync -FullSync -WhatIf

    Shows what a full synchronization would change in Entra ID, without
    changing anything.

    .EXAMPLE
    $run = Start-OnlineCoexistenceSync -ErrorVariable problems
    if ($run.Status -eq 'stopped-deletion-threshold-exceeded') {
        $run.Plan | Where-Object Action -eq 'delete'
    }

    Runs a synchronization and, when the deletion threshold stopped it,
    lists the deletes it held back.

    .EXAMPLE
    Start-OnlineCoexistenceSync -WhatIf -SavePlan ./tonight.plan.json
    Start-OnlineCoexistenceSync -Plan ./tonight.plan.json

    Saves tonight's plan for a colleague to review, then applies exactly
    that plan once it is approved.

    .EXAMPLE
    Start-OnlineCoexistenceSync -Identity anna.berg@contoso.com

    Synchronizes Anna now, without waiting for the next cycle, and shows
    each step.

    .EXAMPLE
    Start-OnlineCoexistenceSync -AcceptDeletes -Confirm

    Exports the held-back deletes after asking for confirmation.

    .LINK
    Get-OnlineCoexistenceSyncHistory

    .LINK
    Set-PreventAccidentalDeletes

    .LINK
    Get-OnlineCoexistenceObject
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Cycle')]
    [OutputType('DirSync.SyncRun')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [Parameter(ParameterSetName = 'Cycle')]
        [switch] $FullSync,

        [Parameter(ParameterSetName = 'Cycle')]
        [Parameter(ParameterSetName = 'Object')]
        [switch] $AcceptDeletes,

        [Parameter(ParameterSetName = 'Cycle')]
        [ValidateNotNullOrEmpty()]
        [string] $SavePlan,

        [Parameter(Mandatory, ParameterSetName = 'ApplyPlan')]
        [ValidateNotNullOrEmpty()]
        [string] $Plan,

        [Parameter(Mandatory, ParameterSetName = 'Object', ValueFromPipelineByPropertyName)]
        [Alias('Anchor', 'DistinguishedName')]
        [ValidateNotNullOrEmpty()]
        [string] $Identity
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        if ($PSCmdlet.ParameterSetName -eq 'ApplyPlan') {
            $planFile = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Plan)
            if ($PSCmdlet.ShouldProcess($path, "Apply the approved plan $planFile to Entra ID")) {
                Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'sync' -Parameters ([ordered]@{ path = $path; applyPlan = $planFile })
            }
            return
        }
        $kind = if ($Identity) { "only $Identity" } elseif ($FullSync) { 'full' } else { 'delta, or full when no watermark is stored yet' }
        $action = "Synchronize Active Directory to Entra ID ($kind$(if ($AcceptDeletes) { ', accepting deletes beyond the threshold' }))"
        $parameters = [ordered]@{ path = $path; full = $FullSync.IsPresent; acceptDeletes = $AcceptDeletes.IsPresent }
        if ($Identity) { $parameters.object = $Identity }
        if ($SavePlan) { $parameters.savePlan = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($SavePlan) }
        if ($PSCmdlet.ShouldProcess($path, $action)) {
            $preview = $false
        } elseif ($WhatIfPreference) {
            # -WhatIf: the engine's own preview shows the real plan, not just this sentence.
            $preview = $true
        } else {
            return
        }
        $parameters.preview = $preview
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'sync' -Parameters $parameters
    }
}
