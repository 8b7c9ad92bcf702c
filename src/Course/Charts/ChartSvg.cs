using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;

namespace Course;

/// <summary>
/// Draws a <see cref="Chart"/> as a static SVG: axes with ticks, bars with error bars, lines with
/// markers and a legend, heatmaps (an embedded PNG with a colour bar per panel, or a labelled
/// matrix with its values). It is the picture viewers without JavaScript show, so it follows the
/// Plotly chart's layout and colours closely, not exactly.
/// </summary>
public static class ChartSvg
{
    // plotly.js's default trace colours, in order.
    private static readonly string[] Palette = ["#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3", "#FF6692", "#B6E880"];
    private const double TitleHeight = 40, Left = 64, Right = 16, Top = 34, Bottom = 56, ColorBarWidth = 56;

    public static string Render(Chart chart, bool standalone = true)
    {
        var svg = new StringBuilder();
        if (standalone) svg.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{chart.Width}\" height=\"{chart.Height}\" viewBox=\"0 0 {chart.Width} {chart.Height}\" font-family=\"Open Sans, Arial, sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"<rect width=\"{chart.Width}\" height=\"{chart.Height}\" fill=\"white\"/>\n"));
        var title = chart.Panels.Count == 1 && chart.Title.Length == 0 ? chart.Panels[0].Title : chart.Title;
        if (title.Length > 0) svg.Append(Invariant($"<text x=\"{chart.Width / 2.0}\" y=\"24\" text-anchor=\"middle\" font-size=\"16\">{Escape(title)}</text>\n"));
        double panelWidth = (double)chart.Width / chart.Panels.Count;
        for (int p = 0; p < chart.Panels.Count; p++)
        {
            var panel = chart.Panels[p];
            var subtitle = chart.Panels.Count > 1 ? panel.Title : "";
            DrawPanel(svg, panel, subtitle, p * panelWidth, TitleHeight, panelWidth, chart.Height - TitleHeight);
        }
        return svg.Append("</svg>\n").ToString();
    }

    private static void DrawPanel(StringBuilder svg, ChartPanel panel, string subtitle, double x0, double y0, double width, double height)
    {
        var heatmap = panel.Series.OfType<HeatmapSeries>().FirstOrDefault();
        var matrix = heatmap?.Labels is not null;
        double left = x0 + (matrix ? 90 : Left), right = x0 + width - Right - (heatmap is null ? 0 : ColorBarWidth);
        double top = y0 + (subtitle.Length > 0 ? Top : 10), bottom = y0 + height - Bottom;
        var area = new Area(left, top, right, bottom);
        if (subtitle.Length > 0) svg.Append(Invariant($"<text x=\"{(left + right) / 2}\" y=\"{y0 + 16}\" text-anchor=\"middle\" font-size=\"14\">{Escape(subtitle)}</text>\n"));

        if (heatmap is not null)
        {
            if (matrix) DrawMatrix(svg, heatmap, area);
            else DrawImage(svg, heatmap, area, panel);
            DrawColorBar(svg, heatmap, right + 14, top, bottom);
            return;
        }
        var bars = panel.Series.OfType<BarSeries>().ToList();
        var lines = panel.Series.OfType<LineSeries>().ToList();
        if (bars.Count > 0) DrawBars(svg, bars[0], area, panel.Y);
        else if (lines.Count > 0) DrawLines(svg, lines, area, panel);
        AxisTitles(svg, area, panel);
    }

    private sealed record Area(double Left, double Top, double Right, double Bottom)
    {
        public double Width => Right - Left;
        public double Height => Bottom - Top;
    }

    private static void DrawBars(StringBuilder svg, BarSeries bars, Area area, ChartAxis yAxis)
    {
        var tops = bars.Values.Select((v, i) => v + (bars.Errors?[i] ?? 0)).Append(0.0).ToList();
        // A log axis has no zero: its bars start a little below the smallest positive value.
        var scale = yAxis.Log
            ? Scale.Create(bars.Values.Where(v => v > 0).DefaultIfEmpty(1).Min() / 3, tops.Max(), true, area.Bottom, area.Top)
            : Scale.Create(Math.Min(0, bars.Values.Min()), tops.Max(), false, area.Bottom, area.Top);
        Ticks(svg, scale, area, horizontal: true, gridLines: true);
        double slot = area.Width / bars.Values.Count;
        for (int i = 0; i < bars.Values.Count; i++)
        {
            double x = area.Left + slot * (i + 0.1), w = slot * 0.8;
            if (!scale.Accepts(bars.Values[i])) continue;
            double y = scale.Map(bars.Values[i]), zero = yAxis.Log ? area.Bottom : scale.Map(Math.Max(0, scale.Min));
            svg.Append(Invariant($"<rect x=\"{x:0.#}\" y=\"{Math.Min(y, zero):0.#}\" width=\"{w:0.#}\" height=\"{Math.Abs(zero - y):0.#}\" fill=\"{Palette[0]}\"/>\n"));
            if (bars.Errors is { } errors && errors[i] > 0)
            {
                double low = bars.Values[i] - errors[i];
                double cx = x + w / 2, hi = scale.Map(bars.Values[i] + errors[i]), lo = scale.Accepts(low) ? Math.Min(area.Bottom, scale.Map(low)) : area.Bottom;
                svg.Append(Invariant($"<path d=\"M{cx:0.#},{lo:0.#}V{hi:0.#}M{cx - 5:0.#},{hi:0.#}h10M{cx - 5:0.#},{lo:0.#}h10\" stroke=\"#444\" fill=\"none\"/>\n"));
            }
            svg.Append(Invariant($"<text x=\"{x + w / 2:0.#}\" y=\"{area.Bottom + 16:0.#}\" text-anchor=\"middle\">{Escape(bars.Categories[i])}</text>\n"));
        }
        svg.Append(Invariant($"<line x1=\"{area.Left}\" y1=\"{area.Bottom}\" x2=\"{area.Right}\" y2=\"{area.Bottom}\" stroke=\"#444\"/>\n"));
    }

    private static void DrawLines(StringBuilder svg, IReadOnlyList<LineSeries> lines, Area area, ChartPanel panel)
    {
        var xs = lines.SelectMany(l => l.X).ToList();
        var ys = lines.SelectMany(l => l.Y).ToList();
        var sx = Scale.Create(xs.Min(), xs.Max(), panel.X.Log, area.Left, area.Right);
        var sy = Scale.Create(ys.Min(), ys.Max(), panel.Y.Log, area.Bottom, area.Top);
        Ticks(svg, sx, area, horizontal: false, gridLines: true);
        Ticks(svg, sy, area, horizontal: true, gridLines: true);
        for (int s = 0; s < lines.Count; s++)
        {
            var colour = Palette[s % Palette.Length];
            var points = lines[s].X.Zip(lines[s].Y).Where(p => sx.Accepts(p.First) && sy.Accepts(p.Second))
                .Select(p => (X: sx.Map(p.First), Y: sy.Map(p.Second))).ToList();
            svg.Append($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"");
            svg.AppendJoin(' ', points.Select(p => Invariant($"{p.X:0.#},{p.Y:0.#}")));
            svg.Append("\"/>\n");
            foreach (var (x, y) in points) svg.Append(Invariant($"<circle cx=\"{x:0.#}\" cy=\"{y:0.#}\" r=\"3.5\" fill=\"{colour}\"/>\n"));
            double ly = area.Top + 8 + 16 * s;
            svg.Append(Invariant($"<line x1=\"{area.Left + 10}\" y1=\"{ly}\" x2=\"{area.Left + 30}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"2\"/>"));
            svg.Append(Invariant($"<text x=\"{area.Left + 36}\" y=\"{ly + 4}\">{Escape(lines[s].Name)}</text>\n"));
        }
    }

    private static void DrawImage(StringBuilder svg, HeatmapSeries map, Area area, ChartPanel panel)
    {
        var (min, max) = map.Range();
        int rows = map.Z.Length, cols = rows == 0 ? 0 : map.Z[0].Length;
        var rgb = new byte[rows * cols * 3];
        for (int i = 0; i < rows; i++) // PNG rows run top-down; the image's y grows upwards
            for (int j = 0; j < cols; j++)
                Viridis((map.Z[i][j] - min) / (max - min), rgb.AsSpan(((rows - 1 - i) * cols + j) * 3, 3));
        svg.Append(Invariant($"<image x=\"{area.Left}\" y=\"{area.Top}\" width=\"{area.Width:0.#}\" height=\"{area.Height:0.#}\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,"));
        svg.Append(Convert.ToBase64String(Png.Encode(rgb, cols, rows))).Append("\"/>\n");
        var sx = Scale.Create(map.X.Min(), map.X.Max(), false, area.Left, area.Right);
        var sy = Scale.Create(map.Y.Min(), map.Y.Max(), false, area.Bottom, area.Top);
        Ticks(svg, sx, area, horizontal: false);
        Ticks(svg, sy, area, horizontal: true);
        AxisTitles(svg, area, panel);
    }

    private static void DrawMatrix(StringBuilder svg, HeatmapSeries map, Area area)
    {
        var (min, max) = map.Range();
        int n = map.Z.Length;
        double cw = area.Width / n, ch = area.Height / n;
        Span<byte> rgb = stackalloc byte[3];
        for (int i = 0; i < n; i++)
        {
            svg.Append(Invariant($"<text x=\"{area.Left - 6:0.#}\" y=\"{area.Top + ch * (i + 0.5) + 4:0.#}\" text-anchor=\"end\">{Escape(map.Labels![i])}</text>\n"));
            svg.Append(Invariant($"<text x=\"{area.Left + cw * (i + 0.5):0.#}\" y=\"{area.Bottom + 16:0.#}\" text-anchor=\"middle\">{Escape(map.Labels![i])}</text>\n"));
            for (int j = 0; j < n; j++)
            {
                var t = (map.Z[i][j] - min) / (max - min);
                Viridis(t, rgb);
                svg.Append(Invariant($"<rect x=\"{area.Left + cw * j:0.#}\" y=\"{area.Top + ch * i:0.#}\" width=\"{cw + 0.5:0.#}\" height=\"{ch + 0.5:0.#}\" fill=\"#{rgb[0]:x2}{rgb[1]:x2}{rgb[2]:x2}\"/>"));
                svg.Append(Invariant($"<text x=\"{area.Left + cw * (j + 0.5):0.#}\" y=\"{area.Top + ch * (i + 0.5) + 4:0.#}\" text-anchor=\"middle\" fill=\"{(t > 0.6 ? "black" : "white")}\">{Escape(map.Text![i][j])}</text>\n"));
            }
        }
    }

    private static void DrawColorBar(StringBuilder svg, HeatmapSeries map, double x, double top, double bottom)
    {
        var (min, max) = map.Range();
        var id = $"cb{Guid.NewGuid():N}";
        svg.Append($"<defs><linearGradient id=\"{id}\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">");
        Span<byte> rgb = stackalloc byte[3];
        for (int k = 0; k <= 10; k++)
        {
            Viridis(k / 10.0, rgb);
            svg.Append(Invariant($"<stop offset=\"{k / 10.0}\" stop-color=\"#{rgb[0]:x2}{rgb[1]:x2}{rgb[2]:x2}\"/>"));
        }
        svg.Append("</linearGradient></defs>\n");
        svg.Append(Invariant($"<rect x=\"{x:0.#}\" y=\"{top:0.#}\" width=\"12\" height=\"{bottom - top:0.#}\" fill=\"url(#{id})\"/>\n"));
        var scale = Scale.Create(min, max, false, bottom, top);
        foreach (var tick in scale.Ticks())
            svg.Append(Invariant($"<text x=\"{x + 16:0.#}\" y=\"{scale.Map(tick) + 4:0.#}\" font-size=\"10\">{Label(tick)}</text>\n"));
        if (map.ColorBarTitle.Length > 0)
            svg.Append(Invariant($"<text x=\"{x:0.#}\" y=\"{top - 6:0.#}\" font-size=\"11\">{Escape(map.ColorBarTitle)}</text>\n"));
    }

    /// <summary>Tick labels along one axis, and with <paramref name="gridLines"/> a light line across the area at each.</summary>
    private static void Ticks(StringBuilder svg, Scale scale, Area area, bool horizontal, bool gridLines = false)
    {
        foreach (var tick in scale.Ticks())
        {
            var at = scale.Map(tick);
            if (gridLines)
                svg.Append(horizontal
                    ? Invariant($"<line x1=\"{area.Left}\" y1=\"{at:0.#}\" x2=\"{area.Right}\" y2=\"{at:0.#}\" stroke=\"#e5ecf6\"/>")
                    : Invariant($"<line x1=\"{at:0.#}\" y1=\"{area.Top}\" x2=\"{at:0.#}\" y2=\"{area.Bottom}\" stroke=\"#e5ecf6\"/>"));
            svg.Append(horizontal
                ? Invariant($"<text x=\"{area.Left - 6}\" y=\"{at + 4:0.#}\" text-anchor=\"end\">{Label(tick)}</text>\n")
                : Invariant($"<text x=\"{at:0.#}\" y=\"{area.Bottom + 16}\" text-anchor=\"middle\">{Label(tick)}</text>\n"));
        }
    }

    private static void AxisTitles(StringBuilder svg, Area area, ChartPanel panel)
    {
        if (panel.X.Title.Length > 0)
            svg.Append(Invariant($"<text x=\"{(area.Left + area.Right) / 2:0.#}\" y=\"{area.Bottom + 40:0.#}\" text-anchor=\"middle\" font-size=\"13\">{Escape(panel.X.Title)}</text>\n"));
        if (panel.Y.Title.Length > 0)
        {
            double x = area.Left - 48, y = (area.Top + area.Bottom) / 2;
            svg.Append(Invariant($"<text x=\"{x:0.#}\" y=\"{y:0.#}\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 {x:0.#} {y:0.#})\">{Escape(panel.Y.Title)}</text>\n"));
        }
    }

    /// <summary>Data to pixels along one axis, linear or logarithmic, with round tick values.</summary>
    private sealed record Scale(double Min, double Max, bool Log, double From, double To)
    {
        public static Scale Create(double min, double max, bool log, double from, double to)
        {
            if (log) (min, max) = (Math.Log10(min), Math.Log10(max));
            if (!(max > min)) (min, max) = (min - 0.5, max + 0.5);
            return new Scale(min, max, log, from, to);
        }

        public bool Accepts(double v) => !Log || v > 0;

        public double Map(double v) => From + ((Log ? Math.Log10(v) : v) - Min) / (Max - Min) * (To - From);

        public IEnumerable<double> Ticks()
        {
            if (Log)
            {
                // Decades; with fewer than three of them in range, 2× and 5× as well.
                double[] multiples = Max - Min < 2 ? [1, 2, 5] : [1];
                for (var e = Math.Floor(Min); e <= Max + 1e-9; e++)
                    foreach (var multiple in multiples)
                    {
                        var v = multiple * Math.Pow(10, e);
                        if (Math.Log10(v) >= Min - 1e-9 && Math.Log10(v) <= Max + 1e-9) yield return v;
                    }
                yield break;
            }
            var raw = (Max - Min) / 5;
            var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
            var step = new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
            for (var v = Math.Ceiling(Min / step) * step; v <= Max + step * 1e-9; v += step) yield return Math.Abs(v) < step * 1e-9 ? 0 : v;
        }
    }

    private static string Label(double v) => v.ToString(Math.Abs(v) is >= 1e5 or (< 1e-3 and > 0) ? "0.#e0" : "0.###", CultureInfo.InvariantCulture);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    // matplotlib's viridis at 9 points, linearly interpolated: perceptually even, readable in grey.
    private static readonly (byte R, byte G, byte B)[] ViridisStops =
        [(68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141), (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37)];

    private static void Viridis(double t, Span<byte> rgb)
    {
        t = double.IsFinite(t) ? Math.Clamp(t, 0, 1) : 0;
        var position = t * (ViridisStops.Length - 1);
        int k = Math.Min((int)position, ViridisStops.Length - 2);
        var f = position - k;
        var (a, b) = (ViridisStops[k], ViridisStops[k + 1]);
        rgb[0] = (byte)Math.Round(a.R + (b.R - a.R) * f);
        rgb[1] = (byte)Math.Round(a.G + (b.G - a.G) * f);
        rgb[2] = (byte)Math.Round(a.B + (b.B - a.B) * f);
    }

    /// <summary>A minimal PNG writer (8-bit RGB, one IDAT chunk), enough for a heatmap's pixels.</summary>
    internal static class Png
    {
        private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
        {
            var c = (uint)n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();

        public static byte[] Encode(byte[] rgb, int width, int height)
        {
            using var png = new MemoryStream();
            png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
            var header = new byte[13];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
            header[8] = 8; // bits per channel
            header[9] = 2; // colour type: RGB
            Chunk(png, "IHDR", header);
            using var pixels = new MemoryStream();
            using (var z = new ZLibStream(pixels, CompressionLevel.Optimal, leaveOpen: true))
                for (int row = 0; row < height; row++)
                {
                    z.WriteByte(0); // filter: none
                    z.Write(rgb, row * width * 3, width * 3);
                }
            Chunk(png, "IDAT", pixels.ToArray());
            Chunk(png, "IEND", []);
            return png.ToArray();
        }

        private static void Chunk(Stream png, string type, byte[] data)
        {
            Span<byte> word = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
            png.Write(word);
            var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            png.Write(typed);
            var crc = typed.Aggregate(0xFFFFFFFFu, (c, b) => CrcTable[(c ^ b) & 0xFF] ^ (c >> 8)) ^ 0xFFFFFFFFu;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(word, crc);
            png.Write(word);
        }
    }
}
