function Get-OnlineCoexistenceSyncHistory {
    <#
    .SYNOPSIS
    Shows the last synchronization runs and what they did.

    .DESCRIPTION
    Answers "is a sync running and what did the last one do?": returns the
    last runs, newest first, as DirSync.SyncRun objects with their status
    (success, completed-export-errors,
    stopped-deletion-threshold-exceeded, stopped-by-request…), the counts
    of objects Added, Updated, Deleted and Unchanged, and in Errors the
    objects that could not be exported with the reason.

    The name follows the original tool's OnlineCoexistence family;
    "history" because it lists past runs, as the operations history of
    Entra Connect's Synchronization Service Manager does.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER Last
    How many runs to return, newest first (1-1000). Default: 5.

    .EXAMPLE
    Get-OnlineCoexistenceSyncHistory

    Shows the last five runs.

    .EXAMPLE
    Get-OnlineCoexistenceSyncHistory -Last 1 | ForEach-Object Errors

    Lists the objects the last run could not export (DistinguishedName,
    Code, Message).

    .EXAMPLE
    Get-OnlineCoexistenceSyncHistory -Last 50 |
        Where-Object Status -ne 'success' | Format-Table

    Finds the runs among the last fifty that did not fully succeed.

    .EXAMPLE
    Get-OnlineCoexistenceSyncHistory -Last 5 |
        Select-Object RunId, Mode, Status, StartedAt, Added, Updated,
            Deleted | Export-Csv runs.csv

    Saves the last five runs for a report.

    .LINK
    Start-OnlineCoexistenceSync
    #>
    [CmdletBinding()]
    [OutputType('DirSync.SyncRun')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [ValidateRange(1, 1000)]
        [int] $Last
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        $parameters = [ordered]@{ path = $path }
        # Without -Last, the executable's default.
        if ($PSBoundParameters.ContainsKey('Last')) { $parameters.last = $Last }
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'status' -Parameters $parameters
    }
}
