<#
.SYNOPSIS
Builds DirSync: installs the npm dependencies, type-checks, bundles dist/dirsync.mjs and, where the
build's Node.js can (25.5 and later), produces the single executable dist/dirsync (dirsync.exe on
Windows) that needs no Node.js on the server.

.DESCRIPTION
Runs in Windows PowerShell 5.1, PowerShell 7 and engine-only hosts: it uses only engine-core cmdlets
and .NET. CI (.ci/run) runs it in the project's pwsh 7.6.9 (test/pwsh-host). Outputs one DirSync.BuildResult object with the executable's size and its start-up time
(`--version`, median of several runs).

.PARAMETER SkipInstall
Do not run `npm ci` (the dependencies are already installed).

.PARAMETER NoSingleExecutable
Stop after the bundle; remove a single executable left by an earlier build.

.EXAMPLE
./build.ps1

.EXAMPLE
./build.ps1 -SkipInstall -NoSingleExecutable
#>
[CmdletBinding()]
param(
    [switch] $SkipInstall,
    [switch] $NoSingleExecutable
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$onWindows = [System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT
$dist = [System.IO.Path]::Combine($root, 'dist')
$singleExecutable = [System.IO.Path]::Combine($dist, $(if ($onWindows) { 'dirsync.exe' } else { 'dirsync' }))
# --build-sea arrived in Node.js 25.5.
$seaMinimumVersion = [version]'25.5.0'
$startupRuns = 5

function Invoke-BuildStep {
    param([Parameter(Mandatory)] [string] $Description, [Parameter(Mandatory)] [scriptblock] $Command)

    $PSCmdlet.WriteVerbose($Description)
    $PSCmdlet.WriteInformation("== $Description", 'PSHOST')
    $global:LASTEXITCODE = 0
    & $Command
    if ($LASTEXITCODE -ne 0) {
        throw "build.ps1: '$Description' failed with exit code $LASTEXITCODE; the output above says why."
    }
}

function Resolve-BuildNode {
    # The Node.js of the build: the one package.json installs (npm package "node"), else $env:DIRSYNC_NODE,
    # else the one on the PATH. Returns the real binary (not a shim), which --build-sea copies.
    $candidates = @(
        [System.IO.Path]::Combine($root, 'node_modules', 'node', 'bin', $(if ($onWindows) { 'node.exe' } else { 'node' })),
        $env:DIRSYNC_NODE
    ) + @(Get-Command -Name node -CommandType Application -ErrorAction Ignore).ForEach{ $_.Source }
    foreach ($candidate in $candidates) {
        if (-not [string]::IsNullOrEmpty($candidate) -and [System.IO.File]::Exists($candidate)) { return $candidate }
    }
    throw 'build.ps1: no Node.js found; run without -SkipInstall (npm ci installs it) or set $env:DIRSYNC_NODE.'
}

function Measure-StartupMilliseconds {
    param([Parameter(Mandatory)] [string] $Executable)

    $times = foreach ($run in 1..$startupRuns) {
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $null = & $Executable --version
        $watch.Stop()
        if ($LASTEXITCODE -ne 0) { throw "build.ps1: $Executable --version failed with exit code $LASTEXITCODE." }
        $watch.Elapsed.TotalMilliseconds
    }
    $sorted = [double[]]$times
    [System.Array]::Sort($sorted)
    [math]::Round($sorted[[int][math]::Floor($sorted.Length / 2)], 1)
}

# npm and node run in the repository root (Set-Location is not an engine-core cmdlet).
$previousLocation = $ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath
$ExecutionContext.SessionState.Path.SetLocation($root) | Out-Null
[System.Environment]::CurrentDirectory = $root
try {
    if (-not $SkipInstall) { Invoke-BuildStep 'Installing npm dependencies (npm ci)' { npm ci --no-audit --no-fund } }
    Invoke-BuildStep 'Type-checking (npm run typecheck)' { npm run typecheck }
    Invoke-BuildStep 'Bundling dist/dirsync.mjs (npm run build)' { npm run build }

    if ([System.IO.File]::Exists($singleExecutable)) { [System.IO.File]::Delete($singleExecutable) }
    $node = Resolve-BuildNode
    $nodeVersion = [version]((& $node --version).Trim().TrimStart('v'))
    $result = [ordered]@{
        PSTypeName       = 'DirSync.BuildResult'
        Bundle           = [System.IO.Path]::Combine($dist, 'dirsync.mjs')
        NodeVersion      = $nodeVersion.ToString()
        SingleExecutable = $null
        SizeMB           = $null
        StartupMs        = $null
    }
    if ($NoSingleExecutable) {
        $PSCmdlet.WriteVerbose('Single executable not requested.')
    } elseif ($nodeVersion -lt $seaMinimumVersion) {
        $PSCmdlet.WriteWarning("Node.js $nodeVersion cannot build a single executable (needs $seaMinimumVersion or later); dist/dirsync.mjs runs with Node.js 24 or later.")
    } else {
        $baseExecutable = $node
        $strip = @(Get-Command -Name strip -CommandType Application -ErrorAction Ignore)
        if (-not $onWindows -and $strip.Count -gt 0) {
            # Node's release binaries carry ~30 MB of symbols the server does not need.
            $baseExecutable = [System.IO.Path]::Combine($dist, 'node-for-sea')
            [System.IO.File]::Copy($node, $baseExecutable, $true)
            Invoke-BuildStep 'Stripping symbols from a copy of node' { & $strip[0].Source $baseExecutable }
        }
        $configuration = [System.IO.Path]::Combine($dist, 'sea-config.json')
        # The young generation's cap that module/private/Resolve-DirSyncExecutable.ps1 gives node (less peak memory).
        $escape = { param($path) $path.Replace('\', '\\').Replace('"', '\"') }
        [System.IO.File]::WriteAllText($configuration, (
            '{"main":"' + (& $escape $result.Bundle) + '","mainFormat":"module","executable":"' + (& $escape $baseExecutable) +
            '","output":"' + (& $escape $singleExecutable) + '","disableExperimentalSEAWarning":true,"execArgv":["--max-semi-space-size=8"]}'))
        try {
            Invoke-BuildStep "Building the single executable $singleExecutable (node --build-sea)" { & $node --build-sea $configuration }
        } finally {
            [System.IO.File]::Delete($configuration)
            if ($baseExecutable -ne $node) { [System.IO.File]::Delete($baseExecutable) }
        }
        $result.SingleExecutable = $singleExecutable
        $result.SizeMB = [math]::Round([System.IO.FileInfo]::new($singleExecutable).Length / 1MB, 1)
        $result.StartupMs = Measure-StartupMilliseconds -Executable $singleExecutable
    }
    [pscustomobject]$result
} finally {
    $ExecutionContext.SessionState.Path.SetLocation($previousLocation) | Out-Null
    [System.Environment]::CurrentDirectory = $previousLocation
}
