function Add-CoexistenceForest {
    <#
    .SYNOPSIS
    Brings a further Active Directory forest into the installation,
    synchronized into the same tenant.

    .DESCRIPTION
    Mergers and acquisitions leave organisations with several forests and
    one Microsoft 365 tenant. This cmdlet does for another forest what
    Set-CoexistenceConfiguration does for the first: it signs in with the
    forest's administrator credential (-Credential, used to set things up
    and not kept), checks the organizational units in scope, creates (or
    re-keys) the forest's own AAD_xxxxxxxxxxxx service account with the
    Replicating Directory Changes right only, and probes whether that
    account sees deletions. The forest's name is its DNS root
    (fabrikam.example.com). Each forest keeps its own connection and
    watermark; one cycle reads every forest, then exports once. A forest
    that cannot be read (domain controller down, credential refused) costs
    no deletion: its objects are left as they are, the others are
    synchronized, and the run ends completed-forest-errors naming it.
    Running it again for a forest already added re-enters its credential and
    scope. Merging one person's accounts of two forests into one cloud user
    is not done: each account is a user of its own. Returns the forest as a
    DirSync.Forest object, with the checks that ran in its Checks property.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER AdServer
    A domain controller of the forest: an LDAP URL
    (ldaps://dc01.fabrikam.com) or a host name (LDAPS).

    .PARAMETER Credential
    An administrator of that forest, used to create its service account;
    asked for when not passed.

    .PARAMETER AdCaFile
    A PEM file with the certificate authority that issued the domain
    controller's TLS certificate.

    .PARAMETER IncludeOU
    Distinguished names of the forest's organizational units to synchronize
    (default: its whole domain).

    .PARAMETER ExcludeOU
    Distinguished names of organizational units to leave out.

    .PARAMETER NoServiceAccount
    Read the forest with -Credential's account instead of creating its AAD_
    service account.

    .EXAMPLE
    Add-CoexistenceForest -AdServer ldaps://dc01.fabrikam.com `
        -Credential FABRIKAM\admin -IncludeOU 'OU=Staff,DC=fabrikam,DC=com'

    Brings the Staff OU of the fabrikam.com forest into the installation in
    the default directory.

    .EXAMPLE
    Get-CoexistenceForest |
        Format-Table Name, First, AdServer, ServiceAccount

    Lists the installation's forests after adding one.

    .LINK
    Get-CoexistenceForest

    .LINK
    Remove-CoexistenceForest
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('DirSync.Forest')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [Parameter(Mandatory)]
        [ValidateNotNullOrEmpty()]
        [string] $AdServer,

        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential,

        [ValidateNotNullOrEmpty()]
        [string] $AdCaFile,

        [string[]] $IncludeOU,

        [string[]] $ExcludeOU,

        [switch] $NoServiceAccount
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        $parameters = [ordered]@{ path = $path; adUrl = $AdServer }
        $selected = Select-DirSyncBoundParameter -BoundParameters $PSBoundParameters -Map ([ordered]@{
            IncludeOU = 'includeOu'; ExcludeOU = 'excludeOu'; NoServiceAccount = 'noServiceAccount' })
        foreach ($name in $selected.Keys) { $parameters[$name] = $selected[$name] }
        if ($PSBoundParameters.ContainsKey('AdCaFile')) { $parameters.adCaFile = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($AdCaFile) }
        if (-not $PSCmdlet.ShouldProcess($path, "Add the forest of $AdServer")) { return }
        if ($null -eq $Credential) {
            $Credential = Request-DirSyncCredential -Cmdlet $PSCmdlet -ParameterName 'Credential' `
                -Message "Enter the credentials of an administrator of the forest of $AdServer."
        }
        $parameters.adUser = $Credential.UserName
        $secrets = [ordered]@{ adPassword = $Credential.GetNetworkCredential().Password }
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'forest-add' -Parameters $parameters -Secrets $secrets
    }
}
