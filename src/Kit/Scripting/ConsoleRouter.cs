using System.Text;

namespace Kit.Scripting;

/// <summary>
/// Replaces Console.Out/Error once per process: while a cell runs, what it prints goes into
/// that cell's outputs; otherwise it goes to the real console. (Background threads a cell
/// started keep writing into whichever cell is current, as in the real kernel.)
/// </summary>
internal static class ConsoleRouter
{
    private static volatile CellOutputs? _current;
    private static readonly Lock InstallLock = new();
    private static bool _installed;

    public static void Install()
    {
        lock (InstallLock)
        {
            if (_installed) return;
            Console.SetOut(new Router("stdout", Console.Out));
            Console.SetError(new Router("stderr", Console.Error));
            _installed = true;
        }
    }

    /// <summary>Routes console text into <paramref name="outputs"/> until disposed.</summary>
    public static IDisposable Capture(CellOutputs outputs)
    {
        Install();
        _current = outputs;
        return new Restore();
    }

    private sealed class Restore : IDisposable
    {
        public void Dispose() => _current = null;
    }

    private sealed class Router(string name, TextWriter original) : TextWriter
    {
        public override Encoding Encoding => original.Encoding;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void Write(string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            if (_current is { } cell) cell.WriteStream(name, value);
            else lock (original) original.Write(value);
        }

        public override void WriteLine(string? value) => Write(value + NewLine);

        public override void Flush()
        {
            if (_current is null) original.Flush();
        }
    }
}
