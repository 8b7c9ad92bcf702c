using Adjoint.Execution;

namespace Adjoint.Gpu;

/// <summary>
/// Turns a <see cref="PixelProgram"/> (a graph planned over its pixels by Adjoint's Jit) into a device program
/// for <see cref="Interpreter"/>.
/// </summary>
/// <remarks>
/// The plan says which steps run on the host before the pixels, which per pixel (on the device), which sum
/// over all pixels (per-thread partials on the device, then a combine) and which on the host after. Each
/// value of the body holds, per pixel, a small array: its non-spatial ("lead") axes, e.g. the 6 tangent
/// directions of a Hessian; the plan gives, as index maps, how each step moves those elements around.
/// Here they become instructions, and values get scratch slots.
/// </remarks>
internal sealed class ProgramBuilder
{
    /// <summary>An operand as the interpreter reads it: where it lives and its per-pixel shape.</summary>
    public sealed record Operand(Place Place, long Base, int Count);

    private readonly PixelProgram plan;
    public long Pixels => plan.Pixels;

    // The data region: spatial constants (uploaded once), spatial inputs (per call), spatial outputs (read back).
    public List<(double[] Data, long Offset)> Constants { get; } = [];
    public List<(int Input, long Offset)> Inputs { get; } = [];
    public List<(PixelValue Value, long Offset)> Outputs { get; } = [];
    public long DataLength { get; private set; }

    // The uniforms: small values the same for every pixel. Constants are filled in here; the rest per call.
    public List<double> UniformConstants { get; } = [];
    public List<(PixelValue Value, int Offset)> UniformValues { get; } = [];
    public int UniformLength => UniformConstants.Count;

    /// <summary>Reductions over the pixels: the step and where its result sits among the W results.</summary>
    public List<(PixelStep Step, int Offset)> Reductions { get; } = [];
    public int PartialWidth { get; private set; }

    public List<int> Program { get; } = [];
    public List<int> Maps { get; } = [];
    public int Slots { get; private set; }

    private readonly Dictionary<PixelValue, Operand> operands = [];
    private readonly Dictionary<PixelValue, int> lastUse = [];
    private readonly List<bool> slotUsed = [];

    public ProgramBuilder(PixelProgram plan)
    {
        this.plan = plan;
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

    private static bool OnDevice(PixelStep step) => step.Phase is PixelPhase.PerPixel or PixelPhase.OverPixels;

    // ---------------------------------------------------------------- emitting the program

    private void Emit()
    {
        var steps = plan.Steps;
        // Last use of each value by the device part (an alias's input lives as long as its output: they share slots).
        var outputs = plan.Outputs.ToHashSet();
        for (int e = steps.Count - 1; e >= 0; e--)
        {
            if (!OnDevice(steps[e])) continue;
            int last = lastUse.TryGetValue(steps[e].Output, out var l) ? l : e;
            foreach (var v in steps[e].Inputs)
            {
                int use = steps[e].Kind == PixelStepKind.Alias ? last : e;
                lastUse[v] = Math.Max(lastUse.TryGetValue(v, out var u) ? u : -1, use);
            }
        }

        // Values whose storage is freed after each step (an alias shares its input's slots, so only the input,
        // whose last use covers the alias's, frees them).
        var freeAfter = steps.Select(_ => new List<PixelValue>()).ToArray();
        var shared = steps.Where(s => s.Kind == PixelStepKind.Alias).Select(s => s.Output).ToHashSet();
        foreach (var (v, e) in lastUse)
            if (!shared.Contains(v)) freeAfter[e].Add(v);

        for (int e = 0; e < steps.Count; e++)
        {
            var step = steps[e];
            if (step.Phase == PixelPhase.OverPixels) EmitReduction(step);
            else if (step.Phase == PixelPhase.PerPixel)
            {
                EmitBody(step);
                if (outputs.Contains(step.Output) && step.Output.IsSpatial) EmitStore(step.Output);
                if (!lastUse.ContainsKey(step.Output) && !shared.Contains(step.Output)) freeAfter[e].Add(step.Output); // stored, never read again
            }
            else continue;
            foreach (var v in freeAfter[e])
                if (operands.TryGetValue(v, out var op) && op.Place == Place.Scratch) Free(op);
        }
    }

    /// <summary>The operand of a value, registering inputs, constants and host values on first use.</summary>
    private Operand OperandOf(PixelValue value)
    {
        if (operands.TryGetValue(value, out var known)) return known;
        Operand operand;
        if (value.IsSpatial)
        {
            // A per-pixel array read from the data region: a constant (the image) or an input of the graph.
            long offset = DataLength;
            DataLength += value.PixelCount * Pixels;
            if (value.Constant is { } t) Constants.Add((t.ToArray(), offset));
            else if (value.Input >= 0) Inputs.Add((value.Input, offset));
            else throw new InvalidOperationException($"Adjoint.Gpu: value {value} has no place on the device.");
            operand = new Operand(Place.Data, offset, value.PixelCount);
        }
        else
        {
            // The same for every pixel: a constant, an input, or a value the host computed before the launch.
            int offset = UniformConstants.Count;
            if (value.Constant is { } t) UniformConstants.AddRange(t.ToArray());
            else
            {
                UniformConstants.AddRange(new double[value.PixelCount]);
                UniformValues.Add((value, offset));
            }
            operand = new Operand(Place.Uniform, offset, value.PixelCount);
        }
        return operands[value] = operand;
    }

    private Operand Uniform(double value)
    {
        UniformConstants.Add(value);
        return new Operand(Place.Uniform, UniformConstants.Count - 1, 1);
    }

    private Operand NewValue(PixelValue v) => operands[v] = new Operand(Place.Scratch, Allocate(v.PixelCount), v.PixelCount);

    private void EmitBody(PixelStep step)
    {
        var ins = step.Inputs.Select(OperandOf).ToArray();
        switch (step.Kind)
        {
            case PixelStepKind.ElementWise:
            {
                // The primitive's element-wise form, its constant operand (pow_const's exponent) as a uniform.
                var maps = step.Broadcast.Select(m => m is null ? -1 : AddMap(m)).ToList();
                if (step.Constant is { } c) { ins = [.. ins, Uniform(c)]; maps.Add(step.Output.PixelCount == 1 ? -1 : AddMap(new int[step.Output.PixelCount])); }
                Instruction(OpCode.Apply, step.Function, NewValue(step.Output), ins, [.. maps], step.Output.PixelCount);
                break;
            }
            case PixelStepKind.Alias:
                // Same elements in the same order: the output shares the input's storage.
                operands[step.Output] = ins[0];
                break;
            case PixelStepKind.Reduce:
            {
                var pairs = step.Targets.SelectMany((dst, src) => (int[])[dst, src]).ToList();
                PairInstruction(OpCode.Reduce, step.Function, NewValue(step.Output), ins[0], pairs, step.Output.PixelCount);
                break;
            }
            case PixelStepKind.Move:
                EmitMove(step, ins);
                break;
            default:
                throw new InvalidOperationException($"Adjoint.Gpu: step {step} cannot run per pixel.");
        }
    }

    private int AddMap(int[] map)
    {
        int offset = Maps.Count;
        Maps.AddRange(map);
        return offset;
    }

    /// <summary>An element-wise instruction; each operand is read through its broadcasting map (−1: none).</summary>
    private void Instruction(OpCode op, LaneCode f, Operand output, Operand[] inputs, int[] maps, int count)
    {
        var fields = new int[Interpreter.Width];
        fields[Interpreter.FOp] = (int)op;
        fields[Interpreter.FFunction] = (int)f;
        fields[Interpreter.FArity] = inputs.Length;
        fields[Interpreter.FCount] = count;
        fields[Interpreter.FOut] = checked((int)output.Base);
        int[] at = [Interpreter.FA, Interpreter.FB, Interpreter.FC];
        for (int j = 0; j < inputs.Length; j++) SetOperand(fields, at[j], inputs[j], maps[j]);
        Program.AddRange(fields);
    }

    private static void SetOperand(int[] fields, int at, Operand operand, int map)
    {
        fields[at + Interpreter.OPlace] = (int)operand.Place;
        fields[at + Interpreter.OBase] = checked((int)operand.Base);
        fields[at + Interpreter.OMap] = map;
    }

    /// <summary>Structural steps (broadcast, transpose, slice, pad, concatenate): zero where the plan says 0, then copies.</summary>
    private void EmitMove(PixelStep step, Operand[] ins)
    {
        var sources = step.Sources;
        var starts = new int[ins.Length + 1];
        for (int j = 0; j < ins.Length; j++) starts[j + 1] = starts[j] + ins[j].Count;
        var output = NewValue(step.Output);
        if (sources.Any(s => s == 0)) Instruction(OpCode.Zero, LaneCode.Add, output, [], [], step.Output.PixelCount);
        for (int j = 0; j < ins.Length; j++)
        {
            var pairs = new List<int>();
            for (int k = 0; k < sources.Length; k++)
                if (sources[k] > starts[j] && sources[k] <= starts[j + 1]) pairs.AddRange([k, sources[k] - 1 - starts[j]]);
            if (pairs.Count > 0) PairInstruction(OpCode.Move, LaneCode.Add, output, ins[j], pairs, step.Output.PixelCount);
        }
    }

    private void PairInstruction(OpCode op, LaneCode f, Operand output, Operand input, List<int> pairs, int outLength)
    {
        var fields = new int[Interpreter.Width];
        fields[Interpreter.FOp] = (int)op;
        fields[Interpreter.FFunction] = (int)f;
        fields[Interpreter.FCount] = pairs.Count / 2;
        fields[Interpreter.FOut] = checked((int)output.Base);
        fields[Interpreter.FOutLength] = outLength;
        SetOperand(fields, Interpreter.FA, input, Maps.Count);
        Maps.AddRange(pairs);
        Program.AddRange(fields);
    }

    /// <summary>A sum or max over exactly the pixels: accumulated per thread, combined after the launch.</summary>
    private void EmitReduction(PixelStep step)
    {
        var input = OperandOf(step.Inputs[0]);
        Reductions.Add((step, PartialWidth));
        var fields = new int[Interpreter.Width];
        fields[Interpreter.FOp] = (int)OpCode.Accumulate;
        fields[Interpreter.FFunction] = (int)step.Function;
        fields[Interpreter.FCount] = input.Count;
        fields[Interpreter.FOut] = PartialWidth;
        SetOperand(fields, Interpreter.FA, input, -1);
        Program.AddRange(fields);
        PartialWidth += input.Count;
    }

    /// <summary>Copies a per-pixel value that is an output of the graph into the data region.</summary>
    private void EmitStore(PixelValue v)
    {
        var value = operands[v];
        long offset = DataLength;
        DataLength += v.PixelCount * Pixels;
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
