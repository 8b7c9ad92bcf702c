using System.Collections;
using System.Globalization;

namespace Course.Lessons;

/// <summary>
/// <c>display(x)</c> and <c>x.Display()</c> for the lessons exported by <c>kit export</c> as file-based
/// apps: what the notebook kernel shows as rich output is printed as text, and HTML (a graph, a
/// chart) is saved to a file whose path is printed. In its own namespace so that notebooks, where
/// the kernel provides <c>display</c>, never see two of them.
/// </summary>
public static class LessonDisplay
{
    private static int pages;

    /// <summary>As the notebook's <c>display(value)</c>.</summary>
    public static void display(object? value, params string[] mimeTypes)
    {
        if (value is string html && mimeTypes.Contains("text/html"))
            Console.WriteLine($"[HTML output: saved as {Save(html)}; open it in a browser]");
        else
            Console.WriteLine(Text(value));
    }

    /// <summary>As the notebook's <c>value.Display()</c>.</summary>
    public static void Display(this object? value, params string[] mimeTypes) => display(value, mimeTypes);

    private static string Text(object? value) => value switch
    {
        null => "<null>",
        string s => s,
        Chart chart => $"[chart: saved as {Save(chart.ToStandaloneHtml())}; open it in a browser]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => "[ " + string.Join(", ", items.Cast<object>().Take(20).Select(Text)) + (items.Cast<object>().Skip(20).Any() ? ", ..." : "") + " ]",
        // A type without a text form of its own is a picture in the notebook.
        _ when value.ToString() == value.GetType().ToString() => $"[{value.GetType().Name}: open the notebook to see it]",
        _ => value.ToString() ?? "",
    };

    private static string Save(string html)
    {
        var lesson = Path.GetFileNameWithoutExtension(AppContext.GetData("EntryPointFilePath") as string ?? "lesson");
        var path = Path.Combine(Path.GetTempPath(), "lesson-html", $"{lesson}-{Interlocked.Increment(ref pages)}.html");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, html);
        return path;
    }
}
