function Uninstall-OnlineCoexistenceTool {
    <#
    .SYNOPSIS
    Removes DirSync from this computer.

    .DESCRIPTION
    Removes the installation: its configuration, stored secrets and
    synchronization database (the embedded one; a database on a standalone
    SQL Server is left to its administrator). Objects already synchronized
    stay in Entra ID as cloud-managed objects. With -KeepData the database
    and the run history are kept, for a later reinstallation.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER KeepData
    Keep the synchronization database and the run history.

    .PARAMETER RemoveServiceAccount
    Also delete the AAD_ service account DirSync created in Active
    Directory, with its replication right. Without it the account stays,
    and a warning says so.

    .PARAMETER Credential
    A domain administrator who may delete the service account (with
    -RemoveServiceAccount). Prompted for when not given.

    .EXAMPLE
    Uninstall-OnlineCoexistenceTool

    Removes DirSync after asking for confirmation.

    .EXAMPLE
    Uninstall-OnlineCoexistenceTool -KeepData -Confirm:$false

    Removes DirSync but keeps its data, without asking.

    .EXAMPLE
    Uninstall-OnlineCoexistenceTool -RemoveServiceAccount `
        -Credential (Get-Credential CORP\Administrator)

    Removes DirSync and the AAD_ account it created in Active Directory.

    .LINK
    Install-OnlineCoexistenceTool
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('DirSync.Uninstallation')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [switch] $KeepData,

        [switch] $RemoveServiceAccount,

        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $Credential
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        $action = if ($KeepData) { 'Uninstall DirSync, keeping its data' } else { 'Uninstall DirSync and delete its data' }
        if ($PSCmdlet.ShouldProcess($path, $action)) {
            $parameters = [ordered]@{ path = $path; keepData = $KeepData.IsPresent; removeServiceAccount = $RemoveServiceAccount.IsPresent }
            $secrets = @{}
            if ($RemoveServiceAccount) {
                if ($null -eq $Credential) {
                    $Credential = Request-DirSyncCredential -Cmdlet $PSCmdlet -ParameterName 'Credential' -Message 'Enter a domain administrator who may delete the DirSync service account.'
                }
                $parameters.adUser = $Credential.UserName
                $secrets.adPassword = $Credential.GetNetworkCredential().Password
            }
            Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'uninstall' -Parameters $parameters -Secrets $secrets
        }
    }
}
