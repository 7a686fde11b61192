function ConvertTo-DirSyncJson {
    # JSON for the request the executable reads on stdin. ConvertTo-Json is not available everywhere
    # (engine-only hosts), so this writes the few shapes a request has. Every character outside printable
    # ASCII is \u-escaped: stdin then carries the same bytes whatever encoding the console uses (Windows
    # PowerShell 5.1 cannot set the encoding of a child's stdin).
    param([AllowNull()] $Value)

    if ($null -eq $Value) { return 'null' }
    if ($Value -is [System.Management.Automation.SwitchParameter]) { $Value = $Value.IsPresent }
    if ($Value -is [bool]) { if ($Value) { return 'true' } else { return 'false' } }
    if ($Value -is [int] -or $Value -is [long] -or $Value -is [double] -or $Value -is [decimal]) {
        return $Value.ToString([System.Globalization.CultureInfo]::InvariantCulture)
    }
    if ($Value -is [string]) {
        $builder = [System.Text.StringBuilder]::new('"')
        foreach ($character in $Value.ToCharArray()) {
            $code = [int]$character
            if ($character -eq '"' -or $character -eq '\') { [void]$builder.Append('\').Append($character) }
            elseif ($code -lt 0x20 -or $code -gt 0x7E) { [void]$builder.Append('\u').Append($code.ToString('x4')) }
            else { [void]$builder.Append($character) }
        }
        return $builder.Append('"').ToString()
    }
    if ($Value -is [System.Collections.IDictionary]) {
        $members = foreach ($key in $Value.Keys) { (ConvertTo-DirSyncJson ([string]$key)) + ':' + (ConvertTo-DirSyncJson $Value[$key]) }
        return '{' + (@($members) -join ',') + '}'
    }
    if ($Value -is [System.Collections.IEnumerable]) {
        $items = foreach ($item in $Value) { ConvertTo-DirSyncJson $item }
        return '[' + (@($items) -join ',') + ']'
    }
    throw [System.ArgumentException]::new("A DirSync request cannot contain a value of type $($Value.GetType().FullName).")
}
