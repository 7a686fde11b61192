using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Text;

namespace DirSync.TestHost;

/// <summary>How one piece of script ended, as pwsh's exit codes see it.</summary>
internal enum ScriptOutcome { Succeeded, HadErrors, Terminated }

/// <summary>Runs script text in the one runspace, formatting everything through Out-Default as pwsh does.</summary>
internal sealed class ScriptRunner
{
    private readonly Runspace _runspace;

    public ScriptRunner(Runspace runspace) => _runspace = runspace;

    public ScriptOutcome Run(string script)
    {
        using var powerShell = PowerShell.Create();
        powerShell.Runspace = _runspace;
        // Not a local scope: variables and functions persist from one statement to the next.
        powerShell.AddScript(script, useLocalScope: false);
        // Merged errors reach Out-Default, which renders them on the host's error line (stderr).
        powerShell.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
        powerShell.AddCommand("Out-Default");
        var latestErrorBefore = LatestError();
        try
        {
            powerShell.Invoke();
            // Merged errors do not set HadErrors; a new head of $Error tells that one was written.
            return ReferenceEquals(LatestError(), latestErrorBefore) ? ScriptOutcome.Succeeded : ScriptOutcome.HadErrors;
        }
        catch (RuntimeException exception)
        {
            Report(exception.ErrorRecord);
            return ScriptOutcome.Terminated;
        }
    }

    private object? LatestError() =>
        _runspace.SessionStateProxy.GetVariable("Error") is System.Collections.ArrayList { Count: > 0 } errors ? errors[0] : null;

    /// <summary>
    /// pwsh -File: the script runs in its own scope with its arguments bound as on a command line; the exit
    /// code is the script's <c>exit N</c> ($LASTEXITCODE), or 1 when it ended with a terminating error.
    /// </summary>
    public int RunFile(string path, IReadOnlyList<string> arguments)
    {
        var command = new StringBuilder("& ").Append(Quote(Path.GetFullPath(path)));
        foreach (var argument in arguments)
            command.Append(' ').Append(LooksLikeParameterName(argument) ? argument : Quote(argument));
        if (Run(command.ToString()) == ScriptOutcome.Terminated) return 1;
        return _runspace.SessionStateProxy.GetVariable("LASTEXITCODE") is int exitCode ? exitCode : 0;
    }

    /// <summary>
    /// The loop node-powershell drives: read lines until they form complete statements, run them, repeat;
    /// no prompt is printed. Returns at the end of stdin or when a script ran <c>exit</c>.
    /// </summary>
    public void RunReadEvalLoop(TextReader input, Func<bool> shouldExit)
    {
        var pending = new StringBuilder();
        while (!shouldExit() && input.ReadLine() is { } line)
        {
            pending.AppendLine(line);
            var text = pending.ToString();
            if (IsIncomplete(text)) continue;
            pending.Clear();
            if (!string.IsNullOrWhiteSpace(text)) Run(text);
        }
    }

    private static bool IsIncomplete(string text)
    {
        Parser.ParseInput(text, out _, out var errors);
        return errors.Any(error => error.IncompleteInput);
    }

    // An uncaught terminating error is shown the way the engine shows any other error.
    private void Report(ErrorRecord errorRecord)
    {
        using var powerShell = PowerShell.Create();
        powerShell.Runspace = _runspace;
        powerShell.AddScript("[CmdletBinding()] param($ErrorRecord) $PSCmdlet.WriteError($ErrorRecord)", useLocalScope: true)
            .AddParameter("ErrorRecord", errorRecord);
        powerShell.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
        powerShell.AddCommand("Out-Default");
        powerShell.Invoke();
    }

    private static bool LooksLikeParameterName(string argument) =>
        argument.Length > 1 && argument[0] == '-' && (char.IsLetter(argument[1]) || argument[1] == '_');

    private static string Quote(string value) => "'" + value.Replace("'", "''") + "'";
}
