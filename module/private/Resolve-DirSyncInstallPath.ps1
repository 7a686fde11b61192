function Resolve-DirSyncInstallPath {
    # -InstallPath as a full file-system path; the platform's default when it is not given.
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [AllowEmptyString()] [AllowNull()] [string] $InstallPath
    )

    if ([string]::IsNullOrEmpty($InstallPath)) {
        if ([System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT) {
            return [System.IO.Path]::Combine([System.Environment]::GetFolderPath('CommonApplicationData'), 'DirSync')
        }
        return '/var/lib/dirsync'
    }
    $Cmdlet.GetUnresolvedProviderPathFromPSPath($InstallPath)
}
