namespace Adjoint;

public static partial class Ad
{
    /// <summary>
    /// Runs f once on a batch: argument i is mapped over its axis <paramref name="inAxes"/>[i] (null: the same
    /// value for every example), and each output gets the batch at axis <paramref name="outAxes"/>[k] (axis 0 when null).
    /// </summary>
    internal static Tensor[] VmapCore(Func<Tensor[], Tensor[]> f, Tensor[] args, int?[] inAxes, int[]? outAxes)
    {
        if (inAxes.Length != args.Length)
            throw new ArgumentException($"vmap: in_axes has {inAxes.Length} entries for {args.Length} argument(s).");
        int? size = null;
        var moved = new Tensor[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            if (inAxes[i] is not { } axis) { moved[i] = args[i]; continue; }
            if (args[i].Rank == 0)
                throw new ShapeException($"vmap: argument {i} is a scalar (shape ()), it has no axis {axis} to map over; give it in_axes null.");
            int a = Shapes.Axis(axis, args[i].Rank, "vmap");
            if (size is { } n && args[i].shape[a] != n)
                throw new ShapeException($"vmap: mapped axes have different sizes: argument {i} has shape {Shapes.Format(args[i].shape)} (size {args[i].shape[a]} on axis {a}), an earlier one size {n}.");
            size = args[i].shape[a];
            moved[i] = Np.Moveaxis(args[i], a, 0);
        }
        if (size is null) throw new ArgumentException("vmap: at least one argument must be mapped (in_axes all null).");

        var trace = new BatchTrace(size.Value);
        Tensor[] outputs;
        try { outputs = f(moved.Select((x, i) => inAxes[i] is null ? x : trace.Wrap(x)).ToArray()); }
        finally { trace.Exit(); }
        return outputs.Select((y, k) =>
        {
            // An output that does not depend on the mapped arguments is the same for every example.
            var value = trace.Batched(y) ?? Np.BroadcastTrailing(y, y.shape, [size.Value, .. y.shape]);
            return Np.Moveaxis(value, 0, Shapes.Axis(outAxes?[k] ?? 0, value.Rank, "vmap"));
        }).ToArray();
    }

    /// <summary>
    /// <c>jax.vmap</c>: f mapped over axis <paramref name="inAxes"/> of its argument, results stacked on axis
    /// <paramref name="outAxes"/>, computed in one pass on the whole batch (not a loop). Composes with every
    /// transformation: <c>Vmap(Grad(loss))</c> gives per-example gradients, <c>Jit(Vmap(f))</c> compiles the batch.
    /// </summary>
    public static Func<Tensor, Tensor> Vmap(Func<Tensor, Tensor> f, int inAxes = 0, int outAxes = 0) =>
        x => VmapCore(a => [f(a[0])], [x], [inAxes], [outAxes])[0];

    /// <summary><c>jax.vmap</c> of a function of two arguments; an in-axis of null passes that argument whole to every example.</summary>
    public static Func<Tensor, Tensor, Tensor> Vmap(Func<Tensor, Tensor, Tensor> f, (int?, int?) inAxes, int outAxes = 0) =>
        (x, y) => VmapCore(a => [f(a[0], a[1])], [x, y], [inAxes.Item1, inAxes.Item2], [outAxes])[0];

    /// <summary><c>jax.vmap</c> of a function of two arguments, both mapped over axis 0.</summary>
    public static Func<Tensor, Tensor, Tensor> Vmap(Func<Tensor, Tensor, Tensor> f) => Vmap(f, (0, 0));

    /// <summary><c>jax.vmap</c> of a function of several arguments (in-axis null: not mapped).</summary>
    public static Func<Tensor[], Tensor> Vmap(Func<Tensor[], Tensor> f, int?[] inAxes, int outAxes = 0) =>
        args => VmapCore(a => [f(a)], args, inAxes, [outAxes])[0];
}
