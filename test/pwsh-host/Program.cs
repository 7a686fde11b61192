using System.Management.Automation.Runspaces;
using DirSync.TestHost;

// A stand-in for pwsh built on the PowerShell engine package alone (see README.md beside this file).
Environment.SetEnvironmentVariable("POWERSHELL_TELEMETRY_OPTOUT", "1");

CommandLine commandLine;
try
{
    commandLine = CommandLine.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 64;
}

var host = new TestHost(commandLine.NonInteractive);
// CreateDefault2: only the engine's own cmdlets; CreateDefault would load snap-ins this package lacks.
using var runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
runspace.Open();
var runner = new ScriptRunner(runspace);

var exitCode = 0;
if (commandLine.File is { } file)
{
    if (!File.Exists(file))
    {
        Console.Error.WriteLine($"The argument '{file}' is not recognized as the name of a script file. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.");
        return 64;
    }
    exitCode = runner.RunFile(file, commandLine.FileArguments);
}
else if (commandLine.Command is { } command)
{
    exitCode = runner.Run(command) == ScriptOutcome.Succeeded ? 0 : 1;
}
if (host.RequestedExitCode is { } requested) return requested;

var readsStdin = commandLine.CommandFromStdin || commandLine.NoExit || (commandLine.File is null && commandLine.Command is null);
if (!readsStdin) return exitCode;
runner.RunReadEvalLoop(Console.In, () => host.RequestedExitCode is not null);
return host.RequestedExitCode ?? 0;
