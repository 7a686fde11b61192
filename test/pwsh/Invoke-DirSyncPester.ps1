<#
.SYNOPSIS
Runs the module's Pester tests (test/pwsh/*.Tests.ps1) in this pwsh and writes a summary for the caller.

.DESCRIPTION
test/pwsh/pester.test.ts runs this in the project's pwsh (npm test) after starting a Samba domain and the
Entra stand-in and recording the unit tests' fixtures from the real executable; -ContextFile names the
JSON that says where they are ($env:DIRSYNC_TEST_CONTEXT for the tests). Pester's own report goes to
stdout; -SummaryFile gets { passed, failed, skipped, notRun, total, durationSeconds, failures }.
The exit code is the number of failed tests (0 when all passed).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ContextFile,
    [Parameter(Mandatory)] [string] $SummaryFile
)

$ErrorActionPreference = 'Stop'
# The log is a file, not a terminal: no colour escapes in it.
$PSStyle.OutputRendering = 'PlainText'
Import-Module Pester -RequiredVersion 5.7.1
$env:DIRSYNC_TEST_CONTEXT = $ContextFile

$configuration = New-PesterConfiguration
$configuration.Run.Path = @(Get-ChildItem -Path $PSScriptRoot -Filter '*.Tests.ps1' | ForEach-Object FullName)
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.Should.ErrorAction = 'Stop'
$result = Invoke-Pester -Configuration $configuration

$summary = [ordered]@{
    passed          = $result.PassedCount
    failed          = $result.FailedCount
    skipped         = $result.SkippedCount
    notRun          = $result.NotRunCount
    total           = $result.TotalCount
    durationSeconds = [math]::Round($result.Duration.TotalSeconds, 1)
    failures        = @($result.Failed | ForEach-Object { "$($_.ExpandedPath): $($_.ErrorRecord | Select-Object -First 1)" })
    containerErrors = @($result.Containers | Where-Object Result -eq 'Failed' | ForEach-Object { "$($_.Item): $($_.ErrorRecord | Select-Object -First 1)" })
}
$summary | ConvertTo-Json -Depth 4 | Set-Content -Path $SummaryFile -Encoding utf8NoBOM
exit ($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount)
