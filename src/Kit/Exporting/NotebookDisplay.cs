namespace Kit.Exporting;

/// <summary>
/// The source of the <c>display</c> helper every exported lesson carries, so that a lesson needs
/// nothing beyond its own #: directives: what the kernel shows as rich output is printed as text.
/// </summary>
public static class NotebookDisplay
{
    public const string Source = """
        // ---- What the notebook kernel shows as rich output, printed as text.

        static class NotebookDisplay
        {
            /// <summary>As the notebook's display(value): prints the value's text form; HTML (a graph, a chart) goes to a file.</summary>
            public static void display(object value, params string[] mimeTypes)
            {
                if (value is string html && mimeTypes.Contains("text/html"))
                    Console.WriteLine($"[HTML output: saved as {Save(html)}; open it in a browser]");
                else
                    Console.WriteLine(Text(value));
            }

            /// <summary>As the notebook's value.Display().</summary>
            public static void Display(this object value, params string[] mimeTypes) => display(value, mimeTypes);

            private static string Text(object value) => value switch
            {
                null => "<null>",
                string s => s,
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                IEnumerable items => "[ " + string.Join(", ", items.Cast<object>().Take(20).Select(Text)) + (items.Cast<object>().Skip(20).Any() ? ", ..." : "") + " ]",
                _ when ChartHtml(value) is { } html => $"[chart: saved as {Save(html)}; open it in a browser]",
                // A type without a text form of its own is a picture in the notebook.
                _ when value.ToString() == value.GetType().ToString() => $"[{value.GetType().Name}: open the notebook to see it]",
                _ => value.ToString(),
            };

            // A Plotly.NET chart's HTML page, found by reflection: lessons without charts do not reference Plotly.NET.
            private static string ChartHtml(object value) =>
                value.GetType().Assembly.GetType("Plotly.NET.GenericChart")?.GetMethod("toChartHTML") is { } toHtml
                && toHtml.GetParameters() is [var chart] && chart.ParameterType.IsInstanceOfType(value)
                    ? (string)toHtml.Invoke(null, [value])
                    : null;

            private static int _pages;

            private static string Save(string html)
            {
                var lesson = System.IO.Path.GetFileNameWithoutExtension(AppContext.GetData("EntryPointFilePath") as string ?? "lesson");
                var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lesson-html", $"{lesson}-{++_pages}.html");
                System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path));
                System.IO.File.WriteAllText(path, html);
                return path;
            }
        }

        """;
}
