using Kit.Notebooks;

namespace Kit.Scripting;

/// <summary>What the kernel's <c>display(...)</c> returns; a cell ending in it shows nothing more.</summary>
public sealed class DisplayedValue
{
    internal DisplayedValue() { }
}

/// <summary>Members every cell can use unqualified, as in the .NET Interactive C# kernel.</summary>
public class ScriptGlobals
{
    /// <summary>Shows <paramref name="value"/> as a display_data output of the current cell.</summary>
    // Lower-case on purpose: the kernel's global is called display.
#pragma warning disable IDE1006
    public DisplayedValue display(object? value, params string[] mimeTypes) => DisplayTarget.Show(value, mimeTypes);
#pragma warning restore IDE1006
}

/// <summary>The current cell's display target; set by the kernel while a cell runs.</summary>
public static class DisplayTarget
{
    private static volatile Target? _current;

    internal sealed record Target(CellOutputs Outputs, DisplayFormatter Formatter);

    // Not reset when the cell ends: a background thread that displays later must not crash the
    // process (its output goes to the last cell's list, which has been written already).
    internal static void Into(CellOutputs outputs, DisplayFormatter formatter) => _current = new Target(outputs, formatter);

    internal static DisplayedValue Show(object? value, string[] mimeTypes)
    {
        var target = _current ?? throw new InvalidOperationException("display() can only be used while a cell runs.");
        target.Outputs.Add(Outputs.DisplayData(target.Formatter.Format(value, mimeTypes)));
        return new DisplayedValue();
    }
}
