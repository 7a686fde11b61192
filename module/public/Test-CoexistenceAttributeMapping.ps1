function Test-CoexistenceAttributeMapping {
    <#
    .SYNOPSIS
    Shows what the attribute mapping makes of one Active Directory object.

    .DESCRIPTION
    Reads one user or group from Active Directory as a synchronization reads
    it (the service account, the scope, the attributes the mapping asks for)
    and evaluates the attribute mapping on it. Returns a
    DirSync.AttributeMappingTest: the DistinguishedName, the ObjectType, why
    it is not exported (if so) and its Targets, one DirSync.MappedValue each
    - Target, the Value as it would be sent to Entra ID, Expression, Apply,
    and the Error (Code, Message) when the mapping fails on the object
    there. Nothing is written to Active Directory or Entra ID.

    .PARAMETER DistinguishedName
    The distinguished name of a user or group in the synchronization
    scope. Takes the DistinguishedName of piped objects, such as
    Get-ADUser's.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path
    of objects piped in, such as Get-CoexistenceConfiguration's.

    .EXAMPLE
    $alice = 'CN=Alice Archer,OU=Sales,DC=corp,DC=example,DC=com'
    Test-CoexistenceAttributeMapping -DistinguishedName $alice

    Shows the cloud values the mapping gives Alice.

    .EXAMPLE
    (Test-CoexistenceAttributeMapping -DistinguishedName $dn).Targets |
        Where-Object Error

    Shows the targets the mapping fails on for that object, and why.

    .LINK
    Set-CoexistenceAttributeMapping

    .LINK
    Get-CoexistenceAttributeMapping
    #>
    [CmdletBinding()]
    [OutputType('DirSync.AttributeMappingTest')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [Parameter(Mandatory, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string] $DistinguishedName
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'mapping-test' -Parameters ([ordered]@{ path = $path; dn = $DistinguishedName })
    }
}
