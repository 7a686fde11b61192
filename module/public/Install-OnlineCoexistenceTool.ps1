function Install-OnlineCoexistenceTool {
    <#
    .SYNOPSIS
    Installs DirSync on this computer, or upgrades an existing
    installation in place.

    .DESCRIPTION
    Creates the installation directory (readable by its owner only) and
    the synchronization database: an embedded database by default, or a
    database on a standalone SQL Server with -UseSQLServer for
    installations beyond about 100,000 objects. With -Upgrade, an existing
    installation from version 1.0.6385.0012 on is upgraded in place,
    against the same SQL Server and instance; older versions must be
    uninstalled first.

    Access to the computer that runs DirSync must be as restricted as
    access to a domain controller. After installing, run
    Set-CoexistenceConfiguration.

    .PARAMETER InstallPath
    The installation directory. Default: $env:ProgramData\DirSync on
    Windows, /var/lib/dirsync elsewhere. Alias -Path: it takes the Path of
    objects piped in, such as Get-CoexistenceConfiguration's.

    .PARAMETER UseSQLServer
    Keep the synchronization database on a standalone SQL Server instead
    of the embedded database.

    .PARAMETER SqlServer
    The SQL Server computer name (with -UseSQLServer).

    .PARAMETER SqlServerInstance
    The named SQL Server instance, when not the default instance.

    .PARAMETER SqlDatabase
    The database name on the SQL Server. Default: DirSync.

    .PARAMETER ServiceCredential
    The SQL login DirSync uses for the database. Its password is handed to
    the DirSync executable on standard input and stored encrypted; it
    never appears on a command line.

    .PARAMETER Upgrade
    Upgrade the existing installation in place instead of creating a new
    one.

    .EXAMPLE
    Install-OnlineCoexistenceTool

    Installs DirSync with the embedded database in the default directory.

    .EXAMPLE
    Install-OnlineCoexistenceTool -UseSQLServer -SqlServer sql01 `
        -SqlServerInstance DIRSYNC -ServiceCredential (Get-Credential)

    Installs DirSync with its database on the DIRSYNC instance of sql01.

    .EXAMPLE
    Install-OnlineCoexistenceTool -InstallPath D:\DirSync -Upgrade -WhatIf

    Shows what an in-place upgrade of the installation in D:\DirSync would
    do, without doing it.

    .LINK
    Set-CoexistenceConfiguration

    .LINK
    Uninstall-OnlineCoexistenceTool
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Embedded')]
    [OutputType('DirSync.Installation')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Path')]
        [string] $InstallPath,

        [Parameter(Mandatory, ParameterSetName = 'SqlServer')]
        [switch] $UseSQLServer,

        [Parameter(Mandatory, ParameterSetName = 'SqlServer')]
        [ValidateNotNullOrEmpty()]
        [string] $SqlServer,

        [Parameter(ParameterSetName = 'SqlServer')]
        [ValidateNotNullOrEmpty()]
        [string] $SqlServerInstance,

        [Parameter(ParameterSetName = 'SqlServer')]
        [ValidateNotNullOrEmpty()]
        [string] $SqlDatabase,

        [Parameter(ParameterSetName = 'SqlServer')]
        [System.Management.Automation.PSCredential]
        [System.Management.Automation.Credential()]
        $ServiceCredential,

        [switch] $Upgrade
    )

    process {
        $path = Resolve-DirSyncInstallPath -Cmdlet $PSCmdlet -InstallPath $InstallPath
        $parameters = [ordered]@{ path = $path; upgrade = $Upgrade.IsPresent }
        $selected = Select-DirSyncBoundParameter -BoundParameters $PSBoundParameters -Map ([ordered]@{
            SqlServer = 'sqlServer'; SqlServerInstance = 'sqlInstance'; SqlDatabase = 'sqlDatabase' })
        foreach ($name in $selected.Keys) { $parameters[$name] = $selected[$name] }
        $secrets = [ordered]@{}
        if ($null -ne $ServiceCredential) {
            $secrets.sqlUser = $ServiceCredential.UserName
            $secrets.sqlPassword = $ServiceCredential.GetNetworkCredential().Password
        }

        $action = if ($Upgrade) { 'Upgrade DirSync in place' } else { 'Install DirSync' }
        if ($PSCmdlet.ShouldProcess($path, $action)) {
            Invoke-DirSyncCommand -Cmdlet $PSCmdlet -Command 'install' -Parameters $parameters -Secrets $secrets
        }
    }
}
