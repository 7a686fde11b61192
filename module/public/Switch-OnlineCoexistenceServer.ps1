function Switch-OnlineCoexistenceServer {
    <#
    .SYNOPSIS
    Makes a standby installation the active one: from its next cycle, it
    writes to Entra ID.

    .DESCRIPTION
    Fails synchronization over to a standby installation, one configured
    with Set-CoexistenceConfiguration -Staging. A standby follows the
    active installation: each of its cycles imports from Active Directory,
    plans against the cloud and exports nothing. Once switched, its next
    cycle exports. Its store followed the active one's, so it creates
    nothing again and matches nothing twice.

    Stop the installation it replaces first (its scheduler or service):
    otherwise both write to Entra ID. An installation that is already
    active stays as it is. The switch waits for a standby cycle in flight
    to end. Returns the configuration as a DirSync.Configuration object,
    whose Staging is then False.

    The verb is Switch, as in Switch-SqlAvailabilityGroup, which fails an
    availability group over to the replica it runs on: the active role
    moves to this installation. Set-CoexistenceConfiguration -Staging
    turns an installation back into a standby.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER CompareWith
    A settings file the active installation exported
    (Export-CoexistenceConfiguration): every difference with this
    installation's settings is shown, and the switch is refused while
    there is one, unless -Force.

    .PARAMETER Force
    With -CompareWith: switch even though the settings differ (the
    differences are shown as warnings).

    .EXAMPLE
    Switch-OnlineCoexistenceServer -InstallPath D:\DirSync

    Makes the standby in D:\DirSync the active installation, after asking
    for confirmation.

    .EXAMPLE
    Get-CoexistenceConfiguration | Where-Object Staging |
        Switch-OnlineCoexistenceServer -Confirm:$false

    Makes the installation in the default directory active if it is a
    standby, without asking.

    .EXAMPLE
    Switch-OnlineCoexistenceServer -WhatIf

    Says what the switch would do; nothing changes.

    .EXAMPLE
    Switch-OnlineCoexistenceServer -CompareWith .\active-settings.json

    Switches only if this standby is configured as the active installation
    whose exported settings are in the file; lists what differs otherwise.

    .LINK
    Set-CoexistenceConfiguration

    .LINK
    Start-OnlineCoexistenceScheduler
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('DirSync.Configuration')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [ValidateNotNullOrEmpty()]
        [string] $CompareWith,

        [switch] $Force
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        if ($PSCmdlet.ShouldProcess($path, 'Make this installation the active one: its next cycle writes to Entra ID')) {
            $parameters = [ordered]@{ path = $path }
            # Files are named by full path: the executable does not share this session's current location.
            if ($PSBoundParameters.ContainsKey('CompareWith')) { $parameters.compareWith = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($CompareWith) }
            if ($Force) { $parameters.force = $true }
            Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'promote' -Parameters $parameters
        }
    }
}
