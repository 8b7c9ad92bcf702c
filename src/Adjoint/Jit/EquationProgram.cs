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
    /// <paramref name="Operands"/> (values of the program, gathered in the loop's order where their <see cref="Layout"/>
    /// says, else seen as one flat axis or a scalar) and gives the <paramref name="Results"/> (values of the program).
    /// </summary>
    private sealed record FusedRun(BlockedProgram Loop, int Elements, (Graph.Variable Value, Layout? Layout)[] Operands, Graph.Variable[] Results);

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
                    var results = fused.Loop.Run(fused.Operands.Select(o => Operand(Value(o.Value), o.Layout, fused.Elements)).ToArray(),
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
    /// A transpose of the run's only result ends the run: the loop then computes in the transposed order (see
    /// <see cref="Fuse"/>), as JacFwd's final transpose of its tangents asks.
    /// </summary>
    private static List<int[]> FusedRuns(Graph graph)
    {
        var equations = graph.Equations;
        var uses = new Dictionary<Graph.Variable, int>();
        foreach (var v in equations.SelectMany(eq => eq.Inputs).Concat(graph.Outputs).OfType<Graph.Variable>())
            uses[v] = uses.GetValueOrDefault(v) + 1;
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
        void Join(int e)
        {
            run.Add(e);
            inRun.Add(equations[e].Output);
            size = Shapes.Size(equations[e].Output.Shape);
        }
        // Whether every value of the run is read only inside it (once the transpose reads its last one).
        bool OnlyReadInside(int transpose) => inRun.All(v => uses[v] == run.Append(transpose)
            .Sum(e => equations[e].Inputs.Count(a => a is Graph.Variable u && u == v)));
        for (int e = 0; e < equations.Length; e++)
        {
            var eq = equations[e];
            int n = Shapes.Size(eq.Output.Shape);
            bool readsRun = eq.Inputs.Any(a => a is Graph.Variable v && inRun.Contains(v));
            bool elementWise = eq.Primitive.Lane is not null && n >= MinimumFusedSize;
            if ((elementWise || eq.Primitive is ReshapeP && readsRun) && (run.Count == 0 || n == size)) { Join(e); continue; }
            if (eq.Primitive is TransposeP && readsRun && OnlyReadInside(e) && SqueezedShapesAgree(run.Select(m => equations[m].Output.Shape)))
            {
                Join(e);
                Close();
                continue;
            }
            if (readsRun || elementWise) Close(); // it needs the run's values, or starts a run of another size
            if (elementWise) Join(e);
            else units.Add([e]);
        }
        Close();
        return units;
    }

    /// <summary>Whether the shapes are equal but for axes of length 1 (reshapes that only add or drop such axes).</summary>
    private static bool SqueezedShapesAgree(IEnumerable<int[]> shapes) =>
        shapes.Select(s => Shapes.Format(s.Where(d => d != 1).ToArray())).Distinct().Count() == 1;

    /// <summary>
    /// Compiles a run of equations into one loop over its elements, or null when it is not worth it (a single
    /// element-wise equation) or cannot be compiled (the loop then runs equation by equation).
    /// </summary>
    /// <remarks>
    /// The loop's own graph sees every value of the run as one flat axis of n elements, in the row-major order of the
    /// run's values (reshapes change nothing), or, where the run ends with a transpose, in the transposed order: each
    /// operand is then read through the permutation, so the transpose itself costs nothing. An operand that broadcasts
    /// or is read in another order is gathered into that order first: a constant once, here; a value of the program
    /// at each call.
    /// </remarks>
    private static FusedRun? Fuse(Graph graph, int[] run)
    {
        var equations = graph.Equations;
        if (run.Count(e => equations[e].Primitive.Lane is not null) < 2) return null;
        int n = Shapes.Size(equations[run[0]].Output.Shape);
        var members = run.Select(e => equations[e].Output).ToHashSet();
        var transpose = equations[run[^1]] is { Primitive: TransposeP } last ? last : null;

        // How an operand of an equation with output shape `shape` is read in the loop's order: null for as it is.
        Layout? LayoutOf(int[] own, int[] shape)
        {
            if (Shapes.Size(own) == 1 || Shapes.Size(own) == n && transpose is null) return null;
            var strides = Shapes.BroadcastStrides(own, shape);
            if (transpose is null) return new Layout(strides, shape);
            // Onto the transposed order: the run's axes longer than 1 are the same in every value (SqueezedShapesAgree).
            var kept = strides.Where((_, i) => shape[i] != 1).ToArray();
            var before = ((Graph.Variable)transpose.Inputs[0]).Shape;
            var permutation = ((TransposeP)transpose.Primitive).FullPermutation(before.Length);
            var position = before.Select((d, i) => before.Take(i).Count(x => x != 1)).ToArray();
            return new Layout(permutation.Select(p => before[p] == 1 ? 0 : kept[position[p]]).ToArray(), transpose.Output.Shape);
        }

        int nextId = 0;
        Graph.Variable NewVariable(int[] shape) => new(nextId++, shape);
        var flatOf = new Dictionary<Graph.Variable, Graph.Variable>();
        var operands = new List<(Graph.Variable Value, Layout? Layout)>();
        var operandVariables = new List<Graph.Variable>();
        var operandIndex = new Dictionary<(Graph.Variable, string), Graph.Variable>();
        var flatEquations = new List<Graph.Equation>();
        var flatConstants = new Dictionary<(Tensor, string), Tensor>(new ConstantKey());

        object FlatAtom(object atom, int[] shape)
        {
            if (atom is Graph.Variable member && flatOf.TryGetValue(member, out var inner)) return inner;
            var own = PixelPlan.ShapeOf(atom);
            var layout = LayoutOf(own, shape);
            var key = layout?.ToString() ?? "";
            // A constant is laid out once, here; the same constant is one operand of the loop.
            if (atom is Tensor constant)
                return flatConstants.TryGetValue((constant, key), out var known) ? known
                    : flatConstants[(constant, key)] = Operand(constant, layout, n);
            var variable = (Graph.Variable)atom;
            if (!operandIndex.TryGetValue((variable, key), out var flat))
            {
                operandIndex[(variable, key)] = flat = NewVariable(Shapes.Size(own) == 1 ? [] : [n]);
                operands.Add((variable, layout));
                operandVariables.Add(flat);
            }
            return flat;
        }

        foreach (int e in run)
        {
            var eq = equations[e];
            if (eq.Primitive is ReshapeP or TransposeP)
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

    /// <summary>Reading an operand in the loop's order: element k of <see cref="Shape"/> (row-major) is at Σ index·stride.</summary>
    private sealed record Layout(int[] Strides, int[] Shape)
    {
        public override string ToString() => $"{string.Join(",", Strides)}/{string.Join(",", Shape)}";
    }

    /// <summary>A constant and how the loop reads it, the constant by reference (a graph's constants are compared so).</summary>
    private sealed class ConstantKey : IEqualityComparer<(Tensor Constant, string Layout)>
    {
        public bool Equals((Tensor Constant, string Layout) a, (Tensor Constant, string Layout) b) => ReferenceEquals(a.Constant, b.Constant) && a.Layout == b.Layout;
        public int GetHashCode((Tensor Constant, string Layout) key) => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.Constant), key.Layout);
    }

    /// <summary>An operand as the loop reads it: a scalar, one flat axis as it is, or gathered in the loop's order.</summary>
    private static Tensor Operand(Tensor value, Layout? layout, int n) =>
        value.Size == 1 ? new Tensor([], [value.Data[0]])
        : new Tensor([n], layout is null ? value.Data : Kernels.Gather(value.Data, 0, layout.Strides, layout.Shape));
}
