function Set-PreventAccidentalDeletes {
    <#
    .SYNOPSIS
    Turns the protection against accidental mass deletes on or off.

    .DESCRIPTION
    With the protection on, a synchronization cycle that would delete more
    objects in Entra ID than the threshold — or, once it deletes more than
    5, more than a share of the objects DirSync keeps there — exports none
    of its deletes and stops with status
    stopped-deletion-threshold-exceeded, so that a filtering mistake or a
    deleted OU does not empty the tenant, however small. Membership
    removals are guarded the same way. Returns the new setting as a
    DirSync.DeletionThreshold object.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER Enable
    Turn the protection on.

    .PARAMETER ObjectDeletionThreshold
    The most deletes one cycle may export (with -Enable).

    .PARAMETER DeletionSharePercent
    The largest share (percent) of the synchronized objects one cycle may
    delete (with -Enable; default 20, or the value set before).

    .PARAMETER Disable
    Turn the protection off: every delete is exported.

    .EXAMPLE
    Set-PreventAccidentalDeletes -Enable -ObjectDeletionThreshold 500

    Stops any cycle that would delete more than 500 objects.

    .EXAMPLE
    Set-PreventAccidentalDeletes -Enable -ObjectDeletionThreshold 500 `
        -DeletionSharePercent 10

    Also stops any cycle that would delete more than 10 % of the
    synchronized objects (once it deletes more than 5).

    .EXAMPLE
    Set-PreventAccidentalDeletes -Disable -Confirm:$false

    Turns the protection off without asking.

    .LINK
    Start-OnlineCoexistenceSync
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Enable')]
    [OutputType('DirSync.DeletionThreshold')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [Parameter(Mandatory, ParameterSetName = 'Enable')]
        [switch] $Enable,

        [Parameter(Mandatory, ParameterSetName = 'Enable')]
        [ValidateRange(1, [int]::MaxValue)]
        [int] $ObjectDeletionThreshold,

        [Parameter(ParameterSetName = 'Enable')]
        [ValidateRange(1, 100)]
        [int] $DeletionSharePercent,

        [Parameter(Mandatory, ParameterSetName = 'Disable')]
        [switch] $Disable
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        $parameters = [ordered]@{ path = $path; enable = $Enable.IsPresent; disable = $Disable.IsPresent }
        if ($Enable) {
            $parameters.threshold = $ObjectDeletionThreshold
            if ($PSBoundParameters.ContainsKey('DeletionSharePercent')) { $parameters.sharePercent = $DeletionSharePercent }
            $action = "Stop synchronization cycles that would delete more than $ObjectDeletionThreshold objects"
        } else {
            $action = 'Turn off the protection against accidental deletes'
        }
        if ($PSCmdlet.ShouldProcess($path, $action)) {
            Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'deletion-threshold' -Parameters $parameters
        }
    }
}
