function Export-CoexistenceConfiguration {
    <#
    .SYNOPSIS
    Writes the settings of a DirSync installation to a reviewable JSON
    file, without any secret.

    .DESCRIPTION
    Writes everything configured - the Active Directory and tenant
    endpoints, the scope and filters, the deletion threshold, the
    schedule, the write budget, matching, notifications and any policy
    added later - as one JSON file: keys sorted, lists sorted, so that two
    exports of an unchanged installation are byte for byte the same and a
    change review can diff them. No secret is written: the file says only
    whether each one is stored. Import-CoexistenceConfiguration builds a
    standby installation from the file; Compare-CoexistenceConfiguration
    lists the differences between an installation and a file.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER FilePath
    The settings file to write (replaced if it exists).

    .EXAMPLE
    Export-CoexistenceConfiguration -FilePath .\dirsync-settings.json

    Writes the settings of the installation in the default directory.

    .EXAMPLE
    Export-CoexistenceConfiguration -InstallPath D:\DirSync `
        -FilePath \\fileserver\changes\dirsync-settings.json
    git -C \\fileserver\changes diff dirsync-settings.json

    Writes the settings where the change review keeps them, and shows what
    changed since the last export.

    .LINK
    Import-CoexistenceConfiguration

    .LINK
    Compare-CoexistenceConfiguration
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType('DirSync.SettingsFile')]
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
        $file = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($FilePath)
        if (-not $PSCmdlet.ShouldProcess($file, "Export the settings of $path")) { return }
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'settings-export' -Parameters ([ordered]@{ path = $path; file = $file })
    }
}
