# The module as a PowerShell author checks it: manifest, exported commands, help, parameters, format views,
# code that Windows PowerShell 5.1 can parse and run, and a contract with the core that the module does not
# re-state. No executable is started here.
BeforeDiscovery {
    $repositoryRoot = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..'))
    $commandNames = (Import-PowerShellDataFile ([System.IO.Path]::Combine($repositoryRoot, 'DirSync.psd1'))).FunctionsToExport
    $moduleFiles = @(Get-ChildItem -Path ([System.IO.Path]::Combine($repositoryRoot, 'module')) -Filter '*.ps1' -Recurse) + @(Get-Item ([System.IO.Path]::Combine($repositoryRoot, 'DirSync.psm1')))
    $outputTypes = 'DirSync.SyncRun', 'DirSync.SyncError', 'DirSync.PlannedOperation', 'DirSync.Configuration', 'DirSync.ConfigurationCheck',
        'DirSync.Installation', 'DirSync.Uninstallation', 'DirSync.DeletionThreshold', 'DirSync.VersionInfo', 'DirSync.OrganizationalUnit',
        'DirSync.WithheldDelete', 'DirSync.RestoreRun', 'DirSync.RestoredObject', 'DirSync.ReadinessFinding', 'DirSync.SyncReport', 'DirSync.UpnClash',
        'DirSync.SettingsFile', 'DirSync.SettingsDifference', 'DirSync.NotificationTest', 'DirSync.CloudChange',
        'DirSync.ObjectExplanation', 'DirSync.ExplainedAttribute', 'DirSync.GraphRequest', 'DirSync.ObjectHistoryEntry',
        'DirSync.Forest', 'DirSync.ForestRun', 'DirSync.ForestRemoval',
        'DirSync.AttributeMapping', 'DirSync.AttributeMappingEntry', 'DirSync.AttributeMappingTest', 'DirSync.MappedValue'
    # The parameters the core's advice names (module/DirSync.Contract.psd1, written by the build).
    $adviceParameters = @((Import-PowerShellDataFile ([System.IO.Path]::Combine($repositoryRoot, 'module', 'DirSync.Contract.psd1'))).Parameters.Values)
}

BeforeAll {
    $repositoryRoot = [System.IO.Path]::GetFullPath([System.IO.Path]::Combine($PSScriptRoot, '..', '..'))
    $manifestPath = [System.IO.Path]::Combine($repositoryRoot, 'DirSync.psd1')
    Import-Module $manifestPath -Force
    $packageJson = Get-Content ([System.IO.Path]::Combine($repositoryRoot, 'package.json')) -Raw | ConvertFrom-Json
    $contract = & (Get-Module DirSync) { $script:Contract }
    $moduleFiles = @(Get-ChildItem -Path ([System.IO.Path]::Combine($repositoryRoot, 'module')) -Filter '*.ps1' -Recurse) + @(Get-Item ([System.IO.Path]::Combine($repositoryRoot, 'DirSync.psm1')))

    function Get-HelpText([string] $Name, [int] $Width) {
        # The full help as a console of that width shows it, without SYNTAX (PowerShell renders that section
        # itself) and without blank lines (PowerShell spaces its own common-parameters note differently by width;
        # a wrapped line is never blank).
        $lines = (Get-Help -Name $Name -Full | Out-String -Width $Width) -split '\r?\n'
        $inSyntax = $false
        $kept = foreach ($line in $lines) {
            if ($line -cmatch '^[A-Z][A-Z ]+$') { $inSyntax = $line -eq 'SYNTAX' }
            if (-not $inSyntax -and $line.Trim().Length -gt 0) { $line.TrimEnd() }
        }
        $kept -join "`n"
    }
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
        $manifest.ExportedCmdlets.Count + $manifest.ExportedAliases.Count | Should -Be 0
        Get-Content $manifestPath -Raw | Should -Not -Match 'FunctionsToExport\s*=\s*[''"]?\*'
    }

    It 'exports one cmdlet for every command of the command line, and nothing else (promote and service included)' {
        $contract.Cmdlets.Count | Should -Be 23
        (Get-Command -Module DirSync).Name | Sort-Object | Should -Be (@($contract.Cmdlets.Values) | Sort-Object)
        $contract.Cmdlets['promote'] | Should -Be 'Switch-OnlineCoexistenceServer'
        $contract.Cmdlets['service'] | Should -Be 'Start-OnlineCoexistenceScheduler'
    }
}

Describe 'the contract with the core' {
    It 'comes from the build of this version: product version and protocol version' {
        $contract.ProductVersion | Should -Be $packageJson.productVersion
        $contract.ProtocolVersion | Should -BeGreaterOrEqual 3
        $contract.ExitCodes.Success | Should -Be 0
    }

    It 'names, in the advice it gives, only parameters the cmdlets have: <_>' -ForEach $adviceParameters {
        $name = $_.TrimStart('-')
        @(Get-Command -Module DirSync | Where-Object { $_.Parameters.ContainsKey($name) }).Count | Should -BeGreaterThan 0
    }

    It 'gives no advice in the command line''s words: no --option, no dirsync command' {
        foreach ($code in $contract.Errors.Keys) {
            $contract.Errors[$code].Action | Should -Not -MatchExactly '(^|[\s("])--[a-z]|\bdirsync [a-z]' -Because $code
        }
    }

    It 'leaves the module no error code of its own: every error it raises is a code of the catalogue' {
        $raised = foreach ($file in $moduleFiles) {
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$null, [ref]$null)
            foreach ($call in $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] -and $node.GetCommandName() -eq 'New-DirSyncErrorRecord' }, $true)) {
                $index = [array]::FindIndex([object[]]$call.CommandElements, [Predicate[object]] { param($element) $element -is [System.Management.Automation.Language.CommandParameterAst] -and $element.ParameterName -eq 'Code' })
                $index | Should -BeGreaterThan 0 -Because "$($file.Name): every error record names its code"
                $call.CommandElements[$index + 1]
            }
        }
        @($raised).Count | Should -BeGreaterThan 5
        foreach ($code in $raised) {
            if ($code -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
                $contract.Errors.ContainsKey($code.Value) | Should -BeTrue -Because "'$($code.Value)' must be a code of the catalogue"
            } else {
                # The only other source of a code: the executable's own Error message.
                $code.Extent.Text | Should -Be '$message.code'
            }
        }
        $records = foreach ($file in $moduleFiles) { if ((Get-Content $file.FullName -Raw) -match 'ErrorRecord\]::new') { $file.Name } }
        $records | Should -Be 'New-DirSyncErrorRecord.ps1'
    }

    It 'leaves the module no exit code of its own: no exit code is compared with a number' {
        foreach ($file in $moduleFiles) {
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$null, [ref]$null)
            $literal = $ast.FindAll({
                param($node)
                $node -is [System.Management.Automation.Language.BinaryExpressionAst] -and
                ($node.Left.Extent.Text + $node.Right.Extent.Text) -match '(?i)exitcode' -and
                ($node.Left -is [System.Management.Automation.Language.ConstantExpressionAst] -or $node.Right -is [System.Management.Automation.Language.ConstantExpressionAst])
            }, $true)
            @($literal).Extent.Text | Should -BeNullOrEmpty -Because $file.Name
        }
    }

    It 'takes the default installation directory from the core' {
        $default = & (Get-Module DirSync) { Resolve-DirSyncInstallPath -InstallPath $null }
        $expected = if ([System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT) { [System.Environment]::ExpandEnvironmentVariables($contract.DefaultInstallPath.Windows) } else { $contract.DefaultInstallPath.Other }
        $default | Should -Be $expected
        $default | Should -Not -BeNullOrEmpty
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

    It 'makes the Mode column as wide as the longest run mode of the core' {
        $table = (Get-FormatData -TypeName DirSync.SyncRun -PowerShellVersion $PSVersionTable.PSVersion).FormatViewDefinition |
            Where-Object { $_.Control -is [System.Management.Automation.TableControl] }
        $mode = $table.Control.Headers | Where-Object Label -eq 'Mode'
        $longest = ($contract.RunModes | Measure-Object -Property Length -Maximum).Maximum
        $longest | Should -BeGreaterThan 10
        $mode.Width | Should -BeGreaterOrEqual $longest
    }

    It 'shows every run mode in full in an 80-column console, the longest status beside it' {
        $now = [datetime]::UtcNow
        $runs = foreach ($mode in $contract.RunModes) {
            [pscustomobject]@{ PSTypeName = 'DirSync.SyncRun'; RunId = 1000; Mode = $mode; Status = 'stopped-deletion-threshold-exceeded'; StartedAt = $now; EndedAt = $now; Added = 1; Updated = 2; Deleted = 3; ErrorCount = 0 }
        }
        $table = $runs | Format-Table | Out-String -Width 80
        foreach ($mode in $contract.RunModes) { $table | Should -Match "\s$([regex]::Escape($mode))\s" }
    }
}

Describe 'help text' {
    It '<_> reads the same in an 80-column console as in a wide one: no line is wrapped, so no word is cut' -ForEach $commandNames {
        $narrow = Get-HelpText -Name $_ -Width 80
        $wide = Get-HelpText -Name $_ -Width 250
        $narrow | Should -BeExactly $wide
    }

    It '<_> documents the default installation directory the core has' -ForEach $commandNames {
        $documented = (Get-Help -Name $_ -Parameter InstallPath).description.Text -join ' '
        $documented | Should -Match ([regex]::Escape($contract.DefaultInstallPath.Other))
        $documented | Should -Match ([regex]::Escape($contract.DefaultInstallPath.Windows.Replace('%ProgramData%', '$env:ProgramData')))
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
