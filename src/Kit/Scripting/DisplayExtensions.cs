using Kit.Scripting;

namespace Kit.Scripting.Api;

/// <summary><c>x.Display()</c> for cells, as in the .NET Interactive kernel (imported by default).</summary>
public static class DisplayExtensions
{
    public static DisplayedValue Display(this object? value, params string[] mimeTypes) =>
        DisplayTarget.Show(value, mimeTypes);
}
