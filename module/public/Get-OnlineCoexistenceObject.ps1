function Get-OnlineCoexistenceObject {
    <#
    .SYNOPSIS
    Explains one object: why it is (or is not) in Entra ID as it is.

    .DESCRIPTION
    Answers "why is this user not syncing?" for one object, stage by
    stage, and changes nothing anywhere: no run is recorded, nothing is
    sent to Entra ID.

    ActiveDirectory: the object as DirSync's service account reads it, or
    why it cannot (not found, hidden by a permission, deleted).
    Scope: in or out, and the rule that decided (the included OU, an
    excluded OU, a critical system object, the attribute filter).
    Match: joined to a cloud object and since which run; or how the next
    cycle would join it (its anchor, or soft match by primary SMTP address
    or UPN); or why it would not (an administrator, a rewritten UPN,
    another object claiming it).
    Attributes: for each, the value Active Directory wants, the value
    DirSync last exported, and the value the cloud holds now; Drift lists
    those changed in the cloud since.
    NextCycle: the Microsoft Graph requests the next cycle would send for
    it, or none. Then Withheld deletes, Errors, the retry queue, and
    History: what each run did to it.

    Returns a DirSync.ObjectExplanation: a table by default, every stage
    as a section of its own with Format-List.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path
    of objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER Identity
    The object: its distinguished name, its userPrincipalName, its anchor
    (sourceAnchor: the Base64 objectGUID, Entra ID's
    onPremisesImmutableId) or the object id of its cloud object. Taken
    from the pipeline by property name (Anchor, then
    DistinguishedName): pipe in a run's Errors, Plan or Withheld.

    .PARAMETER HtmlPath
    Also writes the explanation as one self-contained HTML page here.

    .EXAMPLE
    Get-OnlineCoexistenceObject -Identity anna@contoso.com | Format-List

    Shows every stage for Anna: Active Directory, scope, match,
    attributes, next cycle, errors and history.

    .EXAMPLE
    (Get-OnlineCoexistenceSyncHistory -Last 1).Errors |
        Get-OnlineCoexistenceObject

    Explains each object the last run could not export.

    .EXAMPLE
    $dn = 'CN=Bob Stone,OU=Sales,DC=contoso,DC=com'
    (Get-OnlineCoexistenceObject -Identity $dn).Drift

    Lists what was changed in the cloud on Bob's user since DirSync
    exported it.

    .EXAMPLE
    $carol = 'carol@contoso.com'
    Get-OnlineCoexistenceObject -Identity $carol -HtmlPath ./carol.html

    Writes Carol's explanation as a page, to attach to a ticket.

    .LINK
    Start-OnlineCoexistenceSync

    .LINK
    Export-OnlineCoexistenceSyncReport
    #>
    [CmdletBinding()]
    [OutputType('DirSync.ObjectExplanation')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [Alias('Anchor', 'DistinguishedName')]
        [ValidateNotNullOrEmpty()]
        [string] $Identity,

        [ValidateNotNullOrEmpty()]
        [string] $HtmlPath
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        $parameters = [ordered]@{ path = $path; identity = $Identity }
        if ($HtmlPath) { $parameters.html = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($HtmlPath) }
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'explain' -Parameters $parameters
    }
}
