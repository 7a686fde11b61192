function Get-CoexistenceConfiguration {
    <#
    .SYNOPSIS
    Shows how DirSync is configured.

    .DESCRIPTION
    Returns the configuration of a DirSync installation as a
    DirSync.Configuration object: the Active Directory server and account,
    the Entra ID tenant, application and cloud, the OUs in scope, the
    optional features and the deletion threshold. Secrets are never
    returned, only whether one is stored.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceConfiguration's.

    .EXAMPLE
    Get-CoexistenceConfiguration

    Shows the configuration of the installation in the default directory.

    .EXAMPLE
    (Get-CoexistenceConfiguration -InstallPath D:\DirSync).IncludeOU

    Lists the organizational units synchronized by the installation in
    D:\DirSync.

    .EXAMPLE
    Get-CoexistenceConfiguration -InstallPath D:\DirSync |
        Start-OnlineCoexistenceSync

    Synchronizes the installation the configuration belongs to: its Path
    binds to -InstallPath.

    .LINK
    Set-CoexistenceConfiguration
    #>
    [CmdletBinding()]
    [OutputType('DirSync.Configuration')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'get-configuration' -Parameters ([ordered]@{ path = $path })
    }
}
