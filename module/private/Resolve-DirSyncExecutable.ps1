$script:MinimumNodeMajorVersion = 24
# node path -> version already checked in this session, so each cmdlet call does not start node twice.
$script:CheckedNode = @{}

function Resolve-DirSyncExecutable {
    # What to start for a request: the executable named by $env:DIRSYNC_EXECUTABLE; else the single
    # executable dist/dirsync(.exe) next to the module; else Node.js ($env:DIRSYNC_NODE, or node on the
    # PATH) running dist/dirsync.mjs. Returns @{ FileName; Arguments } with 'module-request' as the only
    # command-line argument DirSync itself adds.
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet)

    $onWindows = [System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT
    if (-not [string]::IsNullOrEmpty($env:DIRSYNC_EXECUTABLE)) {
        return @{ FileName = $env:DIRSYNC_EXECUTABLE; Arguments = @('module-request') }
    }
    $dist = [System.IO.Path]::Combine($script:ModuleRoot, 'dist')
    $singleExecutable = [System.IO.Path]::Combine($dist, $(if ($onWindows) { 'dirsync.exe' } else { 'dirsync' }))
    if ([System.IO.File]::Exists($singleExecutable)) {
        return @{ FileName = $singleExecutable; Arguments = @('module-request') }
    }
    $bundle = [System.IO.Path]::Combine($dist, 'dirsync.mjs')
    if (-not [System.IO.File]::Exists($bundle)) {
        $Cmdlet.ThrowTerminatingError((New-DirSyncErrorRecord -ErrorId 'DirSyncExecutableMissing' -Category ObjectNotFound `
            -TargetObject $dist -Message "The DirSync executable is missing: neither $singleExecutable nor $bundle exists." `
            -RecommendedAction 'Reinstall the DirSync module, or build it from source with build.ps1.'))
    }
    # V8's young generation capped at 8 MB a semi-space (it grows to 32 MB by default): a 105,000-object sync peaks at
    # 370 MB instead of 456 MB of resident memory, as fast (npm run bench -- --large). build.ps1 gives the single executable the same.
    @{ FileName = (Resolve-DirSyncNode -Cmdlet $Cmdlet); Arguments = @('--max-semi-space-size=8', $bundle, 'module-request') }
}

function Resolve-DirSyncNode {
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet)

    $node = $env:DIRSYNC_NODE
    if ([string]::IsNullOrEmpty($node)) {
        $found = @(Get-Command -Name node -CommandType Application -ErrorAction Ignore)
        if ($found.Count -gt 0) { $node = $found[0].Source }
    }
    if ([string]::IsNullOrEmpty($node) -or -not [System.IO.File]::Exists($node)) {
        $Cmdlet.ThrowTerminatingError((New-DirSyncErrorRecord -ErrorId 'NodeNotFound' -Category ObjectNotFound -TargetObject $node `
            -Message "DirSync runs on Node.js $script:MinimumNodeMajorVersion or later, and none was found$(if ($node) { " at $node" } else { ' on the PATH' })." `
            -RecommendedAction "Install Node.js $script:MinimumNodeMajorVersion or later, or set `$env:DIRSYNC_NODE to the path of its node executable."))
    }
    if (-not $script:CheckedNode.ContainsKey($node)) {
        $version = Get-DirSyncNodeVersion -Node $node
        if ($null -eq $version -or $version.Major -lt $script:MinimumNodeMajorVersion) {
            $Cmdlet.ThrowTerminatingError((New-DirSyncErrorRecord -ErrorId 'NodeTooOld' -Category ResourceUnavailable -TargetObject $node `
                -Message "DirSync needs Node.js $script:MinimumNodeMajorVersion or later; $node is $(if ($version) { "version $version" } else { 'of an unknown version' })." `
                -RecommendedAction "Install Node.js $script:MinimumNodeMajorVersion or later, or set `$env:DIRSYNC_NODE to the path of a newer node executable."))
        }
        $script:CheckedNode[$node] = $version
    }
    $node
}

function Get-DirSyncNodeVersion {
    param([Parameter(Mandatory)] [string] $Node)

    $startInfo = [System.Diagnostics.ProcessStartInfo]::new($Node, '--version')
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.CreateNoWindow = $true
    try {
        $process = [System.Diagnostics.Process]::Start($startInfo)
        $text = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
    } catch {
        return $null
    }
    $version = $null
    if ([System.Version]::TryParse($text.Trim().TrimStart('v'), [ref]$version)) { return $version }
    $null
}
