function Export-OnlineCoexistenceSyncReport {
    <#
    .SYNOPSIS
    Writes a synchronization run as one HTML page people can read and
    review.

    .DESCRIPTION
    Makes a self-contained HTML file (no external assets; it can be mailed
    or attached to a change ticket) from what the installation kept of a
    run: the summary (mode, status, duration, counts), every object added
    or updated with the attributes that changed (old and new value;
    secrets are never kept), the objects deleted, the objects that failed
    grouped by error code with what to do, and the deletes the run
    withheld. The run history keeps the most recent runs; their changes go
    with them.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere.

    .PARAMETER RunId
    The run (Get-OnlineCoexistenceSyncHistory lists them). Default: the
    last run that ended.

    .PARAMETER HtmlPath
    Where to write the page.

    .EXAMPLE
    Export-OnlineCoexistenceSyncReport -HtmlPath .\last-run.html

    Writes the last run's page.

    .EXAMPLE
    Get-OnlineCoexistenceSyncHistory -Last 1 |
        Export-OnlineCoexistenceSyncReport -HtmlPath .\review.html

    Writes the page of the run piped in.

    .LINK
    Get-OnlineCoexistenceSyncHistory
    #>
    [CmdletBinding()]
    [OutputType('DirSync.SyncReport')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [Parameter(ValueFromPipelineByPropertyName)]
        [ValidateRange(1, [int]::MaxValue)]
        [int] $RunId,

        [Parameter(Mandatory)]
        [string] $HtmlPath
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        $parameters = [ordered]@{ path = $path; html = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($HtmlPath) }
        if ($RunId) { $parameters.run = $RunId }
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'report' -Parameters $parameters
    }
}
