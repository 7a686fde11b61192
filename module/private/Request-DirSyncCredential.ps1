function Request-DirSyncCredential {
    # Asks for a credential the user did not pass, with the host's own prompt; where nobody can answer
    # (-NonInteractive, a service, a scheduled task) it ends the cmdlet saying which parameter to pass.
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [string] $ParameterName,
        [Parameter(Mandatory)] [string] $Message
    )

    $credential = $null
    $reason = 'no credential was entered'
    try {
        $credential = $Cmdlet.Host.UI.PromptForCredential('DirSync configuration', $Message, '', '')
    } catch {
        # The host's own reason (-NonInteractive...), not PowerShell's "Exception calling ..." wrapper.
        $exception = $_.Exception
        while ($null -ne $exception.InnerException) { $exception = $exception.InnerException }
        $reason = $exception.Message
    }
    if ($null -eq $credential) {
        $Cmdlet.ThrowTerminatingError((New-DirSyncErrorRecord -Code 'Module.credential-required' -TargetObject $ParameterName `
            -Message "$($Cmdlet.MyInvocation.MyCommand.Name) needs -$ParameterName and could not ask for it: $reason" `
            -RecommendedAction "Pass -$ParameterName (a PSCredential) on the command line."))
    }
    $credential
}
