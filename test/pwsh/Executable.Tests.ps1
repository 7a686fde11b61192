# Unit tests of the module's side of the protocol, with Mock at the executable boundary: Resolve-DirSyncExecutable
# answers a stand-in (fixtures/fake-dirsync) that replays what the real executable said, recorded at the
# start of this run (test/pwsh/record-fixtures.ts), and keeps the request it was sent.
BeforeAll {
    $context = Get-Content $env:DIRSYNC_TEST_CONTEXT -Raw | ConvertFrom-Json
    Import-Module ([System.IO.Path]::Combine($context.moduleRoot, 'DirSync.psd1')) -Force
    $fake = [System.IO.Path]::Combine($PSScriptRoot, 'fixtures', 'fake-dirsync')
    $env:FAKE_DIRSYNC_DIR = $fakeDirectory = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'fake')).FullName

    function Use-Fixture {
        # The fake executable's next answer: a recorded fixture, optionally with a different exit code.
        param([Parameter(Mandatory)] [string] $Name, [int] $ExitCode = -1)
        Copy-Item (Join-Path $context.fixtures "$Name.clixml") (Join-Path $fakeDirectory 'answer') -Force
        if ($ExitCode -lt 0) { $ExitCode = [int](Get-Content (Join-Path $context.fixtures "$Name.exit")) }
        Set-Content (Join-Path $fakeDirectory 'exit-code') $ExitCode
        Remove-Item (Join-Path $fakeDirectory 'requests'), (Join-Path $fakeDirectory 'wait-for-cancel'), (Join-Path $fakeDirectory 'ignore-cancel') -ErrorAction Ignore
    }
    function Get-LastRequest { Get-Content (Join-Path $fakeDirectory 'stdin') -Raw | ConvertFrom-Json }
    function Get-Requests { @(Get-Content (Join-Path $fakeDirectory 'requests') | ConvertFrom-Json) }
    function New-TestCredential([string] $UserName, [string] $Password) {
        [pscredential]::new($UserName, (ConvertTo-SecureString $Password -AsPlainText -Force))
    }

    Mock -ModuleName DirSync Resolve-DirSyncExecutable { @{ FileName = $fake; Arguments = @('module-request'); Path = $fake } }
    $contract = & (Get-Module DirSync) { $script:Contract }
}
AfterAll { Remove-Module DirSync -ErrorAction Ignore }

Describe 'results' {
    It 'Install-OnlineCoexistenceTool returns a DirSync.Installation with PascalCase properties and [datetime] values' {
        Use-Fixture install
        $installation = Install-OnlineCoexistenceTool -InstallPath /srv/dirsync -Confirm:$false
        $installation.PSTypeNames[0] | Should -Be 'DirSync.Installation'
        $installation.ProductVersion | Should -Be (Get-Content ([System.IO.Path]::Combine($context.repositoryRoot, 'package.json')) -Raw | ConvertFrom-Json).productVersion
        $installation.CreatedAt | Should -BeOfType [datetime]
        $installation.ConfigurationRequired | Should -BeTrue
        Should -Invoke -ModuleName DirSync Resolve-DirSyncExecutable -Times 1 -Exactly
    }

    It 'Start-OnlineCoexistenceSync returns a DirSync.SyncRun with flat counts, [datetime] times and typed errors' {
        Use-Fixture sync
        $run = Start-OnlineCoexistenceSync -InstallPath /srv/dirsync
        $run.PSTypeNames[0] | Should -Be 'DirSync.SyncRun'
        $run.RunId | Should -BeOfType [int]
        $run.Status | Should -Be 'success'
        $run.Added | Should -Be $context.ad.salesUsers.Count
        foreach ($name in 'Mode', 'Updated', 'Deleted', 'Unchanged', 'ErrorCount', 'Errors', 'Message') { $run.PSObject.Properties.Name | Should -Contain $name }
        $run.PSObject.Properties.Name | Should -Not -Contain 'Counts'
        $run.StartedAt | Should -BeOfType [datetime]
        $run.EndedAt | Should -BeGreaterOrEqual $run.StartedAt
    }

    It 'shows a run as a table with the default view, and its details with Format-List' {
        Use-Fixture sync
        $table = Start-OnlineCoexistenceSync -InstallPath /srv/dirsync | Format-Table | Out-String -Width 200
        $table | Should -Match 'RunId\s+Mode\s+Status\s+StartedAt\s+Duration\s+Added\s+Updated\s+Deleted\s+Errors'
        $table | Should -Match "\b2\s+full\s+success\b.*\b$($context.ad.salesUsers.Count)\s+0\s+0\s+0\s*$"
        Use-Fixture sync
        $list = Start-OnlineCoexistenceSync -InstallPath /srv/dirsync | Format-List | Out-String -Width 200
        $list | Should -Match 'Unchanged\s+: 0'
        $list | Should -Match 'NotExportable\s+: 0'
    }

    It 'Get-OnlineCoexistenceSyncHistory -Last 5 -All | Export-Csv writes one row per run, previews included' {
        Use-Fixture status
        $csv = Join-Path $TestDrive 'runs.csv'
        Get-OnlineCoexistenceSyncHistory -InstallPath /srv/dirsync -Last 5 -All | Export-Csv -Path $csv -NoTypeInformation
        (Get-LastRequest).parameters.all | Should -BeTrue
        $rows = @(Import-Csv $csv)
        $rows.Count | Should -Be 2
        $rows[0].RunId | Should -Be '2'
        $rows[0].Mode | Should -Be 'full'
        $rows[1].Mode | Should -Be 'preview-full'
        $rows[0].Added | Should -Be ([string]$context.ad.salesUsers.Count)
        (Get-LastRequest).parameters.last | Should -Be 5
    }

    It 'Start-OnlineCoexistenceSync -WhatIf runs the engine preview and returns plan objects that carry Action' {
        Use-Fixture sync-preview
        $run = Start-OnlineCoexistenceSync -InstallPath /srv/dirsync -FullSync -WhatIf
        $request = Get-LastRequest
        $request.command | Should -Be 'sync'
        $request.parameters.preview | Should -BeTrue
        $request.parameters.full | Should -BeTrue
        $run.Mode | Should -Be 'preview-full'
        $run.Plan[0].PSTypeNames[0] | Should -Be 'DirSync.PlannedOperation'
        @($run.Plan | Where-Object Action -eq 'create').Count | Should -Be $context.ad.salesUsers.Count
        $run.Plan.DistinguishedName | Should -Contain $context.ad.salesUsers[0]
    }

    It 'Set-CoexistenceConfiguration returns the configuration with its checks as DirSync.ConfigurationCheck objects' {
        Use-Fixture configure
        $configuration = Set-CoexistenceConfiguration -InstallPath /srv/dirsync -Credential (New-TestCredential 'CORP\admin' 'x') -AdServer ldaps://dc01 -Confirm:$false
        $configuration.PSTypeNames[0] | Should -Be 'DirSync.Configuration'
        $configuration.IncludeOU | Should -Be @($context.ad.ous.sales)
        $configuration.Checks[0].PSTypeNames[0] | Should -Be 'DirSync.ConfigurationCheck'
        @($configuration.Checks | Where-Object { -not $_.Passed }).Count | Should -Be 0
        ($configuration | Format-List | Out-String) | Should -Match 'ServiceAccount\s+: AAD_[0-9a-f]{12}'
    }

    It 'Switch-OnlineCoexistenceServer sends promote and returns the configuration, no longer a standby' {
        Use-Fixture promote
        $configuration = Switch-OnlineCoexistenceServer -InstallPath /srv/dirsync -Confirm:$false
        (Get-LastRequest).command | Should -Be 'promote'
        (Get-LastRequest).parameters.path | Should -Be '/srv/dirsync'
        $configuration.PSTypeNames[0] | Should -Be 'DirSync.Configuration'
        $configuration.Staging | Should -BeFalse
        ($configuration | Format-List | Out-String) | Should -Match 'Staging\s+: False'
    }

    It 'Start-OnlineCoexistenceScheduler sends service with its schedule and writes each run as it ends' {
        Use-Fixture service
        $runs = @(Start-OnlineCoexistenceScheduler -InstallPath /srv/dirsync -IntervalMinutes 30 -Cycles 1 -Confirm:$false)
        $request = Get-LastRequest
        $request.command | Should -Be 'service'
        $request.parameters.intervalMinutes | Should -Be 30
        $request.parameters.cycles | Should -Be 1
        $request.parameters.PSObject.Properties.Name | Should -Not -Contain 'metricsListen'
        $runs.Count | Should -Be 1
        $runs[0].PSTypeNames[0] | Should -Be 'DirSync.SyncRun'
        $runs[0].Status | Should -Be 'success'
    }

    It 'Get-OnlineCoexistenceSyncHistory without -Last leaves the count to the executable' {
        Use-Fixture status
        $null = Get-OnlineCoexistenceSyncHistory -InstallPath /srv/dirsync
        (Get-LastRequest).parameters.PSObject.Properties.Name | Should -Not -Contain 'last'
    }

    It 'Set-CoexistenceConfiguration -WriteBudget sends the text as given: the executable reads the format' {
        Use-Fixture configure
        $null = Set-CoexistenceConfiguration -InstallPath /srv/dirsync -WriteBudget '3000/150' -Confirm:$false
        (Get-LastRequest).parameters.writeBudget | Should -BeExactly '3000/150'
    }

    It 'Set-CoexistenceConfiguration -CloudDrift Report sends the executable''s value' {
        Use-Fixture configure
        $null = Set-CoexistenceConfiguration -InstallPath /srv/dirsync -CloudDrift Report -Confirm:$false
        (Get-LastRequest).parameters.cloudDrift | Should -BeExactly 'report'
    }

    It 'Set-PreventAccidentalDeletes returns a DirSync.DeletionThreshold' {
        Use-Fixture deletion-threshold
        $threshold = Set-PreventAccidentalDeletes -InstallPath /srv/dirsync -Enable -ObjectDeletionThreshold 7 -Confirm:$false
        $threshold.PSTypeNames[0] | Should -Be 'DirSync.DeletionThreshold'
        $threshold.ObjectDeletionThreshold | Should -Be 7
        (Get-LastRequest).parameters.threshold | Should -Be 7
    }
}

Describe 'the attribute mapping cmdlets' {
    It 'Get-CoexistenceAttributeMapping returns one DirSync.AttributeMappingEntry per target, defaults included' {
        Use-Fixture mapping-get
        $entries = @(Get-CoexistenceAttributeMapping -InstallPath /srv/dirsync)
        (Get-LastRequest).command | Should -Be 'mapping-get'
        $entries[0].PSTypeNames[0] | Should -Be 'DirSync.AttributeMappingEntry'
        $upn = $entries | Where-Object { $_.ObjectType -eq 'user' -and $_.Target -eq 'userPrincipalName' }
        $upn.Expression | Should -Be 'Coalesce([userPrincipalName], [sAMAccountName])'
        $upn.Apply | Should -Be 'always'
        $upn.Origin | Should -Be 'default'
        @($entries | Where-Object ObjectType -eq 'group').Target | Should -Contain 'description'
        ($entries | Format-Table | Out-String -Width 200) | Should -Match 'ObjectType\s+Target\s+Apply\s+Origin\s+Expression'
    }

    It 'Set-CoexistenceAttributeMapping -WhatIf sends a preview with the resolved file and returns the impact plan' {
        Use-Fixture mapping-set-preview
        Push-Location $TestDrive
        try { $run = Set-CoexistenceAttributeMapping -Path mapping.json -InstallPath /srv/dirsync -WhatIf } finally { Pop-Location }
        $request = Get-LastRequest
        $request.command | Should -Be 'mapping-set'
        $request.parameters.preview | Should -BeTrue
        $request.parameters.file | Should -Be (Join-Path $TestDrive 'mapping.json')
        $run.PSTypeNames[0] | Should -Be 'DirSync.SyncRun'
        $run.Mode | Should -Be 'preview-full'
        @($run.Plan).Count | Should -Be $context.ad.salesUsers.Count
        $run.Plan[0].PSTypeNames[0] | Should -Be 'DirSync.PlannedOperation'
        @($run.Plan).Action | Select-Object -Unique | Should -Be 'update'
    }

    It 'Set-CoexistenceAttributeMapping stores the mapping when confirmed, and returns it' {
        Use-Fixture mapping-set
        $mapping = Set-CoexistenceAttributeMapping -Path /srv/mapping.json -InstallPath /srv/dirsync -Confirm:$false
        (Get-LastRequest).parameters.preview | Should -BeFalse
        $mapping.PSTypeNames[0] | Should -Be 'DirSync.AttributeMapping'
        $mapping.Customized | Should -BeTrue
        ($mapping | Format-List | Out-String -Width 200) | Should -Match 'user\.usageLocation \(always\): IIF'
    }

    It 'Set-CoexistenceAttributeMapping reports a refused mapping as code,cmdlet with the target and the column' {
        Use-Fixture mapping-set-invalid
        $failure = $null
        try { Set-CoexistenceAttributeMapping -Path /srv/bad.json -InstallPath /srv/dirsync -Confirm:$false } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'Mapping.unknown-function,Set-CoexistenceAttributeMapping'
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure.Exception.Message | Should -Match "user\.department: col 14: unknown function 'Joinn'"
    }

    It 'Test-CoexistenceAttributeMapping takes the DN from the pipeline and returns typed values' {
        Use-Fixture mapping-test
        $test = [pscustomobject]@{ DistinguishedName = 'CN=Alice Archer,OU=Sales,OU=Corp,DC=corp,DC=example,DC=test' } | Test-CoexistenceAttributeMapping -InstallPath /srv/dirsync
        (Get-LastRequest).parameters.dn | Should -Be 'CN=Alice Archer,OU=Sales,OU=Corp,DC=corp,DC=example,DC=test'
        $test.PSTypeNames[0] | Should -Be 'DirSync.AttributeMappingTest'
        $usageLocation = $test.Targets | Where-Object Target -eq 'usageLocation'
        $usageLocation.PSTypeNames[0] | Should -Be 'DirSync.MappedValue'
        $usageLocation.Value | Should -Be 'IE'
        $usageLocation.Expression | Should -Be 'IIF(IsPresent([c]), [c], "IE")'
    }
}

Describe 'errors' {
    It 'an executable error becomes a terminating ErrorRecord: code,cmdlet as its id, its category and advice' {
        Use-Fixture configure-wrong-password
        $caught = $null
        try { Set-CoexistenceConfiguration -InstallPath /srv/dirsync -AdServer ldaps://dc01 -Credential (New-TestCredential 'CORP\admin' 'wrong') -Confirm:$false } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be 'ActiveDirectory.wrong-password,Set-CoexistenceConfiguration'
        $caught.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $caught.Exception.Message | Should -Match 'password .* is wrong'
        $caught.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'Configuration.required names the installation as its target' {
        Use-Fixture sync-not-configured
        { Start-OnlineCoexistenceSync -InstallPath /srv/dirsync } | Should -Throw -ErrorId 'Configuration.required,Start-OnlineCoexistenceSync'
        try { Start-OnlineCoexistenceSync -InstallPath /srv/dirsync } catch { $_.CategoryInfo.Category | Should -Be 'InvalidOperation'; $_.TargetObject | Should -Match 'installation' }
    }

    It 'gives the advice in PowerShell''s words: the cmdlet and -InstallPath, not the command line''s options' {
        Use-Fixture sync-not-configured
        try { Start-OnlineCoexistenceSync -InstallPath /srv/dirsync } catch { $caught = $_ }
        $caught.ErrorDetails.RecommendedAction | Should -Match 'Set-CoexistenceConfiguration -InstallPath '
        $caught.ErrorDetails.RecommendedAction | Should -Not -MatchExactly '--[a-z]|\bdirsync [a-z]'
    }

    It 'a run the deletion threshold stopped stays in the pipeline, followed by a non-terminating error that says -AcceptDeletes' {
        Use-Fixture sync-deletes-withheld
        $run = Start-OnlineCoexistenceSync -InstallPath /srv/dirsync -ErrorVariable problems -ErrorAction SilentlyContinue
        $run.PSTypeNames[0] | Should -Be 'DirSync.SyncRun'
        $run.Status | Should -Be 'stopped-deletion-threshold-exceeded'
        @($run.Withheld).Count | Should -BeGreaterThan 0
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'Sync.deletion-threshold-exceeded,Start-OnlineCoexistenceSync'
        $problems[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $problems[0].ErrorDetails.RecommendedAction | Should -Match 'Start-OnlineCoexistenceSync -WhatIf.*Start-OnlineCoexistenceSync -AcceptDeletes'
    }

    It 'a failure exit code with no message at all is Module.executable-failed' {
        Use-Fixture version -ExitCode 9
        { Get-CoexistenceConfiguration -InstallPath /srv/dirsync } | Should -Throw -ErrorId 'Module.executable-failed,Get-CoexistenceConfiguration'
    }

    It 'a line that is not part of the protocol is a warning, not a failure' {
        Use-Fixture deletion-threshold
        Add-Content (Join-Path $fakeDirectory 'answer') 'node: some stray text'
        $threshold = Set-PreventAccidentalDeletes -InstallPath /srv/dirsync -Disable -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $threshold.PSTypeNames[0] | Should -Be 'DirSync.DeletionThreshold'
        $warnings[0].Message | Should -Match 'not part of the module protocol: node: some stray text'
    }
}

Describe 'the version handshake' {
    It 'sends the protocol version of the module''s contract with every request' {
        Use-Fixture get-configuration
        $null = Get-CoexistenceConfiguration -InstallPath /srv/dirsync
        (Get-LastRequest).protocolVersion | Should -Be $contract.ProtocolVersion
    }

    It 'refuses an executable of another protocol version, naming both, and shows nothing of its answer' {
        Use-Fixture get-configuration
        $answer = Join-Path $fakeDirectory 'answer'
        $text = Get-Content $answer -Raw
        $text | Should -Match "<I32 N=`"protocolVersion`">$($contract.ProtocolVersion)</I32>"
        $text.Replace("<I32 N=`"protocolVersion`">$($contract.ProtocolVersion)</I32>", '<I32 N="protocolVersion">99</I32>') | Set-Content $answer -NoNewline
        $output = $null
        try { $output = Get-CoexistenceConfiguration -InstallPath /srv/dirsync } catch { $caught = $_ }
        $output | Should -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -Be 'Module.protocol-mismatch,Get-CoexistenceConfiguration'
        $caught.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $caught.Exception.Message | Should -Match "speaks module protocol 99, and this module \($([regex]::Escape($contract.ProductVersion))\) speaks protocol $($contract.ProtocolVersion)"
        $caught.ErrorDetails.RecommendedAction | Should -Match 'DIRSYNC_EXECUTABLE'
    }

    It 'refuses an executable older than the handshake (no Hello before its answer)' {
        Use-Fixture sync-not-configured
        $answer = Join-Path $fakeDirectory 'answer'
        @(Get-Content $answer | Select-Object -Skip 1) | Set-Content $answer
        { Start-OnlineCoexistenceSync -InstallPath /srv/dirsync } | Should -Throw -ErrorId 'Module.protocol-mismatch,Start-OnlineCoexistenceSync' -ExpectedMessage '*older than*'
    }
}

Describe 'requests' {
    It 'sends one JSON line with cancellation on stdin, and nothing but module-request on the command line' {
        Use-Fixture get-configuration
        $null = Get-CoexistenceConfiguration -InstallPath /srv/dirsync
        (Get-Content (Join-Path $fakeDirectory 'argv')) | Should -Be 'module-request'
        $request = Get-LastRequest
        $request.command | Should -Be 'get-configuration'
        $request.parameters.path | Should -Be '/srv/dirsync'
        $request.cancellation | Should -Be 'stdin'
    }

    It 'sends secrets on stdin only: never on the command line, never in an output stream' {
        Use-Fixture configure
        $adPassword = 'Ad-Pa55-"quoted"-ümlaut'
        $clientSecret = 'cl1ent~secret'
        $everything = Set-CoexistenceConfiguration -InstallPath /srv/dirsync -AdServer ldaps://dc01 -Credential (New-TestCredential 'CORP\admin' $adPassword) `
            -TenantId contoso.onmicrosoft.com -TargetCredential (New-TestCredential '0b5e1b5c-3f0a-4e7a-9a9e-5d7a8e0c1f23' $clientSecret) `
            -IncludeOU 'OU=Staff,DC=contoso,DC=com' -Verbose -Confirm:$false *>&1 | Out-String
        $everything | Should -Not -Match 'Pa55|cl1ent'
        Get-Content (Join-Path $fakeDirectory 'argv') | Should -Not -Match 'Pa55|cl1ent'
        $request = Get-LastRequest
        $request.secrets.adPassword | Should -BeExactly $adPassword
        $request.secrets.clientSecret | Should -BeExactly $clientSecret
        $request.parameters.adUser | Should -Be 'CORP\admin'
        $request.parameters.clientId | Should -Be '0b5e1b5c-3f0a-4e7a-9a9e-5d7a8e0c1f23'
        $request.parameters.includeOu | Should -Be @('OU=Staff,DC=contoso,DC=com')
    }

    It 'sends the webhook secret (a SecureString) on stdin only; -NotifySmtpTls and -RemoveNotifyWebhookSecret as the executable names them' {
        Use-Fixture configure
        $secret = 'whsec-Pester-0123456789'
        $everything = Set-CoexistenceConfiguration -InstallPath /srv/dirsync -NotifyWebhook https://hooks.contoso.com/dirsync `
            -NotifyWebhookSecret (ConvertTo-SecureString $secret -AsPlainText -Force) -NotifySmtpServer mail.contoso.com:465 -NotifySmtpTls Implicit `
            -Verbose -Confirm:$false *>&1 | Out-String
        $everything | Should -Not -Match 'whsec-Pester'
        Get-Content (Join-Path $fakeDirectory 'argv') | Should -Not -Match 'whsec-Pester'
        $request = Get-LastRequest
        $request.secrets.webhookSecret | Should -BeExactly $secret
        $request.parameters.notifyWebhookSecret | Should -BeTrue
        $request.parameters.notifySmtpTls | Should -BeExactly 'implicit'

        Use-Fixture configure
        $null = Set-CoexistenceConfiguration -InstallPath /srv/dirsync -RemoveNotifyWebhookSecret -Confirm:$false
        $request = Get-LastRequest
        $request.parameters.notifyWebhookSecret | Should -BeExactly 'off'
        $request.secrets.webhookSecret | Should -BeNullOrEmpty
    }

    It 'without -Credential and no way to prompt, fails saying which parameter to pass' {
        Use-Fixture configure
        { Set-CoexistenceConfiguration -InstallPath /srv/dirsync -AdServer dc01 -Confirm:$false } | Should -Throw -ErrorId 'Module.credential-required,Set-CoexistenceConfiguration'
        Test-Path (Join-Path $fakeDirectory 'requests') | Should -BeFalse
    }

    It 'binds -InstallPath from the Path of piped objects, one request per object' {
        Use-Fixture deletion-threshold
        [pscustomobject]@{ Path = '/srv/one' }, [pscustomobject]@{ Path = '/srv/two' } | Set-PreventAccidentalDeletes -Disable -Confirm:$false | Out-Null
        (Get-Requests).parameters.path | Should -Be @('/srv/one', '/srv/two')
    }

    It 'resolves a relative -InstallPath against the current location' {
        Use-Fixture get-configuration
        Push-Location $TestDrive
        try { $null = Get-CoexistenceConfiguration -InstallPath ./relative } finally { Pop-Location }
        (Get-LastRequest).parameters.path | Should -Be ([System.IO.Path]::Combine($TestDrive, 'relative'))
    }

    It '<_> -WhatIf starts nothing' -ForEach 'Uninstall-OnlineCoexistenceTool', 'Switch-OnlineCoexistenceServer', 'Start-OnlineCoexistenceScheduler' {
        Use-Fixture uninstall
        & $_ -InstallPath /srv/dirsync -WhatIf
        Should -Invoke -ModuleName DirSync Resolve-DirSyncExecutable -Times 0 -Exactly
    }

    It 'Add-CoexistenceForest sends the forest administrator''s password on stdin only' {
        Use-Fixture get-configuration
        $everything = Add-CoexistenceForest -InstallPath /srv/dirsync -AdServer ldaps://dc01.fabrikam.com -Credential (New-TestCredential 'FABRIKAM\admin' 'Fab-Pa55') `
            -IncludeOU 'OU=Staff,DC=fabrikam,DC=com' -Confirm:$false *>&1 | Out-String
        $everything | Should -Not -Match 'Pa55'
        Get-Content (Join-Path $fakeDirectory 'argv') | Should -Not -Match 'Pa55'
        $request = Get-LastRequest
        $request.command | Should -Be 'forest-add'
        $request.secrets.adPassword | Should -BeExactly 'Fab-Pa55'
        $request.parameters.adUrl | Should -Be 'ldaps://dc01.fabrikam.com'
        $request.parameters.adUser | Should -Be 'FABRIKAM\admin'
        $request.parameters.includeOu | Should -Be @('OU=Staff,DC=fabrikam,DC=com')
    }

    It 'Remove-CoexistenceForest -WhatIf asks the executable what removal would delete, and removes nothing' {
        Use-Fixture get-configuration
        $null = Remove-CoexistenceForest -InstallPath /srv/dirsync -Name fabrikam.com -WhatIf
        $request = Get-LastRequest
        $request.command | Should -Be 'forest-remove'
        $request.parameters.name | Should -Be 'fabrikam.com'
        $request.parameters.preview | Should -BeTrue
        $request.parameters.acceptDeletes | Should -BeFalse
        Use-Fixture get-configuration
        $null = Remove-CoexistenceForest -InstallPath /srv/dirsync -Name fabrikam.com -AcceptDeletes -Confirm:$false
        (Get-LastRequest).parameters.preview | Should -BeFalse
        (Get-LastRequest).parameters.acceptDeletes | Should -BeTrue
    }
}

Describe 'progress and Ctrl+C' {
    BeforeAll {
        function New-ModuleShell {
            # A second PowerShell in this process, for what only a pipeline can show: its progress stream, and Stop() (Ctrl+C).
            $shell = [powershell]::Create()
            $null = $shell.AddScript("`$env:DIRSYNC_EXECUTABLE = '$fake'; Import-Module '$([System.IO.Path]::Combine($context.moduleRoot, 'DirSync.psd1'))'").Invoke()
            $shell.Commands.Clear()
            $shell
        }
    }

    It 'turns the executable''s progress into progress records and completes every activity' {
        Use-Fixture sync
        $shell = New-ModuleShell
        try {
            $run = $shell.AddScript('Start-OnlineCoexistenceSync -InstallPath /srv/dirsync').Invoke()
            $run[0].Status | Should -Be 'success'
            $records = @($shell.Streams.Progress)
            $records.Count | Should -BeGreaterThan 1
            $activities = $records.Activity | Select-Object -Unique
            foreach ($activity in $activities) {
                ($records | Where-Object Activity -eq $activity | Select-Object -Last 1).RecordType | Should -Be 'Completed'
            }
        } finally { $shell.Dispose() }
    }

    It 'Ctrl+C sends cancel to the executable, waits for it to finish, and does not kill it' {
        Use-Fixture sync
        Set-Content (Join-Path $fakeDirectory 'exit-code') 0
        New-Item (Join-Path $fakeDirectory 'wait-for-cancel') -ItemType File | Out-Null
        Copy-Item (Join-Path $context.fixtures 'status.clixml') (Join-Path $fakeDirectory 'answer-after-cancel')
        Remove-Item (Join-Path $fakeDirectory 'started'), (Join-Path $fakeDirectory 'cancel-received'), (Join-Path $fakeDirectory 'finished') -ErrorAction Ignore
        $shell = New-ModuleShell
        try {
            $pending = $shell.AddScript('Start-OnlineCoexistenceSync -InstallPath /srv/dirsync').BeginInvoke()
            $deadline = [datetime]::UtcNow.AddSeconds(20)
            while (-not (Test-Path (Join-Path $fakeDirectory 'started')) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Test-Path (Join-Path $fakeDirectory 'started') | Should -BeTrue
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
            $pending.IsCompleted | Should -BeTrue
            Get-Content (Join-Path $fakeDirectory 'cancel-received') | Should -Be 'cancel'
        } finally { $shell.Dispose() }
    }
    It 'ends an executable that does not stop within the grace period after Ctrl+C' {
        Use-Fixture sync
        New-Item (Join-Path $fakeDirectory 'wait-for-cancel'), (Join-Path $fakeDirectory 'ignore-cancel') -ItemType File | Out-Null
        Remove-Item (Join-Path $fakeDirectory 'started') -ErrorAction Ignore
        $shell = New-ModuleShell
        try {
            $null = $shell.AddScript('& (Get-Module DirSync) { $script:CancelGracePeriod = [TimeSpan]::FromSeconds(1) }').Invoke()
            $shell.Commands.Clear()
            $null = $shell.AddScript('Start-OnlineCoexistenceSync -InstallPath /srv/dirsync').BeginInvoke()
            $deadline = [datetime]::UtcNow.AddSeconds(20)
            while (-not (Test-Path (Join-Path $fakeDirectory 'started')) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $childId = [int](Get-Content (Join-Path $fakeDirectory 'pid'))
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
            Get-Content (Join-Path $fakeDirectory 'cancel-received') | Should -Be 'cancel'
            Get-Process -Id $childId -ErrorAction Ignore | Should -BeNullOrEmpty
        } finally { $shell.Dispose() }
    }
}

Describe 'tab completion' {
    It 'completes -InstallPath with the installations this session used' {
        $installation = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'Installed DirSync')).FullName
        Set-Content (Join-Path $installation 'installation.json') '{}'
        $notInstalled = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'Installed elsewhere')).FullName
        Use-Fixture get-configuration
        $null = Get-CoexistenceConfiguration -InstallPath $installation
        Use-Fixture get-configuration
        $null = Get-CoexistenceConfiguration -InstallPath $notInstalled
        $line = "Start-OnlineCoexistenceSync -InstallPath '$TestDrive"
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $completions.ListItemText | Should -Be @($installation)
        $completions[0].CompletionText | Should -Be "'$installation'"
    }

    It 'completes -IncludeOU with the organizational units the executable reads from AD' {
        $installation = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'configured')).FullName
        Set-Content (Join-Path $installation 'configuration.json') '{}'
        Use-Fixture organizational-units
        $line = "Set-CoexistenceConfiguration -InstallPath $installation -IncludeOU Sal"
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $completions.ListItemText | Should -Be @($context.ad.ous.sales)
        (Get-LastRequest).command | Should -Be 'organizational-units'
    }
}
