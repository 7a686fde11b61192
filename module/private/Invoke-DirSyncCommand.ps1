function Invoke-DirSyncCommand {
    # Runs one command in the DirSync executable on behalf of a public cmdlet ($Cmdlet) and renders the
    # answer through that cmdlet as it arrives. The request - command, parameters and secrets - goes to
    # the child on stdin as JSON; its command line holds no data at all. Each stdout line is one CliXml
    # document (src/protocol/): Progress, Verbose, Warning, Result or Error. Exit codes 1 (run failed)
    # and 2 (usage or configuration) end the cmdlet with a terminating error; 3 (per-object export errors)
    # and 4 (deletion threshold) write a non-terminating error after the results.
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [string] $Command,
        [System.Collections.IDictionary] $Parameters = @{},
        [System.Collections.IDictionary] $Secrets = @{}
    )

    $executable = Resolve-DirSyncExecutable -Cmdlet $Cmdlet
    $request = ConvertTo-DirSyncJson ([ordered]@{ command = $Command; parameters = $Parameters; secrets = $Secrets })

    $startInfo = [System.Diagnostics.ProcessStartInfo]::new()
    $startInfo.FileName = $executable.FileName
    $startInfo.Arguments = (@($executable.Arguments).ForEach{ if ($_ -match '[\s"]') { '"' + $_ + '"' } else { $_ } }) -join ' '
    $startInfo.UseShellExecute = $false
    $startInfo.CreateNoWindow = $true
    $startInfo.RedirectStandardInput = $true
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.StandardOutputEncoding = [System.Text.UTF8Encoding]::new($false)
    $startInfo.StandardErrorEncoding = [System.Text.UTF8Encoding]::new($false)

    $Cmdlet.WriteVerbose("Running '$Command' in $($startInfo.FileName) $($startInfo.Arguments)")
    try {
        $process = [System.Diagnostics.Process]::Start($startInfo)
    } catch {
        $Cmdlet.ThrowTerminatingError((New-DirSyncErrorRecord -ErrorId 'DirSyncExecutableFailedToStart' -Category ResourceUnavailable `
            -TargetObject $startInfo.FileName -Message "The DirSync executable $($startInfo.FileName) could not be started: $($_.Exception.Message)" `
            -RecommendedAction 'Check that the file exists and may be executed, or reinstall DirSync.'))
    }

    $activities = @{}
    $finalError = $null
    $errorWritten = $false
    try {
        # Read stderr in the background: a child blocked on a full stderr pipe would never finish stdout.
        $standardError = $process.StandardError.ReadToEndAsync()
        $process.StandardInput.Write($request)
        $process.StandardInput.Close()

        while ($null -ne ($line = $process.StandardOutput.ReadLine())) {
            if ($line.Trim().Length -eq 0) { continue }
            try {
                $message = [System.Management.Automation.PSSerializer]::Deserialize($line)
            } catch {
                $Cmdlet.WriteWarning("The DirSync executable wrote a line that is not part of the module protocol: $line")
                continue
            }
            switch ($message.PSTypeNames[0]) {
                'Deserialized.DirSync.Protocol.Progress' {
                    $record = [System.Management.Automation.ProgressRecord]::new([int]$message.activityId, [string]$message.activity, [string]$message.status)
                    $record.PercentComplete = [int]$message.percent
                    if ($message.completed) {
                        $record.RecordType = [System.Management.Automation.ProgressRecordType]::Completed
                        $activities.Remove($record.ActivityId)
                    } else {
                        $activities[$record.ActivityId] = $record.Activity
                    }
                    $Cmdlet.WriteProgress($record)
                }
                'Deserialized.DirSync.Protocol.Verbose' { $Cmdlet.WriteVerbose([string]$message.message) }
                'Deserialized.DirSync.Protocol.Warning' { $Cmdlet.WriteWarning([string]$message.message) }
                'Deserialized.DirSync.Protocol.Result' { $Cmdlet.WriteObject((Restore-DirSyncTypeName $message.value)) }
                'Deserialized.DirSync.Protocol.Error' {
                    $errorId = if ($message.code) { $message.code } else { $message.errorId }
                    $record = New-DirSyncErrorRecord -ErrorId $errorId -Category $message.category -Message $message.message `
                        -TargetObject $message.target -RecommendedAction $message.recommendedAction
                    # 1 and 2 end the cmdlet, once the child has exited; 3 and 4 leave the results standing.
                    if ($message.exitCode -eq 1 -or $message.exitCode -eq 2) { $finalError = $record }
                    else { $Cmdlet.WriteError($record); $errorWritten = $true }
                }
                default { $Cmdlet.WriteWarning("The DirSync executable sent a message this module does not know ($($message.PSTypeNames[0])); is the module older than the executable?") }
            }
        }
        $process.WaitForExit()
        $errorText = $standardError.GetAwaiter().GetResult()
    } finally {
        foreach ($activityId in @($activities.Keys)) {
            $done = [System.Management.Automation.ProgressRecord]::new($activityId, $activities[$activityId], 'Done')
            $done.RecordType = [System.Management.Automation.ProgressRecordType]::Completed
            $Cmdlet.WriteProgress($done)
        }
        if (-not $process.HasExited) { $process.Kill() }
    }

    foreach ($errorLine in ($errorText -split '\r?\n')) {
        if ($errorLine.Trim().Length -gt 0) { $Cmdlet.WriteVerbose("dirsync: $errorLine") }
    }
    $exitCode = $process.ExitCode
    if ($null -ne $finalError) { $Cmdlet.ThrowTerminatingError($finalError) }
    if ($exitCode -eq 0) { return }
    if ($exitCode -eq 3 -or $exitCode -eq 4) {
        if (-not $errorWritten) { $Cmdlet.WriteError((New-DirSyncExitCodeErrorRecord -ExitCode $exitCode -Command $Command)) }
        return
    }
    $Cmdlet.ThrowTerminatingError((New-DirSyncErrorRecord -ErrorId 'DirSyncExecutableFailed' -Category InvalidResult -TargetObject $Command `
        -Message "The DirSync executable ended '$Command' with exit code $exitCode without saying why. $($errorText.Trim())" `
        -RecommendedAction 'Run the command again with -Verbose; if it fails again, report the details to the DirSync project.'))
}

function New-DirSyncExitCodeErrorRecord {
    # What exit codes 3 and 4 mean, for when the executable sent no error message of its own.
    param([int] $ExitCode, [string] $Command)

    if ($ExitCode -eq 3) {
        return New-DirSyncErrorRecord -ErrorId 'CompletedWithExportErrors' -Category InvalidData -TargetObject $Command `
            -Message 'The run completed, but some objects could not be exported to Entra ID; the run object lists them in its errors.' `
            -RecommendedAction 'Correct the objects named in the errors (IdFix finds duplicate or invalid values), then synchronize again.'
    }
    New-DirSyncErrorRecord -ErrorId 'DeletionThresholdExceeded' -Category LimitsExceeded -TargetObject $Command `
        -Message 'The run stopped: it would have deleted more objects than the deletion threshold allows, so no delete was exported.' `
        -RecommendedAction 'Review the planned deletes with Start-OnlineCoexistenceSync -WhatIf; if they are intended, run Start-OnlineCoexistenceSync -AcceptDeletes.'
}

function Restore-DirSyncTypeName {
    # Deserialized objects carry 'Deserialized.' type names; DirSync's results are plain property bags,
    # so they get their own names back (DirSync.SyncRun…) for the format file and for scripts.
    param([Parameter(Mandatory)] [psobject] $InputObject)

    $names = @($InputObject.PSTypeNames)
    $InputObject.PSTypeNames.Clear()
    foreach ($name in $names) {
        $InputObject.PSTypeNames.Add(($name -replace '^Deserialized\.', ''))
    }
    $InputObject
}
