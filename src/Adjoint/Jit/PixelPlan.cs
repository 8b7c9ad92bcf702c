using Adjoint.Primitives;

namespace Adjoint;

/// <summary>
/// How a graph runs over its "pixels", the trailing spatial axes S (an image's, say): which equations run
/// once before the pixels, which pixel by pixel, which sum over all pixels, and which after. Computed once
/// here and shared by the CPU's <see cref="BlockedProgram"/> and the GPU backend's program builder.
/// </summary>
/// <remarks>
/// Every value is then spatial (it ends with S: one small array per pixel), flat (S's window holds only
/// 1s: the same for every pixel) or neither. An equation that touches spatial values runs in the body when
/// its output is spatial, every operand is spatial or flat, and its primitive has a block form
/// (<see cref="Primitive.OnBlocks"/>): element-wise, or structural over the leading axes only. A sum or max
/// over exactly S is a pixel reduction. Its result, and everything computed from it, comes after the pixels,
/// whatever its shape (see <see cref="IsPerPixel"/>). Nothing may use the pixels after a reduction over them (that
/// would need a second pass over the data).
/// </remarks>
internal sealed class PixelPlan
{
    public enum Phase { Prologue, Body, Reduction, Epilogue }

    public int[] Spatial { get; }
    public BlockShapes OnePixel { get; }
    public Phase[] Phases { get; }

    /// <summary>The results of the pixel reductions and everything computed from them (the epilogue's values).</summary>
    private readonly HashSet<Graph.Variable> afterPixels;

    private PixelPlan(int[] spatial, BlockShapes onePixel, Phase[] phases, HashSet<Graph.Variable> afterPixels) =>
        (Spatial, OnePixel, Phases, this.afterPixels) = (spatial, onePixel, phases, afterPixels);

    /// <summary>Whether a value is computed from the pixel reductions: never a per-pixel value, whatever its shape.</summary>
    public bool IsAfterPixels(object atom) => IsIn(afterPixels, atom);

    private static bool IsIn(HashSet<Graph.Variable> values, object atom) => atom is Graph.Variable v && values.Contains(v);

    /// <summary>
    /// Whether a value holds one small array per pixel: its shape ends with the pixel axes and it is not computed from
    /// a pixel reduction (JacFwd of a sum over 3 elements sums 3 tangent lanes over 3 "pixels": shape (3,), one number
    /// per lane, not per pixel).
    /// </summary>
    public bool IsPerPixel(object atom) => !IsAfterPixels(atom) && OnePixel.IsSpatial(ShapeOf(atom));

    public static int[] ShapeOf(object atom) => atom is Graph.Variable v ? v.Shape : ((Tensor)atom).shape;

    /// <summary>The plan for pixels <paramref name="spatial"/>, or null with the reason why the graph cannot run over them.</summary>
    public static PixelPlan? TryCreate(Graph graph, int[] spatial, out string whyNot)
    {
        var onePixel = new BlockShapes(spatial, 1);
        var phases = new Phase[graph.Equations.Length];
        var afterReduction = new HashSet<Graph.Variable>();
        whyNot = "";
        for (int e = 0; e < graph.Equations.Length; e++)
        {
            var eq = graph.Equations[e];
            var shapes = eq.Inputs.Select(ShapeOf).ToArray();
            bool late = eq.Inputs.Any(a => IsIn(afterReduction, a));
            bool readsPixels = eq.Inputs.Any(a => !IsIn(afterReduction, a) && onePixel.IsSpatial(ShapeOf(a)));
            if (!readsPixels && (late || !onePixel.IsSpatial(eq.Output.Shape)))
            {
                phases[e] = late ? Phase.Epilogue : Phase.Prologue;
                if (late) afterReduction.Add(eq.Output);
                continue;
            }
            string? problem = null;
            if (late) problem = "it works on the pixels after a sum over all of them (that needs two passes over the data)";
            else if (eq.Primitive is Reduction r && ReducesExactly(r, shapes[0], spatial))
            {
                phases[e] = Phase.Reduction;
                afterReduction.Add(eq.Output);
                continue;
            }
            else if (!shapes.Append(eq.Output.Shape).All(s => onePixel.IsSpatial(s) || onePixel.IsFlat(s)))
                problem = $"its shapes {string.Join(", ", shapes.Select(s => Shapes.Format(s)))} mix the pixel axes {Shapes.Format(spatial)} with others";
            else if (!onePixel.IsSpatial(eq.Output.Shape) || eq.Primitive.OnBlocks(onePixel, shapes) is null)
                problem = "it does not work pixel by pixel (it mixes pixels or moves them to other axes)";
            if (problem is not null)
            {
                whyNot = $"the primitive '{eq.Primitive.Name}' ({eq.Primitive}) cannot run over the pixels {Shapes.Format(spatial)}: {problem}";
                return null;
            }
            phases[e] = Phase.Body;
        }
        return new PixelPlan(spatial, onePixel, phases, afterReduction);
    }

    /// <summary>A sum or max over exactly the spatial axes (and S is not empty).</summary>
    private static bool ReducesExactly(Reduction r, int[] input, int[] spatial)
    {
        int offset = input.Length - r.Rank;
        var axes = r.Axes.Select(a => a + offset).Order().ToArray();
        return spatial.Length > 0 && axes.SequenceEqual(Enumerable.Range(input.Length - spatial.Length, spatial.Length))
            && Shapes.Equal(input.AsSpan(input.Length - spatial.Length), spatial);
    }

    /// <summary>The trailing blocks of axes that reductions sum over (e.g. the two axes of an image), each once.</summary>
    public static IEnumerable<int[]> ReducedBlocks(Graph graph)
    {
        foreach (var eq in graph.Equations)
        {
            if (eq.Primitive is not Reduction r) continue;
            var input = ShapeOf(eq.Inputs[0]);
            var axes = r.Axes.Select(a => a + input.Length - r.Rank).ToArray();
            if (axes.Length == 0) continue; // a sum over no axes (of a scalar) reduces nothing
            int first = axes.Min();
            if (axes.Length == input.Length - first && axes.Max() == input.Length - 1) yield return input[first..];
        }
    }
}
