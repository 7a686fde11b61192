# Get-OnlineCoexistenceObject and Start-OnlineCoexistenceSync -Identity (issue 21): first with Mock at the
# executable boundary, answering what the real executable said (fixtures recorded at the start of this run by
# test/pwsh/record-fixtures.ts); then end to end against the real executable, a Samba domain and the Entra stand-in
# ($env:DIRSYNC_TEST_CONTEXT says where), with an installation of its own over the Engineering OU.
BeforeAll {
    $context = Get-Content $env:DIRSYNC_TEST_CONTEXT -Raw | ConvertFrom-Json
    Import-Module ([System.IO.Path]::Combine($context.moduleRoot, 'DirSync.psd1')) -Force
    $alice = 'alice.archer@corp.example.test'
}
AfterAll { Remove-Module DirSync -ErrorAction Ignore }

Describe 'Get-OnlineCoexistenceObject, with the executable''s recorded answers' {
    BeforeAll {
        $fake = [System.IO.Path]::Combine($PSScriptRoot, 'fixtures', 'fake-dirsync')
        $env:FAKE_DIRSYNC_DIR = $fakeDirectory = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'fake')).FullName
        function Use-Fixture([Parameter(Mandatory)] [string] $Name) {
            Copy-Item (Join-Path $context.fixtures "$Name.clixml") (Join-Path $fakeDirectory 'answer') -Force
            Set-Content (Join-Path $fakeDirectory 'exit-code') ([int](Get-Content (Join-Path $context.fixtures "$Name.exit")))
            Remove-Item (Join-Path $fakeDirectory 'requests') -ErrorAction Ignore
        }
        function Get-Requests { @(Get-Content (Join-Path $fakeDirectory 'requests') | ConvertFrom-Json) }
        Mock -ModuleName DirSync Resolve-DirSyncExecutable { @{ FileName = $fake; Arguments = @('module-request'); Path = $fake } }
    }

    It 'sends the identity to the core and returns a DirSync.ObjectExplanation with typed, PascalCase sections' {
        Use-Fixture explain
        $explanation = Get-OnlineCoexistenceObject -InstallPath /srv/dirsync -Identity $alice
        $request = Get-Requests
        $request.command | Should -Be 'explain'
        $request.parameters.identity | Should -Be $alice
        $request.parameters.path | Should -Be '/srv/dirsync'
        $explanation.PSTypeNames[0] | Should -Be 'DirSync.ObjectExplanation'
        $explanation.DistinguishedName | Should -Be ($context.ad.salesUsers | Where-Object { $_ -like 'CN=Alice Archer,*' })
        $explanation.Directory.State | Should -Be 'visible'
        $explanation.InScope | Should -BeTrue
        $explanation.Match.State | Should -Be 'linked'
        $explanation.Attributes[0].PSTypeNames[0] | Should -Be 'DirSync.ExplainedAttribute'
        ($explanation.Attributes | Where-Object Target -eq 'userPrincipalName').Cloud | Should -Be $alice
        @($explanation.NextCycle).Count | Should -Be 0
        $explanation.History[0].PSTypeNames[0] | Should -Be 'DirSync.ObjectHistoryEntry'
        $explanation.History[0].EndedAt | Should -BeOfType [datetime]
    }

    It 'shows a table by default, and every stage as a section with Format-List' {
        Use-Fixture explain
        $table = Get-OnlineCoexistenceObject -InstallPath /srv/dirsync -Identity $alice | Format-Table | Out-String -Width 250
        $table | Should -Match 'DistinguishedName\s+ObjectType\s+InScope\s+Match\s+Drift\s+NextCycle\s+Errors'
        $table | Should -Match 'CN=Alice Archer,.*\buser\s+True\s+linked\s+0\s+nothing\s+0'
        Use-Fixture explain
        $list = Get-OnlineCoexistenceObject -InstallPath /srv/dirsync -Identity $alice | Format-List | Out-String -Width 250
        foreach ($section in 'ActiveDirectory', 'Scope', 'Match', 'Attributes', 'Drift', 'NextCycle', 'Withheld', 'Errors', 'Retry', 'History') {
            $list | Should -Match "(?m)^$section\s+:"
        }
        $list | Should -Match 'Scope\s+: in scope: under the included OU'
        $list | Should -Match 'NextCycle\s+: nothing'
    }

    It 'takes -Identity from the pipeline by property name: Anchor first, else DistinguishedName' {
        Use-Fixture explain
        [pscustomobject]@{ PSTypeName = 'DirSync.SyncError'; DistinguishedName = 'CN=Someone,OU=Sales'; Anchor = 'AAAAAAAAAAAAAAAAAAAAAA=='; Code = 'x' } |
            Get-OnlineCoexistenceObject -InstallPath /srv/dirsync | Out-Null
        (Get-Requests).parameters.identity | Should -Be 'AAAAAAAAAAAAAAAAAAAAAA=='
        Use-Fixture explain
        [pscustomobject]@{ DistinguishedName = 'CN=Someone,OU=Sales' } | Get-OnlineCoexistenceObject -InstallPath /srv/dirsync | Out-Null
        (Get-Requests).parameters.identity | Should -Be 'CN=Someone,OU=Sales'
    }

    It 'reports an unknown identity as ObjectNotFound, with the code and what was searched' {
        Use-Fixture explain-not-found
        $failure = $null
        try { Get-OnlineCoexistenceObject -InstallPath /srv/dirsync -Identity nobody@corp.example.test } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -Be 'Explain.not-found,Get-OnlineCoexistenceObject'
        $failure.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failure.Exception.Message | Should -Match 'the UPN nobody@corp\.example\.test'
    }

    It 'passes -HtmlPath as a full path' {
        Use-Fixture explain
        Get-OnlineCoexistenceObject -InstallPath /srv/dirsync -Identity $alice -HtmlPath (Join-Path $TestDrive 'alice.html') | Out-Null
        (Get-Requests).parameters.html | Should -Be (Join-Path $TestDrive 'alice.html')
    }

    It 'Start-OnlineCoexistenceSync -Identity -WhatIf asks for that one object in preview and lists its steps' {
        Use-Fixture sync-object
        $run = Start-OnlineCoexistenceSync -InstallPath /srv/dirsync -Identity 'CN=Alice Archer' -WhatIf
        $request = Get-Requests
        $request.command | Should -Be 'sync'
        $request.parameters.object | Should -Be 'CN=Alice Archer'
        $request.parameters.preview | Should -BeTrue
        $request.parameters.full | Should -BeFalse
        $run.Mode | Should -Be 'preview-object'
        $run.Steps[0] | Should -Match '^read from Active Directory as .*: CN=Alice Archer,.* is in scope'
        $run.Object.Anchor | Should -Not -BeNullOrEmpty
        Use-Fixture sync-object
        Start-OnlineCoexistenceSync -InstallPath /srv/dirsync -Identity 'CN=Alice Archer' -Confirm:$false | Out-Null
        (Get-Requests).parameters.preview | Should -BeFalse
    }
}

Describe 'Get-OnlineCoexistenceObject end to end' {
    BeforeAll {
        $env:DIRSYNC_EXECUTABLE = $null
        $path = [System.IO.Path]::Combine($context.work, 'explain', 'DirSync')
        $adCredential = [pscredential]::new($context.ad.adminDn, (ConvertTo-SecureString $context.ad.adminPassword -AsPlainText -Force))
        $targetCredential = [pscredential]::new($context.cloud.clientId, (ConvertTo-SecureString $context.cloud.clientSecret -AsPlainText -Force))
        Install-OnlineCoexistenceTool -InstallPath $path -Confirm:$false | Out-Null
        Set-CoexistenceConfiguration -InstallPath $path -AdServer $context.ad.server -AdCaFile $context.ad.caFile -Credential $adCredential `
            -TenantId $context.cloud.tenantId -TargetCredential $targetCredential -AuthorityHost $context.cloud.authorityHost `
            -GraphEndpoint $context.cloud.graphEndpoint -CloudCaFile $context.cloud.caFile -WriteBudget '20000/10' `
            -IncludeOU $context.ad.ous.engineering -Confirm:$false | Out-Null
    }

    It 'explains each object a -WhatIf plan would create or join, piped in: in scope, the same request next cycle' {
        # Earlier suites may have exported these users from another installation: then the plan joins them.
        $plan = @((Start-OnlineCoexistenceSync -InstallPath $path -WhatIf).Plan | Where-Object Action -in 'create', 'update')
        $plan.Count | Should -BeGreaterThan 0
        $explained = @($plan | Get-OnlineCoexistenceObject -InstallPath $path)
        $explained.Count | Should -Be $plan.Count
        for ($index = 0; $index -lt $plan.Count; $index++) {
            $explanation = $explained[$index]
            $explanation.Anchor | Should -Be $plan[$index].Anchor
            $explanation.InScope | Should -BeTrue
            $explanation.Match.State | Should -BeIn @('none', 'hard-match', 'soft-match')
            @($explanation.NextCycle | Where-Object Action -eq $plan[$index].Action).Count | Should -Be 1
        }
    }

    It 'Start-OnlineCoexistenceSync -Identity synchronizes that one user, which Get-OnlineCoexistenceObject then shows linked' {
        $erin = 'erin.engel@corp.example.test'
        $run = Start-OnlineCoexistenceSync -InstallPath $path -Identity $erin -Confirm:$false
        $run.Mode | Should -Be 'object'
        $run.Added + $run.Updated | Should -Be 1
        @($run.Steps | Where-Object { $_ -match '^sent: (create|update) user CN=Erin Engel' }).Count | Should -Be 1
        $explanation = Get-OnlineCoexistenceObject -InstallPath $path -Identity $erin
        $explanation.Match.State | Should -Be 'linked'
        $explanation.Match.SinceRunId | Should -Be $run.RunId
        @($explanation.NextCycle).Count | Should -Be 0
        (Get-OnlineCoexistenceSyncHistory -InstallPath $path -Last 1).Mode | Should -Be 'object'
    }
}
