using System.Management.Automation;

namespace DirSync.TestHost;

/// <summary>
/// What the host saw that a test wants to assert on. Scripts read it as <c>$Host.PrivateData</c>, e.g.
/// <c>$Host.PrivateData.Progress</c> (ProgressRecord objects), <c>$Host.PrivateData.WhatIf</c> (the
/// "What if: …" lines) and <c>$Host.PrivateData.Prompts</c> (captions and messages of prompts shown);
/// <c>$Host.PrivateData.Clear()</c> forgets them.
/// </summary>
public sealed class HostRecorder
{
    public List<ProgressRecord> Progress { get; } = [];
    public List<string> WhatIf { get; } = [];
    public List<string> Prompts { get; } = [];

    public void Clear()
    {
        Progress.Clear();
        WhatIf.Clear();
        Prompts.Clear();
    }
}
