# The module as a PowerShell author checks it: manifest, exported commands, help, parameters, format views,
# and code that Windows PowerShell 5.1 can parse and run. No executable is started here.
BeforeDiscovery {
    $repositoryRoot = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..'))
    $commandNames = (Import-PowerShellDataFile ([System.IO.Path]::Combine($repositoryRoot, 'DirSync.psd1'))).FunctionsToExport
    $moduleFiles = @(Get-ChildItem -Path ([System.IO.Path]::Combine($repositoryRoot, 'module')) -Filter '*.ps1' -Recurse) + @(Get-Item ([System.IO.Path]::Combine($repositoryRoot, 'DirSync.psm1')))
    $outputTypes = 'DirSync.SyncRun', 'DirSync.SyncError', 'DirSync.PlannedOperation', 'DirSync.Configuration', 'DirSync.ConfigurationCheck',
        'DirSync.Installation', 'DirSync.Uninstallation', 'DirSync.DeletionThreshold', 'DirSync.VersionInfo', 'DirSync.OrganizationalUnit',
        'DirSync.WithheldDelete', 'DirSync.RestoreRun', 'DirSync.RestoredObject', 'DirSync.ReadinessFinding', 'DirSync.SyncReport', 'DirSync.UpnClash',
        'DirSync.AttributeMapping', 'DirSync.AttributeMappingEntry', 'DirSync.AttributeMappingTest', 'DirSync.MappedValue'
}

BeforeAll {
    $repositoryRoot = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..'))
    $manifestPath = [System.IO.Path]::Combine($repositoryRoot, 'DirSync.psd1')
    Import-Module $manifestPath -Force
    $packageJson = Get-Content ([System.IO.Path]::Combine($repositoryRoot, 'package.json')) -Raw | ConvertFrom-Json
}
AfterAll { Remove-Module DirSync -ErrorAction Ignore }

Describe 'DirSync manifest' {
    It 'passes Test-ModuleManifest and carries package.json''s product version' {
        $manifest = Test-ModuleManifest $manifestPath -ErrorAction Stop
        $manifest.Version | Should -Be ([version]$packageJson.productVersion)
        (Get-Content $manifestPath -Raw) | Should -Match ("ModuleVersion\s*=\s*'" + [regex]::Escape($packageJson.productVersion) + "'")
    }

    It 'targets Windows PowerShell 5.1 and PowerShell 7 (Desktop and Core)' {
        $manifest = Test-ModuleManifest $manifestPath
        $manifest.PowerShellVersion | Should -Be ([version]'5.1')
        $manifest.CompatiblePSEditions | Sort-Object | Should -Be @('Core', 'Desktop')
    }

    It 'exports exactly the functions it lists, with no wildcard, cmdlet or alias' {
        $manifest = Test-ModuleManifest $manifestPath
        (Get-Command -Module DirSync).Name | Sort-Object | Should -Be ($manifest.ExportedFunctions.Keys | Sort-Object)
        (Get-Command -Module DirSync).Count | Should -Be 13
        $manifest.ExportedCmdlets.Count + $manifest.ExportedAliases.Count | Should -Be 0
        Get-Content $manifestPath -Raw | Should -Not -Match 'FunctionsToExport\s*=\s*[''"]?\*'
    }
}

Describe '<_>' -ForEach $commandNames {
    BeforeAll {
        $command = Get-Command -Name $_ -Module DirSync
        $help = Get-Help -Name $_ -Full
    }

    It 'has help: synopsis, description, every parameter, two or more examples and a link' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        "$($help.Synopsis)".Trim() | Should -Not -BeNullOrEmpty
        ($help.description.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
        $documented = @($help.parameters.parameter | Where-Object { "$($_.description.Text)".Trim() } | ForEach-Object name)
        @($command.Parameters.Keys | Where-Object { $_ -notin $common -and $_ -notin $documented }) | Should -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        @($help.relatedLinks.navigationLink).Count | Should -BeGreaterOrEqual 1
    }

    It 'takes -InstallPath by position, from the pipeline by property name, and as -Path too (or -Path is the file it reads)' {
        $parameter = $command.Parameters['InstallPath']
        $attribute = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
        $attribute.ValueFromPipelineByPropertyName | Should -BeTrue
        if ($_ -eq 'Set-CoexistenceAttributeMapping') {
            # Its -Path is the mapping file, first, as Set-Content's is; a piped Path must never bind to it.
            $file = $command.Parameters['Path'].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
            $file.Position | Should -Be 0
            $file.ValueFromPipelineByPropertyName | Should -BeFalse
            $parameter.Aliases | Should -Not -Contain 'Path'
        } else {
            $attribute.Position | Should -Be 0
            $parameter.Aliases | Should -Contain 'Path'
        }
    }
}

Describe 'format views' {
    It 'gives <_> a default view' -ForEach $outputTypes {
        $views = @(Get-FormatData -TypeName $_ -PowerShellVersion $PSVersionTable.PSVersion)
        $views.Count | Should -Be 1
        @($views[0].FormatViewDefinition).Count | Should -BeGreaterOrEqual 1
    }

    It 'shows DirSync.SyncRun as a table with flat counts and a list with every detail' {
        $definitions = (Get-FormatData -TypeName DirSync.SyncRun -PowerShellVersion $PSVersionTable.PSVersion).FormatViewDefinition
        $table = $definitions | Where-Object { $_.Control -is [System.Management.Automation.TableControl] }
        $table.Control.Headers.Label | Should -Be @('RunId', 'Mode', 'Status', 'StartedAt', 'Duration', 'Added', 'Updated', 'Deleted', 'Errors')
        ($definitions | Where-Object { $_.Control -is [System.Management.Automation.ListControl] }) | Should -Not -BeNullOrEmpty
    }
}

Describe 'Windows PowerShell 5.1 compatibility' {
    It '<_.Name> uses no syntax newer than PowerShell 5.1' -ForEach $moduleFiles {
        $tokens = $null; $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($_.FullName, [ref]$tokens, [ref]$errors)
        $errors | Should -BeNullOrEmpty
        # ?? ??= ?. ?[] && || (pipeline chains), the ternary operator and the clean block arrived in PowerShell 7.
        $newerTokens = @($tokens | Where-Object { $_.Kind -in 'QuestionQuestion', 'QuestionQuestionEquals', 'QuestionDot', 'QuestionLBracket', 'AndAnd', 'OrOr' })
        $newerTokens.Text | Should -BeNullOrEmpty
        $newerAst = $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.TernaryExpressionAst] -or $node -is [System.Management.Automation.Language.PipelineChainAst] }, $true)
        @($newerAst).Count | Should -Be 0
        @($ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.NamedBlockAst] -and $node.BlockKind -eq 'Clean' }, $true)).Count | Should -Be 0
    }
}

Describe 'help examples' {
    It 'filter a -WhatIf plan on Action, the property the plan objects have' {
        $examples = (Get-Help Start-OnlineCoexistenceSync -Examples).examples.example.code -join "`n"
        $examples | Should -Match "Where-Object Action -eq 'delete'"
        $examples | Should -Not -Match '\bkind\b'
    }
}
