# The cmdlets end to end, as an administrator runs them: this pwsh, the bundled executable, a real Samba
# domain and the Entra stand-in (started by test/pwsh/pester.test.ts; $env:DIRSYNC_TEST_CONTEXT says where).
BeforeAll {
    $context = Get-Content $env:DIRSYNC_TEST_CONTEXT -Raw | ConvertFrom-Json
    Import-Module ([System.IO.Path]::Combine($context.moduleRoot, 'DirSync.psd1')) -Force
    $env:DIRSYNC_EXECUTABLE = $null
    $path = [System.IO.Path]::Combine($context.work, 'integration', 'DirSync')
    $adCredential = [pscredential]::new($context.ad.adminDn, (ConvertTo-SecureString $context.ad.adminPassword -AsPlainText -Force))
    $cloud = @{
        TenantId         = $context.cloud.tenantId
        TargetCredential = [pscredential]::new($context.cloud.clientId, (ConvertTo-SecureString $context.cloud.clientSecret -AsPlainText -Force))
        AuthorityHost    = $context.cloud.authorityHost
        GraphEndpoint    = $context.cloud.graphEndpoint
        CloudCaFile      = $context.cloud.caFile
        WriteBudget      = '20000/10'
    }
    $ad = @{ AdServer = $context.ad.server; AdCaFile = $context.ad.caFile }

    function Get-CloudSnapshot {
        # What the Entra stand-in holds (its test-only control API).
        Invoke-RestMethod -Uri "$($context.cloud.controlOrigin)/_standin/snapshot" -SkipCertificateCheck
    }
    function Get-Failure([scriptblock] $Script) {
        try { & $Script; return $null } catch { return $_ }
    }
}
AfterAll { Remove-Module DirSync -ErrorAction Ignore }

Describe 'an administrator''s first synchronization' {
    It 'Install-OnlineCoexistenceTool creates the installation' {
        $installation = Install-OnlineCoexistenceTool -InstallPath $path -Confirm:$false
        $installation.PSTypeNames[0] | Should -Be 'DirSync.Installation'
        $installation.Path | Should -Be $path
        $installation.ConfigurationRequired | Should -BeTrue
        Test-Path (Join-Path $path 'installation.json') | Should -BeTrue
    }

    It 'Set-CoexistenceConfiguration reports a wrong password the PowerShell way and saves nothing' {
        $wrong = [pscredential]::new($context.ad.adminDn, (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
        $failure = Get-Failure { Set-CoexistenceConfiguration -InstallPath $path @ad -Credential $wrong @cloud -Confirm:$false }
        $failure.FullyQualifiedErrorId | Should -Be 'ActiveDirectory.wrong-password,Set-CoexistenceConfiguration'
        $failure.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failure.ErrorDetails.RecommendedAction | Should -Match 'Set-CoexistenceConfiguration'
        $failure.ErrorDetails.RecommendedAction | Should -Not -MatchExactly '--[a-z]|\bdirsync [a-z]|configure again'
        (Get-CoexistenceConfiguration -InstallPath $path).ConfigurationRequired | Should -BeTrue
    }

    It 'Set-CoexistenceConfiguration reports an unreachable domain controller as a ConnectionError' {
        $failure = Get-Failure { Set-CoexistenceConfiguration -InstallPath $path -AdServer 'ldaps://127.0.0.1:1' -AdCaFile $context.ad.caFile -Credential $adCredential @cloud -Confirm:$false }
        $failure.FullyQualifiedErrorId | Should -Be 'ActiveDirectory.unreachable,Set-CoexistenceConfiguration'
        $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'Set-CoexistenceConfiguration refuses an OU that does not exist' {
        $failure = Get-Failure { Set-CoexistenceConfiguration -InstallPath $path @ad -Credential $adCredential @cloud -IncludeOU "OU=Nowhere,$($context.ad.baseDn)" -Confirm:$false }
        $failure.FullyQualifiedErrorId | Should -Be 'ActiveDirectory.ou-not-found,Set-CoexistenceConfiguration'
        $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failure.ErrorDetails.RecommendedAction | Should -Match '-IncludeOU / -ExcludeOU'
        $failure.ErrorDetails.RecommendedAction | Should -Not -Match '--include-ou'
    }

    It 'Set-CoexistenceConfiguration checks and stores the configuration, creating the AAD_ service account' {
        $configuration = Set-CoexistenceConfiguration -InstallPath $path @ad -Credential $adCredential @cloud -IncludeOU $context.ad.ous.sales -Confirm:$false
        $configuration.PSTypeNames[0] | Should -Be 'DirSync.Configuration'
        $configuration.ServiceAccount | Should -Match '^AAD_[0-9a-f]{12}$'
        $configuration.IncludeOU | Should -Be @($context.ad.ous.sales)
        @($configuration.Checks | Where-Object { -not $_.Passed }).Count | Should -Be 0
    }

    It 'Set-CoexistenceConfiguration -EnablePasswordSync is refused with the reason' {
        $failure = Get-Failure { Set-CoexistenceConfiguration -InstallPath $path -Credential $adCredential @cloud -EnablePasswordSync -Confirm:$false }
        $failure.FullyQualifiedErrorId | Should -Be 'Configuration.password-sync-not-supported,Set-CoexistenceConfiguration'
        $failure.Exception.Message | Should -Match 'password hashes'
    }

    It 'completes -IncludeOU from the domain''s organizational units' {
        $line = "Set-CoexistenceConfiguration -InstallPath '$path' -ExcludeOU Eng"
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $completions.ListItemText | Should -Contain $context.ad.ous.engineering
        $completions.ListItemText | Should -Not -Contain $context.ad.ous.sales
    }

    It 'Start-OnlineCoexistenceSync -WhatIf shows the plan and writes nothing to Entra ID' {
        $before = (Get-CloudSnapshot).counts.users
        $run = Start-OnlineCoexistenceSync -InstallPath $path -WhatIf
        $run.Mode | Should -Be 'preview-full'
        @($run.Plan | Where-Object Action -eq 'create').DistinguishedName | Sort-Object | Should -Be ($context.ad.salesUsers | Sort-Object)
        (Get-CloudSnapshot).counts.users | Should -Be $before
    }

    It 'Start-OnlineCoexistenceSync creates the users of the OU in Entra ID and returns the run' {
        $run = Start-OnlineCoexistenceSync -InstallPath $path
        $run.PSTypeNames[0] | Should -Be 'DirSync.SyncRun'
        $run.Status | Should -Be 'success'
        $run.Mode | Should -Be 'full'
        $run.Added | Should -Be $context.ad.salesUsers.Count
        $run.ErrorCount | Should -Be 0
        $run.StartedAt | Should -BeOfType [datetime]
        $names = (Get-CloudSnapshot).users.props.displayName
        $names | Should -Contain 'Alice Archer'
    }

    It 'Get-CoexistenceConfiguration | Start-OnlineCoexistenceSync runs a delta on that installation' {
        $run = Get-CoexistenceConfiguration -InstallPath $path | Start-OnlineCoexistenceSync
        $run.Mode | Should -Be 'delta'
        $run.Status | Should -Be 'success'
        $run.Added + $run.Updated + $run.Deleted | Should -Be 0
    }

    It 'Get-OnlineCoexistenceSyncHistory | Format-Table shows the runs, newest first' {
        $history = @(Get-OnlineCoexistenceSyncHistory -InstallPath $path -Last 5)
        $history.Mode | Should -Be @('delta', 'full')
        @(Get-OnlineCoexistenceSyncHistory -InstallPath $path -Last 5 -All).Mode | Should -Be @('delta', 'full', 'preview-full')
        $table = $history | Format-Table | Out-String -Width 200
        $table | Should -Match 'RunId\s+Mode\s+Status\s+StartedAt\s+Duration\s+Added\s+Updated\s+Deleted\s+Errors'
        $table | Should -Match "full\s+success\s+.*\s$($context.ad.salesUsers.Count)\s+0\s+0\s+0"
    }

    It 'Get-OnlineCoexistenceSyncHistory -Last 5 -All | Export-Csv makes a report' {
        $csv = Join-Path $TestDrive 'history.csv'
        Get-OnlineCoexistenceSyncHistory -InstallPath $path -Last 5 -All | Export-Csv $csv -NoTypeInformation
        $rows = Import-Csv $csv
        $rows.RunId | Should -Be @('3', '2', '1')
        $rows[1].Added | Should -Be ([string]$context.ad.salesUsers.Count)
        [datetime]::Parse($rows[0].StartedAt, [cultureinfo]::InvariantCulture) | Should -BeOfType [datetime]
    }

    It 'Test-CoexistenceReadiness finds nothing to correct in Sales and writes the page and the CSV' {
        $html = Join-Path $TestDrive 'readiness.html'
        $csv = Join-Path $TestDrive 'readiness.csv'
        $findings = @(Test-CoexistenceReadiness -InstallPath $path -HtmlPath $html -CsvPath $csv -ErrorVariable failures)
        $findings.Count | Should -Be 0
        $failures.Count | Should -Be 0
        Get-Content $html -Raw | Should -Match 'Nothing to correct'
        @(Import-Csv $csv).Count | Should -Be 0
    }

    It 'Get-OnlineCoexistenceSyncHistory | Export-OnlineCoexistenceSyncReport writes the page of the run piped in' {
        $html = Join-Path $TestDrive 'run.html'
        $full = Get-OnlineCoexistenceSyncHistory -InstallPath $path -Last 5 | Where-Object Mode -eq 'full'
        $report = $full | Export-OnlineCoexistenceSyncReport -InstallPath $path -HtmlPath $html
        $report.PSTypeNames[0] | Should -Be 'DirSync.SyncReport'
        $report.RunId | Should -Be $full.RunId
        $report.Changes | Should -Be $context.ad.salesUsers.Count
        Get-Content $html -Raw | Should -Match "<h1>DirSync run $($full.RunId)</h1>"
    }

    It 'Set-PreventAccidentalDeletes changes the threshold, and Get-CoexistenceConfiguration shows it' {
        (Set-PreventAccidentalDeletes -InstallPath $path -Enable -ObjectDeletionThreshold 7 -Confirm:$false).ObjectDeletionThreshold | Should -Be 7
        $configuration = Get-CoexistenceConfiguration -InstallPath $path
        $configuration.DeletionThresholdEnabled | Should -BeTrue
        $configuration.DeletionThreshold | Should -Be 7
        $configuration.AdPasswordStored | Should -BeTrue
    }

    It 'Start-OnlineCoexistenceSync -WhatIf -SavePlan saves a plan without a secret; -Plan applies it; an edited plan is refused' {
        $planFile = Join-Path $TestDrive 'approved.plan.json'
        $preview = Start-OnlineCoexistenceSync -InstallPath $path -WhatIf -SavePlan $planFile
        $preview.Mode | Should -Be 'preview-delta'
        $text = Get-Content -Raw $planFile
        ($text | ConvertFrom-Json).format | Should -Be 'dirsync-plan/1'
        $text | Should -Not -Match '(?i)password'
        $text.Contains($context.cloud.clientSecret) | Should -BeFalse
        $edited = Join-Path $TestDrive 'edited.plan.json'
        ($text -replace '"mode": "delta"', '"mode": "full"') | Set-Content -Path $edited
        $failure = Get-Failure { Start-OnlineCoexistenceSync -InstallPath $path -Plan $edited }
        $failure.FullyQualifiedErrorId | Should -Be 'Plan.tampered,Start-OnlineCoexistenceSync'
        $run = Start-OnlineCoexistenceSync -InstallPath $path -Plan $planFile
        $run.Status | Should -Be 'success'
        $run.Mode | Should -Be 'delta'
    }

    It 'Set-CoexistenceAttributeMapping refuses a mapping with a Mapping.* error naming the target and the column, and stores nothing' {
        $file = Join-Path $TestDrive 'bad-mapping.json'
        '{"user": {"department": "Append([sn], Joinn(\",\", [a]))"}}' | Set-Content -Path $file
        $failure = Get-Failure { Set-CoexistenceAttributeMapping -Path $file -InstallPath $path -Confirm:$false }
        $failure.FullyQualifiedErrorId | Should -Be 'Mapping.unknown-function,Set-CoexistenceAttributeMapping'
        $failure.Exception.Message | Should -Match "user\.department: col 14: unknown function 'Joinn'"
        @(Get-CoexistenceAttributeMapping -InstallPath $path | Where-Object Origin -eq 'custom').Count | Should -Be 0
    }

    It 'Set-CoexistenceAttributeMapping -WhatIf shows the impact plan and stores nothing; confirmed, the next sync applies it' {
        $file = Join-Path $TestDrive 'mapping.json'
        '{"user": {"department": "Join(\" / \", [company], [department])", "usageLocation": "IIF(IsPresent([c]), [c], \"IE\")"}}' | Set-Content -Path $file
        $impact = Set-CoexistenceAttributeMapping -Path $file -InstallPath $path -WhatIf
        $impact.PSTypeNames[0] | Should -Be 'DirSync.SyncRun'
        $impact.Mode | Should -Be 'preview-full'
        @($impact.Plan).DistinguishedName | Sort-Object | Should -Be ($context.ad.salesUsers | Sort-Object)
        $alice = $impact.Plan | Where-Object DistinguishedName -like 'CN=Alice Archer,*'
        ($alice.Values | Where-Object Attribute -eq 'usageLocation').New | Should -Be 'IE'
        @(Get-CoexistenceAttributeMapping -InstallPath $path | Where-Object Origin -eq 'custom').Count | Should -Be 0

        $stored = Set-CoexistenceAttributeMapping -Path $file -InstallPath $path -Confirm:$false
        $stored.PSTypeNames[0] | Should -Be 'DirSync.AttributeMapping'
        $stored.Customized | Should -BeTrue
        (Get-CoexistenceAttributeMapping -InstallPath $path | Where-Object Origin -eq 'custom').Target | Sort-Object | Should -Be @('department', 'usageLocation')
        $run = Start-OnlineCoexistenceSync -InstallPath $path
        $run.Mode | Should -Be 'full'
        $run.Updated | Should -Be $context.ad.salesUsers.Count
        ((Get-CloudSnapshot).users | Where-Object { $_.props.displayName -eq 'Alice Archer' }).props.department | Should -Be 'Example Corp / Sales'
    }

    It 'Test-CoexistenceAttributeMapping shows what the mapping makes of one object, taking its DN from the pipeline' {
        $test = [pscustomobject]@{ DistinguishedName = ($context.ad.salesUsers | Where-Object { $_ -like 'CN=Alice Archer,*' }) } | Test-CoexistenceAttributeMapping -InstallPath $path
        $test.PSTypeNames[0] | Should -Be 'DirSync.AttributeMappingTest'
        $test.ObjectType | Should -Be 'user'
        ($test.Targets | Where-Object Target -eq 'usageLocation').Value | Should -Be 'IE'
        ($test.Targets | Where-Object Target -eq 'department').PSTypeNames[0] | Should -Be 'DirSync.MappedValue'
        ($test | Format-List | Out-String -Width 200) | Should -Match 'department = Example Corp / Sales'
    }

    It 'Start-OnlineCoexistenceScheduler -Cycles 1 runs one cycle now and writes its run' {
        $runs = @(Start-OnlineCoexistenceScheduler -InstallPath $path -Cycles 1 -Confirm:$false)
        $runs.Count | Should -Be 1
        $runs[0].PSTypeNames[0] | Should -Be 'DirSync.SyncRun'
        $runs[0].Status | Should -Be 'success'
        (Get-OnlineCoexistenceSyncHistory -InstallPath $path -Last 1).RunId | Should -Be $runs[0].RunId
    }

    It 'Set-CoexistenceConfiguration -Staging makes a standby that plans and exports nothing; Switch-OnlineCoexistenceServer makes it write' {
        $scope = @($context.ad.ous.sales, $context.ad.ous.engineering)
        $standby = Set-CoexistenceConfiguration -InstallPath $path @ad -Credential $adCredential @cloud -IncludeOU $scope -Staging -Confirm:$false
        $standby.Staging | Should -BeTrue
        $usersBefore = (Get-CloudSnapshot).counts.users
        $planned = Start-OnlineCoexistenceSync -InstallPath $path
        $creates = @($planned.Plan | Where-Object Action -eq 'create')
        $creates.Count | Should -BeGreaterThan 0
        @($creates | Where-Object { -not $_.DistinguishedName.EndsWith($context.ad.ous.engineering) }) | Should -BeNullOrEmpty
        (Get-CloudSnapshot).counts.users | Should -Be $usersBefore

        $active = Switch-OnlineCoexistenceServer -InstallPath $path -Confirm:$false
        $active.PSTypeNames[0] | Should -Be 'DirSync.Configuration'
        $active.Staging | Should -BeFalse
        (Get-CoexistenceConfiguration -InstallPath $path).Staging | Should -BeFalse
        $run = Start-OnlineCoexistenceSync -InstallPath $path
        $run.Status | Should -Be 'success'
        $run.Added | Should -BeGreaterThan 0
        (Get-CloudSnapshot).counts.users | Should -BeGreaterThan $usersBefore
    }

    It 'Uninstall-OnlineCoexistenceTool -WhatIf keeps everything; confirmed, it removes the installation' {
        Uninstall-OnlineCoexistenceTool -InstallPath $path -WhatIf
        Test-Path $path | Should -BeTrue
        (Uninstall-OnlineCoexistenceTool -InstallPath $path -Confirm:$false).PSTypeNames[0] | Should -Be 'DirSync.Uninstallation'
        Test-Path $path | Should -BeFalse
    }
}

Describe 'settings files and notifications' {
    BeforeAll {
        $active = [System.IO.Path]::Combine($context.work, 'integration', 'Active')
        $standby = [System.IO.Path]::Combine($context.work, 'integration', 'Standby')
        $settingsFile = [System.IO.Path]::Combine($context.work, 'integration', 'active-settings.json')
        $null = Install-OnlineCoexistenceTool -InstallPath $active -Confirm:$false
        $null = Set-CoexistenceConfiguration -InstallPath $active @ad -Credential $adCredential @cloud -IncludeOU $context.ad.ous.sales -Confirm:$false
    }

    It 'Set-CoexistenceConfiguration -Notify... alone changes the notifications, with no credential asked for' {
        $configuration = Set-CoexistenceConfiguration -InstallPath $active -NotifySmtpServer $context.notify.smtpServer -NotifyFrom 'dirsync@corp.example.com' `
            -NotifyTo 'ops@corp.example.com', 'lead@corp.example.com' -NotifyOn Failure, Threshold, EveryRun -NotifyName 'corp' -Confirm:$false
        $configuration.NotifySmtp | Should -Be $context.notify.smtpServer
        $configuration.NotifyTo | Should -Be @('ops@corp.example.com', 'lead@corp.example.com')
        $configuration.NotifyOn | Should -Be @('failure', 'threshold', 'every-run')
        $configuration.ServiceAccount | Should -Match '^AAD_'
    }

    It 'Test-CoexistenceNotification sends a test mail and shows the server''s answer' {
        $answers = @(Test-CoexistenceNotification -InstallPath $active)
        $answers.Count | Should -Be 1
        $answers[0].PSTypeNames[0] | Should -Be 'DirSync.NotificationTest'
        $answers[0].Channel | Should -Be 'mail'
        $answers[0].Delivered | Should -BeTrue
        $answers[0].Answer | Should -Match '^250 '
    }

    It 'Export-CoexistenceConfiguration writes the settings without a secret; -WhatIf writes nothing' {
        Export-CoexistenceConfiguration -InstallPath $active -FilePath $settingsFile -WhatIf
        Test-Path $settingsFile | Should -BeFalse
        $exported = Export-CoexistenceConfiguration -InstallPath $active -FilePath $settingsFile -Confirm:$false
        $exported.PSTypeNames[0] | Should -Be 'DirSync.SettingsFile'
        $text = Get-Content $settingsFile -Raw
        $text | Should -Not -Match ([regex]::Escape($context.ad.adminPassword))
        $text | Should -Not -Match ([regex]::Escape($context.cloud.clientSecret))
        ($text | ConvertFrom-Json).secrets.clientSecret | Should -BeTrue
    }

    It 'Compare-CoexistenceConfiguration writes nothing for the same settings, and one object per difference' {
        @(Compare-CoexistenceConfiguration -InstallPath $active -FilePath $settingsFile).Count | Should -Be 0
        $null = Set-PreventAccidentalDeletes -InstallPath $active -Enable -ObjectDeletionThreshold 42 -Confirm:$false
        $differences = @(Compare-CoexistenceConfiguration -InstallPath $active -FilePath $settingsFile)
        $differences.Count | Should -Be 1
        $differences[0].PSTypeNames[0] | Should -Be 'DirSync.SettingsDifference'
        $differences[0].Setting | Should -Be 'deletionThreshold.threshold'
        $differences[0].Installation | Should -Be '42'
        $differences[0].File | Should -Be '500'
    }

    It 'Import-CoexistenceConfiguration builds a standby from the file, and refuses the active installation' {
        $null = Install-OnlineCoexistenceTool -InstallPath $standby -Confirm:$false
        Import-CoexistenceConfiguration -InstallPath $standby -FilePath $settingsFile -Credential $adCredential -TargetCredential $cloud.TargetCredential -WhatIf
        (Get-CoexistenceConfiguration -InstallPath $standby).ConfigurationRequired | Should -BeTrue
        $configuration = Import-CoexistenceConfiguration -InstallPath $standby -FilePath $settingsFile -Credential $adCredential -TargetCredential $cloud.TargetCredential -Confirm:$false
        $configuration.Staging | Should -BeTrue
        $configuration.IncludeOU | Should -Be @($context.ad.ous.sales)
        $configuration.NotifySmtp | Should -Be $context.notify.smtpServer
        @(Compare-CoexistenceConfiguration -InstallPath $standby -FilePath $settingsFile).Count | Should -Be 0

        $failure = Get-Failure { Import-CoexistenceConfiguration -InstallPath $active -FilePath $settingsFile -Credential $adCredential -Confirm:$false }
        $failure.FullyQualifiedErrorId | Should -Be 'Settings.import-onto-active,Import-CoexistenceConfiguration'
        $failure.CategoryInfo.Category | Should -Be 'InvalidOperation'
    }
}
