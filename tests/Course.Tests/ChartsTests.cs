using Course;

namespace Course.Tests;

public sealed class ChartsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("course-charts-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Html(Plotly.NET.GenericChart chart, string name) => File.ReadAllText(Charts.SaveHtml(chart, Path.Combine(dir, name)));

    [Fact]
    public void Bars_carry_names_values_errors_and_plotly_js()
    {
        var html = Html(Charts.Bars(["hand", "jit"], [31.5, 62.25], [1.5, 2.75], "Hessian timings", "ms"), "bars.html");
        Assert.Contains("\"x\":[\"hand\",\"jit\"]", html);
        Assert.Contains("\"y\":[31.5,62.25]", html);
        Assert.Contains("\"array\":[1.5,2.75]", html);
        Assert.Contains("Hessian timings", html);
        Assert.True(html.Length > 1_000_000, "plotly.js must be embedded for offline rendering");
        Assert.DoesNotContain("<script src=\"https://cdn.plot.ly", html);
    }

    [Fact]
    public void Timing_bars_show_mean_and_std_in_milliseconds()
    {
        var t = new TimeitResult(2, 1, [1e-3, 3e-3]);
        var html = Html(Charts.TimingBars([("fd", t)], "t"), "timing.html");
        Assert.Contains("\"y\":[2.0]", html);
        Assert.Contains("\"array\":[1.0]", html);
    }

    [Fact]
    public void Log_log_lines_have_log_axes_and_every_series()
    {
        var html = Html(Charts.LogLog([("rev", [10.0, 100.0], [0.5, 5.0]), ("fwd", [10.0, 100.0], [1.0, 100.0])], "scaling"), "ll.html");
        Assert.Contains("\"name\":\"rev\"", html);
        Assert.Contains("\"name\":\"fwd\"", html);
        Assert.Contains("\"y\":[1.0,100.0]", html);
        Assert.Equal(2, html.Split("\"type\":\"log\"").Length - 1);
    }

    [Fact]
    public void Heatmap_has_rows_axes_and_colour_bar_title()
    {
        var html = Html(Charts.Heatmap(new double[,] { { 1, 2 }, { 3, 4 } }, "observation", "counts", [-2.0, 2.0], [-1.0, 1.0]), "heat.html");
        Assert.Contains("\"z\":[[1.0,2.0],[3.0,4.0]]", html);
        Assert.Contains("\"x\":[-2.0,2.0]", html);
        Assert.Contains("counts", html);
        Assert.Contains("observation", html);
    }

    [Fact]
    public void Large_heatmaps_are_subsampled()
    {
        var z = new double[9, 9];
        for (int i = 0; i < 9; i++)
            for (int j = 0; j < 9; j++) z[i, j] = 10 * i + j;
        // maxSide 4 → stride 3: rows and columns 0, 3, 6.
        var html = Html(Charts.Heatmap(z, maxSide: 4), "sub.html");
        Assert.Contains("\"z\":[[0.0,3.0,6.0],[30.0,33.0,36.0],[60.0,63.0,66.0]]", html);
        Assert.Contains("\"x\":[0.0,3.0,6.0]", html);
    }

    [Fact]
    public void Matrix_heatmap_labels_rows_and_prints_values()
    {
        var html = Html(Charts.MatrixHeatmap(new double[,] { { -4, 0 }, { 0, 2 } }, ["x0", "x1"], "H"), "m.html");
        Assert.Contains("\"x\":[\"x0\",\"x1\"]", html);
        Assert.Contains("\"text\":\"-4\"", html);
        Assert.Contains("\"autorange\":\"reversed\"", html);
    }

    [Fact]
    public void Png_rendering_is_skipped_without_chromium()
    {
        var html = Charts.SaveHtml(Charts.Bars(["a"], [1.0]), Path.Combine(dir, "a.html"));
        Assert.False(Charts.RenderPng(html, Path.Combine(dir, "a.png"), chromium: Path.Combine(dir, "no-such-browser")));
        Assert.False(File.Exists(Path.Combine(dir, "a.png")));
    }
}
