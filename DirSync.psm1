# DirSync: the administrator's cmdlets. Each turns its parameters into one request for the DirSync
# executable (dist/) and renders the answer - progress, verbose, warnings, typed results, errors - as it
# arrives. Only engine-core cmdlets and .NET are used, so the module runs unchanged in Windows
# PowerShell 5.1, PowerShell 7 and an engine-only host.
Set-StrictMode -Version 3.0

$script:ModuleRoot = $PSScriptRoot

foreach ($folder in 'private', 'public') {
    $files = [System.IO.Directory]::GetFiles([System.IO.Path]::Combine($PSScriptRoot, 'module', $folder), '*.ps1')
    [System.Array]::Sort($files, [System.StringComparer]::Ordinal)
    foreach ($file in $files) { . $file }
}

# Exit codes, error codes, defaults and versions, as the build wrote them from the core (module/private/Import-DirSyncContract.ps1).
$script:Contract = Import-DirSyncContract -Path ([System.IO.Path]::Combine($PSScriptRoot, 'module', 'DirSync.Contract.psd1'))

# One public function per file in module/public, named after the file; the manifest lists the same names.
$publicFunctions = [System.IO.Directory]::GetFiles([System.IO.Path]::Combine($PSScriptRoot, 'module', 'public'), '*.ps1').ForEach{
    [System.IO.Path]::GetFileNameWithoutExtension($_)
}
Export-ModuleMember -Function $publicFunctions

# Tab completion (module/private/Complete-DirSyncArgument.ps1). Registered here rather than with
# [ArgumentCompleter()] on the parameters: a completer registered from the module runs in the module's
# scope, where its private functions are.
Register-ArgumentCompleter -CommandName $publicFunctions -ParameterName InstallPath -ScriptBlock {
    param($CommandName, $ParameterName, $WordToComplete, $CommandAst, $FakeBoundParameters)
    Complete-DirSyncInstallPath -WordToComplete $WordToComplete
}
Register-ArgumentCompleter -CommandName Set-CoexistenceConfiguration -ParameterName IncludeOU -ScriptBlock {
    param($CommandName, $ParameterName, $WordToComplete, $CommandAst, $FakeBoundParameters)
    Complete-DirSyncOrganizationalUnit -WordToComplete $WordToComplete -InstallPath $FakeBoundParameters['InstallPath']
}
Register-ArgumentCompleter -CommandName Set-CoexistenceConfiguration -ParameterName ExcludeOU -ScriptBlock {
    param($CommandName, $ParameterName, $WordToComplete, $CommandAst, $FakeBoundParameters)
    Complete-DirSyncOrganizationalUnit -WordToComplete $WordToComplete -InstallPath $FakeBoundParameters['InstallPath']
}
