# Tab completion. -InstallPath: the installations this session has used, and the default directory when
# it holds one. -IncludeOU/-ExcludeOU: the organizational units of the configured domain, read by the
# executable with the stored configuration (nothing is offered when there is none or AD does not answer).
$script:UsedInstallPaths = [System.Collections.Generic.List[string]]::new()

function Register-DirSyncInstallPath {
    param([Parameter(Mandatory)] [string] $Path)

    if (-not $script:UsedInstallPaths.Contains($Path)) { $script:UsedInstallPaths.Add($Path) }
}

function Get-DirSyncKnownInstallPath {
    # Directories that hold a DirSync installation (its installation.json), default first.
    $candidates = @(Resolve-DirSyncInstallPath -InstallPath $null) + $script:UsedInstallPaths
    $seen = @{}
    foreach ($path in $candidates) {
        if ($seen.ContainsKey($path)) { continue }
        $seen[$path] = $true
        if ([System.IO.File]::Exists([System.IO.Path]::Combine($path, 'installation.json'))) { $path }
    }
}

function New-DirSyncCompletionResult {
    param([Parameter(Mandatory)] [string] $Value, [Parameter(Mandatory)] [string] $ToolTip)

    $text = if ($Value -match "[\s'`"$;,(){}@&|]") { "'" + $Value.Replace("'", "''") + "'" } else { $Value }
    [System.Management.Automation.CompletionResult]::new($text, $Value, [System.Management.Automation.CompletionResultType]::ParameterValue, $ToolTip)
}

function Complete-DirSyncInstallPath {
    param([AllowEmptyString()] [string] $WordToComplete)

    $word = $WordToComplete.Trim([char[]]"'`"")
    foreach ($path in Get-DirSyncKnownInstallPath) {
        if ($path.StartsWith($word, [System.StringComparison]::OrdinalIgnoreCase)) {
            New-DirSyncCompletionResult -Value $path -ToolTip "DirSync installation in $path"
        }
    }
}

function Complete-DirSyncOrganizationalUnit {
    param([AllowEmptyString()] [string] $WordToComplete, [AllowEmptyString()] [AllowNull()] [string] $InstallPath)

    $path = Resolve-DirSyncInstallPath -InstallPath $InstallPath
    if (-not [System.IO.File]::Exists([System.IO.Path]::Combine($path, 'configuration.json'))) { return }
    $word = $WordToComplete.Trim([char[]]"'`"")
    try {
        $units = @(Get-DirSyncOrganizationalUnit -InstallPath $path -ErrorAction Ignore -WarningAction Ignore)
    } catch {
        return
    }
    foreach ($unit in $units) {
        $dn = [string]$unit.DistinguishedName
        # Matches the whole DN or its first RDN, so 'Sal' finds OU=Sales,DC=...
        if ($dn.StartsWith($word, [System.StringComparison]::OrdinalIgnoreCase) -or $dn.StartsWith("OU=$word", [System.StringComparison]::OrdinalIgnoreCase)) {
            New-DirSyncCompletionResult -Value $dn -ToolTip $dn
        }
    }
}

function Get-DirSyncOrganizationalUnit {
    # An advanced function, so that Invoke-DirSyncCommand has a cmdlet to report through.
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $InstallPath)

    Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'organizational-units' -Parameters ([ordered]@{ path = $InstallPath })
}
