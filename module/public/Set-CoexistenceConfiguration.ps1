function Set-CoexistenceConfiguration {
    <#
    .SYNOPSIS
    Configures DirSync: the Active Directory to read, the Entra ID tenant
    to write, what to synchronize.

    .DESCRIPTION
    Sets up an installation (after Install-OnlineCoexistenceTool, and
    again after an upgrade to re-enter the credentials). The on-premises
    credential (-Credential, an Enterprise Administrator) is used to set
    things up - including the AAD_xxxxxxxxxxxx service account DirSync
    then reads the directory with (unless -NoServiceAccount) - and is not
    kept as such. The cloud side signs in as an application: with a client
    secret (-TargetCredential: user name = application (client) id,
    password = client secret) or, for unattended use, with a certificate
    (-ClientId -CertificatePath).

    Only the settings you pass change; the others keep their current
    values. When a credential is needed and not passed, the cmdlet asks
    for it if it can prompt, and fails saying which parameter to pass if
    it cannot. Credentials reach the DirSync executable on standard input
    only, never on a command line.

    Objects DirSync creates in Entra ID are cloud-managed objects anchored
    to Active Directory by onPremisesImmutableId: Microsoft Graph does not
    let an application create directory-synchronized ones.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER Credential
    The on-premises Active Directory account (an Enterprise Administrator)
    used to set up directory access.

    .PARAMETER AdServer
    The domain controller: an LDAP URL (ldaps://dc01.contoso.com) or a
    host name.

    .PARAMETER AdCaFile
    A PEM file with the certificate authority that issued the domain
    controller's TLS certificate.

    .PARAMETER IncludeOU
    Distinguished names of the organizational units to synchronize
    (default: the whole domain).

    .PARAMETER ExcludeOU
    Distinguished names of organizational units to leave out. Objects
    filtered out are deleted in Entra ID.

    .PARAMETER TenantId
    The Entra ID tenant (directory) id or its domain name.

    .PARAMETER TargetCredential
    The cloud application: user name = application (client) id, password =
    client secret.

    .PARAMETER ClientId
    The application (client) id, when signing in with a certificate.

    .PARAMETER CertificatePath
    A PEM file holding the application's certificate and private key, for
    certificate sign-in.

    .PARAMETER Cloud
    The Microsoft cloud: AzureCloud (default), AzureChinaCloud or
    AzureUSGovernment.

    .PARAMETER AuthorityHost
    Overrides the sign-in authority host of the cloud (e.g.
    https://login.microsoftonline.com).

    .PARAMETER GraphEndpoint
    Overrides the Microsoft Graph endpoint of the cloud (e.g.
    https://graph.microsoft.com).

    .PARAMETER CloudCaFile
    A PEM file with an extra CA certificate to trust for sign-in and
    Microsoft Graph, for example the certificate of a TLS-inspecting
    proxy. The machine's trusted CAs stay trusted.

    .PARAMETER WriteBudget
    The tenant's Graph directory write budget as 'writes/seconds' (default
    '3000/150', Graph's documented budget per application and tenant). The
    export paces itself to it instead of running into throttling.

    .PARAMETER SoftMatch
    How an Active Directory user without a cloud object yet joins an
    existing cloud user: 'SmtpThenUpn' (the default: by primary SMTP
    address, then by UPN as AD has it; never an administrator, never a
    user two AD objects claim) or 'Off'. Microsoft recommends 'Off' once
    the initial synchronization is done.

    .PARAMETER CloudDrift
    What a cycle does about changes made in the cloud to what DirSync
    owns: 'Revert' (the default: Active Directory is the authority, so
    they are sent back to its values) or 'Report' (they are only listed in
    the run).

    .PARAMETER EnableHybridDeployment
    Exchange hybrid deployment: write the cloud's Exchange attributes back
    to Active Directory.

    .PARAMETER EnablePasswordSync
    Asks for password hash synchronization. Microsoft Graph offers no way
    to write password hashes, so the engine refuses it and explains what
    is possible instead.

    .PARAMETER NoServiceAccount
    Read the directory with -Credential's account instead of creating the
    AAD_ service account.

    .PARAMETER SynchronizeNow
    Start a synchronization as soon as the configuration is saved.

    .PARAMETER Staging
    Makes this installation a standby (staging mode): every cycle imports
    from Active Directory, computes its plan against the cloud and records
    it, and exports nothing (see the run's Plan). Point it at the same
    domain and tenant, with the same application, as the active
    installation. Switch-OnlineCoexistenceServer (or -Staging:$false)
    makes it active: stop the active installation first.

    .PARAMETER NotifySmtpServer
    The mail server for notifications as 'host:port' (e.g.
    'mail.contoso.com:587'), or 'off' to stop mailing. Notification
    settings given alone change the notifications only: no other
    credential is needed.

    .PARAMETER NotifySmtpTls
    How the mail server connection is protected: StartTls (required, e.g.
    port 587), Implicit (TLS from the first byte, SMTPS on port 465: the
    default for a new server on that port) or None (in clear). With TLS the
    server's certificate is verified against the machine's CAs and
    -NotifyCaFile; an account (-SmtpCredential) needs TLS.

    .PARAMETER NotifySmtpStartTls
    The earlier form of -NotifySmtpTls StartTls (-NotifySmtpStartTls:$false
    is -NotifySmtpTls None).

    .PARAMETER NotifyFrom
    The sender address of the notification mails.

    .PARAMETER NotifyTo
    The recipients of the notification mails.

    .PARAMETER SmtpCredential
    The mail server account, when it wants one: stored encrypted, sent
    over TLS only.

    .PARAMETER NotifyWebhook
    An https:// URL that receives one JSON object per notification (event,
    installation, the run), or 'off'.

    .PARAMETER NotifyWebhookSecret
    The secret the webhook's requests are signed with (HMAC-SHA256 over
    the timestamp and the body, in the X-DirSync-Timestamp and
    X-DirSync-Signature headers), shared with the receiver: at least 16
    characters, stored encrypted, never shown.

    .PARAMETER RemoveNotifyWebhookSecret
    Stop signing the webhook: the stored secret is removed.

    .PARAMETER NotifyCaFile
    A PEM file with a CA certificate to trust for the mail server's TLS
    and the webhook.

    .PARAMETER NotifyOn
    What to notify: Failure (a run failed, at -NotifyAfterFailures runs in
    a row), Threshold (the deletion threshold stopped a run), Drift (a run
    reverted more than -NotifyDriftAbove objects), Recovered (the first
    success after failures), EveryRun. Default: all but EveryRun.

    .PARAMETER NotifyName
    The installation's name in subjects and payloads (default: the
    computer's name).

    .PARAMETER NotifyAfterFailures
    Notify a failure once this many runs in a row failed, and again at
    each multiple (default 1).

    .PARAMETER NotifyDriftAbove
    Notify drift when a run reverted more than this many objects (default
    0).

    .EXAMPLE
    $application = Get-Credential -Message 'Client id / client secret'
    Set-CoexistenceConfiguration -AdServer ldaps://dc01.contoso.com `
        -Credential CONTOSO\admin -TenantId contoso.onmicrosoft.com `
        -TargetCredential $application

    Configures both sides with a client secret; asks for the passwords.

    .EXAMPLE
    $tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47'
    $application = '0b5e1b5c-3f0a-4e7a-9a9e-5d7a8e0c1f23'
    Set-CoexistenceConfiguration -TenantId $tenant -ClientId $application `
        -CertificatePath C:\DirSync\app.pem

    Switches the cloud sign-in to a certificate, for unattended operation.

    .EXAMPLE
    Set-CoexistenceConfiguration -IncludeOU 'OU=Staff,DC=contoso,DC=com' `
        -ExcludeOU 'OU=Disabled,OU=Staff,DC=contoso,DC=com' -WhatIf

    Shows what changing the scope would do - the plan of a preview
    synchronization with that scope: each object it would create, update
    or delete in Entra ID, and why - as a DirSync.SyncRun; nothing is
    changed.

    .EXAMPLE
    Set-CoexistenceConfiguration -Cloud AzureUSGovernment `
        -TenantId contoso.onmicrosoft.us -TargetCredential $appCredential `
        -SynchronizeNow

    Points DirSync at the US Government cloud and synchronizes at once.

    .EXAMPLE
    Set-CoexistenceConfiguration -AdServer ldaps://dc02.contoso.com `
        -Credential CONTOSO\admin -TenantId contoso.onmicrosoft.com `
        -TargetCredential $appCredential -Staging

    Configures a standby server: it follows the active one and writes
    nothing until it is promoted.

    .EXAMPLE
    Set-CoexistenceConfiguration -NotifySmtpServer mail.contoso.com:587 `
        -NotifySmtpTls StartTls -NotifyFrom dirsync@contoso.com `
        -NotifyTo ops@contoso.com, it@contoso.com -SmtpCredential $mailer `
        -NotifyAfterFailures 2

    Mails the operators when two runs in a row fail, when the deletion
    threshold stops a run, on drift and on recovery; no AD or cloud
    credential is needed for that.

    .EXAMPLE
    $secret = Read-Host -AsSecureString -Prompt 'Webhook secret'
    Set-CoexistenceConfiguration -NotifyWebhookSecret $secret `
        -NotifyWebhook https://hooks.contoso.com/dirsync

    Posts notifications to a webhook, signed with a secret the receiver
    shares, so that it can refuse forged or replayed requests.

    .LINK
    Get-CoexistenceConfiguration

    .LINK
    Install-OnlineCoexistenceTool

    .LINK
    Start-OnlineCoexistenceSync

    .LINK
    Switch-OnlineCoexistenceServer
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium', DefaultParameterSetName = 'ClientSecret')]
    [OutputType('DirSync.Configuration', 'DirSync.SyncRun')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential,

        [ValidateNotNullOrEmpty()]
        [string] $AdServer,

        [ValidateNotNullOrEmpty()]
        [string] $AdCaFile,

        [string[]] $IncludeOU,

        [string[]] $ExcludeOU,

        [ValidateNotNullOrEmpty()]
        [string] $TenantId,

        [Parameter(ParameterSetName = 'ClientSecret')]
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $TargetCredential,

        [Parameter(Mandatory, ParameterSetName = 'Certificate')]
        [ValidateNotNullOrEmpty()]
        [string] $ClientId,

        [Parameter(Mandatory, ParameterSetName = 'Certificate')]
        [ValidateNotNullOrEmpty()]
        [string] $CertificatePath,

        [ValidateSet('AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment')]
        [string] $Cloud,

        [ValidateNotNullOrEmpty()]
        [string] $AuthorityHost,

        [ValidateNotNullOrEmpty()]
        [string] $GraphEndpoint,

        [ValidateNotNullOrEmpty()]
        [string] $CloudCaFile,

        [ValidateNotNullOrEmpty()]
        [string] $WriteBudget,

        [ValidateSet('SmtpThenUpn', 'Off')]
        [string] $SoftMatch,

        [ValidateSet('Revert', 'Report')]
        [string] $CloudDrift,

        [switch] $EnableHybridDeployment,

        [switch] $EnablePasswordSync,

        [switch] $NoServiceAccount,

        [switch] $SynchronizeNow,

        [switch] $Staging,

        [ValidatePattern('^(off|\[[0-9a-fA-F:.]+\]:\d+|[^:\s]+:\d+)$')]
        [string] $NotifySmtpServer,

        [ValidateSet('StartTls', 'Implicit', 'None')]
        [string] $NotifySmtpTls,

        [switch] $NotifySmtpStartTls,

        [ValidateNotNullOrEmpty()]
        [string] $NotifyFrom,

        [ValidateNotNullOrEmpty()]
        [string[]] $NotifyTo,

        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $SmtpCredential,

        [ValidateNotNullOrEmpty()]
        [string] $NotifyWebhook,

        [securestring] $NotifyWebhookSecret,

        [switch] $RemoveNotifyWebhookSecret,

        [ValidateNotNullOrEmpty()]
        [string] $NotifyCaFile,

        [ValidateSet('Failure', 'Threshold', 'Drift', 'Recovered', 'EveryRun')]
        [string[]] $NotifyOn,

        [ValidateNotNullOrEmpty()]
        [string] $NotifyName,

        [ValidateRange(1, 1000)]
        [int] $NotifyAfterFailures,

        [ValidateRange(0, [int]::MaxValue)]
        [int] $NotifyDriftAbove
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        $parameters = [ordered]@{ path = $path }
        $selected = Select-DirSyncBoundParameter -BoundParameters $PSBoundParameters -Map ([ordered]@{
            AdServer = 'adUrl'; TenantId = 'tenantId'; ClientId = 'clientId'; Cloud = 'cloud'; WriteBudget = 'writeBudget'
            AuthorityHost = 'authorityHost'; GraphEndpoint = 'graphEndpoint'
            IncludeOU = 'includeOu'; ExcludeOU = 'excludeOu'
            EnableHybridDeployment = 'enableHybridDeployment'; EnablePasswordSync = 'enablePasswordSync'
            NoServiceAccount = 'noServiceAccount'; SynchronizeNow = 'syncNow'; Staging = 'staging'
            NotifySmtpServer = 'notifySmtp'; NotifySmtpStartTls = 'notifySmtpStarttls'; NotifyFrom = 'notifyFrom'; NotifyTo = 'notifyTo'
            NotifyWebhook = 'notifyWebhook'; NotifyName = 'notifyName'; NotifyAfterFailures = 'notifyAfterFailures'; NotifyDriftAbove = 'notifyDriftAbove' })
        foreach ($name in $selected.Keys) { $parameters[$name] = $selected[$name] }
        # Files are named by full path: the executable does not share this session's current location.
        if ($PSBoundParameters.ContainsKey('AdCaFile')) { $parameters.adCaFile = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($AdCaFile) }
        if ($PSBoundParameters.ContainsKey('CloudCaFile')) { $parameters.cloudCaFile = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($CloudCaFile) }
        if ($PSBoundParameters.ContainsKey('SoftMatch')) { $parameters.softMatch = if ($SoftMatch -eq 'Off') { 'off' } else { 'smtp-then-upn' } }
        if ($PSBoundParameters.ContainsKey('CloudDrift')) { $parameters.cloudDrift = $CloudDrift.ToLowerInvariant() }
        if ($PSBoundParameters.ContainsKey('NotifyCaFile')) { $parameters.notifyCaFile = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($NotifyCaFile) }
        if ($PSBoundParameters.ContainsKey('NotifySmtpTls')) { $parameters.notifySmtpTls = $NotifySmtpTls.ToLowerInvariant() }
        if ($RemoveNotifyWebhookSecret) { $parameters.notifyWebhookSecret = 'off' }
        elseif ($null -ne $NotifyWebhookSecret) { $parameters.notifyWebhookSecret = $true }
        if ($PSBoundParameters.ContainsKey('NotifyOn')) { $parameters.notifyOn = @($NotifyOn.ForEach{ if ($_ -eq 'EveryRun') { 'every-run' } else { $_.ToLowerInvariant() } }) }
        if ($PSBoundParameters.ContainsKey('CertificatePath')) { $parameters.clientCertificate = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($CertificatePath) }

        # -WhatIf on a change of scope or matching: the engine's plan for it (a preview cycle with the would-be
        # configuration; nothing saved, no credential needed), besides PowerShell's own "What if" line.
        $previewed = @('includeOu', 'excludeOu', 'softMatch') | Where-Object { $parameters.Contains($_) }
        if ($WhatIfPreference -and $previewed) {
            $preview = [ordered]@{ path = $path; preview = $true }
            foreach ($name in $previewed) { $preview[$name] = $parameters[$name] }
            Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'configure' -Parameters $preview
        }
        if (-not $PSCmdlet.ShouldProcess($path, 'Configure DirSync')) { return }

        $secrets = [ordered]@{}
        if ($null -eq $Credential -and $PSBoundParameters.ContainsKey('AdServer')) {
            $Credential = Request-DirSyncCredential -Cmdlet $PSCmdlet -ParameterName 'Credential' `
                -Message "Enter the credentials of an on-premises Enterprise Administrator for $AdServer."
        }
        if ($null -ne $Credential) {
            $parameters.adUser = $Credential.UserName
            $secrets.adPassword = $Credential.GetNetworkCredential().Password
        }
        if ($PSCmdlet.ParameterSetName -eq 'ClientSecret') {
            if ($null -eq $TargetCredential -and $PSBoundParameters.ContainsKey('TenantId')) {
                $TargetCredential = Request-DirSyncCredential -Cmdlet $PSCmdlet -ParameterName 'TargetCredential' `
                    -Message "Enter the application (client) id as user name and the client secret as password for tenant $TenantId."
            }
            if ($null -ne $TargetCredential) {
                $parameters.clientId = $TargetCredential.UserName
                $secrets.clientSecret = $TargetCredential.GetNetworkCredential().Password
            }
        }
        if ($null -ne $SmtpCredential) {
            $secrets.smtpUser = $SmtpCredential.UserName
            $secrets.smtpPassword = $SmtpCredential.GetNetworkCredential().Password
        }
        if ($null -ne $NotifyWebhookSecret -and -not $RemoveNotifyWebhookSecret) {
            $secrets.webhookSecret = [System.Net.NetworkCredential]::new('', $NotifyWebhookSecret).Password
        }
        Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'configure' -Parameters $parameters -Secrets $secrets
    }
}
