using System.Diagnostics;
using System.Globalization;
using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.LayoutObjects;
using Plotly.NET.TraceObjects;
using CSharpChart = Plotly.NET.CSharp.Chart;
using Plotly.NET.CSharp;

namespace Course;

/// <summary>
/// The course's charts, built with Plotly.NET.CSharp. Each returns a <see cref="GenericChart"/>:
/// as the last value of a notebook cell it is displayed; <see cref="SaveHtml"/> writes it to a
/// standalone page for <c>kit figures</c>.
/// </summary>
public static class Charts
{
    /// <summary>Vertical bars, one per name, with optional ± error bars (e.g. mean ± std of timings).</summary>
    public static GenericChart Bars(IReadOnlyList<string> names, IReadOnlyList<double> values, IReadOnlyList<double>? errors = null,
        string title = "", string yTitle = "")
    {
        if (names.Count != values.Count) throw new ArgumentException("one value per name", nameof(values));
        var chart = CSharpChart.Column<double, string, string>(values, Keys: names.ToArray(), Name: yTitle);
        if (errors is not null)
        {
            if (errors.Count != values.Count) throw new ArgumentException("one error per value", nameof(errors));
            // Plotly.NET's F# initialisers are awkward from C#; set the plotly.js attributes directly.
            var bars = new Error();
            bars.SetProperty("type", "data");
            bars.SetProperty("array", errors.ToArray());
            bars.SetProperty("visible", true);
            chart = Plotly.NET.Chart.withYError(bars).Invoke(chart);
        }
        return Titled(chart, title).WithYAxisStyle<double, double, string>(TitleText: yTitle);
    }

    /// <summary>
    /// Bars of named timings in milliseconds: height = mean per call, error bar = standard deviation
    /// (what <c>%%timeit</c> prints).
    /// </summary>
    public static GenericChart TimingBars(IEnumerable<(string Name, TimeitResult Timing)> timings, string title = "")
    {
        var list = timings.ToList();
        return Bars(list.Select(t => t.Name).ToArray(), list.Select(t => t.Timing.Mean * 1e3).ToArray(),
            list.Select(t => t.Timing.Std * 1e3).ToArray(), title, "time per call (ms)");
    }

    /// <summary>Lines with markers on log–log axes, one per named series (e.g. time against n).</summary>
    public static GenericChart LogLog(IEnumerable<(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)> series,
        string title = "", string xTitle = "n", string yTitle = "time (ms)")
    {
        var lines = series.Select(s =>
        {
            if (s.X.Count != s.Y.Count) throw new ArgumentException($"series {s.Name}: x and y differ in length");
            return CSharpChart.Line<double, double, string>(s.X.ToArray(), s.Y.ToArray(), ShowMarkers: true, Name: s.Name);
        }).ToArray();
        var chart = CSharpChart.Combine(lines);
        return Titled(chart, title)
            .WithXAxisStyle<double, double, string>(TitleText: xTitle, AxisType: StyleParam.AxisType.Log)
            .WithYAxisStyle<double, double, string>(TitleText: yTitle, AxisType: StyleParam.AxisType.Log);
    }

    /// <summary>
    /// Heatmap of z[row, column] with a colour bar: column j at x[j], row i at y[i] (default: the
    /// indices), y growing upwards, as an image on the plane. For <see cref="GaussModel"/> images
    /// pass <c>GaussModel.ToMatrix(image, n)</c> and <c>model.Lin</c> for both axes. Images wider
    /// or taller than <paramref name="maxSide"/> are subsampled (every k-th row and column, k the
    /// smallest stride that fits) so a 3000×3000 image does not become a 100 MB page.
    /// </summary>
    public static GenericChart Heatmap(double[,] z, string title = "", string colorBarTitle = "",
        IReadOnlyList<double>? x = null, IReadOnlyList<double>? y = null, int maxSide = 400)
    {
        int rows = z.GetLength(0), cols = z.GetLength(1);
        if (x is not null && x.Count != cols || y is not null && y.Count != rows) throw new ArgumentException("one x per column and one y per row");
        int stride = Math.Max(1, (int)Math.Ceiling(Math.Max(rows, cols) / (double)maxSide));
        int[] keptRows = Enumerable.Range(0, rows).Where(i => i % stride == 0).ToArray();
        int[] keptCols = Enumerable.Range(0, cols).Where(j => j % stride == 0).ToArray();
        var xs = keptCols.Select(j => x?[j] ?? j).ToArray();
        var ys = keptRows.Select(i => y?[i] ?? i).ToArray();
        var zs = keptRows.Select(i => keptCols.Select(j => z[i, j]).ToArray()).ToArray();
        var chart = CSharpChart.Heatmap<double, double, double, string>(zs, X: xs, Y: ys, ColorBar: ColorBarTitled(colorBarTitle));
        return Titled(chart, title);
    }

    /// <summary>
    /// A small matrix (e.g. a 6×6 Hessian) as a heatmap with the value printed in each cell,
    /// rows and columns labelled (e.g. <see cref="GaussModel.ParameterNames"/>), row 0 at the top
    /// as the matrix is written.
    /// </summary>
    public static GenericChart MatrixHeatmap(double[,] m, IReadOnlyList<string> labels, string title = "", string format = "G3")
    {
        int n = m.GetLength(0);
        if (m.GetLength(1) != n || labels.Count != n) throw new ArgumentException("square matrix with one label per row", nameof(labels));
        var text = Enumerable.Range(0, n)
            .Select(i => Enumerable.Range(0, n).Select(j => m[i, j].ToString(format, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        var chart = CSharpChart.AnnotatedHeatmap<double, string, string, string>(Rows(m), text,
            X: labels.ToArray(), Y: labels.ToArray(), ReverseYAxis: true, ColorBar: ColorBarTitled(""));
        return Titled(chart, title);
    }

    /// <summary>
    /// Writes <paramref name="chart"/> as a standalone HTML page with plotly.js embedded (no
    /// network needed to view it or to render it to PNG). Returns the full path.
    /// </summary>
    public static string SaveHtml(GenericChart chart, string path, int width = 800, int height = 500)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var embedded = DisplayOptions.init(null, null, null, null, null, null, FSharpOption<PlotlyJSReference>.Some(PlotlyJSReference.Full));
        var sized = Plotly.NET.Chart.withDisplayOptions(embedded).Invoke(chart.WithSize(width, height));
        File.WriteAllText(full, GenericChart.toEmbeddedHTML(sized));
        return full;
    }

    /// <summary>
    /// Renders a page written by <see cref="SaveHtml"/> to PNG with headless Chromium
    /// (<c>chromium --headless --screenshot</c>). Returns false, doing nothing, when
    /// <paramref name="chromium"/> (default /usr/bin/chromium) is not installed.
    /// </summary>
    public static bool RenderPng(string htmlPath, string pngPath, int width = 800, int height = 500, string chromium = "/usr/bin/chromium")
    {
        if (!File.Exists(chromium)) return false;
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--virtual-time-budget=5000", $"--window-size={width},{height}",
            $"--screenshot={Path.GetFullPath(pngPath)}", new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri,
        }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 && File.Exists(pngPath);
    }

    private static GenericChart Titled(GenericChart chart, string title) =>
        string.IsNullOrEmpty(title) ? chart : Plotly.NET.Chart.withTitle(title, FSharpOption<Font>.None).Invoke(chart);

    private static ColorBar ColorBarTitled(string title)
    {
        var text = new Title();
        text.SetProperty("text", title);
        var bar = new ColorBar();
        bar.SetProperty("title", text);
        return bar;
    }

    private static double[][] Rows(double[,] z) =>
        Enumerable.Range(0, z.GetLength(0)).Select(i => Enumerable.Range(0, z.GetLength(1)).Select(j => z[i, j]).ToArray()).ToArray();
}
