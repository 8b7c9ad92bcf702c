using Adjoint.Primitives;

namespace Adjoint.Execution;

/// <summary>When a step of a <see cref="PixelProgram"/> runs.</summary>
public enum PixelPhase
{
    /// <summary>Before the pixels: it touches none (parameter arithmetic). The host evaluates it.</summary>
    Before,
    /// <summary>For every pixel, on that pixel's values only.</summary>
    PerPixel,
    /// <summary>A sum or max over all the pixels.</summary>
    OverPixels,
    /// <summary>After the pixels: it uses a sum over them (e.g. the final 6×6 Hessian). The host evaluates it.</summary>
    After,
}

/// <summary>What a step of a <see cref="PixelProgram"/> does to the values of one pixel.</summary>
public enum PixelStepKind
{
    /// <summary>Before or after the pixels: evaluate it with <see cref="PixelProgram.Evaluate"/>.</summary>
    Host,
    /// <summary>out[k] = f(in₀[m₀(k)], in₁[m₁(k)], …, constant) with f = <see cref="PixelStep.Function"/> (<see cref="LaneMath.Apply"/>) and mⱼ = <see cref="PixelStep.Broadcast"/>[j].</summary>
    ElementWise,
    /// <summary>A reshape: the output is the input's elements in the same order (it may share its storage).</summary>
    Alias,
    /// <summary>out[k] = the element <see cref="PixelStep.Sources"/>[k] of the inputs (numbered 1, 2, … across them in order), or 0 where that is 0.</summary>
    Move,
    /// <summary>out[<see cref="PixelStep.Targets"/>[m]] ∘= in[m] for every input element m, from <see cref="LaneMath.Start"/>; ∘ is <see cref="PixelStep.Function"/> (add or max).</summary>
    Reduce,
    /// <summary>out[k] = in[k] summed (or maxed) over all pixels, as <see cref="PixelStep.Function"/> says.</summary>
    PixelReduce,
}

/// <summary>
/// A value of a <see cref="PixelProgram"/>: an input of the graph, a constant, or a step's result. Spatial values hold
/// one small array per pixel (shape <see cref="PixelShape"/>, element m of pixel p at m·pixels + p of the whole
/// array); the others are the same for every pixel.
/// </summary>
public sealed class PixelValue
{
    internal PixelValue(int id, int[] shape, bool isSpatial, int[] pixelShape, int input, Tensor? constant) =>
        (Id, this.shape, IsSpatial, this.pixelShape, Input, Constant) = (id, shape, isSpatial, pixelShape, input, constant);

    private readonly int[] shape, pixelShape;

    /// <summary>Its number, unique within its program.</summary>
    public int Id { get; }
    /// <summary>The whole value's shape.</summary>
    public int[] Shape => (int[])shape.Clone();
    /// <summary>Whether it ends with the pixel axes (one array per pixel).</summary>
    public bool IsSpatial { get; }
    /// <summary>The shape of one pixel's array (the pixel axes replaced by 1s), or the whole shape of a value the same for every pixel.</summary>
    public int[] PixelShape => (int[])pixelShape.Clone();
    /// <summary>The number of elements of <see cref="PixelShape"/>.</summary>
    public int PixelCount => Shapes.Size(pixelShape);
    /// <summary>Which argument of the graph it is, or −1.</summary>
    public int Input { get; }
    /// <summary>Its value when it is a constant of the graph (an image, a grid, a basis vector), else null.</summary>
    public Tensor? Constant { get; }

    public override string ToString() => $"v{Id}{Shapes.Format(shape)}";
}

/// <summary>One equation of a <see cref="PixelProgram"/>, with everything a backend needs to run it, worked out once.</summary>
public sealed class PixelStep
{
    internal PixelStep(Graph.Equation equation, PixelPhase phase, PixelStepKind kind, PixelValue output, PixelValue[] inputs) =>
        (Equation, Phase, Kind, Output, Inputs) = (equation, phase, kind, output, inputs);

    internal Graph.Equation Equation { get; }
    public PixelPhase Phase { get; }
    public PixelStepKind Kind { get; }
    public PixelValue Output { get; }
    public IReadOnlyList<PixelValue> Inputs { get; }
    /// <summary>The primitive, as listings show it (for messages).</summary>
    public string Primitive => Equation.Primitive.ToString();
    /// <summary>The element-wise function (the primitive's lane form), or the combination of a reduction (add or max).</summary>
    public LaneCode Function { get; internal init; }
    /// <summary>A constant last operand of the function (pow_const's exponent), or null.</summary>
    public double? Constant { get; internal init; }
    /// <summary>For each input of an element-wise step, which of its elements output element k reads; null where it has the output's shape.</summary>
    public IReadOnlyList<int[]?> Broadcast { get; internal init; } = [];
    /// <summary>For a move, where each output element comes from (see <see cref="PixelStepKind.Move"/>).</summary>
    public int[] Sources { get; internal init; } = [];
    /// <summary>For a reduction over per-pixel axes, which output element each input element goes into.</summary>
    public int[] Targets { get; internal init; } = [];

    public override string ToString() => $"{Phase} {Kind}: {Output} = {Primitive}({string.Join(", ", Inputs)})";
}

/// <summary>
/// The executor interface of a jitted graph: how it runs over its "pixels" (the trailing axes of the image it sums
/// over), planned once by the same <c>PixelPlan</c> that Jit's blocked CPU program uses, and each step described in
/// element numbers. A backend (Adjoint.Gpu) turns the steps into its own code: it never reads primitives, only
/// their element-wise forms (<see cref="LaneCode"/>, computed by <see cref="LaneMath.Apply"/>) and index maps.
/// </summary>
public sealed class PixelProgram
{
    private readonly Graph graph;

    /// <summary>The pixel axes (empty when the whole program is one "pixel").</summary>
    public int[] Spatial { get; }
    /// <summary>The number of pixels.</summary>
    public long Pixels => Shapes.Size(Spatial);
    /// <summary>The graph's arguments, in order.</summary>
    public IReadOnlyList<PixelValue> Inputs { get; }
    /// <summary>The graph's results, in order.</summary>
    public IReadOnlyList<PixelValue> Outputs { get; }
    /// <summary>The steps, in program order.</summary>
    public IReadOnlyList<PixelStep> Steps { get; }

    private PixelProgram(Graph graph, PixelPlan plan)
    {
        this.graph = graph;
        Spatial = plan.Spatial;
        var values = new Dictionary<object, PixelValue>(ReferenceEqualityComparer.Instance);
        PixelValue ValueOf(object atom)
        {
            if (values.TryGetValue(atom, out var known)) return known;
            var shape = PixelPlan.ShapeOf(atom);
            return values[atom] = new PixelValue(values.Count, shape, plan.IsPerPixel(atom), plan.IsAfterPixels(atom) ? shape : plan.OnePixel.Map(shape),
                atom is Graph.Variable v ? Array.IndexOf(graph.Inputs, v) : -1, atom as Tensor);
        }
        Inputs = graph.Inputs.Select(ValueOf).ToArray();
        Steps = graph.Equations.Select((eq, e) => Describe(eq, plan.Phases[e], eq.Inputs.Select(ValueOf).ToArray(), ValueOf(eq.Output), plan.OnePixel)).ToArray();
        Outputs = graph.Outputs.Select(ValueOf).ToArray();
    }

    /// <summary>
    /// Plans a graph: the largest pixel axes under which every equation runs (the trailing axes a reduction sums
    /// over, or an output's shape, or their trailing parts), down to none (one "pixel" holding everything: correct,
    /// but with no parallelism). Throws <see cref="NotSupportedException"/> naming the equation that fits none
    /// (a matrix product over the pixels).
    /// </summary>
    public static PixelProgram Plan(Graph graph)
    {
        string whyNot = "";
        foreach (var candidate in SpatialCandidates(graph))
            if (PixelPlan.TryCreate(graph, candidate, out whyNot) is { } plan) return new PixelProgram(graph, plan);
        throw new NotSupportedException($"This graph cannot run pixel by pixel: {whyNot}.");
    }

    /// <summary>Evaluates a <see cref="PixelStepKind.Host"/> step (or any step, on whole arrays) from its inputs' values.</summary>
    public Tensor Evaluate(PixelStep step, IReadOnlyList<Tensor> inputs) =>
        step.Equation.Primitive.Eval([.. inputs], step.Equation.Output.Shape);

    public override string ToString() =>
        $"pixels {Shapes.Format(Spatial)}\n" + string.Join("\n", Steps.Select(s => "  " + s));

    private static IEnumerable<int[]> SpatialCandidates(Graph graph)
    {
        var blocks = PixelPlan.ReducedBlocks(graph).ToList();
        blocks.AddRange(graph.Outputs.OfType<Graph.Variable>().Select(v => v.Shape));
        var candidates = blocks.SelectMany(b => Enumerable.Range(0, b.Length).Select(i => b[i..]))
            .Where(c => Shapes.Size(c) > 1)
            .DistinctBy(c => Shapes.Format(c))
            .OrderByDescending(c => Shapes.Size(c)).ThenBy(c => c.Length);
        return candidates.Append([]);
    }

    private static PixelStep Describe(Graph.Equation eq, PixelPlan.Phase phase, PixelValue[] ins, PixelValue output, BlockShapes onePixel)
    {
        var p = eq.Primitive;
        PixelStep Step(PixelStepKind kind, PixelPhase at = PixelPhase.PerPixel) => new(eq, at, kind, output, ins);
        var outShape = onePixel.Map(eq.Output.Shape);
        switch (phase)
        {
            case PixelPlan.Phase.Prologue: return Step(PixelStepKind.Host, PixelPhase.Before);
            case PixelPlan.Phase.Epilogue: return Step(PixelStepKind.Host, PixelPhase.After);
            case PixelPlan.Phase.Reduction:
                return new(eq, PixelPhase.OverPixels, PixelStepKind.PixelReduce, output, ins) { Function = p is MaxP ? LaneCode.Max : LaneCode.Add };
        }
        if (p.Lane is { } lane)
            return new(eq, PixelPhase.PerPixel, PixelStepKind.ElementWise, output, ins)
            {
                Function = lane.Code,
                Constant = lane.Constant,
                Broadcast = ins.Select(i => Shapes.Equal(i.PixelShape, outShape) ? null : Kernels.BroadcastSources(i.PixelShape, outShape)).ToArray(),
            };
        if (p is ReshapeP) return Step(PixelStepKind.Alias);
        if (p is Reduction r)
            return new(eq, PixelPhase.PerPixel, PixelStepKind.Reduce, output, ins) { Function = r is MaxP ? LaneCode.Max : LaneCode.Add, Targets = Targets(r, ins[0].PixelShape) };

        // Structural primitives (broadcast, transpose, slice, pad, concatenate): their block form, run once on one
        // pixel's arrays holding element numbers, says where each output element comes from (0: a pad's zero).
        var perPixel = p.OnBlocks(onePixel, eq.Inputs.Select(PixelPlan.ShapeOf).ToArray())
            ?? throw new InvalidOperationException($"{p} has no per-pixel form, yet it was planned per pixel.");
        return new(eq, PixelPhase.PerPixel, PixelStepKind.Move, output, ins) { Sources = perPixel.ElementSources([.. ins.Select(i => i.PixelShape)], outShape) };
    }

    /// <summary>For a sum or max over some per-pixel axes: the output element of each input element.</summary>
    private static int[] Targets(Reduction r, int[] inShape)
    {
        int offset = inShape.Length - r.Rank;
        var reduced = new bool[inShape.Length];
        foreach (int a in r.Axes) reduced[offset + a] = true;
        var strides = Shapes.Strides(inShape);
        var targets = new int[Shapes.Size(inShape)];
        for (int src = 0; src < targets.Length; src++)
            for (int d = 0; d < inShape.Length; d++)
                if (!reduced[d]) targets[src] = targets[src] * inShape[d] + src / strides[d] % inShape[d];
        return targets;
    }
}
