function Get-CoexistenceForest {
    <#
    .SYNOPSIS
    Lists the Active Directory forests an installation synchronizes.

    .DESCRIPTION
    Returns one DirSync.Forest object per forest, the first one (configured
    by Set-CoexistenceConfiguration) first, then those Add-CoexistenceForest
    brought in: its name (DNS root), the domain controller and the account
    it is read with, its service account, its scope, and whether its account
    sees deletions in a delta. No secret is ever returned, only whether one
    is stored.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER Name
    Only the forest of this name (its DNS root, such as
    fabrikam.example.com).

    .EXAMPLE
    Get-CoexistenceForest

    Lists the forests of the installation in the default directory.

    .EXAMPLE
    Get-CoexistenceForest -Name fabrikam.example.com |
        Remove-CoexistenceForest -WhatIf

    Shows what taking the fabrikam.example.com forest out of the
    installation would delete in Entra ID.

    .LINK
    Add-CoexistenceForest

    .LINK
    Remove-CoexistenceForest
    #>
    [CmdletBinding()]
    [OutputType('DirSync.Forest')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [ValidateNotNullOrEmpty()]
        [string] $Name
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        $parameters = [ordered]@{ path = $path }
        if ($PSBoundParameters.ContainsKey('Name')) { $parameters.name = $Name }
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'forest-list' -Parameters $parameters
    }
}
