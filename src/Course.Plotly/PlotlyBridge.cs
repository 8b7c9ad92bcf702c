using System.Text.Json.Nodes;
using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.LayoutObjects;
using Plotly.NET.TraceObjects;
using CSharpChart = Plotly.NET.CSharp.Chart;
using FSharpChart = Plotly.NET.Chart;
using Plotly.NET.CSharp;

namespace Course.Plotly;

/// <summary>
/// Turns a chart description (JSON written by <c>Course.Chart</c>) into a Plotly figure with
/// Plotly.NET, and hands out the plotly.js that Plotly.NET carries. Called by reflection from an
/// isolated load context, so its API is strings only.
/// </summary>
public static class PlotlyBridge
{
    /// <summary>The figure (<c>{"data": [...], "layout": {...}}</c>) as plotly.js takes it.</summary>
    public static string FigureJson(string chartJson)
    {
        var spec = JsonNode.Parse(chartJson)!.AsObject();
        var specs = spec["panels"]!.AsArray();
        // Side by side, each panel's colour bar stands in the gap to its right (plotly.js would put them all at the right edge).
        const double gap = 0.3;
        double column = 1.0 / (specs.Count + (specs.Count - 1) * gap); // a panel's width; the gaps are gap × that
        var panels = specs.Select((p, k) => Panel(p!.AsObject(), specs.Count == 1 ? null : k * column * (1 + gap) + column + 0.01)).ToArray();
        var chart = panels.Length == 1
            ? panels[0]
            : CSharpChart.Grid(panels, 1, panels.Length, SubPlotTitles: specs.Select(p => (string?)p!["title"] ?? "").ToArray(), XGap: gap);
        var title = (string?)spec["title"] ?? "";
        if (panels.Length == 1 && title.Length == 0) title = (string?)spec["panels"]![0]!["title"] ?? "";
        if (title.Length > 0) chart = FSharpChart.withTitle(title, FSharpOption<Font>.None).Invoke(chart);
        chart = chart.WithSize((int)spec["width"]!, (int)spec["height"]!);
        return GenericChart.toFigureJson(chart);
    }

    /// <summary>plotly.js, minified, as embedded in Plotly.NET (version <see cref="PlotlyJsVersion"/>).</summary>
    public static string PlotlyJs()
    {
        var assembly = typeof(GenericChart).Assembly;
        using var stream = assembly.GetManifestResourceStream($"Plotly.NET.plotly-{PlotlyJsVersion()}.min.js")
                           ?? throw new InvalidOperationException("Plotly.NET does not carry plotly.js");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static string PlotlyJsVersion() => Globals.PLOTLYJS_VERSION;

    private static GenericChart Panel(JsonObject panel, double? colorBarX)
    {
        var x = panel["x"]!.AsObject();
        var y = panel["y"]!.AsObject();
        var reversed = (bool?)y["reversed"] == true;
        var traces = panel["traces"]!.AsArray().Select((t, i) => Trace(t!.AsObject(), i, reversed, colorBarX)).ToArray();
        var chart = traces.Length == 1 ? traces[0] : CSharpChart.Combine(traces);
        // The axis type is left to plotly.js (linear, or categories for labelled matrices) unless logarithmic.
        chart = chart.WithXAxisStyle<double, double, string>(TitleText: (string?)x["title"] ?? "", AxisType: AxisType(x));
        chart = chart.WithYAxisStyle<double, double, string>(TitleText: (string?)y["title"] ?? "", AxisType: AxisType(y));
        return chart;
    }

    private static Optional<StyleParam.AxisType> AxisType(JsonObject axis) =>
        (bool?)axis["log"] == true ? StyleParam.AxisType.Log : default(Optional<StyleParam.AxisType>);

    private static GenericChart Trace(JsonObject trace, int index, bool reverseY, double? colorBarX) => (string?)trace["kind"] switch
    {
        "bar" => Bars(trace),
        "line" => CSharpChart.Line<double, double, string>(Doubles(trace["x"]), Doubles(trace["y"]), ShowMarkers: true, Name: (string?)trace["name"] ?? $"series {index}"),
        "heatmap" => Heatmap(trace, reverseY, colorBarX),
        var kind => throw new ArgumentException($"unknown trace kind '{kind}'"),
    };

    private static GenericChart Bars(JsonObject trace)
    {
        var chart = CSharpChart.Column<double, string, string>(Doubles(trace["values"]), Keys: Strings(trace["categories"]), Name: (string?)trace["name"] ?? "");
        if (trace["errors"] is JsonArray errors)
        {
            // Plotly.NET's F# initialisers are awkward from C#; set the plotly.js attributes directly.
            var bars = new Error();
            bars.SetProperty("type", "data");
            bars.SetProperty("array", Doubles(errors));
            bars.SetProperty("visible", true);
            chart = FSharpChart.withYError(bars).Invoke(chart);
        }
        return chart;
    }

    private static GenericChart Heatmap(JsonObject trace, bool reverseY, double? colorBarX)
    {
        var z = trace["z"]!.AsArray().Select(Doubles).ToArray();
        var colorBar = new ColorBar();
        colorBar.SetProperty("title", TitleOf((string?)trace["colorBarTitle"] ?? ""));
        if (colorBarX is { } x)
        {
            colorBar.SetProperty("x", x);
            colorBar.SetProperty("xanchor", "left");
            colorBar.SetProperty("thickness", 12);
        }
        GenericChart chart = trace["text"] is JsonArray text
            ? CSharpChart.AnnotatedHeatmap<double, string, string, string>(z, text.Select(Strings).ToArray(),
                X: Strings(trace["xLabels"]), Y: Strings(trace["yLabels"]), ReverseYAxis: reverseY, ColorBar: colorBar)
            : CSharpChart.Heatmap<double, double, double, string>(z, X: Doubles(trace["x"]), Y: Doubles(trace["y"]), ColorBar: colorBar);
        // The static SVG beside the chart uses viridis over [zmin, zmax]; so does the interactive one.
        chart = GenericChart.mapTrace(FuncConvert.FromFunc<Trace, Trace>(t =>
        {
            t.SetProperty("colorscale", "Viridis");
            if (trace["zmin"] is JsonNode zmin) t.SetProperty("zmin", (double)zmin);
            if (trace["zmax"] is JsonNode zmax) t.SetProperty("zmax", (double)zmax);
            return t;
        }), chart);
        return chart;
    }

    private static Title TitleOf(string text)
    {
        var title = new Title();
        title.SetProperty("text", text);
        return title;
    }

    private static double[] Doubles(JsonNode? node) => node!.AsArray().Select(v => (double)v!).ToArray();

    private static string[] Strings(JsonNode? node) => node!.AsArray().Select(v => (string)v!).ToArray();
}
