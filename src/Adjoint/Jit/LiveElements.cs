using Adjoint.Primitives;

namespace Adjoint;

/// <summary>
/// Which elements of each pixel reduction the graph's outputs read, traced back through the equations that run
/// after the pixels. <c>Ad.Hessian</c> keeps one triangle of its symmetric result and mirrors it (a select with a
/// constant mask), so nearly half of a Hessian's pixel sums are never read: the fused loop does not compute them.
/// </summary>
/// <remarks>
/// Exact for element-wise equations (with broadcasting; a select whose condition is a constant reads only the
/// chosen operand) and for equations that move elements (reshape, transpose, slice, pad…), found by running them
/// on element numbers. Any other equation reads all of its inputs when any of its output is read.
/// </remarks>
internal static class LiveElements
{
    /// <summary>For each variable that a reduction over the pixels produces, which of its elements are read.</summary>
    public static Dictionary<Graph.Variable, bool[]> OfReductions(Graph graph, PixelPlan.Phase[] phases)
    {
        var read = new Dictionary<Graph.Variable, bool[]>();
        bool[] Of(Graph.Variable v) => read.TryGetValue(v, out var r) ? r : read[v] = new bool[Shapes.Size(v.Shape)];
        foreach (var v in graph.Outputs.OfType<Graph.Variable>()) Array.Fill(Of(v), true);

        for (int e = graph.Equations.Length - 1; e >= 0; e--)
        {
            var eq = graph.Equations[e];
            if (phases[e] != PixelPlan.Phase.Epilogue || !read.TryGetValue(eq.Output, out var live)) continue;
            var shapes = eq.Inputs.Select(PixelPlan.ShapeOf).ToArray();
            foreach (var (input, element) in Sources(eq.Primitive, eq.Inputs, shapes, eq.Output.Shape, live))
                if (eq.Inputs[input] is Graph.Variable v) Of(v)[element] = true;
        }
        var reduced = graph.Equations.Where((_, e) => phases[e] == PixelPlan.Phase.Reduction).Select(eq => eq.Output);
        return reduced.ToDictionary(v => v, v => read.TryGetValue(v, out var r) ? r : new bool[Shapes.Size(v.Shape)]);
    }

    /// <summary>The (input, element) pairs that the <paramref name="live"/> output elements of one equation read.</summary>
    private static IEnumerable<(int Input, int Element)> Sources(Primitive p, object[] inputs, int[][] shapes, int[] output, bool[] live)
    {
        var wanted = Enumerable.Range(0, live.Length).Where(k => live[k]).ToArray();
        if (p.Lane is { } lane)
        {
            var maps = shapes.Select(s => Kernels.BroadcastSources(s, output)).ToArray();
            var condition = lane.Code == LaneCode.Select ? inputs[0] as Tensor : null;
            foreach (int k in wanted)
                for (int i = 0; i < inputs.Length; i++)
                {
                    bool chosen = condition is null || i == 0 || (condition.Data[maps[0][k]] != 0) == (i == 1);
                    if (chosen) yield return (i, maps[i][k]);
                }
        }
        else if (p.MovesElements)
        {
            // Element numbers 1, 2, … across the inputs in order (0: a zero that the primitive added, a pad's).
            var owner = new List<(int Input, int Element)> { (-1, -1) };
            for (int i = 0; i < shapes.Length; i++) owner.AddRange(Enumerable.Range(0, Shapes.Size(shapes[i])).Select(m => (i, m)));
            var sources = p.ElementSources(shapes, output);
            foreach (int k in wanted)
                if (sources[k] != 0) yield return owner[sources[k]];
        }
        else if (wanted.Length > 0)
            for (int i = 0; i < shapes.Length; i++)
                for (int m = 0; m < Shapes.Size(shapes[i]); m++) yield return (i, m);
    }
}
