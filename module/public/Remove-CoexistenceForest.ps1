function Remove-CoexistenceForest {
    <#
    .SYNOPSIS
    Takes a forest out of the installation, and its objects out of Entra ID.

    .DESCRIPTION
    A forest added with Add-CoexistenceForest stops being synchronized, and
    the cloud objects that came from it are deleted - never silently: the
    deletes go through the protection against accidental deletes. Without
    -AcceptDeletes nothing is changed: the cmdlet computes what the removal
    would delete, returns it (a DirSync.ForestRemoval with Removed = False
    and the Deletes), and writes a non-terminating error (exit 4 of the
    executable). With -AcceptDeletes the forest is removed from the
    configuration and a full cycle deletes its objects. -WhatIf shows what
    the removal would delete, without the error. The forest's AAD_ service
    account stays in its directory: delete it there. The first forest
    (Set-CoexistenceConfiguration's) cannot be removed this way.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceForest's.

    .PARAMETER Name
    The forest's name (its DNS root), as Get-CoexistenceForest shows it.

    .PARAMETER AcceptDeletes
    Remove the forest and delete its objects in Entra ID.

    .EXAMPLE
    Remove-CoexistenceForest -Name fabrikam.example.com -WhatIf

    Lists what removing the forest would delete in Entra ID; changes
    nothing.

    .EXAMPLE
    Remove-CoexistenceForest -Name fabrikam.example.com -AcceptDeletes

    Removes the forest and deletes its objects in Entra ID, after asking for
    confirmation.

    .LINK
    Get-CoexistenceForest

    .LINK
    Add-CoexistenceForest
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('DirSync.ForestRemoval')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [Parameter(Mandatory, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string] $Name,

        [switch] $AcceptDeletes
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        $parameters = [ordered]@{ path = $path; name = $Name; acceptDeletes = $AcceptDeletes.IsPresent }
        $action = "Remove the forest $Name and delete its objects in Entra ID"
        if ($PSCmdlet.ShouldProcess($path, $action)) {
            $parameters.preview = $false
        } elseif ($WhatIfPreference) {
            # -WhatIf: the executable's own preview lists what would be deleted, not just this sentence.
            $parameters.preview = $true
        } else {
            return
        }
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'forest-remove' -Parameters $parameters
    }
}
