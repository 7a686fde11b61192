namespace DirSync.TestHost;

/// <summary>
/// The part of pwsh's command line the tests use. Parameter names may be abbreviated as pwsh allows
/// (-c, -f, -noni…); flags this host has no use for are accepted and ignored, so callers written for the
/// real pwsh (node-powershell, scripts) run unchanged.
/// </summary>
internal sealed class CommandLine
{
    public string? Command { get; private set; }
    public bool CommandFromStdin { get; private set; }
    public string? File { get; private set; }
    public IReadOnlyList<string> FileArguments { get; private set; } = [];
    public bool NoExit { get; private set; }
    public bool NonInteractive { get; private set; }

    // pwsh flags that take a value this host ignores; their value must not be mistaken for a script path.
    private static readonly string[] IgnoredFlagsWithValue =
        ["executionpolicy", "ep", "outputformat", "of", "inputformat", "if", "workingdirectory", "wd",
         "configurationname", "windowstyle", "settingsfile", "custompipename"];

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var commandLine = new CommandLine();
        for (var index = 0; index < args.Count; index++)
        {
            var argument = args[index];
            if (!argument.StartsWith('-') || argument == "-")
            {
                // pwsh treats the first bare argument as -File.
                commandLine.SetFile(args, index);
                break;
            }
            var name = argument.TrimStart('-').ToLowerInvariant();
            if (IsAbbreviationOf(name, "command", minimumLength: 1))
            {
                commandLine.SetCommand(args, index + 1);
                break;
            }
            if (IsAbbreviationOf(name, "encodedcommand", minimumLength: 1) || name == "ec")
            {
                var encoded = index + 1 < args.Count ? args[index + 1] : throw new ArgumentException("-EncodedCommand needs a value.");
                commandLine.Command = System.Text.Encoding.Unicode.GetString(Convert.FromBase64String(encoded));
                index++;
            }
            else if (IsAbbreviationOf(name, "file", minimumLength: 1))
            {
                if (index + 1 >= args.Count) throw new ArgumentException("-File needs a script path.");
                commandLine.SetFile(args, index + 1);
                break;
            }
            else if (IsAbbreviationOf(name, "noexit", minimumLength: 3)) commandLine.NoExit = true;
            else if (IsAbbreviationOf(name, "noninteractive", minimumLength: 4)) commandLine.NonInteractive = true;
            else if (IgnoredFlagsWithValue.Any(flag => IsAbbreviationOf(name, flag, minimumLength: 2))) index++;
            // Any other flag (-NoLogo, -NoProfile, -Sta, -Mta…) changes nothing here.
        }
        return commandLine;
    }

    private void SetCommand(IReadOnlyList<string> args, int first)
    {
        if (first < args.Count && args[first] == "-" && first == args.Count - 1)
        {
            CommandFromStdin = true;
            return;
        }
        // As pwsh does: everything after -Command is the command text.
        Command = string.Join(' ', args.Skip(first));
    }

    private void SetFile(IReadOnlyList<string> args, int index)
    {
        if (args[index] == "-")
        {
            CommandFromStdin = true;
            return;
        }
        File = args[index];
        FileArguments = args.Skip(index + 1).ToArray();
    }

    private static bool IsAbbreviationOf(string name, string parameter, int minimumLength) =>
        name.Length >= minimumLength && parameter.StartsWith(name, StringComparison.Ordinal);
}
