using System.Globalization;
using System.Security;
using System.Text;

namespace Adjoint.Traces;

/// <summary>
/// Draws a <see cref="TraceGraph"/> as a self-contained SVG, with no tools outside the library.
/// Layout: a column per depth (inputs at depth 0, an operation one deeper than its deepest operand),
/// left to right; within a column nodes are ordered by the mean height of their operands, which keeps
/// most edges from crossing. Edges are curves from an operand's right side to a port on the
/// operation's left side (one port per operand, so <c>x · x</c> shows two arrows).
/// </summary>
internal static class GraphSvg
{
    private const double CharWidth = 7.4, LineHeight = 16, PadX = 10, PadY = 7, ColumnGap = 70, RowGap = 22, Margin = 16;
    private const string Font = "DejaVu Sans Mono, Consolas, Menlo, monospace";

    private sealed class Box(TraceNode node, string[] lines)
    {
        public TraceNode Node { get; } = node;
        public string[] Lines { get; } = lines;
        public double Width { get; } = lines.Max(TableRenderer.Width) * CharWidth + 2 * PadX;
        public double Height { get; } = lines.Length * LineHeight + 2 * PadY;
        public double X { get; set; }
        public double Y { get; set; }
        public double Middle => Y + Height / 2;
    }

    public static string Render(TraceGraph graph)
    {
        var boxes = graph.Nodes.ToDictionary(n => n, n => new Box(n, GraphRenderer.LabelLines(graph, n)));
        var columns = Columns(graph);

        // Columns left to right, each as wide as its widest box; rows stacked and centred vertically.
        double x = Margin;
        var heights = columns.Select(c => c.Sum(n => boxes[n].Height) + RowGap * (c.Count - 1)).ToList();
        double height = heights.Max() + 2 * Margin;
        for (int d = 0; d < columns.Count; d++)
        {
            if (d > 0) // order by the mean height of the operands (barycentre heuristic)
                columns[d] = [.. columns[d].OrderBy(n => n.Operands.Count == 0 ? double.MaxValue : n.Operands.Average(o => boxes[o].Middle))];
            double y = (height - heights[d]) / 2;
            foreach (var node in columns[d])
            {
                var box = boxes[node];
                box.X = x + (columns[d].Max(n => boxes[n].Width) - box.Width) / 2;
                box.Y = y;
                y += box.Height + RowGap;
            }
            x += columns[d].Max(n => boxes[n].Width) + ColumnGap;
        }
        double width = x - ColumnGap + Margin;

        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(width)}\" height=\"{N(height)}\" viewBox=\"0 0 {N(width)} {N(height)}\" font-family=\"{Font}\" font-size=\"12\">\n");
        sb.Append("  <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">")
          .Append("<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/></marker></defs>\n");
        sb.Append($"  <rect width=\"{N(width)}\" height=\"{N(height)}\" fill=\"white\"/>\n");
        foreach (var (from, to, k) in GraphRenderer.Edges(graph))
        {
            var (a, b) = (boxes[from], boxes[to]);
            double x1 = a.X + a.Width, y1 = a.Middle, x2 = b.X, y2 = b.Y + b.Height * (k + 1) / (to.Operands.Count + 1);
            double bend = Math.Max(30, (x2 - x1) / 2);
            sb.Append($"  <path d=\"M {N(x1)} {N(y1)} C {N(x1 + bend)} {N(y1)}, {N(x2 - bend)} {N(y2)}, {N(x2)} {N(y2)}\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\"/>\n");
        }
        foreach (var box in boxes.Values)
        {
            var (fill, stroke) = GraphRenderer.Colours(GraphRenderer.Role(graph, box.Node));
            var dash = box.Node.Kind == TraceNodeKind.Constant ? " stroke-dasharray=\"4 3\"" : "";
            sb.Append($"  <g id=\"{box.Node.Id}\">\n");
            sb.Append($"    <rect x=\"{N(box.X)}\" y=\"{N(box.Y)}\" width=\"{N(box.Width)}\" height=\"{N(box.Height)}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"{dash}/>\n");
            for (int i = 0; i < box.Lines.Length; i++)
            {
                var weight = i == 0 ? " font-weight=\"bold\"" : "";
                sb.Append($"    <text x=\"{N(box.X + PadX)}\" y=\"{N(box.Y + PadY + LineHeight * (i + 0.75))}\"{weight}>{SecurityElement.Escape(box.Lines[i])}</text>\n");
            }
            sb.Append("  </g>\n");
        }
        return sb.Append("</svg>\n").ToString();
    }

    /// <summary>
    /// Nodes grouped by depth. Constants sit one column before their first user, so their arrows stay short.
    /// </summary>
    private static List<List<TraceNode>> Columns(TraceGraph graph)
    {
        var depth = new Dictionary<TraceNode, int>();
        foreach (var x in graph.Inputs) depth[x] = 0;
        foreach (var op in graph.Operations)
            depth[op] = 1 + op.Operands.Where(o => o.Kind != TraceNodeKind.Constant).Select(o => depth[o]).DefaultIfEmpty(0).Max();
        foreach (var c in graph.Constants)
            depth[c] = Math.Max(0, graph.Operations.Where(op => op.Operands.Contains(c)).Select(op => depth[op]).DefaultIfEmpty(1).Min() - 1);
        return [.. graph.Nodes.GroupBy(n => depth[n]).OrderBy(g => g.Key).Select(g => g.ToList())];
    }

    private static string N(double v) => Math.Round(v, 1).ToString(CultureInfo.InvariantCulture);
}
