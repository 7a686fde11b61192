function Compare-CoexistenceConfiguration {
    <#
    .SYNOPSIS
    Lists the settings that differ between a DirSync installation and a
    settings file.

    .DESCRIPTION
    Compares the installation's settings, as
    Export-CoexistenceConfiguration would write them, with a settings
    file, setting by setting, and writes one DirSync.SettingsDifference
    object per setting that differs (its dotted name, its value in the
    installation, its value in the file). Nothing is written when they are
    the same. Secrets are compared by whether each is stored, never by
    value.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER FilePath
    A settings file written by Export-CoexistenceConfiguration (dirsync
    settings export).

    .EXAMPLE
    Compare-CoexistenceConfiguration -InstallPath D:\DirSync-Standby `
        -FilePath .\active-settings.json

    Shows how the standby differs from the active installation's exported
    settings.

    .EXAMPLE
    if (Compare-CoexistenceConfiguration -FilePath .\approved.json) {
        Write-Warning 'The settings drifted from the approved file.'
    }

    Warns when the installation no longer matches the approved settings.

    .LINK
    Export-CoexistenceConfiguration

    .LINK
    Import-CoexistenceConfiguration
    #>
    [CmdletBinding()]
    [OutputType('DirSync.SettingsDifference')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [Parameter(Mandatory)]
        [ValidateNotNullOrEmpty()]
        [string] $FilePath
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        $parameters = [ordered]@{ path = $path; file = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($FilePath) }
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'settings-compare' -Parameters $parameters -ExpandProperty 'Differences'
    }
}
