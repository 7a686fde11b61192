function Test-CoexistenceNotification {
    <#
    .SYNOPSIS
    Sends a test notification through the configured mail server and
    webhook, and shows their answers.

    .DESCRIPTION
    DirSync tells the administrator when a run fails, when the deletion
    threshold stops a run, when drift is reverted and when synchronization
    recovers (Set-CoexistenceConfiguration -NotifySmtpServer,
    -NotifyWebhook). This cmdlet sends a test message through each
    configured channel now and writes one DirSync.NotificationTest object
    per channel: whether it was delivered and what the server answered
    (for the webhook, also whether the request was signed: Signed).
    When a channel did not take the message, the cmdlet ends with an error
    (Notification.undeliverable) after writing the answers.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceConfiguration's.

    .EXAMPLE
    Test-CoexistenceNotification

    Sends a test message from the installation in the default directory.

    .EXAMPLE
    Set-CoexistenceConfiguration -NotifySmtpServer mail.contoso.com:587 `
        -NotifySmtpTls StartTls -NotifyFrom dirsync@contoso.com `
        -NotifyTo ops@contoso.com -SmtpCredential $mailer
    Test-CoexistenceNotification | Format-Table Channel, Delivered, Answer

    Sets up mail notifications and checks that they arrive.

    .LINK
    Set-CoexistenceConfiguration
    #>
    [CmdletBinding()]
    [OutputType('DirSync.NotificationTest')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'notify-test' -Parameters ([ordered]@{ path = $path })
    }
}
