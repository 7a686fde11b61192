function New-DirSyncErrorRecord {
    # An ErrorRecord scripts can branch on: FullyQualifiedErrorId = the executable's stable error id,
    # Category = its PowerShell ErrorCategory, plus the target and what to do next.
    param(
        [Parameter(Mandatory)] [string] $ErrorId,
        [Parameter(Mandatory)] [string] $Message,
        [string] $Category = 'NotSpecified',
        [AllowNull()] [object] $TargetObject,
        [AllowNull()] [string] $RecommendedAction
    )

    $errorCategory = [System.Management.Automation.ErrorCategory]::NotSpecified
    if (-not [System.Enum]::TryParse($Category, $true, [ref]$errorCategory)) {
        $errorCategory = [System.Management.Automation.ErrorCategory]::NotSpecified
    }
    $record = [System.Management.Automation.ErrorRecord]::new(
        [System.InvalidOperationException]::new($Message), $ErrorId, $errorCategory, $TargetObject)
    if (-not [string]::IsNullOrEmpty($RecommendedAction)) {
        $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($Message)
        $record.ErrorDetails.RecommendedAction = $RecommendedAction
    }
    $record
}
