function New-DirSyncErrorRecord {
    # An ErrorRecord scripts can branch on: FullyQualifiedErrorId = the error code of DirSync's catalogue,
    # Category = its PowerShell ErrorCategory, plus the target and what to do next. The category and the advice
    # come from the catalogue (the module's contract) unless the executable sent its own for this case.
    param(
        [Parameter(Mandatory)] [string] $Code,
        [Parameter(Mandatory)] [string] $Message,
        [AllowNull()] [object] $TargetObject,
        [AllowNull()] [string] $Category,
        [AllowNull()] [string] $RecommendedAction
    )

    $entry = $script:Contract.Errors[$Code]
    if ($null -ne $entry) {
        if ([string]::IsNullOrEmpty($Category)) { $Category = $entry.Category }
        if ([string]::IsNullOrEmpty($RecommendedAction)) { $RecommendedAction = $entry.Action }
    } elseif ([string]::IsNullOrEmpty($Category)) {
        # Only the executable may name a code the module's contract does not know (a newer catalogue); the module itself may not.
        throw [System.ArgumentException]::new("'$Code' is not an error code of the DirSync catalogue.", 'Code')
    }
    $errorCategory = [System.Management.Automation.ErrorCategory]::NotSpecified
    if (-not [System.Enum]::TryParse($Category, $true, [ref]$errorCategory)) {
        $errorCategory = [System.Management.Automation.ErrorCategory]::NotSpecified
    }
    $record = [System.Management.Automation.ErrorRecord]::new(
        [System.InvalidOperationException]::new($Message), $Code, $errorCategory, $TargetObject)
    if (-not [string]::IsNullOrEmpty($RecommendedAction)) {
        $record.ErrorDetails = [System.Management.Automation.ErrorDetails]::new($Message)
        $record.ErrorDetails.RecommendedAction = $RecommendedAction
    }
    $record
}
