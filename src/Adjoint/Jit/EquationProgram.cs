namespace Adjoint;

/// <summary>
/// Runs a graph equation by equation (the programs that <see cref="BlockedProgram"/> does not block over pixels,
/// such as a small Hessian). Planned once: which equation reads each value last, so that it is released then.
/// </summary>
/// <remarks>
/// A call of a small program is dominated by memory, not arithmetic: each equation writes a fresh array, which the
/// garbage collector must then reclaim, and fresh memory is cold in cache. So the intermediates come from an
/// <see cref="Arena"/> kept between calls (the k-th array a call asks for is the k-th array of the last call), and
/// only the results are fresh arrays. The arena holds at most <see cref="MaximumArenaElements"/> numbers: larger
/// programs allocate as eager code does and let each intermediate go after its last use.
/// </remarks>
internal sealed class EquationProgram
{
    /// <summary>32 MB per arena: kept for the life of the jitted function (one arena per concurrent caller).</summary>
    internal const long MaximumArenaElements = 4L << 20;

    private readonly Graph graph;
    private readonly int[][] releasedAfter;   // per equation: the input positions whose value it reads last
    private readonly bool[] outsideArena;     // per equation: its value is a result, or user code computes it
    private readonly bool useArena;
    private readonly System.Collections.Concurrent.ConcurrentBag<Arena> arenas = [];

    public EquationProgram(Graph graph)
    {
        this.graph = graph;
        var equations = graph.Equations;
        var lastUse = new Dictionary<Graph.Variable, int>();
        for (int e = 0; e < equations.Length; e++)
            foreach (var v in equations[e].Inputs.OfType<Graph.Variable>()) lastUse[v] = e;
        var outputs = graph.Outputs.OfType<Graph.Variable>().ToHashSet();
        releasedAfter = equations.Select((eq, e) => eq.Inputs.OfType<Graph.Variable>().Distinct()
            .Where(v => lastUse[v] == e && !outputs.Contains(v) && !graph.Inputs.Contains(v)).Select(v => v.Id).ToArray()).ToArray();
        // User code (a custom rule's function) may keep what it computes: it gets fresh arrays too.
        outsideArena = equations.Select(eq => outputs.Contains(eq.Output) || eq.Primitive is Primitives.CustomCall).ToArray();
        long intermediates = equations.Where(eq => !outputs.Contains(eq.Output)).Sum(eq => (long)Shapes.Size(eq.Output.Shape));
        useArena = intermediates <= MaximumArenaElements;
    }

    /// <summary>Whether its intermediates come from arenas kept between calls (small enough programs).</summary>
    public bool KeepsArena => useArena;

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
        var equations = graph.Equations;
        using var scope = arena?.Activate(0);
        for (int e = 0; e < equations.Length; e++)
        {
            var eq = equations[e];
            var inputs = eq.Inputs.Select(Value).ToArray();
            // A result must outlive the call: computed outside the arena, in memory of its own.
            using (outsideArena[e] && arena is not null ? Arena.Suspend() : default)
                values[eq.Output.Id] = eq.Primitive.Eval(inputs, eq.Output.Shape);
            foreach (int id in releasedAfter[e]) values.Remove(id);
        }
        // A result that only renames an intermediate (a reshape) would share the arena's buffer: copy it out.
        return graph.Outputs.Select(atom => Value(atom) is var t && arena is not null && arena.Owns(t.Data) ? new Tensor(t.shape, (double[])t.Data.Clone()) : t).ToArray();
    }
}
