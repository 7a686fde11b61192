function Start-OnlineCoexistenceScheduler {
    <#
    .SYNOPSIS
    Runs the synchronization schedule in this session: a cycle every
    interval, until Ctrl+C.

    .DESCRIPTION
    Does in this session what the DirSync service does: a cycle at once,
    then one every configured interval (3 hours unless changed). A cycle
    is a delta, or a full one when the engine needs it or when the last
    full import is older than the reconciliation period. Each run is
    written to the pipeline as a DirSync.SyncRun object as it ends. A
    cycle that fails (a domain controller down, sign-in refused) is a
    warning: the schedule goes on and tries again next time.

    Ctrl+C stops the schedule cleanly: a cycle in flight ends after its
    current batch and is recorded stopped-by-request. With -Cycles, the
    schedule stops by itself after that many cycles.

    To run the schedule unattended, start this cmdlet from a scheduled
    task or service manager, or run the executable's own service command
    there.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER IntervalMinutes
    Minutes between cycles, instead of the configured interval.

    .PARAMETER Cycles
    Stop after this many cycles. Without it, the schedule runs until
    Ctrl+C.

    .PARAMETER MetricsListen
    Serve Prometheus metrics on /metrics and health on /healthz at this
    host:port while the schedule runs, e.g. 127.0.0.1:9464.

    .PARAMETER MetricsAllowRemote
    Let -MetricsListen take an address other than loopback. Restrict the
    port with a firewall.

    .EXAMPLE
    Start-OnlineCoexistenceScheduler

    Synchronizes now and then every configured interval, until Ctrl+C.

    .EXAMPLE
    Start-OnlineCoexistenceScheduler -IntervalMinutes 30 -Cycles 4 |
        Format-Table

    Runs four cycles half an hour apart and shows the runs as a table.

    .EXAMPLE
    Start-OnlineCoexistenceScheduler -MetricsListen 127.0.0.1:9464

    Runs the schedule and serves its metrics to a local Prometheus agent.

    .LINK
    Start-OnlineCoexistenceSync

    .LINK
    Get-OnlineCoexistenceSyncHistory
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('DirSync.SyncRun')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [ValidateRange(1, [int]::MaxValue)]
        [int] $IntervalMinutes,

        [ValidateRange(1, [int]::MaxValue)]
        [int] $Cycles,

        [ValidateNotNullOrEmpty()]
        [string] $MetricsListen,

        [switch] $MetricsAllowRemote
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        $parameters = [ordered]@{ path = $path }
        $selected = Select-DirSyncBoundParameter -BoundParameters $PSBoundParameters -Map ([ordered]@{
            IntervalMinutes = 'intervalMinutes'; Cycles = 'cycles'; MetricsListen = 'metricsListen'; MetricsAllowRemote = 'metricsAllowRemote' })
        foreach ($name in $selected.Keys) { $parameters[$name] = $selected[$name] }
        $every = if ($IntervalMinutes) { "every $IntervalMinutes minute(s)" } else { 'at the configured interval' }
        if ($PSCmdlet.ShouldProcess($path, "Synchronize Active Directory to Entra ID $every$(if ($Cycles) { ", $Cycles time(s)" }), until stopped")) {
            Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'service' -Parameters $parameters
        }
    }
}
