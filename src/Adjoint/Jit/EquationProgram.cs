using Adjoint.Primitives;

namespace Adjoint;

/// <summary>
/// Runs a graph equation by equation (the programs that <see cref="BlockedProgram"/> does not block over pixels,
/// such as a small Hessian). Planned once: which equation reads each value last, so that it is released then, and
/// which runs of element-wise equations become one loop.
/// </summary>
/// <remarks>
/// <para>A call of a small program is dominated by memory, not arithmetic: each equation writes a fresh array, which
/// the garbage collector must then reclaim, and fresh memory is cold in cache. Two remedies:</para>
/// <para><b>Arena.</b> The intermediates come from an <see cref="Arena"/> kept between calls (the k-th array a call
/// asks for is the k-th array of the last call); only the results are fresh arrays. The arena holds at most
/// <see cref="MaximumArenaElements"/> numbers: larger programs allocate as eager code does and let each intermediate
/// go after its last use.</para>
/// <para><b>Fusion.</b> Element-wise equations on arrays of one size (and the reshapes between them) are compiled into
/// one <see cref="FusedLoop"/> over their elements, so the values between them stay in registers instead of going
/// through memory: x·c₀·3·c₁ + c₂ reads its operands once and writes one array, not four. Operands that broadcast
/// are expanded to the full size first (constants once, when the program is planned).</para>
/// </remarks>
internal sealed class EquationProgram
{
    /// <summary>32 MB per arena: kept for the life of the jitted function (one arena per concurrent caller).</summary>
    internal const long MaximumArenaElements = 4L << 20;

    /// <summary>Below this many elements a loop's fixed costs (binding, a delegate call) outweigh the memory it saves.</summary>
    internal const int MinimumFusedSize = 4096;

    /// <summary>A fused loop runs on one thread below this size (starting workers costs more than it saves).</summary>
    private const int ParallelFusedSize = 1 << 17;

    private readonly Graph graph;
    private readonly Step[] steps;
    private readonly bool useArena;
    private readonly System.Collections.Concurrent.ConcurrentBag<Arena> arenas = [];

    /// <summary>
    /// One unit of the program: a single equation, or a run of them fused into one loop. <see cref="Released"/>: the
    /// values it reads for the last time; <see cref="OutsideArena"/>: it makes a result (or runs user code), so its
    /// arrays are its own.
    /// </summary>
    private sealed record Step(int[] Members, FusedRun? Fused, int[] Released, bool OutsideArena);

    /// <summary>
    /// Element-wise equations as one loop over <paramref name="Elements"/> elements: the loop's graph takes the
    /// <paramref name="Operands"/> (values of the program, expanded to <c>Expand</c> when they broadcast, else seen as
    /// one flat axis or a scalar) and gives the <paramref name="Results"/> (values of the program).
    /// </summary>
    private sealed record FusedRun(BlockedProgram Loop, int Elements, (Graph.Variable Value, int[]? Expand)[] Operands, Graph.Variable[] Results);

    public EquationProgram(Graph graph, bool fuse = true)
    {
        this.graph = graph;
        var equations = graph.Equations;
        var outputs = graph.Outputs.OfType<Graph.Variable>().ToHashSet();
        var units = new List<(int[] Members, FusedRun? Fused)>();
        foreach (var run in fuse ? FusedRuns(graph) : equations.Select((_, e) => new[] { e }))
            if (run.Length > 1 && Fuse(graph, run) is { } fused) units.Add((run, fused));
            else units.AddRange(run.Select(e => (new[] { e }, (FusedRun?)null))); // it did not compile: equation by equation

        // Where each value is read last: by the unit that reads it (a fused run reads its operands, not its inner values).
        var reads = units.Select(unit => unit.Members.SelectMany(e => equations[e].Inputs).OfType<Graph.Variable>()
            .Where(v => !unit.Members.Any(e => equations[e].Output == v)).Distinct().ToArray()).ToArray();
        var lastUse = new Dictionary<Graph.Variable, int>();
        for (int u = 0; u < units.Count; u++) foreach (var v in reads[u]) lastUse[v] = u;
        steps = units.Select((unit, u) => new Step(unit.Members, unit.Fused,
            reads[u].Where(v => lastUse[v] == u && !outputs.Contains(v) && !graph.Inputs.Contains(v)).Select(v => v.Id).ToArray(),
            // User code (a custom rule's function) may keep what it computes: it gets fresh arrays too.
            unit.Members.Any(e => outputs.Contains(equations[e].Output) || equations[e].Primitive is CustomCall))).ToArray();

        long intermediates = equations.Where(eq => !outputs.Contains(eq.Output)).Sum(eq => (long)Shapes.Size(eq.Output.Shape));
        useArena = intermediates <= MaximumArenaElements;
    }

    /// <summary>Whether its intermediates come from arenas kept between calls (small enough programs).</summary>
    public bool KeepsArena => useArena;

    /// <summary>How many loops fuse element-wise equations, and how many equations they hold (for tests and the plan).</summary>
    public (int Loops, int Equations) Fusion => (steps.Count(s => s.Fused is not null), steps.Where(s => s.Fused is not null).Sum(s => s.Members.Length));

    /// <summary>The fused loops, one line each (empty when there are none), for <see cref="Graph.ExecutionPlan"/>.</summary>
    public string Describe() => string.Concat(steps.Where(s => s.Fused is not null).Select(s =>
        $"\n  fused into one loop over {s.Fused!.Elements:N0} elements: {string.Join(", ", s.Members.Select(e => graph.Equations[e].Primitive.Name))}"));

    public Tensor[] Run(Tensor[] args)
    {
        var arena = useArena ? arenas.TryTake(out var kept) ? kept : new Arena() : null;
        try { return Run(args, arena); }
        finally { if (arena is not null) arenas.Add(arena); }
    }

    private Tensor[] Run(Tensor[] args, Arena? arena)
    {
        var values = new Dictionary<int, Tensor>();
        for (int i = 0; i < graph.Inputs.Length; i++) values[graph.Inputs[i].Id] = args[i];
        Tensor Value(object atom) => atom as Tensor ?? values[((Graph.Variable)atom).Id];
        using var scope = arena?.Activate(0);
        foreach (var step in steps)
        {
            // A result must outlive the call: computed outside the arena, in memory of its own.
            using (step.OutsideArena && arena is not null ? Arena.Suspend() : default)
                if (step.Fused is { } fused)
                {
                    var results = fused.Loop.Run(fused.Operands.Select(o => Operand(Value(o.Value), o.Expand, fused.Elements)).ToArray(),
                        interpret: false, maxThreads: fused.Elements < ParallelFusedSize ? 1 : null);
                    for (int k = 0; k < results.Length; k++)
                        values[fused.Results[k].Id] = new Tensor(fused.Results[k].Shape, results[k].Data);
                }
                else
                {
                    var eq = graph.Equations[step.Members[0]];
                    values[eq.Output.Id] = eq.Primitive.Eval(eq.Inputs.Select(Value).ToArray(), eq.Output.Shape);
                }
            foreach (int id in step.Released) values.Remove(id);
        }
        // A result that only renames an intermediate (a reshape) would share the arena's buffer: copy it out.
        return graph.Outputs.Select(atom => Value(atom) is var t && arena is not null && arena.Owns(t.Data) ? new Tensor(t.shape, (double[])t.Data.Clone()) : t).ToArray();
    }

    // ---- Fusion -------------------------------------------------------------------------------------

    /// <summary>
    /// The program split into units in an order that computes every value before it is read: runs of element-wise
    /// equations (and reshapes of their values) on arrays of one size, and single equations. An equation that reads
    /// nothing of the open run goes before it, so a run is not cut by unrelated work (the Hessian's tangents interleave).
    /// </summary>
    private static List<int[]> FusedRuns(Graph graph)
    {
        var equations = graph.Equations;
        var units = new List<int[]>();
        var run = new List<int>();
        var inRun = new HashSet<Graph.Variable>();
        int size = 0;
        void Close()
        {
            if (run.Count > 0) units.Add(run.ToArray());
            run.Clear();
            inRun.Clear();
        }
        for (int e = 0; e < equations.Length; e++)
        {
            var eq = equations[e];
            int n = Shapes.Size(eq.Output.Shape);
            bool readsRun = eq.Inputs.Any(a => a is Graph.Variable v && inRun.Contains(v));
            bool elementWise = eq.Primitive.Lane is not null && n >= MinimumFusedSize && eq.Inputs.All(a => Shapes.Size(PixelPlan.ShapeOf(a)) is 1 || Shapes.Size(PixelPlan.ShapeOf(a)) <= n);
            bool joins = (elementWise || eq.Primitive is ReshapeP && readsRun) && (run.Count == 0 || n == size);
            if (joins)
            {
                run.Add(e);
                inRun.Add(eq.Output);
                size = n;
                continue;
            }
            if (readsRun || elementWise) Close(); // it needs the run's values, or starts a run of another size
            if (elementWise) { run.Add(e); inRun.Add(eq.Output); size = n; }
            else units.Add([e]);
        }
        Close();
        return units;
    }

    /// <summary>
    /// Compiles a run of equations into one loop over its elements, or null when it is not worth it (a single
    /// element-wise equation) or cannot be compiled (the loop then runs equation by equation).
    /// </summary>
    private static FusedRun? Fuse(Graph graph, int[] run)
    {
        var equations = graph.Equations;
        if (run.Count(e => equations[e].Primitive.Lane is not null) < 2) return null;
        int n = Shapes.Size(equations[run[0]].Output.Shape);
        var members = run.Select(e => equations[e].Output).ToHashSet();

        // The loop's own graph: every value of the run is one flat axis of n elements.
        int nextId = 0;
        Graph.Variable NewVariable(int[] shape) => new(nextId++, shape);
        var flatOf = new Dictionary<Graph.Variable, Graph.Variable>();
        var operands = new List<(Graph.Variable Value, int[]? Expand)>();
        var operandVariables = new List<Graph.Variable>();
        var operandIndex = new Dictionary<(Graph.Variable, string), Graph.Variable>();
        var flatEquations = new List<Graph.Equation>();
        var flatConstants = new Dictionary<(Tensor, string), Tensor>(new ConstantKey());

        object FlatAtom(object atom, int[] shape)
        {
            if (atom is Graph.Variable member && flatOf.TryGetValue(member, out var inner)) return inner;
            var own = PixelPlan.ShapeOf(atom);
            int size = Shapes.Size(own);
            int[]? expand = size == 1 || size == n ? null : shape;
            // A constant is flattened (or expanded) once, here; the same constant is one operand of the loop.
            if (atom is Tensor constant)
                return flatConstants.TryGetValue((constant, Shapes.Format(expand ?? [])), out var known) ? known
                    : flatConstants[(constant, Shapes.Format(expand ?? []))] = size == 1 ? new Tensor([], [constant.Data[0]])
                    : new Tensor([n], expand is null ? constant.Data : Expand(constant, expand));
            var variable = (Graph.Variable)atom;
            var key = (variable, expand is null ? "" : Shapes.Format(expand));
            if (!operandIndex.TryGetValue(key, out var flat))
            {
                operandIndex[key] = flat = NewVariable(size == 1 ? [] : [n]);
                operands.Add((variable, expand));
                operandVariables.Add(flat);
            }
            return flat;
        }

        foreach (int e in run)
        {
            var eq = equations[e];
            if (eq.Primitive is ReshapeP)
            {
                flatOf[eq.Output] = (Graph.Variable)FlatAtom(eq.Inputs[0], eq.Output.Shape);
                continue;
            }
            var output = NewVariable([n]);
            flatEquations.Add(new Graph.Equation(eq.Primitive, eq.Inputs.Select(a => FlatAtom(a, eq.Output.Shape)).ToArray(), output));
            flatOf[eq.Output] = output;
        }

        // The run's results: its values read by other equations (which come after it) or returned.
        var readLater = equations.Where((_, e) => !run.Contains(e)).SelectMany(eq => eq.Inputs).OfType<Graph.Variable>()
            .Concat(graph.Outputs.OfType<Graph.Variable>()).Where(members.Contains).ToHashSet();
        var results = run.Select(e => equations[e].Output).Where(readLater.Contains).ToArray();
        if (results.Length == 0) return null;
        var flatGraph = new Graph([.. operandVariables], [.. flatEquations], [.. results.Select(r => (object)flatOf[r])]);
        return BlockedProgram.ForElementWise(flatGraph, n) is { } loop
            ? new FusedRun(loop, n, [.. operands], results)
            : null;
    }

    /// <summary>A constant and how it is expanded, the constant by reference (a graph's constants are compared so).</summary>
    private sealed class ConstantKey : IEqualityComparer<(Tensor Constant, string Expand)>
    {
        public bool Equals((Tensor Constant, string Expand) a, (Tensor Constant, string Expand) b) => ReferenceEquals(a.Constant, b.Constant) && a.Expand == b.Expand;
        public int GetHashCode((Tensor Constant, string Expand) key) => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.Constant), key.Expand);
    }

    /// <summary>A value broadcast to <paramref name="shape"/>, its elements in row-major order.</summary>
    private static double[] Expand(Tensor value, int[] shape) =>
        Kernels.Gather(value.Data, 0, Shapes.BroadcastStrides(value.shape, shape), shape);

    /// <summary>An operand as the loop reads it: one flat axis (expanded first where it broadcasts) or a scalar.</summary>
    private static Tensor Operand(Tensor value, int[]? expand, int n) =>
        value.Size == 1 ? new Tensor([], value.Data) : new Tensor([n], expand is null ? value.Data : Expand(value, expand));
}
