using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;

namespace DirSync.TestHost;

/// <summary>The PSHost of the runspace: identity, the recorder, and the exit code a script asked for.</summary>
internal sealed class TestHost : PSHost
{
    private readonly TestHostUserInterface _ui;
    private readonly PSObject _privateData;

    public TestHost(bool nonInteractive)
    {
        Recorder = new HostRecorder();
        _ui = new TestHostUserInterface(Recorder, nonInteractive);
        _privateData = new PSObject(Recorder);
    }

    public HostRecorder Recorder { get; }

    /// <summary>Set when a script ran <c>exit N</c> at the top level.</summary>
    public int? RequestedExitCode { get; private set; }

    public override string Name => "DirSyncTestHost";
    public override Version Version { get; } = typeof(TestHost).Assembly.GetName().Version ?? new Version(1, 0);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => _ui;
    public override PSObject PrivateData => _privateData;
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

    public override void SetShouldExit(int exitCode) => RequestedExitCode = exitCode;

    public override void EnterNestedPrompt() =>
        throw new NotSupportedException("The DirSync test host has no nested prompt (it reads commands from stdin only).");

    public override void ExitNestedPrompt() =>
        throw new NotSupportedException("The DirSync test host has no nested prompt.");

    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}
