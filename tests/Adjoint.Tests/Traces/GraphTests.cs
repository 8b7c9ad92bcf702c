using System.Xml.Linq;
using Adjoint;
using Adjoint.Traces;

namespace Adjoint.Tests.Traces;

/// <summary>The computational graph of the lecture function in Mermaid, DOT and SVG.</summary>
public class GraphTests
{
    private static readonly TraceGraph Graph = Ad.TraceReverse(TraceExamples.LectureFunction, 1.0, 1.0).Graph;

    // Edges operand → operation of f = d·e: a = x₁/x₂, b = exp(x₂), c = sin(a), d = a − b, e = c + d, g = d·e.
    private static readonly (string, string)[] Edges =
        [("x1", "v1"), ("x2", "v1"), ("x2", "v2"), ("v1", "v3"), ("v1", "v4"), ("v2", "v4"), ("v3", "v5"), ("v4", "v5"), ("v4", "v6"), ("v5", "v6")];

    [Fact]
    public void The_graph_has_inputs_operations_and_the_output()
    {
        Assert.Equal(["x₁", "x₂"], Graph.Inputs.Select(n => n.Name));
        Assert.Equal(["div", "exp", "sin", "sub", "add", "mul"], Graph.Operations.Select(n => n.Primitive));
        Assert.Equal("g", Graph.Output.Name);
        Assert.Empty(Graph.Constants);
        Assert.Equal(Edges, Graph.Operations.SelectMany(op => op.Operands.Select(o => (o.Id, op.Id))));
    }

    [Fact]
    public void Mermaid_declares_every_node_with_its_values_and_every_edge()
    {
        var lines = Graph.ToMermaid().Split('\n');
        Assert.Equal("flowchart LR", lines[0]);
        Assert.Contains("    v3[\"v₃ (c)<br/>sin(v₁)<br/>= 0.841471<br/>v̄ = -1.71828\"]", lines);
        Assert.Contains("    v6[\"v₆ (g) = y<br/>v₄ · v₅<br/>= 1.50661<br/>v̄ = 1\"]", lines);
        foreach (var (from, to) in Edges) Assert.Contains($"    {from} --> {to}", lines);
        Assert.Contains("    class x1,x2 input", lines);
        Assert.Contains("    class v6 output", lines);
    }

    [Fact]
    public void Dot_declares_every_node_and_edge()
    {
        var dot = Graph.ToDot();
        Assert.StartsWith("digraph trace {", dot);
        Assert.Contains("v1 [label=\"v₁ (a)\\nv₋₁ / v₀\\n= 1\\nv̄ = -3.52348\"", dot);
        foreach (var (from, to) in Edges) Assert.Contains($"    {from} -> {to};", dot);
        Assert.EndsWith("}\n", dot);
    }

    [Fact]
    public void Svg_is_well_formed_and_labels_every_node()
    {
        var svg = XDocument.Parse(Graph.ToSvg()).Root!;
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Name);
        var groups = svg.Elements(ns + "g").ToDictionary(g => (string)g.Attribute("id")!);
        foreach (var node in Graph.Nodes)
        {
            var text = groups[node.Id].Elements(ns + "text").Select(t => t.Value).ToList();
            Assert.Equal(GraphRenderer.LabelLines(Graph, node), text);
            Assert.Contains(node.Symbol, text[0]);
        }
        Assert.Equal(Edges.Length, svg.Elements(ns + "path").Count());

        // Layers by depth: x₁, x₂; then a, b; then c, d; then e; then g.
        double X(string id) => double.Parse((string)groups[id].Element(ns + "rect")!.Attribute("x")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(X("x1") < X("v1") && X("v1") < X("v3") && X("v3") < X("v5") && X("v4") < X("v5") && X("v5") < X("v6"));
    }

    [Fact]
    public void A_forward_graph_carries_tangents_on_its_nodes()
    {
        var graph = Ad.TraceForward(TraceExamples.LectureFunction, (1.0, 1.0), (1.0, 0.0)).Graph;
        Assert.Equal(["v₃ (c)", "sin(v₁)", "= 0.841471", "v̇ = 0.540302"], GraphRenderer.LabelLines(graph, graph.Operations[2]));
        Assert.Contains("v̇ = -3.52348", graph.ToSvg());
        Assert.All(graph.Nodes, n => Assert.Null(n.Adjoint));
    }

    [Fact]
    public void Constants_are_drawn_as_dashed_nodes()
    {
        var graph = Ad.TraceForward(x => 2.0 * x, 1.0, 1.0).Graph;
        var svg = XDocument.Parse(graph.ToSvg()).Root!;
        XNamespace ns = "http://www.w3.org/2000/svg";
        var constant = svg.Elements(ns + "g").Single(g => (string)g.Attribute("id")! == "c1");
        Assert.Equal("2", constant.Element(ns + "text")!.Value);
        Assert.NotNull(constant.Element(ns + "rect")!.Attribute("stroke-dasharray"));
        Assert.Contains("c1([\"2\"])", graph.ToMermaid());
    }
}
