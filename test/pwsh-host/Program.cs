using System.Management.Automation.Runspaces;

// pwsh: the console PowerShell, as Microsoft's own pwsh starts it (banner, then the usual command line:
// -NoProfile, -NonInteractive, -Command, -File…). Telemetry off: the machines reach no such service.
Environment.SetEnvironmentVariable("POWERSHELL_TELEMETRY_OPTOUT", "1");
Environment.SetEnvironmentVariable("POWERSHELL_UPDATECHECK", "Off");
return Microsoft.PowerShell.ConsoleShell.Start(
    InitialSessionState.CreateDefault2(),
    "PowerShell 7.6.9 (DirSync build of Microsoft.PowerShell.SDK)",
    string.Empty,
    args);
