function Set-CoexistenceAttributeMapping {
    <#
    .SYNOPSIS
    Checks an attribute mapping file and makes it the installation's
    mapping.

    .DESCRIPTION
    Reads a custom attribute mapping (JSON: {"user": {"<target>":
    "<expression>" | {"expression": "...", "apply": "always" | "onCreate",
    "dataType": "..."} | null}, "group": {...}}), checks every target, every
    expression (syntax, function names, arguments) and every Active
    Directory attribute a custom expression reads (against the schema, as
    the service account sees it), and stores it over the default mapping.
    Nothing is written to Entra ID: the next synchronization evaluates every
    object in scope again and applies the mapping. A mapping with a problem
    is refused with a Mapping.* error naming the target and the column
    (user.department: col 14: unknown function 'Joinn'), and nothing is
    stored.

    With -WhatIf nothing is stored either: a preview synchronization runs
    with the mapping and returns its plan (a DirSync.SyncRun whose Plan
    lists every object whose cloud values would change, with each
    attribute's old and new value) - the impact, to approve before the
    mapping is stored.

    .PARAMETER Path
    The mapping file (JSON) to check and store.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Unlike the other cmdlets it has
    no -Path alias: -Path is the mapping file here.

    .EXAMPLE
    Set-CoexistenceAttributeMapping -Path .\mapping.json -WhatIf |
        Select-Object -ExpandProperty Plan

    Shows which users and groups the mapping would change in Entra ID, and
    how, without storing it.

    .EXAMPLE
    Set-CoexistenceAttributeMapping -Path .\mapping.json
    Start-OnlineCoexistenceSync

    Stores the mapping, then synchronizes: every object in scope is
    evaluated again.

    .LINK
    Get-CoexistenceAttributeMapping

    .LINK
    Test-CoexistenceAttributeMapping
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('DirSync.AttributeMapping', 'DirSync.SyncRun')]
    param(
        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        [Parameter(Position = 1, ValueFromPipelineByPropertyName)]
        [string] $InstallPath
    )

    process {
        $installation = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        $file = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
        $parameters = [ordered]@{ path = $installation; file = $file; preview = $false }
        if ($PSCmdlet.ShouldProcess($installation, "Store the attribute mapping in $file (the next synchronization evaluates every object again)")) {
            Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'mapping-set' -Parameters $parameters
        } elseif ($WhatIfPreference) {
            # -WhatIf: the engine's preview with this mapping shows its real impact, not just this sentence.
            $parameters.preview = $true
            Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'mapping-set' -Parameters $parameters
        }
    }
}
