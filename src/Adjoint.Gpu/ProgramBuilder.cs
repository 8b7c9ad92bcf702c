using Adjoint.Primitives;
using Phase = Adjoint.PixelPlan.Phase;

namespace Adjoint.Gpu;

/// <summary>
/// Turns a simplified <see cref="Graph"/> into a device program for <see cref="Interpreter"/>.
/// </summary>
/// <remarks>
/// As the CPU's blocked program does, the graph is split by its "pixels": the spatial shape S is the
/// trailing block of axes that the largest reduction sums over (or, without a reduction, the shape of
/// the largest output). Then every equation is
/// <list type="bullet">
/// <item>prologue: it touches no pixels and needs no sum over them (parameter arithmetic) — the host evaluates it;</item>
/// <item>body: element-wise over the pixels — an instruction run per pixel on the device;</item>
/// <item>reduction: a sum or max over exactly the pixels — per-thread partials on the device, then a combine;</item>
/// <item>epilogue: it touches no pixels and uses a reduction (e.g. the final 6×6 Hessian) — the host.</item>
/// </list>
/// Each value of the body holds, per pixel, a small array: its non-spatial ("lead") axes, e.g. the 6
/// tangent directions of a Hessian. How the primitives move those elements around (broadcasting,
/// transposes, slices, pads, concatenations) is worked out here, once, as index maps.
/// </remarks>
internal sealed class ProgramBuilder
{
    /// <summary>An operand as the interpreter reads it: where it lives and its per-pixel shape.</summary>
    public sealed record Operand(Place Place, long Base, int[] PixelShape)
    {
        public int Count => Shapes.Size(PixelShape);
    }

    private readonly Graph graph;
    private int[] spatial = [];
    private BlockShapes onePixel = new([], 1);
    public Phase[] Phases { get; } = [];
    public long Pixels { get; private set; }

    // The data region: spatial constants (uploaded once), spatial inputs (per call), spatial outputs (read back).
    public List<(Tensor Tensor, long Offset)> Constants { get; } = [];
    public List<(int Input, long Offset)> Inputs { get; } = [];
    public List<(Graph.Variable Variable, long Offset)> Outputs { get; } = [];
    public long DataLength { get; private set; }

    // The uniforms: small values the same for every pixel. Constants are filled in here; the rest per call.
    public List<double> UniformConstants { get; } = [];
    public List<(object Atom, int Offset)> UniformValues { get; } = [];
    public int UniformLength => UniformConstants.Count;

    /// <summary>Reductions over the pixels: the equation and where its result sits among the W results.</summary>
    public List<(Graph.Equation Equation, int Offset)> Reductions { get; } = [];
    public int PartialWidth { get; private set; }

    public List<int> Program { get; } = [];
    public List<int> Maps { get; } = [];
    public int Slots { get; private set; }

    private readonly Dictionary<object, Operand> operands = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Graph.Variable, int> lastUse = [];
    private readonly List<bool> slotUsed = [];

    /// <summary>The device plan of a graph; throws <see cref="NotSupportedException"/> naming what cannot run on the device.</summary>
    public ProgramBuilder(Graph graph)
    {
        this.graph = graph;
        // The first candidate for the pixel axes under which every equation can run; () always can
        // (one "pixel" holding everything: correct, but one thread does all the work).
        string whyNot = "";
        PixelPlan? plan = null;
        foreach (var candidate in SpatialCandidates(graph))
            if ((plan = PixelPlan.TryCreate(graph, candidate, out whyNot)) is not null) break; // the last, S = (), says what cannot run at all
        if (plan is null) throw new NotSupportedException($"Adjoint.Gpu cannot run this graph on the device: {whyNot}. Use Ad.Jit (CPU) for this function.");
        (spatial, onePixel, Phases, Pixels) = (plan.Spatial, plan.OnePixel, plan.Phases, Shapes.Size(plan.Spatial));
        Emit();
        Relocate();
    }

    /// <summary>
    /// Memory is [data | uniforms | scratch | partials | results]. While emitting, uniform operands count
    /// from the start of the uniforms; the data region's size is only known at the end.
    /// </summary>
    private void Relocate()
    {
        for (int at = 0; at < Program.Count; at += Interpreter.Width)
            foreach (int operand in (int[])[Interpreter.FA, Interpreter.FB, Interpreter.FC])
                if (Program[at + operand + Interpreter.OPlace] == (int)Place.Uniform)
                    Program[at + operand + Interpreter.OBase] = checked((int)(Program[at + operand + Interpreter.OBase] + DataLength));
    }

    /// <summary>Where the uniforms start in memory.</summary>
    public long UniformBase => DataLength;

    private bool IsSpatial(int[] shape) => onePixel.IsSpatial(shape);

    private static int[] ShapeOf(object atom) => PixelPlan.ShapeOf(atom);

    /// <summary>
    /// Candidates for S, largest first: the trailing axes each reduction sums over (and their trailing
    /// parts), the outputs' shapes (and theirs), and finally ().
    /// </summary>
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

    private static NotSupportedException Unsupported(Graph.Equation eq, string why) =>
        new($"Adjoint.Gpu cannot run the primitive '{eq.Primitive.Name}' ({eq.Primitive}) on the device: {why}. " +
            "Use Ad.Jit (CPU) for this function.");

    // ---------------------------------------------------------------- emitting the program

    private void Emit()
    {
        // Last use of each value by the device part (a reshape's input lives as long as its output: they share slots).
        var outputs = graph.Outputs.OfType<Graph.Variable>().ToHashSet();
        for (int e = graph.Equations.Length - 1; e >= 0; e--)
        {
            if (Phases[e] is not (Phase.Body or Phase.Reduction)) continue;
            var eq = graph.Equations[e];
            int last = lastUse.TryGetValue(eq.Output, out var l) ? l : e;
            foreach (var v in eq.Inputs.OfType<Graph.Variable>())
            {
                int use = eq.Primitive is ReshapeP ? last : e;
                lastUse[v] = Math.Max(lastUse.TryGetValue(v, out var u) ? u : -1, use);
            }
        }

        // Values whose storage is freed after each equation (a reshape's output shares its input's slots, so only
        // the input, whose last use covers the output's, frees them).
        var freeAfter = graph.Equations.Select(_ => new List<Graph.Variable>()).ToArray();
        var shared = graph.Equations.Where(eq => eq.Primitive is ReshapeP).Select(eq => eq.Output).ToHashSet();
        foreach (var (v, e) in lastUse)
            if (!shared.Contains(v)) freeAfter[e].Add(v);

        for (int e = 0; e < graph.Equations.Length; e++)
        {
            var eq = graph.Equations[e];
            if (Phases[e] == Phase.Reduction) EmitReduction(eq);
            else if (Phases[e] == Phase.Body)
            {
                EmitBody(eq);
                if (outputs.Contains(eq.Output) && IsSpatial(eq.Output.Shape)) EmitStore(eq.Output);
                if (!lastUse.ContainsKey(eq.Output) && !shared.Contains(eq.Output)) freeAfter[e].Add(eq.Output); // stored, never read again
            }
            else continue;
            foreach (var v in freeAfter[e])
                if (operands.TryGetValue(v, out var op) && op.Place == Place.Scratch) Free(op);
        }
    }

    /// <summary>The operand of an atom, registering inputs, constants and host values on first use.</summary>
    private Operand OperandOf(object atom)
    {
        if (operands.TryGetValue(atom, out var known)) return known;
        var shape = ShapeOf(atom);
        Operand operand;
        if (IsSpatial(shape))
        {
            // A per-pixel array read from the data region: a constant (the image) or an input of the graph.
            long offset = DataLength;
            DataLength += Shapes.Size(shape);
            if (atom is Tensor t) Constants.Add((t, offset));
            else
            {
                int input = Array.IndexOf(graph.Inputs, (Graph.Variable)atom);
                if (input < 0) throw new InvalidOperationException($"Adjoint.Gpu: value {atom} has no place on the device.");
                Inputs.Add((input, offset));
            }
            operand = new Operand(Place.Data, offset, onePixel.Map(shape));
        }
        else
        {
            // The same for every pixel: a constant, an input, or a value the host computed before the launch.
            int offset = UniformConstants.Count;
            if (atom is Tensor t) UniformConstants.AddRange(t.Data);
            else
            {
                UniformConstants.AddRange(new double[Shapes.Size(shape)]);
                UniformValues.Add((atom, offset));
            }
            operand = new Operand(Place.Uniform, offset, shape);
        }
        return operands[atom] = operand;
    }

    private Operand Uniform(double value)
    {
        UniformConstants.Add(value);
        return new Operand(Place.Uniform, UniformConstants.Count - 1, []);
    }

    private Operand NewValue(Graph.Variable v)
    {
        var shape = onePixel.Map(v.Shape);
        return operands[v] = new Operand(Place.Scratch, Allocate(Shapes.Size(shape)), shape);
    }

    private void EmitBody(Graph.Equation eq)
    {
        var p = eq.Primitive;
        var ins = eq.Inputs.Select(OperandOf).ToArray();
        var shape = onePixel.Map(eq.Output.Shape);
        switch (p)
        {
            case { Lane: { } lane }:
            {
                // The primitive's element-wise form, its constant operand (pow_const's exponent) as a uniform.
                Operand[] operands = lane.Constant is { } c ? [.. ins, Uniform(c)] : ins;
                var op = lane.Code == LaneCode.Select ? OpCode.Select : lane.Arity == 1 ? OpCode.Unary : OpCode.Binary;
                Instruction(op, lane.Code, NewValue(eq.Output), operands, shape);
                break;
            }
            case ReshapeP:
                // Same elements in the same order: the output shares the input's storage.
                operands[eq.Output] = ins[0] with { PixelShape = shape };
                break;
            case Reduction r:
                EmitLeadReduction(eq, r, ins[0]);
                break;
            default:
                EmitMove(eq, ins);
                break;
        }
    }

    /// <summary>An element-wise instruction; each operand is read through its broadcasting map.</summary>
    private void Instruction(OpCode op, LaneCode f, Operand output, Operand[] inputs, int[] shape)
    {
        var fields = new int[Interpreter.Width];
        fields[Interpreter.FOp] = (int)op;
        fields[Interpreter.FFunction] = (int)f;
        fields[Interpreter.FCount] = Shapes.Size(shape);
        fields[Interpreter.FOut] = checked((int)output.Base);
        int[] at = [Interpreter.FA, Interpreter.FB, Interpreter.FC];
        for (int j = 0; j < inputs.Length; j++) SetOperand(fields, at[j], inputs[j], BroadcastMap(inputs[j].PixelShape, shape));
        Program.AddRange(fields);
    }

    private static void SetOperand(int[] fields, int at, Operand operand, int map)
    {
        fields[at + Interpreter.OPlace] = (int)operand.Place;
        fields[at + Interpreter.OBase] = checked((int)operand.Base);
        fields[at + Interpreter.OMap] = map;
    }

    /// <summary>−1 when the operand has the output's per-pixel shape, else the map of which element each output element reads.</summary>
    private int BroadcastMap(int[] from, int[] to)
    {
        if (Shapes.Equal(from, to)) return -1;
        var indices = Enumerable.Range(0, Shapes.Size(from)).Select(i => (double)i).ToArray();
        var read = Kernels.Gather(indices, 0, Shapes.BroadcastStrides(from, to), to);
        int offset = Maps.Count;
        Maps.AddRange(read.Select(x => (int)x));
        return offset;
    }

    /// <summary>
    /// Structural primitives (broadcast, transpose, slice, pad, concatenate): the primitive itself is
    /// evaluated once on the host on arrays holding element numbers, which says where each output
    /// element comes from (0 = a zero of a pad). The device then only copies.
    /// </summary>
    private void EmitMove(Graph.Equation eq, Operand[] ins)
    {
        var perPixel = eq.Primitive.OnBlocks(onePixel, eq.Inputs.Select(ShapeOf).ToArray()) ?? throw Unsupported(eq, "it moves values between pixels");
        var shape = onePixel.Map(eq.Output.Shape);
        var starts = new int[ins.Length + 1];
        for (int j = 0; j < ins.Length; j++) starts[j + 1] = starts[j] + ins[j].Count;
        var numbered = ins.Select((op, j) => new Tensor(op.PixelShape, Enumerable.Range(starts[j] + 1, op.Count).Select(x => (double)x).ToArray())).ToArray();
        var sources = perPixel.Eval(numbered, shape).Data;

        var output = NewValue(eq.Output);
        if (sources.Any(s => s == 0)) Instruction(OpCode.Zero, LaneCode.Add, output, [], shape);
        for (int j = 0; j < ins.Length; j++)
        {
            var pairs = new List<int>();
            for (int k = 0; k < sources.Length; k++)
                if (sources[k] > starts[j] && sources[k] <= starts[j + 1]) pairs.AddRange([k, (int)sources[k] - 1 - starts[j]]);
            if (pairs.Count > 0) PairInstruction(OpCode.Move, LaneCode.Add, output, ins[j], pairs, shape);
        }
    }

    /// <summary>A sum or max over some of the per-pixel axes: out[dst] ∘= in[src] for every input element.</summary>
    private void EmitLeadReduction(Graph.Equation eq, Reduction r, Operand input)
    {
        var inShape = input.PixelShape;
        int offset = inShape.Length - r.Rank;
        var reduced = new bool[inShape.Length];
        foreach (int a in r.Axes) reduced[offset + a] = true;
        var strides = Shapes.Strides(inShape);
        var pairs = new List<int>();
        for (int src = 0; src < input.Count; src++)
        {
            int dst = 0;
            for (int d = 0; d < inShape.Length; d++)
                if (!reduced[d]) dst = dst * inShape[d] + src / strides[d] % inShape[d];
            pairs.AddRange([dst, src]);
        }
        var shape = onePixel.Map(eq.Output.Shape);
        PairInstruction(OpCode.Reduce, r is MaxP ? LaneCode.Max : LaneCode.Add, NewValue(eq.Output), input, pairs, shape);
    }

    private void PairInstruction(OpCode op, LaneCode f, Operand output, Operand input, List<int> pairs, int[] shape)
    {
        var fields = new int[Interpreter.Width];
        fields[Interpreter.FOp] = (int)op;
        fields[Interpreter.FFunction] = (int)f;
        fields[Interpreter.FCount] = pairs.Count / 2;
        fields[Interpreter.FOut] = checked((int)output.Base);
        fields[Interpreter.FOutLength] = Shapes.Size(shape);
        SetOperand(fields, Interpreter.FA, input, Maps.Count);
        Maps.AddRange(pairs);
        Program.AddRange(fields);
    }

    /// <summary>A sum or max over exactly the pixels: accumulated per thread, combined after the launch.</summary>
    private void EmitReduction(Graph.Equation eq)
    {
        var input = OperandOf(eq.Inputs[0]);
        Reductions.Add((eq, PartialWidth));
        var fields = new int[Interpreter.Width];
        fields[Interpreter.FOp] = (int)OpCode.Accumulate;
        fields[Interpreter.FFunction] = (int)(eq.Primitive is MaxP ? LaneCode.Max : LaneCode.Add);
        fields[Interpreter.FCount] = input.Count;
        fields[Interpreter.FOut] = PartialWidth;
        SetOperand(fields, Interpreter.FA, input, -1);
        Program.AddRange(fields);
        PartialWidth += input.Count;
    }

    /// <summary>Copies a per-pixel value that is an output of the graph into the data region.</summary>
    private void EmitStore(Graph.Variable v)
    {
        var value = operands[v];
        long offset = DataLength;
        DataLength += Shapes.Size(v.Shape);
        Outputs.Add((v, offset));
        var fields = new int[Interpreter.Width];
        fields[Interpreter.FOp] = (int)OpCode.Store;
        fields[Interpreter.FCount] = value.Count;
        fields[Interpreter.FOut] = checked((int)offset);
        SetOperand(fields, Interpreter.FA, value, -1);
        Program.AddRange(fields);
    }

    // ---------------------------------------------------------------- scratch slots (first fit)

    private int Allocate(int count)
    {
        for (int start = 0; ; start++)
        {
            int run = 0;
            while (run < count && start + run < slotUsed.Count && !slotUsed[start + run]) run++;
            if (run == count || start + run == slotUsed.Count)
            {
                while (slotUsed.Count < start + count) slotUsed.Add(false);
                for (int i = 0; i < count; i++) slotUsed[start + i] = true;
                Slots = Math.Max(Slots, slotUsed.Count);
                return start;
            }
            start += run;
        }
    }

    private void Free(Operand op)
    {
        for (int i = 0; i < op.Count; i++) slotUsed[(int)op.Base + i] = false;
    }
}
