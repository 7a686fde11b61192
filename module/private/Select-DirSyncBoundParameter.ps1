function Select-DirSyncBoundParameter {
    # The request parameters for the cmdlet parameters the user gave, under the executable's names.
    # Parameters left out stay out of the request, so the executable keeps what is already configured.
    param(
        [Parameter(Mandatory)] [System.Collections.IDictionary] $BoundParameters,
        # cmdlet parameter name -> request parameter name
        [Parameter(Mandatory)] [System.Collections.IDictionary] $Map
    )

    $selected = [ordered]@{}
    foreach ($name in $Map.Keys) {
        if ($BoundParameters.ContainsKey($name)) {
            $value = $BoundParameters[$name]
            if ($value -is [System.Management.Automation.SwitchParameter]) { $value = $value.IsPresent }
            $selected[$Map[$name]] = $value
        }
    }
    $selected
}
