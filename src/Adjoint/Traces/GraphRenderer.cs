using System.Text;

namespace Adjoint.Traces;

/// <summary>
/// Text forms of a <see cref="TraceGraph"/>: Mermaid and Graphviz DOT. Every node carries the same
/// label lines in every format (see <see cref="LabelLines"/>), including the SVG.
/// </summary>
internal static class GraphRenderer
{
    /// <summary>
    /// The lines of a node's label: its symbol and name (and "= y" for the output), the operation,
    /// the value, and the tangent v̇ or adjoint v̄ where the trace has one. A constant shows its value only.
    /// </summary>
    public static string[] LabelLines(TraceGraph graph, TraceNode node)
    {
        if (node.Kind == TraceNodeKind.Constant) return [node.Symbol];
        var lines = new List<string> { node == graph.Output ? $"{node.Label} = y" : node.Label };
        if (node.Kind == TraceNodeKind.Operation) lines.Add(node.Operation);
        lines.Add("= " + MathText.Value(node.Value));
        if (node.Tangent is { } t) lines.Add($"{MathText.Dot("v")} = {MathText.Value(t)}");
        if (node.Adjoint is { } a) lines.Add($"{MathText.Bar("v")} = {MathText.Value(a)}");
        return [.. lines];
    }

    /// <summary>The edges operand → operation, once per use (x · x has two edges from x).</summary>
    public static IEnumerable<(TraceNode From, TraceNode To, int Operand)> Edges(TraceGraph graph) =>
        graph.Operations.SelectMany(op => op.Operands.Select((x, k) => (x, op, k)));

    /// <summary>A node's role in a picture: input, operation, constant, or output.</summary>
    public static string Role(TraceGraph graph, TraceNode node) =>
        node == graph.Output ? "output" : node.Kind.ToString().ToLowerInvariant();

    /// <summary>Fill and stroke colours by role, shared by every format.</summary>
    public static (string Fill, string Stroke) Colours(string role) => role switch
    {
        "output" => ("#dcfce7", "#15803d"),
        "input" => ("#dbeafe", "#1d4ed8"),
        "constant" => ("#f3f4f6", "#9ca3af"),
        _ => ("#ffffff", "#444444"),
    };

    public static string Mermaid(TraceGraph graph)
    {
        // Mermaid reads quotes and angle brackets in labels as markup: write them as its entity codes.
        static string E(string s) => s.Replace("\"", "#quot;").Replace("<", "#lt;").Replace(">", "#gt;");
        var sb = new StringBuilder("flowchart LR\n");
        foreach (var node in graph.Nodes)
        {
            var label = string.Join("<br/>", LabelLines(graph, node).Select(E));
            sb.Append("    ").Append(node.Id).Append(node.Kind == TraceNodeKind.Constant ? $"([\"{label}\"])" : $"[\"{label}\"]").Append('\n');
        }
        foreach (var (from, to, _) in Edges(graph)) sb.Append($"    {from.Id} --> {to.Id}\n");
        foreach (var group in graph.Nodes.GroupBy(n => Role(graph, n)))
        {
            var (fill, stroke) = Colours(group.Key);
            var dashed = group.Key == "constant" ? ",stroke-dasharray:3 3" : "";
            sb.Append($"    classDef {group.Key} fill:{fill},stroke:{stroke}{dashed}\n");
            sb.Append($"    class {string.Join(",", group.Select(n => n.Id))} {group.Key}\n");
        }
        return sb.ToString();
    }

    public static string Dot(TraceGraph graph)
    {
        static string E(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");
        var sb = new StringBuilder("digraph trace {\n");
        sb.Append("    rankdir=LR;\n");
        sb.Append("    node [shape=box, style=\"rounded,filled\", fontname=\"DejaVu Sans Mono\", fontsize=11];\n");
        foreach (var node in graph.Nodes)
        {
            var label = string.Join("\\n", LabelLines(graph, node).Select(E));
            var (fill, stroke) = Colours(Role(graph, node));
            var dashed = node.Kind == TraceNodeKind.Constant ? ", style=\"rounded,filled,dashed\"" : "";
            sb.Append($"    {node.Id} [label=\"{label}\", fillcolor=\"{fill}\", color=\"{stroke}\"{dashed}];\n");
        }
        foreach (var (from, to, _) in Edges(graph)) sb.Append($"    {from.Id} -> {to.Id};\n");
        return sb.Append("}\n").ToString();
    }
}
