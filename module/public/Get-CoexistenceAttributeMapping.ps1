function Get-CoexistenceAttributeMapping {
    <#
    .SYNOPSIS
    Shows the attribute mapping: which cloud property DirSync sets from what
    in Active Directory.

    .DESCRIPTION
    Returns the effective attribute mapping of a DirSync installation,
    defaults included, as one DirSync.AttributeMappingEntry per target:
    ObjectType (user or group), Target (the cloud property,
    onPremisesExtensionAttributes.extensionAttributeN,
    employeeOrgData.division/costCenter or extension:<name>), Expression
    (Microsoft's expression syntax, e.g. Coalesce([mail],
    [userPrincipalName])), Apply (always, or onCreate: written when the
    object is created and never afterwards), DataType (of an extension
    property) and Origin (default, or custom when
    Set-CoexistenceAttributeMapping changed it). A default target the custom
    mapping stopped managing is listed with Apply 'never' and no expression.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path
    of objects piped in, such as Get-CoexistenceConfiguration's.

    .EXAMPLE
    Get-CoexistenceAttributeMapping | Where-Object ObjectType -eq 'user' |
        Format-Table Target, Expression

    Lists what each user property in Entra ID is made of.

    .EXAMPLE
    Get-CoexistenceAttributeMapping | Where-Object Origin -eq 'custom'

    Shows only what the custom mapping changed.

    .LINK
    Set-CoexistenceAttributeMapping

    .LINK
    Test-CoexistenceAttributeMapping
    #>
    [CmdletBinding()]
    [OutputType('DirSync.AttributeMappingEntry')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'mapping-get' -Parameters ([ordered]@{ path = $path }) -ExpandProperty 'Entries'
    }
}
