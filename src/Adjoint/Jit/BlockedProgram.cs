using Adjoint.Primitives;
using Phase = Adjoint.PixelPlan.Phase;

namespace Adjoint;

/// <summary>
/// Runs a graph block by block over its large "spatial" axes (e.g. the pixels of an image), so that no
/// big intermediate is ever materialised: each block of a few thousand pixels goes through every
/// equation while its data is in cache, reductions over the pixels keep one partial result per
/// block, and the partials are combined in block order (so results are identical run to run and for
/// any number of threads). Blocks are spread over all cores.
/// </summary>
/// <remarks>
/// The spatial shape S is the trailing block of axes that the largest reduction sums over. Every
/// value is then either spatial (ends with S), flat (its trailing axes in S's window are all 1) or
/// neither. A block replaces S by (1, …, 1, m): m consecutive pixels in row-major order. This is
/// valid when every equation touching spatial values is element-wise over the pixels: broadcasts,
/// reshapes and slices that leave S alone, and reductions over none or all of S. Anything else
/// (a matrix product over pixels, a result that feeds back into the pixels after a reduction) and
/// the graph runs unblocked.
/// </remarks>
internal sealed class BlockedProgram
{
    private const int TargetBlockElements = 8 * 1024; // per value: 64 KB, so a block's working set stays in L2 (measured best of 4K-32K)

    /// <summary>
    /// The compiled loop keeps its values in registers, not in block arrays, so its blocks can be
    /// longer: fewer per-block costs (horizontal sums, uniforms). Measured on the Gaussian Hessian at
    /// n = 3000: 1 360 pixels 52 ms, 4 096 51 ms, 16 384 45 ms, 65 536 45 ms.
    /// </summary>
    private const int CompiledBlockPixels = 16 * 1024;
    private const int MinimumSpatialSize = 16 * 1024;

    private readonly Graph graph;
    private readonly int[] spatial;
    private readonly int pixels;
    private readonly int blockLength;
    private readonly Phase[] phases;
    private readonly Dictionary<int, Primitive[]> blockPrimitives = [];
    private readonly Graph.Variable[] spatialOutputs;
    private readonly FusedLoop? fused;

    /// <summary>Arenas kept between calls: a worker's buffers are allocated once, not once per call.</summary>
    private readonly System.Collections.Concurrent.ConcurrentBag<Arena> arenas = [];

    private BlockedProgram(Graph graph, PixelPlan plan, int blockLength, bool use512, bool compileLoop, bool symbolicZeros = true, bool factor = true)
    {
        (this.graph, spatial, phases, this.blockLength) = (graph, plan.Spatial, plan.Phases, blockLength);
        pixels = Shapes.Size(spatial);
        spatialOutputs = graph.Outputs.OfType<Graph.Variable>().Where(plan.IsPerPixel).Distinct().ToArray();
        if (compileLoop)
        {
            var inBlocks = Enumerable.Range(0, phases.Length).Where(e => phases[e] is Phase.Body or Phase.Reduction).ToArray();
            var read = LiveElements.OfReductions(graph, phases);
            fused = FusedLoop.TryCompile(graph, spatial, inBlocks, e => phases[e] == Phase.Reduction ? read[graph.Equations[e].Output] : null,
                spatialOutputs, use512, symbolicZeros, factor);
        }
        compiledBlockLength = Math.Min(CompiledBlockPixels, pixels);
    }

    private readonly int compiledBlockLength;

    /// <summary>
    /// The block plan for a graph, or null when it has no large reduction or cannot be blocked. Its pixels are the
    /// axes of its largest reduction; its body is compiled into a <see cref="FusedLoop"/> on 512-bit vectors where
    /// the hardware has them (or as asked). <paramref name="compileLoop"/>: whether to compile the body into a loop at
    /// all (default: only where the runtime really compiles dynamic code, see <see cref="DynamicCodeIsCompiled"/>).
    /// <paramref name="factor"/>: refactor the loop's tangent chains (FusedLoop.Factor); false only to compare, in tests.
    /// </summary>
    public static BlockedProgram? TryCreate(Graph graph, bool? use512 = null, bool? compileLoop = null, bool factor = true)
    {
        var spatial = PixelPlan.ReducedBlocks(graph).MaxBy(s => Shapes.Size(s));
        if (spatial is null || Shapes.Size(spatial) < MinimumSpatialSize || PixelPlan.TryCreate(graph, spatial, out _) is not { } plan) return null;
        // Blocks hold TargetBlockElements numbers per value: fewer pixels when values hold many per pixel.
        int widest = graph.Equations.Where((_, e) => plan.Phases[e] != Phase.Prologue && plan.Phases[e] != Phase.Epilogue)
            .Select(eq => Shapes.Size(eq.Output.Shape) / Shapes.Size(spatial)).Append(1).Max();
        int pixels = Shapes.Size(spatial);
        int blockLength = Math.Clamp(TargetBlockElements / widest / 8 * 8, Math.Min(256, pixels), pixels);
        return new BlockedProgram(graph, plan, blockLength, use512 ?? System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated,
            compileLoop ?? DynamicCodeIsCompiled(), factor: factor);
    }

    /// <summary>
    /// The compiled loop of a graph whose values are one flat axis of <paramref name="elements"/> numbers (or scalars):
    /// a run of element-wise equations that <see cref="EquationProgram"/> fuses; its pixels are the elements. Null where
    /// the runtime cannot compile it (the equations then run one by one as they would anyway). Its arithmetic is IEEE's,
    /// as the equations' own: a user's x·0 is NaN where x is, unlike a zero tangent in a derivative's pixel loop.
    /// </summary>
    public static BlockedProgram? ForElementWise(Graph graph, int elements)
    {
        if (!DynamicCodeIsCompiled() || PixelPlan.TryCreate(graph, [elements], out _) is not { } plan) return null;
        var program = new BlockedProgram(graph, plan, Math.Min(TargetBlockElements, elements), System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated,
            compileLoop: true, symbolicZeros: false);
        return program.IsCompiled ? program : null;
    }

    /// <summary>
    /// The fused loop is a LINQ expression tree compiled at run time. Where the runtime cannot emit code
    /// (a file-based app has PublishAot on by default, and then <c>Expression.Compile</c> silently returns an
    /// interpreter that was measured ~500x slower), the blocks are interpreted primitive by primitive instead,
    /// which needs no dynamic code, and the process is told once how to get the compiled loop back.
    /// </summary>
    private static bool DynamicCodeIsCompiled()
    {
        if (System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeCompiled) return true;
        if (Interlocked.Exchange(ref warned, 1) == 0) Console.Error.WriteLine(InterpretedWarning);
        return false;
    }

    private static int warned;

    internal const string InterpretedWarning =
        "Adjoint.Jit: this process cannot compile code at run time (RuntimeFeature.IsDynamicCodeCompiled is false; " +
        "a .NET 10 file-based app has PublishAot on by default), so Jit runs its blocks primitive by primitive " +
        "instead of as a compiled SIMD loop (tens of times slower). For full speed add `#:property PublishAot=false` " +
        "at the top of the .cs file, or run from a project.";

    /// <summary>The primitives with spatial shapes replaced for blocks of <paramref name="length"/> pixels.</summary>
    private Primitive[] PrimitivesFor(int length)
    {
        lock (blockPrimitives)
        {
            if (blockPrimitives.TryGetValue(length, out var cached)) return cached;
            var map = new BlockShapes(spatial, length);
            // A pixel reduction sums the block's pixels as it is: its partial result.
            var result = graph.Equations.Select((eq, e) => phases[e] != Phase.Body ? eq.Primitive
                : eq.Primitive.OnBlocks(map, eq.Inputs.Select(PixelPlan.ShapeOf).ToArray()) ?? throw new InvalidOperationException($"{eq.Primitive} cannot run on blocks.")).ToArray();
            return blockPrimitives[length] = result;
        }
    }

    /// <summary>The plan in words: the spatial shape, block length and what runs where.</summary>
    public string Describe()
    {
        int Count(Phase p) => phases.Count(x => x == p);
        var body = graph.Equations.Where((_, e) => phases[e] is Phase.Body or Phase.Reduction)
            .GroupBy(eq => eq.Primitive.Name).OrderByDescending(g => g.Count()).Select(g => $"{g.Key}×{g.Count()}");
        int length = fused is null ? blockLength : compiledBlockLength;
        return $"block by block over pixels {Shapes.Format(spatial)} ({pixels:N0}), {length} pixels per block, " +
               (fused is null ? "interpreted, " : $"compiled into one SIMD loop ({fused.Describe()}), ") +
               $"{(pixels + length - 1) / length} blocks spread over the cores:\n" +
               $"  before the blocks: {Count(Phase.Prologue)} equations on parameters (run once)\n" +
               $"  fused block body:  {Count(Phase.Body)} element-wise equations per block ({string.Join(", ", body)})\n" +
               $"  per-block partial reductions: {Count(Phase.Reduction)}, combined in block order\n" +
               $"  after the blocks:  {Count(Phase.Epilogue)} equations on the reduced results";
    }

    /// <summary>Whether the block body runs as one compiled loop (else it is interpreted primitive by primitive).</summary>
    public bool IsCompiled => fused is not null;

    public Tensor[] Run(Tensor[] args) => Run(args, interpret: false);

    /// <summary>
    /// Runs the program; <paramref name="interpret"/>: evaluate the blocks primitive by primitive even where a compiled
    /// loop exists (the reference in tests); <paramref name="maxThreads"/>: how many threads run blocks (null: all
    /// cores). Results do not depend on either.
    /// </summary>
    public Tensor[] Run(Tensor[] args, bool interpret, int? maxThreads = null)
    {
        var values = new Dictionary<Graph.Variable, Tensor>();
        for (int i = 0; i < graph.Inputs.Length; i++) values[graph.Inputs[i]] = args[i];
        Tensor Value(object atom) => atom as Tensor ?? values[(Graph.Variable)atom];

        for (int e = 0; e < graph.Equations.Length; e++)
            if (phases[e] == Phase.Prologue) Evaluate(e, values);

        var reductions = Enumerable.Range(0, phases.Length).Where(e => phases[e] == Phase.Reduction).ToArray();
        var assembled = spatialOutputs.Select(v => Kernels.NewArray(Shapes.Size(v.Shape))).ToArray(); // every element is written
        var loop = interpret ? null : fused?.Bind(Value, assembled);
        int perBlock = loop is null ? blockLength : compiledBlockLength;
        int blocks = (pixels + perBlock - 1) / perBlock;
        var partials = new double[blocks][][];

        var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads ?? Environment.ProcessorCount };
        void RunCompiled(int b) => partials[b] = loop!.Run(b * perBlock, Math.Min(perBlock, pixels - b * perBlock));
        if (loop is not null && (blocks == 1 || options.MaxDegreeOfParallelism == 1))
            for (int b = 0; b < blocks; b++) RunCompiled(b); // no workers to start for one block or one thread
        else if (loop is not null)
            Parallel.For(0, blocks, options, RunCompiled);
        else Parallel.For(0, blocks, options, () => arenas.TryTake(out var kept) ? kept : new Arena(), (b, _, arena) =>
        {
            int start = b * blockLength, length = Math.Min(blockLength, pixels - start);
            using var scope = arena.Activate(length);
            var primitives = PrimitivesFor(length);
            var map = new BlockShapes(spatial, length);
            var local = new Dictionary<Graph.Variable, Tensor>();
            var sliced = new Dictionary<object, Tensor>(ReferenceEqualityComparer.Instance);
            Tensor Input(object atom)
            {
                if (atom is Graph.Variable v && local.TryGetValue(v, out var t)) return t;
                var whole = Value(atom);
                if (!map.IsSpatial(whole.shape)) return whole;
                if (!sliced.TryGetValue(atom, out var block)) sliced[atom] = block = Slice(whole, start, length, map);
                return block;
            }
            var results = new double[reductions.Length][];
            for (int e = 0, r = 0; e < phases.Length; e++)
            {
                if (phases[e] is not (Phase.Body or Phase.Reduction)) continue;
                var eq = graph.Equations[e];
                var output = primitives[e].Eval(eq.Inputs.Select(Input).ToArray(), map.Map(eq.Output.Shape));
                local[eq.Output] = output;
                if (phases[e] == Phase.Reduction) results[r++] = (double[])output.Data.Clone(); // the arena reuses its buffer
            }
            for (int k = 0; k < spatialOutputs.Length; k++)
                Place(local[spatialOutputs[k]], assembled[k], start, length);
            partials[b] = results;
            return arena;
        }, arenas.Add);

        // Combine the per-block partial results in block order: deterministic for any thread count.
        for (int r = 0; r < reductions.Length; r++)
        {
            var eq = graph.Equations[reductions[r]];
            var total = (double[])partials[0][r].Clone();
            bool isMax = eq.Primitive is MaxP;
            for (int b = 1; b < blocks; b++)
                for (int i = 0; i < total.Length; i++)
                    total[i] = isMax ? Math.Max(total[i], partials[b][r][i]) : total[i] + partials[b][r][i];
            values[eq.Output] = new Tensor(eq.Output.Shape, total);
        }
        for (int k = 0; k < spatialOutputs.Length; k++) values[spatialOutputs[k]] = new Tensor(spatialOutputs[k].Shape, assembled[k]);
        for (int e = 0; e < graph.Equations.Length; e++)
            if (phases[e] == Phase.Epilogue) Evaluate(e, values);
        return graph.Outputs.Select(Value).ToArray();
    }

    private void Evaluate(int e, Dictionary<Graph.Variable, Tensor> values)
    {
        var eq = graph.Equations[e];
        values[eq.Output] = eq.Primitive.Eval(eq.Inputs.Select(a => a as Tensor ?? values[(Graph.Variable)a]).ToArray(), eq.Output.Shape);
    }

    /// <summary>Pixels [start, start + length) of every leading index: shape lead + (1, …, 1, length).</summary>
    private Tensor Slice(Tensor whole, int start, int length, BlockShapes map)
    {
        var data = whole.Data;
        int lead = data.Length / pixels;
        var block = Kernels.NewArray(lead * length);
        for (int l = 0; l < lead; l++) data.AsSpan(l * pixels + start, length).CopyTo(block.AsSpan(l * length, length));
        return new Tensor(map.Map(whole.shape), block);
    }

    private void Place(Tensor block, double[] whole, int start, int length)
    {
        var data = block.Data;
        for (int l = 0; l < data.Length / length; l++) data.AsSpan(l * length, length).CopyTo(whole.AsSpan(l * pixels + start, length));
    }
}
