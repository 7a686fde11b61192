function Resolve-DirSyncInstallPath {
    # -InstallPath as a full file-system path; the platform's default (from the core, through the module's
    # contract) when it is not given. Paths a cmdlet is given are remembered for the tab completion of -InstallPath.
    param(
        [System.Management.Automation.PSCmdlet] $Cmdlet,
        [AllowEmptyString()] [AllowNull()] [string] $InstallPath
    )

    if ([string]::IsNullOrEmpty($InstallPath)) {
        if ([System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT) {
            return [System.Environment]::ExpandEnvironmentVariables($script:Contract.DefaultInstallPath.Windows)
        }
        return $script:Contract.DefaultInstallPath.Other
    }
    $path = if ($null -ne $Cmdlet) { $Cmdlet.GetUnresolvedProviderPathFromPSPath($InstallPath) } else { $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($InstallPath) }
    if ($null -ne $Cmdlet) { Register-DirSyncInstallPath -Path $path }
    $path
}
