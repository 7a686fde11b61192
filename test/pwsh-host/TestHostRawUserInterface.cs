using System.Management.Automation.Host;

namespace DirSync.TestHost;

/// <summary>
/// A console of fixed size with no keyboard. The width (the COLUMNS variable, else 120) is what the
/// formatter wraps tables at.
/// </summary>
internal sealed class TestHostRawUserInterface : PSHostRawUserInterface
{
    private static readonly int Width =
        int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0 ? columns : 120;

    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override Size BufferSize { get; set; } = new(Width, short.MaxValue);
    public override Coordinates CursorPosition { get; set; }
    public override int CursorSize { get; set; } = 1;
    public override Size WindowSize { get; set; } = new(Width, 50);
    public override Coordinates WindowPosition { get; set; }
    public override Size MaxWindowSize => WindowSize;
    public override Size MaxPhysicalWindowSize => WindowSize;
    public override string WindowTitle { get; set; } = "DirSyncTestHost";
    public override bool KeyAvailable => false;

    public override KeyInfo ReadKey(ReadKeyOptions options) =>
        throw new NotSupportedException("The DirSync test host has no keyboard.");

    public override void FlushInputBuffer() { }

    public override BufferCell[,] GetBufferContents(Rectangle rectangle) =>
        throw new NotSupportedException("The DirSync test host keeps no screen buffer.");

    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
}
