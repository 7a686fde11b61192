using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace DirSync.TestHost;

/// <summary>
/// Text goes to stdout, errors only to stderr (both auto-flushed, so their order is kept); progress and
/// -WhatIf text are also recorded. Prompts are answered from environment variables the test sets — even
/// from inside the session with <c>$env:NAME = …</c>, since they are read when the prompt happens:
/// <list type="bullet">
/// <item><c>TESTHOST_CHOICE_ANSWERS</c>: comma-separated answers for PromptForChoice (-Confirm and
/// ShouldContinue), each a choice's label without the '&amp;' ("Yes", "Y", "No to All"…) or its index;
/// consumed one per prompt.</item>
/// <item><c>TESTHOST_CREDENTIAL_USERNAME</c> and <c>TESTHOST_CREDENTIAL_PASSWORD</c>: what
/// PromptForCredential returns (the caller's user name when the first is unset).</item>
/// </list>
/// A prompt without a scripted answer fails instead of guessing. With -NonInteractive every prompt
/// fails as in pwsh.
/// </summary>
internal sealed class TestHostUserInterface : PSHostUserInterface
{
    public const string ChoiceAnswersVariable = "TESTHOST_CHOICE_ANSWERS";
    public const string CredentialUserNameVariable = "TESTHOST_CREDENTIAL_USERNAME";
    public const string CredentialPasswordVariable = "TESTHOST_CREDENTIAL_PASSWORD";
    private const string WhatIfPrefix = "What if: ";

    private readonly HostRecorder _recorder;
    private readonly bool _nonInteractive;
    private readonly TestHostRawUserInterface _rawUI = new();

    public TestHostUserInterface(HostRecorder recorder, bool nonInteractive)
    {
        _recorder = recorder;
        _nonInteractive = nonInteractive;
    }

    public override PSHostRawUserInterface RawUI => _rawUI;

    // Plain text, as pwsh writes when its output is redirected: tests compare text, not colour sequences.
    private static string Plain(string text) => GetOutputString(text, supportsVirtualTerminal: false);

    public override void Write(string value) => Console.Out.Write(Plain(value));
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);

    public override void WriteLine(string value)
    {
        if (value.StartsWith(WhatIfPrefix, StringComparison.Ordinal)) _recorder.WhatIf.Add(value);
        Console.Out.WriteLine(Plain(value));
    }

    public override void WriteErrorLine(string value) => Console.Error.WriteLine(Plain(value));
    public override void WriteDebugLine(string message) => Console.Out.WriteLine(Plain($"DEBUG: {message}"));
    public override void WriteVerboseLine(string message) => Console.Out.WriteLine(Plain($"VERBOSE: {message}"));
    public override void WriteWarningLine(string message) => Console.Out.WriteLine(Plain($"WARNING: {message}"));
    public override void WriteProgress(long sourceId, ProgressRecord record) => _recorder.Progress.Add(record);

    public override string ReadLine() =>
        throw Refusal("read a line", "this host reads its commands from stdin, so scripts cannot read from it");

    public override SecureString ReadLineAsSecureString() =>
        throw Refusal("read a secure string", "this host reads its commands from stdin, so scripts cannot read from it");

    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
    {
        _recorder.Prompts.Add($"{caption}: {message}");
        var fields = string.Join(", ", descriptions.Select(description => description.Name));
        throw Refusal($"prompt for {fields}", "pass every mandatory parameter in the test");
    }

    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
    {
        _recorder.Prompts.Add($"{caption}: {message}");
        if (_nonInteractive) throw NonInteractiveRefusal();
        var answers = Environment.GetEnvironmentVariable(ChoiceAnswersVariable);
        if (string.IsNullOrEmpty(answers))
            throw Refusal($"answer \"{caption}\"", $"set ${ChoiceAnswersVariable} to the answers, e.g. 'Yes,No'");
        var remaining = answers.Split(',', 2);
        var answer = remaining[0].Trim();
        Environment.SetEnvironmentVariable(ChoiceAnswersVariable, remaining.Length > 1 ? remaining[1] : null);
        return IndexOfChoice(choices, answer)
            ?? throw Refusal($"answer \"{caption}\" with '{answer}'",
                $"use one of: {string.Join(", ", choices.Select(choice => choice.Label.Replace("&", "")))}");
    }

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
        PromptForCredential(caption, message, userName, targetName, PSCredentialTypes.Default, PSCredentialUIOptions.Default);

    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
        PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
    {
        _recorder.Prompts.Add($"{caption}: {message}");
        if (_nonInteractive) throw NonInteractiveRefusal();
        var password = Environment.GetEnvironmentVariable(CredentialPasswordVariable)
            ?? throw Refusal($"prompt for a credential (\"{caption}\")", $"set ${CredentialPasswordVariable} (and ${CredentialUserNameVariable})");
        var scriptedUserName = Environment.GetEnvironmentVariable(CredentialUserNameVariable);
        return new PSCredential(string.IsNullOrEmpty(scriptedUserName) ? userName : scriptedUserName,
            new System.Net.NetworkCredential(string.Empty, password).SecurePassword);
    }

    private static int? IndexOfChoice(Collection<ChoiceDescription> choices, string answer)
    {
        if (int.TryParse(answer, out var index) && index >= 0 && index < choices.Count) return index;
        for (var position = 0; position < choices.Count; position++)
        {
            var label = choices[position].Label;
            var hotKey = label.IndexOf('&') is var at and >= 0 && at + 1 < label.Length ? label[at + 1].ToString() : null;
            if (string.Equals(label.Replace("&", ""), answer, StringComparison.OrdinalIgnoreCase)
                || string.Equals(hotKey, answer, StringComparison.OrdinalIgnoreCase))
                return position;
        }
        return null;
    }

    // Same wording as pwsh, so scripts that detect non-interactive sessions behave the same here.
    private static PSInvalidOperationException NonInteractiveRefusal() =>
        new("PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.");

    private static PSInvalidOperationException Refusal(string what, string remedy) =>
        new($"The DirSync test host cannot {what}: {remedy}.");
}
