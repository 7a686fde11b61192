function Invoke-DirSyncCommand {
    # Runs one command in the DirSync executable on behalf of a public cmdlet ($Cmdlet) and renders the
    # answer through that cmdlet as it arrives. The request - this module's protocol version, the command,
    # parameters and secrets - goes to the child on stdin as one JSON line; its command line holds no data at
    # all. Stdin then stays open: when the user presses Ctrl+C, the line 'cancel' asks the executable to stop
    # cleanly (a sync ends after the batch in flight, recorded stopped-by-request), and the child is killed
    # only if it has not exited within the grace period. Each stdout line is one CliXml document
    # (src/protocol/): first the Hello, whose protocol version must be this module's (else nothing is shown but
    # Module.protocol-mismatch), then Progress, Verbose, Warning, Result or Error. An Error that is terminating
    # ends the cmdlet once the child has exited; any other is written where it comes, after the results it is
    # about. The exit code only matters when the executable said nothing: then anything but success is a failure.
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
    $request = ConvertTo-DirSyncJson ([ordered]@{
        protocolVersion = $script:Contract.ProtocolVersion; command = $Command; parameters = $Parameters; secrets = $Secrets; cancellation = 'stdin' })

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
        $Cmdlet.ThrowTerminatingError((New-DirSyncErrorRecord -Code 'Module.executable-failed-to-start' -TargetObject $startInfo.FileName `
            -Message "The DirSync executable $($startInfo.FileName) could not be started: $($_.Exception.Message)"))
    }

    $activities = @{}
    $hello = $null
    $mismatch = $null
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
            # After a refused Hello, the rest of the answer is read to its end and not shown.
            if ($null -eq $message -or $null -ne $mismatch) { continue }
            if ($null -eq $hello) {
                $hello = $message
                $mismatch = Test-DirSyncProtocol -Hello $message -Executable $executable.Path
                # The end of stdin cancels whatever the executable might still do.
                if ($null -ne $mismatch) { Close-DirSyncInput $process }
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
                'Deserialized.DirSync.Protocol.Result' {
                    $result = Restore-DirSyncTypeName $message.value
                    if ($ExpandProperty) { foreach ($item in @($result.$ExpandProperty)) { $Cmdlet.WriteObject($item) } }
                    else { $Cmdlet.WriteObject($result) }
                }
                'Deserialized.DirSync.Protocol.Error' {
                    $record = New-DirSyncErrorRecord -Code $message.code -Category $message.category -Message $message.message `
                        -TargetObject $message.target -RecommendedAction $message.recommendedAction
                    # A terminating error ends the cmdlet once the child has exited; any other leaves the results standing.
                    if ($message.terminating) { $finalError = $record }
                    else { $Cmdlet.WriteError($record); $errorWritten = $true }
                }
                default { $Cmdlet.WriteWarning("The DirSync executable sent a message this module does not know ($($message.PSTypeNames[0])).") }
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
    if ($null -ne $mismatch) { $Cmdlet.ThrowTerminatingError($mismatch) }
    if ($null -ne $finalError) { $Cmdlet.ThrowTerminatingError($finalError) }
    $succeeded = $process.ExitCode -eq $script:Contract.ExitCodes.Success
    # An executable that ran to its end without a word of the protocol does not speak it.
    if ($succeeded -and $null -eq $hello) { $Cmdlet.ThrowTerminatingError((Test-DirSyncProtocol -Hello $null -Executable $executable.Path)) }
    if ($succeeded -or $errorWritten) { return }
    $Cmdlet.ThrowTerminatingError((New-DirSyncErrorRecord -Code 'Module.executable-failed' -TargetObject $Command `
        -Message "The DirSync executable ended '$Command' with exit code $($process.ExitCode) without saying why. $($errorText.Trim())"))
}

function Test-DirSyncProtocol {
    # The handshake, the module's side: $null when the executable's first message is a Hello of this module's
    # protocol version, else the Module.protocol-mismatch error record. The executable checks the same the
    # other way round (src/protocol/module-contract.ts), so that neither side runs the other's requests.
    param([AllowNull()] [psobject] $Hello, [Parameter(Mandatory)] [string] $Executable)

    $expected = $script:Contract.ProtocolVersion
    if ($null -ne $Hello -and $Hello.PSTypeNames[0] -eq 'Deserialized.DirSync.Protocol.Hello') {
        if ([int]$Hello.protocolVersion -eq $expected) { return $null }
        $theirs = "The DirSync executable $Executable ($($Hello.productVersion)) speaks module protocol $($Hello.protocolVersion)"
    } else {
        $theirs = "The DirSync executable $Executable speaks a module protocol older than $expected (it did not say which)"
    }
    New-DirSyncErrorRecord -Code 'Module.protocol-mismatch' -TargetObject $Executable `
        -Message "$theirs, and this module ($($script:Contract.ProductVersion)) speaks protocol $expected`: nothing was run."
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
