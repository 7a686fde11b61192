function Test-CoexistenceReadiness {
    <#
    .SYNOPSIS
    Checks the objects in scope for what Entra ID will refuse or rewrite,
    before they are synchronized.

    .DESCRIPTION
    Reads the configured scope from Active Directory (the same import a
    synchronization uses, writing nothing anywhere) and, when the tenant
    can be reached, its verified domains and the cloud users no sync
    client owns. Returns one DirSync.ReadinessFinding per problem:
    DistinguishedName, Attribute, Value, a stable Code, a Severity (error:
    will fail or be rewritten on export; warning: will export, probably
    not as intended) and the Fix.

    It finds duplicate UPNs and SMTP addresses (users, groups and
    contacts, case-insensitively, and against cloud users), characters and
    lengths Entra refuses, UPN suffixes that are not verified or cannot be
    (.local), malformed SMTP addresses, too many proxy addresses, and
    groups Microsoft Graph cannot create. X400, X500 and other non-SMTP
    addresses, apostrophes and non-ASCII names are not findings. A
    non-terminating error follows the findings when any has Severity
    error.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere.

    .PARAMETER HtmlPath
    Also writes the findings as one self-contained HTML page there.

    .PARAMETER CsvPath
    Also writes the findings as CSV there.

    .EXAMPLE
    Test-CoexistenceReadiness | Where-Object Severity -eq 'error' |
        Format-Table

    Lists what must be corrected before the first synchronization.

    .EXAMPLE
    Test-CoexistenceReadiness -HtmlPath .\readiness.html `
        -ErrorAction SilentlyContinue | Group-Object Code

    Writes a page to share, and counts the findings by code.

    .LINK
    Start-OnlineCoexistenceSync
    #>
    [CmdletBinding()]
    [OutputType('DirSync.ReadinessFinding')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [string] $HtmlPath,

        [string] $CsvPath
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        $parameters = [ordered]@{ path = $path }
        if ($HtmlPath) { $parameters.html = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($HtmlPath) }
        if ($CsvPath) { $parameters.csv = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($CsvPath) }
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'readiness' -Parameters $parameters -ExpandProperty 'Findings'
    }
}
