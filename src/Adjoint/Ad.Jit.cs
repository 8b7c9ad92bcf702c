namespace Adjoint;

public static partial class Ad
{
    /// <summary>
    /// Traces f into a <see cref="Graph"/> (without computing anything) for arguments of the given
    /// shapes; print it to see the program, as <c>jax.make_jaxpr</c>.
    /// </summary>
    public static Func<Tensor, Graph> MakeGraph(Func<Tensor, Tensor> f) => x => Capture(a => [f(a[0])], [x]);
    public static Func<Tensor, Tensor, Graph> MakeGraph(Func<Tensor, Tensor, Tensor> f) => (x1, x2) => Capture(a => [f(a[0], a[1])], [x1, x2]);
    public static Func<Tensor, Tensor, Tensor, Graph> MakeGraph(Func<Tensor, Tensor, Tensor, Tensor> f) =>
        (x1, x2, x3) => Capture(a => [f(a[0], a[1], a[2])], [x1, x2, x3]);
    public static Func<Tensor, Tensor, Tensor, Tensor, Graph> MakeGraph(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f) =>
        (x1, x2, x3, x4) => Capture(a => [f(a[0], a[1], a[2], a[3])], [x1, x2, x3, x4]);

    /// <summary>
    /// Compiles f: traces it once per input shape signature into a graph, simplifies the graph
    /// (constant folding, common subexpressions, dead code) and runs the compiled program on later
    /// calls. Composes with every transformation: Jit(Hessian(f)), Grad(Jit(f)) (which traces through).
    /// </summary>
    public static Func<Tensor, Tensor> Jit(Func<Tensor, Tensor> f) => Jit(f, Compile);
    public static Func<Tensor, Tensor, Tensor> Jit(Func<Tensor, Tensor, Tensor> f) => Jit(f, Compile);
    public static Func<Tensor, Tensor, Tensor, Tensor> Jit(Func<Tensor, Tensor, Tensor, Tensor> f) => Jit(f, Compile);
    public static Func<Tensor, Tensor, Tensor, Tensor, Tensor> Jit(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f) => Jit(f, Compile);

    /// <summary>
    /// <see cref="Jit(Func{Tensor, Tensor})"/> with another compiler of simplified graphs into programs: an execution
    /// backend's (Adjoint.Gpu's, which plans each graph with <see cref="Execution.PixelProgram.Plan"/>). The programs
    /// are cached per input shape signature as Jit's own.
    /// </summary>
    public static Func<Tensor, Tensor> Jit(Func<Tensor, Tensor> f, Func<Graph, Func<Tensor[], Tensor[]>> compile)
    {
        var compiled = new Compiled(a => [f(a[0])], compile);
        return x => compiled.Call([x])[0];
    }

    public static Func<Tensor, Tensor, Tensor> Jit(Func<Tensor, Tensor, Tensor> f, Func<Graph, Func<Tensor[], Tensor[]>> compile)
    {
        var compiled = new Compiled(a => [f(a[0], a[1])], compile);
        return (x1, x2) => compiled.Call([x1, x2])[0];
    }

    public static Func<Tensor, Tensor, Tensor, Tensor> Jit(Func<Tensor, Tensor, Tensor, Tensor> f, Func<Graph, Func<Tensor[], Tensor[]>> compile)
    {
        var compiled = new Compiled(a => [f(a[0], a[1], a[2])], compile);
        return (x1, x2, x3) => compiled.Call([x1, x2, x3])[0];
    }

    public static Func<Tensor, Tensor, Tensor, Tensor, Tensor> Jit(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, Func<Graph, Func<Tensor[], Tensor[]>> compile)
    {
        var compiled = new Compiled(a => [f(a[0], a[1], a[2], a[3])], compile);
        return (x1, x2, x3, x4) => compiled.Call([x1, x2, x3, x4])[0];
    }

    /// <summary>Compiles a tree function: one graph per argument structure and shapes (see <see cref="Jit(Func{Tensor, Tensor})"/>).</summary>
    public static Func<TIn, TOut> Jit<TIn, TOut>(Func<TIn, TOut> f)
    {
        var compiled = new Dictionary<TreeDef, (TreeFunction<TIn, TOut> Flat, Compiled Program)>();
        return x =>
        {
            var (leaves, def) = Tree.Flatten(x!);
            (TreeFunction<TIn, TOut> Flat, Compiled Program) entry;
            lock (compiled)
                if (!compiled.TryGetValue(def, out entry))
                {
                    var flat = new TreeFunction<TIn, TOut>(f, def);
                    compiled[def] = entry = (flat, new Compiled(flat.Call, Compile));
                }
            var ys = entry.Program.Call(leaves);
            return Tree.Rebuild<TOut>(entry.Flat.OutDef, ys, "result");
        };
    }

    internal static Graph Capture(Func<Tensor[], Tensor[]> f, Tensor[] args)
    {
        var trace = new GraphTrace();
        try
        {
            var outputs = f(args.Select(a => (Tensor)trace.NewInput(a.shape)).ToArray());
            return trace.Finish(outputs);
        }
        finally { trace.Exit(); }
    }

    /// <summary>Large graphs run block by block over their pixels; the others equation by equation.</summary>
    internal static Func<Tensor[], Tensor[]> Compile(Graph graph) =>
        BlockedProgram.TryCreate(graph) is { } blocked ? blocked.Run : new EquationProgram(graph).Run;

    /// <summary>
    /// The most programs one jitted function keeps: a program holds its working buffers (tens of MB for an image), and
    /// a loop over many sizes (a scaling chart) would otherwise keep one per size for the life of the process.
    /// </summary>
    internal const int MaxProgramsPerFunction = 32;

    /// <summary>
    /// A jitted function: one program per input shape signature, made by <paramref name="compile"/> from the simplified
    /// graph; beyond <see cref="MaxProgramsPerFunction"/> signatures the least recently called program is dropped
    /// (and compiled again if its shapes come back).
    /// </summary>
    private sealed class Compiled(Func<Tensor[], Tensor[]> f, Func<Graph, Func<Tensor[], Tensor[]>> compile)
    {
        private readonly Dictionary<string, (Func<Tensor[], Tensor[]> Program, long LastCall)> cache = [];
        private long calls;

        public Tensor[] Call(Tensor[] args)
        {
            // Inside another transformation the arguments are tracers: trace straight through f.
            if (args.Any(a => a is Tracer)) return f(args);
            var signature = string.Join(";", args.Select(a => Shapes.Format(a.shape)));
            Func<Tensor[], Tensor[]> program;
            lock (cache)
            {
                if (cache.TryGetValue(signature, out var entry)) program = entry.Program;
                else
                {
                    if (cache.Count == MaxProgramsPerFunction) cache.Remove(cache.MinBy(e => e.Value.LastCall).Key);
                    program = compile(Capture(f, args).Simplify());
                }
                cache[signature] = (program, ++calls);
            }
            return program(args);
        }
    }
}
