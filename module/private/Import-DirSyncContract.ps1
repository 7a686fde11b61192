function Import-DirSyncContract {
    # What the module and the executable agree on - exit codes, error codes with their category and advice,
    # defaults, versions - as the build wrote it from the TypeScript core (src/protocol/module-contract.ts).
    # Read with the engine's own parser, as Import-PowerShellDataFile does: no cmdlet outside the engine is needed,
    # and Windows PowerShell 5.1 reads it the same way.
    param([Parameter(Mandatory)] [string] $Path)

    if (-not [System.IO.File]::Exists($Path)) {
        throw [System.IO.FileNotFoundException]::new("The DirSync module is incomplete: $Path is missing. The build writes it (npm run build, or build.ps1).", $Path)
    }
    $tokens = $null
    $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)
    if ($errors.Count -gt 0) { throw [System.IO.InvalidDataException]::new("$Path is not a PowerShell data file: $($errors[0].Message)") }
    $data = $ast.Find({ param($node) $node -is [System.Management.Automation.Language.HashtableAst] }, $false)
    $data.SafeGetValue()
}
