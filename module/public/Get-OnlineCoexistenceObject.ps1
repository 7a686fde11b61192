function Get-OnlineCoexistenceObject {
    <#
    .SYNOPSIS
    Explains one object: why it is, or is not, in Entra ID as it is, and what the next synchronization will do to it.

    .DESCRIPTION
    Answers "why is this user not syncing?" for one object, stage by stage, and changes nothing anywhere (no run is
    recorded, nothing is sent to Entra ID):
    - ActiveDirectory: the object as DirSync's service account reads it, or why it cannot (not found, hidden by a
      permission, deleted);
    - Scope: in or out, and the rule that decided (the included OU, an excluded OU, a critical system object, the
      attribute filter);
    - Match: joined to a cloud object and since which run, or how the next cycle would join it (its anchor, or soft
      match by primary SMTP address or UPN), or why it would not (an administrator, a rewritten UPN, another object);
    - Attributes: for each, the value Active Directory says it should have, the value DirSync last exported, and
      the value the cloud holds now; Drift lists those changed in the cloud since;
    - NextCycle: the Microsoft Graph requests the next cycle would send for it, or none; Withheld deletes, Errors,
      the retry queue, and History: what each run did to it.

    Returns a DirSync.ObjectExplanation: a table by default, every section with Format-List.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on Windows, /var/lib/dirsync elsewhere.
    Alias -Path: it takes the Path of objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER Identity
    The object: its distinguished name, its userPrincipalName, its anchor (sourceAnchor, the Base64 objectGUID that
    Entra ID holds as onPremisesImmutableId) or the object id of its cloud object. Taken from the pipeline by
    property name - Anchor, then DistinguishedName - so the errors, plan, withheld deletes and placeholder UPNs of
    a run can be piped in.

    .PARAMETER HtmlPath
    Also writes the explanation as one self-contained HTML page to this file.

    .EXAMPLE
    Get-OnlineCoexistenceObject -Identity anna.berg@contoso.com | Format-List

    Shows every stage for Anna: in Active Directory, scope, match, attributes, next cycle, errors and history.

    .EXAMPLE
    (Get-OnlineCoexistenceSyncHistory -Last 1).Errors | Get-OnlineCoexistenceObject

    Explains each object the last run could not export.

    .EXAMPLE
    Get-OnlineCoexistenceObject -Identity 'CN=Bob Stone,OU=Sales,DC=contoso,DC=com' | ForEach-Object Drift

    Lists the attributes of Bob's cloud user that were changed in the cloud since DirSync exported them.

    .EXAMPLE
    Get-OnlineCoexistenceObject -Identity carol@contoso.com -HtmlPath ./carol.html

    Writes the explanation as a page to attach to a ticket.

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
