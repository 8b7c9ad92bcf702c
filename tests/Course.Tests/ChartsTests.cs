using System.Runtime.Loader;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Course;

namespace Course.Tests;

public sealed class ChartsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("course-charts-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static JsonObject Figure(Chart chart) => JsonNode.Parse(PlotlyHost.FigureJson(chart))!.AsObject();

    private static JsonObject Trace(Chart chart, int index = 0) => Figure(chart)["data"]![index]!.AsObject();

    // Plotly.NET writes 2.0 where System.Text.Json writes 2: compare numbers by value.
    private static string Json(JsonNode? node) => node switch
    {
        JsonArray a => "[" + string.Join(",", a.Select(Json)) + "]",
        JsonValue v when v.TryGetValue(out double d) => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => node!.ToJsonString(),
    };

    // The static picture must be well-formed SVG: viewers parse it as XML.
    private static XElement Svg(Chart chart) => XElement.Parse(chart.ToSvg().Replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", ""));

    private static readonly XNamespace SvgNs = "http://www.w3.org/2000/svg";

    [Fact]
    public void Bars_carry_names_values_and_errors_in_both_renderings()
    {
        var chart = Charts.Bars(["hand", "jit"], [31.5, 62.25], [1.5, 2.75], "Hessian timings", "ms");
        var trace = Trace(chart);
        Assert.Equal("""["hand","jit"]""", Json(trace["x"]));
        Assert.Equal("[31.5,62.25]", Json(trace["y"]));
        Assert.Equal("[1.5,2.75]", Json(trace["error_y"]!["array"]));
        Assert.Contains("Hessian timings", Figure(chart)["layout"]!.ToJsonString());

        var svg = Svg(chart);
        Assert.Equal(2, svg.Descendants(SvgNs + "rect").Count(r => (string?)r.Attribute("fill") == "#636efa"));
        Assert.Contains(svg.Descendants(SvgNs + "text"), t => t.Value == "Hessian timings");
        Assert.Contains(svg.Descendants(SvgNs + "text"), t => t.Value == "jit");
        Assert.Equal(2, svg.Descendants(SvgNs + "path").Count()); // one error bar per bar
    }

    [Fact]
    public void Timing_bars_show_mean_and_std_in_milliseconds()
    {
        var t = new TimeitResult(2, 1, [1e-3, 3e-3]);
        var trace = Trace(Charts.TimingBars([("fd", t)], "t"));
        Assert.Equal("[2]", Json(trace["y"]));
        Assert.Equal("[1]", Json(trace["error_y"]!["array"]));
    }

    [Fact]
    public void Timing_bars_use_a_log_axis_and_never_draw_below_it()
    {
        // Timings three orders of magnitude apart, one with a standard deviation larger than its mean.
        var chart = Charts.TimingBars([("fast", new TimeitResult(1, 1, [1e-6, 3e-6])), ("slow", new TimeitResult(3, 1, [1e-4, 1e-4, 1e-2]))], "t");
        Assert.True(chart.Panels[0].Y.Log);
        var svg = System.Xml.Linq.XDocument.Parse(ChartSvg.Render(chart, standalone: true));
        var axis = svg.Descendants().Where(e => e.Name.LocalName == "line").Select(e => (double)e.Attribute("y1")!).Max();
        // Error bars are paths "M x,lo V hi ...": the slow one's mean − std is negative, so it must stop at the axis.
        var lows = svg.Descendants().Where(e => e.Name.LocalName == "path")
            .Select(e => System.Text.RegularExpressions.Regex.Match((string)e.Attribute("d")!, @"^M[-\d.]+,(?<lo>[-\d.]+)V"))
            .Where(m => m.Success).Select(m => double.Parse(m.Groups["lo"].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, lows.Count);
        Assert.All(lows, lo => Assert.True(lo <= axis + 0.5, $"an error bar reaches below the axis: {lo} > {axis}"));
    }

    [Fact]
    public void Log_log_lines_have_log_axes_and_every_series()
    {
        var chart = Charts.LogLog([("rev", [10.0, 100.0], [0.5, 5.0]), ("fwd", [10.0, 100.0], [1.0, 100.0])], "scaling");
        var figure = Figure(chart);
        Assert.Equal(["rev", "fwd"], figure["data"]!.AsArray().Select(t => (string)t!["name"]!));
        Assert.Equal("[1,100]", Json(figure["data"]![1]!["y"]));
        Assert.Equal("log", (string?)figure["layout"]!["xaxis"]!["type"]);
        Assert.Equal("log", (string?)figure["layout"]!["yaxis"]!["type"]);

        var svg = Svg(chart);
        Assert.Equal(2, svg.Descendants(SvgNs + "polyline").Count());
        Assert.Contains(svg.Descendants(SvgNs + "text"), t => t.Value == "fwd");
        Assert.Contains(svg.Descendants(SvgNs + "text"), t => t.Value == "100"); // a decade tick
    }

    [Fact]
    public void Heatmap_has_rows_axes_colour_range_and_colour_bar_title()
    {
        var chart = Charts.Heatmap(new double[,] { { 1, 2 }, { 3, 4 } }, "observation", "counts", [-2.0, 2.0], [-1.0, 1.0]);
        var trace = Trace(chart);
        Assert.Equal("[[1,2],[3,4]]", Json(trace["z"]));
        Assert.Equal("[-2,2]", Json(trace["x"]));
        Assert.Equal(1.0, (double)trace["zmin"]!);
        Assert.Equal(4.0, (double)trace["zmax"]!);
        Assert.Equal("counts", (string?)trace["colorbar"]!["title"]!["text"]);

        var svg = Svg(chart);
        var image = Assert.Single(svg.Descendants(SvgNs + "image"));
        var png = Convert.FromBase64String(((string)image.Attribute("href")!)["data:image/png;base64,".Length..]);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal(2, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16))); // IHDR width
        Assert.Contains(svg.Descendants(SvgNs + "text"), t => t.Value == "counts");
    }

    [Fact]
    public void Large_heatmaps_are_subsampled()
    {
        var z = new double[9, 9];
        for (int i = 0; i < 9; i++)
            for (int j = 0; j < 9; j++) z[i, j] = 10 * i + j;
        // maxSide 4 → stride 3: rows and columns 0, 3, 6.
        var trace = Trace(Charts.Heatmap(z, maxSide: 4));
        Assert.Equal("[[0,3,6],[30,33,36],[60,63,66]]", Json(trace["z"]));
        Assert.Equal("[0,3,6]", Json(trace["x"]));
    }

    [Fact]
    public void Matrix_heatmap_labels_rows_prints_values_and_puts_row_0_on_top()
    {
        var chart = Charts.MatrixHeatmap(new double[,] { { -4, 0 }, { 0, 2 } }, ["x0", "x1"], "H");
        var figure = Figure(chart);
        Assert.Equal("""["x0","x1"]""", Json(figure["data"]![0]!["x"]));
        Assert.Contains("\"text\":\"-4\"", figure.ToJsonString());
        Assert.Equal("reversed", (string?)figure["layout"]!["yaxis"]!["autorange"]);

        var texts = Svg(chart).Descendants(SvgNs + "text").Select(t => t.Value).ToList();
        Assert.Contains("-4", texts);
        Assert.Equal(2, texts.Count(t => t == "x1")); // both axes
        Assert.Throws<ArgumentException>(() => Charts.MatrixHeatmap(new double[2, 3], ["a", "b"]));
    }

    [Fact]
    public void Heatmaps_side_by_side_each_get_a_colour_bar_of_their_own()
    {
        var z = new double[,] { { 1, 2 }, { 3, 4 } };
        var chart = Charts.HeatmapRow("three", [("a", z), ("b", z), ("c", z)]);
        var positions = Figure(chart)["data"]!.AsArray().Select(t => (double)t!["colorbar"]!["x"]!).ToList();
        Assert.Equal(3, positions.Distinct().Count());
        Assert.True(positions.SequenceEqual(positions.Order()));
        Assert.Equal(3, Svg(chart).Descendants(SvgNs + "image").Count());
    }

    [Fact]
    public void Notebook_html_embeds_plotly_js_once_and_keeps_the_static_svg_for_viewers_without_scripts()
    {
        PlotlyHost.StartDocument();
        var chart = Charts.Bars(["a"], [1.0], title: "once");
        var first = chart.ToNotebookHtml();
        var second = chart.ToNotebookHtml();
        Assert.True(first.Length > 1_000_000, "the first chart of a document carries plotly.js");
        Assert.True(second.Length < 100_000, "later charts reuse it");
        Assert.Contains($"plotly.js v{PlotlyHost.PlotlyJsVersion}", first);
        Assert.DoesNotContain("<script src=", first + second); // nothing fetched: works offline
        Assert.DoesNotContain("requirejs", second);
        Assert.Contains("<svg", second);
        Assert.Contains("Plotly.newPlot", second);
    }

    [Fact]
    public void Plotly_NET_and_its_FSharp_Core_stay_out_of_the_default_load_context()
    {
        _ = PlotlyHost.FigureJson(Charts.Bars(["a"], [1.0]));
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name is "Plotly.NET" or "FSharp.Core");
        var isolated = AssemblyLoadContext.All.Single(c => c.Name == "Course.Plotly");
        var fsharp = isolated.Assemblies.Single(a => a.GetName().Name == "FSharp.Core");
        Assert.True(fsharp.GetName().Version >= new Version(10, 1), $"Plotly.NET 6 needs FSharp.Core 10.1, got {fsharp.GetName().Version}");
    }

    [Fact]
    public void Standalone_page_is_written_whole_with_plotly_js_and_no_toolbar()
    {
        var path = Charts.SaveHtml(Charts.Bars(["a"], [1.0]), Path.Combine(dir, "a.html"));
        var html = File.ReadAllText(path);
        Assert.True(html.Length > 1_000_000);
        Assert.Contains("displayModeBar: false", html);
        Assert.Equal([path], Directory.GetFiles(dir)); // no temporary file left behind
    }

    [Fact]
    public void Png_rendering_is_skipped_without_chromium()
    {
        var html = Charts.SaveHtml(Charts.Bars(["a"], [1.0]), Path.Combine(dir, "a.html"));
        Assert.False(Charts.RenderPng(html, Path.Combine(dir, "a.png"), chromium: Path.Combine(dir, "no-such-browser")));
        Assert.False(File.Exists(Path.Combine(dir, "a.png")));
    }
}
