function Import-CoexistenceConfiguration {
    <#
    .SYNOPSIS
    Configures a new DirSync installation from a settings file, as a
    standby.

    .DESCRIPTION
    Builds a replacement or second server from reviewed settings: the
    installation (new, from Install-OnlineCoexistenceTool, or already a
    standby) takes every setting of the file written by
    Export-CoexistenceConfiguration, and is configured as
    Set-CoexistenceConfiguration configures - every part checked for real,
    its own AAD_ service account created - in staging mode: it plans every
    cycle and exports nothing until it is promoted. The file holds no
    secret, so the credentials are asked for as
    Set-CoexistenceConfiguration asks for them. An active installation is
    refused: it would become a standby.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER FilePath
    A settings file written by Export-CoexistenceConfiguration (dirsync
    settings export).

    .PARAMETER Credential
    The on-premises Active Directory account (an Enterprise Administrator)
    used to set up directory access.

    .PARAMETER TargetCredential
    The cloud application: user name = application (client) id, password =
    client secret. Not needed when the exported installation signs in with
    a certificate (the file names it).

    .PARAMETER SmtpCredential
    The mail server account for notifications, when the exported
    installation signs in to its mail server.

    .PARAMETER NotifyWebhookSecret
    The webhook's signing secret (the receiver's key), when the exported
    installation signs its webhook.

    .EXAMPLE
    Install-OnlineCoexistenceTool -InstallPath D:\DirSync
    Import-CoexistenceConfiguration -InstallPath D:\DirSync `
        -FilePath .\dirsync-settings.json -Credential CONTOSO\admin `
        -TargetCredential $application

    Builds a standby server from the active one's exported settings.

    .EXAMPLE
    Import-CoexistenceConfiguration -FilePath .\dirsync-settings.json `
        -Credential CONTOSO\admin -WhatIf

    Shows what would be imported; nothing is changed.

    .LINK
    Export-CoexistenceConfiguration

    .LINK
    Compare-CoexistenceConfiguration

    .LINK
    Set-CoexistenceConfiguration
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('DirSync.Configuration')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [Parameter(Mandatory)]
        [ValidateNotNullOrEmpty()]
        [string] $FilePath,

        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential,

        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $TargetCredential,

        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $SmtpCredential,

        [securestring] $NotifyWebhookSecret
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        $file = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($FilePath)
        if (-not $PSCmdlet.ShouldProcess($path, "Configure as a standby from $file")) { return }

        if ($null -eq $Credential) {
            $Credential = Request-DirSyncCredential -Cmdlet $PSCmdlet -ParameterName 'Credential' `
                -Message 'Enter the credentials of an on-premises Enterprise Administrator.'
        }
        $parameters = [ordered]@{ path = $path; file = $file; adUser = $Credential.UserName }
        $secrets = [ordered]@{ adPassword = $Credential.GetNetworkCredential().Password }
        if ($null -ne $TargetCredential) { $secrets.clientSecret = $TargetCredential.GetNetworkCredential().Password }
        if ($null -ne $SmtpCredential) {
            $secrets.smtpUser = $SmtpCredential.UserName
            $secrets.smtpPassword = $SmtpCredential.GetNetworkCredential().Password
        }
        if ($null -ne $NotifyWebhookSecret) { $secrets.webhookSecret = [System.Net.NetworkCredential]::new('', $NotifyWebhookSecret).Password }
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'settings-import' -Parameters $parameters -Secrets $secrets
    }
}
