using System.Text.Json.Nodes;

namespace Course;

/// <summary>
/// A chart as data: a title, a size in pixels and one or more panels side by side. It is shown
/// twice over: as an interactive Plotly chart (built by Plotly.NET, see <see cref="PlotlyHost"/>)
/// and as a static SVG drawn here (<see cref="ChartSvg"/>), which is what GitHub, nbviewer and
/// offline viewers show. As the last value of a notebook cell it is displayed with both.
/// Build charts with <see cref="Charts"/>.
/// </summary>
[TypeFormatterSource(typeof(ChartFormatterSource), PreferredMimeTypes = ["text/html", "image/svg+xml"])]
public sealed record Chart(string Title, IReadOnlyList<ChartPanel> Panels, int Width = 800, int Height = 480)
{
    /// <summary>The static picture: an SVG document.</summary>
    public string ToSvg() => ChartSvg.Render(this);

    /// <summary>
    /// The interactive chart as a notebook output: a div that holds the static SVG until plotly.js
    /// replaces it (so viewers that run no JavaScript still show the chart), and the script that
    /// draws it. plotly.js itself is embedded in the first chart of each notebook session (no
    /// network needed); later charts wait for it.
    /// </summary>
    public string ToNotebookHtml() => PlotlyHost.NotebookHtml(this);

    /// <summary>A standalone page with plotly.js embedded.</summary>
    public string ToStandaloneHtml() => PlotlyHost.StandaloneHtml(this);

    /// <summary>The description the Plotly.NET bridge builds the figure from.</summary>
    internal string ToSpecJson() => new JsonObject
    {
        ["title"] = Title,
        ["width"] = Width,
        ["height"] = Height,
        ["panels"] = new JsonArray(Panels.Select(p => (JsonNode)p.ToJson()).ToArray()),
    }.ToJsonString();

    public override string ToString() => $"Chart \"{Title}\" ({Panels.Count} panel{(Panels.Count == 1 ? "" : "s")}, {Width}×{Height})";
}

/// <summary>One plotting area with its axes and the series drawn in it.</summary>
public sealed record ChartPanel(string Title, IReadOnlyList<ChartSeries> Series, ChartAxis X, ChartAxis Y)
{
    internal JsonObject ToJson() => new()
    {
        ["title"] = Title,
        ["x"] = X.ToJson(),
        ["y"] = Y.ToJson(),
        ["traces"] = new JsonArray(Series.Select(s => (JsonNode)s.ToJson()).ToArray()),
    };
}

/// <summary>An axis: its title, logarithmic or linear, and whether it grows downwards (matrices).</summary>
public sealed record ChartAxis(string Title = "", bool Log = false, bool Reversed = false)
{
    internal JsonObject ToJson() => new() { ["title"] = Title, ["log"] = Log, ["reversed"] = Reversed };
}

/// <summary>Something drawn in a panel.</summary>
public abstract record ChartSeries(string Name)
{
    internal abstract JsonObject ToJson();

    private protected static JsonArray Array<T>(IEnumerable<T> values) => new(values.Select(v => JsonValue.Create(v)).ToArray<JsonNode?>());
}

/// <summary>Vertical bars, one per category, with optional ± error bars.</summary>
public sealed record BarSeries(string Name, IReadOnlyList<string> Categories, IReadOnlyList<double> Values, IReadOnlyList<double>? Errors = null)
    : ChartSeries(Name)
{
    internal override JsonObject ToJson()
    {
        var json = new JsonObject { ["kind"] = "bar", ["name"] = Name, ["categories"] = Array(Categories), ["values"] = Array(Values) };
        if (Errors is not null) json["errors"] = Array(Errors);
        return json;
    }
}

/// <summary>A line through (x, y) points, with markers.</summary>
public sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y) : ChartSeries(Name)
{
    internal override JsonObject ToJson() => new() { ["kind"] = "line", ["name"] = Name, ["x"] = Array(X), ["y"] = Array(Y) };
}

/// <summary>
/// Values z[row][column] as colours. Either an image on the plane (column j at <see cref="X"/>[j],
/// row i at <see cref="Y"/>[i]) or a labelled matrix (<see cref="Labels"/> on both axes, the value
/// printed in each cell as <see cref="Text"/>).
/// </summary>
public sealed record HeatmapSeries(string Name, double[][] Z, IReadOnlyList<double> X, IReadOnlyList<double> Y, string ColorBarTitle = "",
    IReadOnlyList<string>? Labels = null, string[][]? Text = null, double? ZMin = null, double? ZMax = null) : ChartSeries(Name)
{
    /// <summary>The colour range: <see cref="ZMin"/>..<see cref="ZMax"/> when given, else the data's.</summary>
    public (double Min, double Max) Range()
    {
        var finite = Z.SelectMany(r => r).Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        return (ZMin ?? finite.Min(), ZMax ?? finite.Max());
    }

    internal override JsonObject ToJson()
    {
        var (min, max) = Range();
        var json = new JsonObject
        {
            ["kind"] = "heatmap", ["name"] = Name, ["z"] = new JsonArray(Z.Select(r => (JsonNode)Array(r)).ToArray()),
            ["x"] = Array(X), ["y"] = Array(Y), ["colorBarTitle"] = ColorBarTitle, ["zmin"] = min, ["zmax"] = max,
        };
        if (Labels is not null && Text is not null)
        {
            json["xLabels"] = Array(Labels);
            json["yLabels"] = Array(Labels);
            json["text"] = new JsonArray(Text.Select(r => (JsonNode)Array(r)).ToArray());
        }
        return json;
    }
}

/// <summary>The notebook formatters of <see cref="Chart"/> (.NET Interactive's convention, matched by name).</summary>
public sealed class ChartFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() =>
    [
        new ChartFormatter("text/html", chart => chart.ToNotebookHtml()),
        new ChartFormatter("image/svg+xml", chart => chart.ToSvg()),
        new ChartFormatter("text/plain", chart => chart.ToString()),
    ];
}

/// <summary>One formatter: a MIME type and a Format method.</summary>
public sealed class ChartFormatter(string mimeType, Func<Chart, string> render)
{
    public string MimeType { get; } = mimeType;

    public bool Format(object instance, TextWriter writer)
    {
        if (instance is not Chart chart) return false;
        writer.Write(render(chart));
        return true;
    }
}

/// <summary>Matched by name by the notebook kernel; see <see cref="ChartFormatterSource"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    public Type FormatterSourceType { get; } = formatterSourceType;
    public string[] PreferredMimeTypes { get; set; } = [];
}
