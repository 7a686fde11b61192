function Invoke-DirSyncCommand {
    # Runs one command in the DirSync executable on behalf of a public cmdlet ($Cmdlet) and renders the
    # answer through that cmdlet as it arrives. The request - command, parameters and secrets - goes to
    # the child on stdin as one JSON line; its command line holds no data at all. Stdin then stays open:
    # when the user presses Ctrl+C, the line 'cancel' asks the executable to stop cleanly (a sync ends
    # after the batch in flight, recorded stopped-by-request), and the child is killed only if it has not
    # exited within $script:CancelGracePeriod. Each stdout line is one CliXml
    # document (src/protocol/): Progress, Verbose, Warning, Result or Error. Exit codes 1 (run failed)
    # and 2 (usage or configuration) end the cmdlet with a terminating error; 3 (per-object export errors)
    # and 4 (deletion threshold) write a non-terminating error after the results.
    # -ExpandProperty writes the items of that property of each result instead of the result (one object per
    # readiness finding, as the pipeline wants them).
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [string] $Command,
        [System.Collections.IDictionary] $Parameters = @{},
        [System.Collections.IDictionary] $Secrets = @{},
        [string] $ExpandProperty
    )

    $executable = Resolve-DirSyncExecutable -Cmdlet $Cmdlet
    $request = ConvertTo-DirSyncJson ([ordered]@{ command = $Command; parameters = $Parameters; secrets = $Secrets; cancellation = 'stdin' })

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
    $completed = $false
    $output = @{ Reader = $process.StandardOutput; Pending = $null }
    try {
        # Read stderr in the background: a child blocked on a full stderr pipe would never finish stdout.
        $standardError = $process.StandardError.ReadToEndAsync()
        $process.StandardInput.Write($request + "`n")
        $process.StandardInput.Flush()

        while ($null -ne ($line = Read-DirSyncLine $output)) {
            $message = ConvertFrom-DirSyncMessage -Cmdlet $Cmdlet -Line $line
            if ($null -eq $message) { continue }
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
                'Deserialized.DirSync.Protocol.Result' {
                    $result = Restore-DirSyncTypeName $message.value
                    if ($ExpandProperty) { foreach ($item in @($result.$ExpandProperty)) { $Cmdlet.WriteObject($item) } }
                    else { $Cmdlet.WriteObject($result) }
                }
                'Deserialized.DirSync.Protocol.Error' {
                    $record = New-DirSyncProtocolErrorRecord $message
                    # 1 and 2 end the cmdlet, once the child has exited; 3 and 4 leave the results standing.
                    if ($message.exitCode -eq 1 -or $message.exitCode -eq 2) { $finalError = $record }
                    else { $Cmdlet.WriteError($record); $errorWritten = $true }
                }
                default { $Cmdlet.WriteWarning("The DirSync executable sent a message this module does not know ($($message.PSTypeNames[0])); is the module older than the executable?") }
            }
        }
        $process.WaitForExit()
        $errorText = $standardError.GetAwaiter().GetResult()
        $completed = $true
    } finally {
        # Reached without $completed: Ctrl+C (the pipeline is stopping) or a failure here. The child is asked to stop.
        if (-not $completed -and -not $process.HasExited) { Stop-DirSyncChild -Cmdlet $Cmdlet -Process $process -Output $output }
        Close-DirSyncInput $process
        try {
            foreach ($activityId in @($activities.Keys)) {
                $done = [System.Management.Automation.ProgressRecord]::new($activityId, $activities[$activityId], 'Done')
                $done.RecordType = [System.Management.Automation.ProgressRecordType]::Completed
                $Cmdlet.WriteProgress($done)
            }
        } catch [System.Management.Automation.PipelineStoppedException] {
            # Stopping: nothing more can be written to this pipeline.
        }
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

$script:CancelGracePeriod = [System.TimeSpan]::FromSeconds(60)

function Read-DirSyncLine {
    # The next line of the child's output, or $null at its end. Waits in short slices, so that Ctrl+C
    # (which PowerShell acts on between statements) is not held up by a quiet child.
    # $Output: @{ Reader; Pending } - a read still pending when Ctrl+C came is taken over by Stop-DirSyncChild.
    param([Parameter(Mandatory)] [hashtable] $Output)

    if ($null -eq $Output.Pending) { $Output.Pending = $Output.Reader.ReadLineAsync() }
    while (-not $Output.Pending.Wait(200)) { }
    $line = $Output.Pending.GetAwaiter().GetResult()
    $Output.Pending = $null
    $line
}

function ConvertFrom-DirSyncMessage {
    # One protocol line as the message object it holds; $null (with a warning) for a line that is not one.
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet, [AllowEmptyString()] [string] $Line)

    if ($Line.Trim().Length -eq 0) { return $null }
    try {
        return [System.Management.Automation.PSSerializer]::Deserialize($Line)
    } catch {
        $Cmdlet.WriteWarning("The DirSync executable wrote a line that is not part of the module protocol: $Line")
        return $null
    }
}

function New-DirSyncProtocolErrorRecord {
    # An Error message as an ErrorRecord. Its stable id is 'code' (protocol 2; 'errorId' before).
    param([Parameter(Mandatory)] [psobject] $Message)

    $code = $Message.PSObject.Properties['code']
    $errorId = if ($null -ne $code -and $code.Value) { [string]$code.Value } else { [string]$Message.errorId }
    New-DirSyncErrorRecord -ErrorId $errorId -Category $Message.category -Message $Message.message `
        -TargetObject $Message.target -RecommendedAction $Message.recommendedAction
}

function Stop-DirSyncChild {
    # The user stopped the cmdlet: ask the executable to stop (the line 'cancel', then the end of its
    # stdin), tell the user what is happening on the host - the pipeline takes no more output - and wait
    # for the child to finish cleanly, reading its output so that it never blocks on a full pipe. Only
    # a child still running after the grace period is killed.
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [System.Diagnostics.Process] $Process,
        [Parameter(Mandatory)] [hashtable] $Output
    )

    # A runspace without a host (a [powershell] instance) has no UI to tell anything to.
    $ui = if ($null -ne $Cmdlet.Host) { $Cmdlet.Host.UI } else { $null }
    try {
        $Process.StandardInput.Write("cancel`n")
        $Process.StandardInput.Flush()
    } catch [System.IO.IOException] {
        # The child has already closed its stdin: it is exiting anyway.
    }
    Close-DirSyncInput $Process
    if ($null -ne $ui) { $ui.WriteWarningLine("Stopping DirSync: the batch in flight finishes first (at most $([int]$script:CancelGracePeriod.TotalSeconds) s)...") }
    $deadline = [System.DateTime]::UtcNow + $script:CancelGracePeriod
    $pending = if ($null -ne $Output.Pending) { $Output.Pending } else { $Output.Reader.ReadLineAsync() }
    while ([System.DateTime]::UtcNow -lt $deadline) {
        if (-not $pending.Wait(200)) { continue }
        $line = $pending.GetAwaiter().GetResult()
        if ($null -eq $line) { break }
        if ($null -ne $ui) { Write-DirSyncMessageToHost -UI $ui -Line $line }
        $pending = $Output.Reader.ReadLineAsync()
    }
    # Its output has ended (it is exiting) or the grace period is over: a last second, then it is ended.
    $remaining = [int][System.Math]::Max(1000, ($deadline - [System.DateTime]::UtcNow).TotalMilliseconds)
    if (-not $Process.WaitForExit($remaining)) {
        if ($null -ne $ui) { $ui.WriteWarningLine('DirSync did not stop in time; ending it.') }
        $Process.Kill()
    }
}

function Write-DirSyncMessageToHost {
    # While stopping, the child's last words go to the host: warnings, errors and the stopped run.
    param([Parameter(Mandatory)] [System.Management.Automation.Host.PSHostUserInterface] $UI, [AllowEmptyString()] [string] $Line)

    if ($Line.Trim().Length -eq 0) { return }
    try { $message = [System.Management.Automation.PSSerializer]::Deserialize($Line) } catch { return }
    switch ($message.PSTypeNames[0]) {
        'Deserialized.DirSync.Protocol.Warning' { $UI.WriteWarningLine([string]$message.message) }
        'Deserialized.DirSync.Protocol.Error' { $UI.WriteErrorLine([string]$message.message) }
        'Deserialized.DirSync.Protocol.Result' {
            $run = $message.value
            if ($null -ne $run.PSObject.Properties['RunId']) {
                $UI.WriteLine("Run $($run.RunId) ($($run.Mode)): $($run.Status); added $($run.Added), updated $($run.Updated), deleted $($run.Deleted).")
            }
        }
    }
}

function Close-DirSyncInput {
    param([Parameter(Mandatory)] [System.Diagnostics.Process] $Process)

    try { $Process.StandardInput.Close() } catch [System.IO.IOException] { }
}

function New-DirSyncExitCodeErrorRecord {
    # What exit codes 3 and 4 mean, for when the executable sent no error message of its own.
    param([int] $ExitCode, [string] $Command)

    if ($ExitCode -eq 3 -and $Command -eq 'readiness') {
        return New-DirSyncErrorRecord -ErrorId 'ReadinessErrorsFound' -Category InvalidData -TargetObject $Command `
            -Message 'The readiness check found objects that will fail or be rewritten on export: the findings with Severity error name them.' `
            -RecommendedAction 'Correct each object as its Fix says, then run Test-CoexistenceReadiness again.'
    }
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
    # so they get their own names back (DirSync.SyncRun, and inside it DirSync.SyncError…) for the
    # format file and for scripts.
    param([Parameter(Mandatory)] [psobject] $InputObject)

    $names = @($InputObject.PSTypeNames)
    if ($names.Count -eq 0 -or -not $names[0].StartsWith('Deserialized.DirSync.')) { return $InputObject }
    $InputObject.PSTypeNames.Clear()
    foreach ($name in $names) {
        $InputObject.PSTypeNames.Add(($name -replace '^Deserialized\.', ''))
    }
    foreach ($property in $InputObject.PSObject.Properties) {
        foreach ($item in @($property.Value)) {
            if ($item -is [psobject]) { $null = Restore-DirSyncTypeName $item }
        }
    }
    $InputObject
}
