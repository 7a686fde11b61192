function Restore-OnlineCoexistenceSyncRun {
    <#
    .SYNOPSIS
    Brings back what one synchronization run deleted in Entra ID.

    .DESCRIPTION
    Undoes the deletes of a run (find its RunId with
    Get-OnlineCoexistenceSyncHistory): users come back from the tenant's
    deleted items, which keep them for 30 days, with their object id and
    anchor; security groups, which Entra ID deletes for good, are created
    again with the attributes DirSync last exported. Memberships come back
    as last exported, and the objects are linked again: the next cycle
    changes nothing where Active Directory agrees, and Active Directory
    wins where it does not (an object still deleted there is deleted
    again). Objects already back are left alone. Returns one
    DirSync.RestoreRun object.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER RunId
    The run whose deletes to undo. Takes the RunId of DirSync.SyncRun
    objects piped in.

    .EXAMPLE
    Get-OnlineCoexistenceSyncHistory -Last 10 |
        Where-Object Deleted -gt 0 | Format-Table

    Finds the runs that deleted something.

    .EXAMPLE
    Restore-OnlineCoexistenceSyncRun -RunId 42 -WhatIf

    Lists what would be restored; nothing is written.

    .EXAMPLE
    Restore-OnlineCoexistenceSyncRun -RunId 42 -Confirm:$false |
        Select-Object -ExpandProperty Restored

    Restores what run 42 deleted, without asking, and shows each object
    brought back.

    .LINK
    Get-OnlineCoexistenceSyncHistory
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('DirSync.RestoreRun')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [ValidateRange(1, [int]::MaxValue)]
        [int] $RunId
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        if ($PSCmdlet.ShouldProcess($path, "Restore in Entra ID what run $RunId deleted")) {
            $preview = $false
        } elseif ($WhatIfPreference) {
            # -WhatIf: the executable's own preview lists what would come back.
            $preview = $true
        } else {
            return
        }
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'restore' -Parameters ([ordered]@{ path = $path; run = $RunId; preview = $preview })
    }
}
