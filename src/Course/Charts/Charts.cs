using System.Diagnostics;
using System.Globalization;

namespace Course;

/// <summary>
/// The course's charts. Each returns a <see cref="Chart"/>: as the last value of a notebook cell it
/// is displayed as an interactive Plotly chart with a static SVG beside it; <see cref="SaveHtml"/>
/// writes a standalone page for <c>kit figures</c>.
/// </summary>
public static class Charts
{
    /// <summary>Vertical bars, one per name, with optional ± error bars (e.g. mean ± std of timings).</summary>
    public static Chart Bars(IReadOnlyList<string> names, IReadOnlyList<double> values, IReadOnlyList<double>? errors = null,
        string title = "", string yTitle = "")
    {
        if (names.Count != values.Count) throw new ArgumentException($"one value per name: {names.Count} names, {values.Count} values", nameof(values));
        if (errors is not null && errors.Count != values.Count) throw new ArgumentException($"one error per value: {values.Count} values, {errors.Count} errors", nameof(errors));
        return Single(title, new BarSeries(yTitle, names.ToArray(), values.ToArray(), errors?.ToArray()), new ChartAxis(), new ChartAxis(yTitle));
    }

    /// <summary>
    /// Bars of named timings in milliseconds: height = mean per call, error bar = standard deviation
    /// (what <c>%%timeit</c> prints), on a logarithmic axis: timings of different methods span orders of
    /// magnitude, and a time is never negative (an error bar reaching below zero is cut at the axis).
    /// </summary>
    public static Chart TimingBars(IEnumerable<(string Name, TimeitResult Timing)> timings, string title = "")
    {
        var list = timings.ToList();
        const string yTitle = "time per call (ms, log scale)";
        return Single(title, new BarSeries(yTitle, [.. list.Select(t => t.Name)], [.. list.Select(t => t.Timing.Mean * 1e3)], [.. list.Select(t => t.Timing.Std * 1e3)]),
            new ChartAxis(), new ChartAxis(yTitle, Log: true));
    }

    /// <summary>Lines with markers on log–log axes, one per named series (e.g. time against n).</summary>
    public static Chart LogLog(IEnumerable<(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)> series,
        string title = "", string xTitle = "n", string yTitle = "time (ms)")
    {
        var lines = series.Select(s => s.X.Count == s.Y.Count
            ? (ChartSeries)new LineSeries(s.Name, s.X.ToArray(), s.Y.ToArray())
            : throw new ArgumentException($"series {s.Name}: {s.X.Count} x values but {s.Y.Count} y values")).ToList();
        return new Chart(title, [new ChartPanel("", lines, new ChartAxis(xTitle, Log: true), new ChartAxis(yTitle, Log: true))]);
    }

    /// <summary>
    /// Heatmap of z[row, column] with a colour bar: column j at x[j], row i at y[i] (default: the
    /// indices), y growing upwards, as an image on the plane. For <see cref="GaussModel"/> images
    /// pass <c>GaussModel.ToMatrix(image, n)</c> and <c>model.Lin</c> for both axes. Images wider
    /// or taller than <paramref name="maxSide"/> are subsampled (every k-th row and column, k the
    /// smallest stride that fits) so a 3000×3000 image does not become a 100 MB page.
    /// </summary>
    public static Chart Heatmap(double[,] z, string title = "", string colorBarTitle = "",
        IReadOnlyList<double>? x = null, IReadOnlyList<double>? y = null, int maxSide = 400) =>
        Single(title, HeatmapOf(z, colorBarTitle, x, y, maxSide), new ChartAxis("x"), new ChartAxis("y"), width: 640, height: 560);

    /// <summary>
    /// Heatmaps side by side in one figure (e.g. observation, fit, residuals), each with its own
    /// colour bar beside it, on the same x and y grid.
    /// </summary>
    public static Chart HeatmapRow(string title, IReadOnlyList<(string Title, double[,] Z)> maps,
        IReadOnlyList<double>? x = null, IReadOnlyList<double>? y = null, int maxSide = 200) =>
        new(title, maps.Select(m => new ChartPanel(m.Title, [HeatmapOf(m.Z, "", x, y, maxSide)], new ChartAxis("x"), new ChartAxis("y"))).ToList(),
            Width: 420 * maps.Count, Height: 440);

    /// <summary>
    /// A small matrix (e.g. a 6×6 Hessian) as a heatmap with the value printed in each cell,
    /// rows and columns labelled (e.g. <see cref="GaussModel.ParameterNames"/>), row 0 at the top
    /// as the matrix is written.
    /// </summary>
    public static Chart MatrixHeatmap(double[,] m, IReadOnlyList<string> labels, string title = "", string format = "G3")
    {
        int n = m.GetLength(0);
        if (m.GetLength(1) != n || labels.Count != n)
            throw new ArgumentException($"a square matrix with one label per row: got a {n}×{m.GetLength(1)} matrix and {labels.Count} labels", nameof(labels));
        var rows = Rows(m);
        var text = rows.Select(r => r.Select(v => v.ToString(format, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var index = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var series = new HeatmapSeries("", rows, index, index, "", labels.ToArray(), text);
        return Single(title, series, new ChartAxis(), new ChartAxis(Reversed: true), width: 700, height: 600);
    }

    /// <summary>
    /// Writes <paramref name="chart"/> as a standalone HTML page with plotly.js embedded (no
    /// network needed to view it or to render it to PNG). Returns the full path.
    /// </summary>
    public static string SaveHtml(Chart chart, string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp";
        File.WriteAllText(temp, chart.ToStandaloneHtml());
        File.Move(temp, full, overwrite: true);
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

    private static Chart Single(string title, ChartSeries series, ChartAxis x, ChartAxis y, int width = 800, int height = 480) =>
        new(title, [new ChartPanel("", [series], x, y)], width, height);

    private static HeatmapSeries HeatmapOf(double[,] z, string colorBarTitle, IReadOnlyList<double>? x, IReadOnlyList<double>? y, int maxSide)
    {
        int rows = z.GetLength(0), cols = z.GetLength(1);
        if (x is not null && x.Count != cols || y is not null && y.Count != rows)
            throw new ArgumentException($"one x per column and one y per row: z is {rows}×{cols}, x has {x?.Count ?? cols}, y has {y?.Count ?? rows}");
        int stride = Math.Max(1, (int)Math.Ceiling(Math.Max(rows, cols) / (double)maxSide));
        int[] keptRows = Enumerable.Range(0, rows).Where(i => i % stride == 0).ToArray();
        int[] keptCols = Enumerable.Range(0, cols).Where(j => j % stride == 0).ToArray();
        var xs = keptCols.Select(j => x?[j] ?? j).ToArray();
        var ys = keptRows.Select(i => y?[i] ?? i).ToArray();
        var zs = keptRows.Select(i => keptCols.Select(j => z[i, j]).ToArray()).ToArray();
        return new HeatmapSeries("", zs, xs, ys, colorBarTitle);
    }

    private static double[][] Rows(double[,] z) =>
        Enumerable.Range(0, z.GetLength(0)).Select(i => Enumerable.Range(0, z.GetLength(1)).Select(j => z[i, j]).ToArray()).ToArray();
}
