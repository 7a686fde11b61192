# node path -> version already checked in this session, so each cmdlet call does not start node twice.
$script:CheckedNode = @{}

function Resolve-DirSyncExecutable {
    # What to start for a request: the executable named by $env:DIRSYNC_EXECUTABLE; else the single
    # executable dist/dirsync(.exe) next to the module; else Node.js ($env:DIRSYNC_NODE, or node on the
    # PATH) running dist/dirsync.mjs. Returns @{ FileName; Arguments; Path } with 'module-request' as the only
    # command-line argument DirSync itself adds; Path names DirSync's own file (the bundle, when node runs it).
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet)

    $onWindows = [System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT
    if (-not [string]::IsNullOrEmpty($env:DIRSYNC_EXECUTABLE)) {
        return @{ FileName = $env:DIRSYNC_EXECUTABLE; Arguments = @('module-request'); Path = $env:DIRSYNC_EXECUTABLE }
    }
    $dist = [System.IO.Path]::Combine($script:ModuleRoot, 'dist')
    $singleExecutable = [System.IO.Path]::Combine($dist, $(if ($onWindows) { 'dirsync.exe' } else { 'dirsync' }))
    if ([System.IO.File]::Exists($singleExecutable)) {
        return @{ FileName = $singleExecutable; Arguments = @('module-request'); Path = $singleExecutable }
    }
    $bundle = [System.IO.Path]::Combine($dist, 'dirsync.mjs')
    if (-not [System.IO.File]::Exists($bundle)) {
        $Cmdlet.ThrowTerminatingError((New-DirSyncErrorRecord -Code 'Module.executable-missing' -TargetObject $dist `
            -Message "The DirSync executable is missing: neither $singleExecutable nor $bundle exists."))
    }
    # V8's young generation capped at 8 MB a semi-space (it grows to 32 MB by default): a 105,000-object sync peaks at
    # 370 MB instead of 456 MB of resident memory, as fast (npm run bench -- --large). build.ps1 gives the single executable the same.
    @{ FileName = (Resolve-DirSyncNode -Cmdlet $Cmdlet); Arguments = @('--max-semi-space-size=8', $bundle, 'module-request'); Path = $bundle }
}

function Resolve-DirSyncNode {
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet)

    # package.json's engines.node, through the module's contract.
    $minimum = $script:Contract.MinimumNodeVersion
    $node = $env:DIRSYNC_NODE
    if ([string]::IsNullOrEmpty($node)) {
        $found = @(Get-Command -Name node -CommandType Application -ErrorAction Ignore)
        if ($found.Count -gt 0) { $node = $found[0].Source }
    }
    if ([string]::IsNullOrEmpty($node) -or -not [System.IO.File]::Exists($node)) {
        $Cmdlet.ThrowTerminatingError((New-DirSyncErrorRecord -Code 'Module.node-not-found' -TargetObject $node `
            -Message "DirSync runs on Node.js $minimum or later, and none was found$(if ($node) { " at $node" } else { ' on the PATH' })."))
    }
    if (-not $script:CheckedNode.ContainsKey($node)) {
        $version = Get-DirSyncNodeVersion -Node $node
        if ($null -eq $version -or $version.Major -lt $minimum) {
            $Cmdlet.ThrowTerminatingError((New-DirSyncErrorRecord -Code 'Module.node-too-old' -TargetObject $node `
                -Message "DirSync needs Node.js $minimum or later; $node is $(if ($version) { "version $version" } else { 'of an unknown version' })."))
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
