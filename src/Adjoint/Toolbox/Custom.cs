namespace Adjoint.Primitives;

/// <summary>
/// stop_gradient: the identity on values, a constant for every derivative (forward, reverse, any order).
/// Not differentiable, so the JVP and reverse traces treat its output as a constant.
/// </summary>
internal sealed class StopGradientP : Primitive
{
    public static readonly StopGradientP Op = new();
    public override string Name => "stop_gradient";
    internal override bool MovesElements => true;
    public override bool IsDifferentiable => false;
    public override int[] OutputShape(int[][] inputs) => inputs[0];
    public override Tensor Eval(Tensor[] x, int[] outputShape) => x[0];
    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => null;
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => null;

    /// <summary>The identity on values: it works pixel by pixel (on blocks, in the fused loop and on the GPU).</summary>
    internal override Primitive? OnBlocks(BlockShapes map, int[][] inputs) => this;
}

/// <summary>
/// A user function bound as one primitive, so that every transformation sees a single equation and uses
/// the rule the user gave instead of differentiating the function's body. Each call of
/// <c>Ad.CustomJvp</c> or
/// <c>Ad.CustomVjp</c> makes a new one, with an identity of its own (two custom functions are never merged by Jit).
/// </summary>
internal abstract class CustomCall(string name, Func<Tensor[], Tensor> f) : Primitive
{
    private static int counter;
    private readonly int id = Interlocked.Increment(ref counter);
    private readonly Dictionary<string, int[]> shapes = [];

    public Func<Tensor[], Tensor> Function => f;
    public override string Name => name;
    public override Param[] Params => [Param.Integer("id", id, listed: false)];

    /// <summary>The output shape, found by tracing f on shapes only (once per input shape signature).</summary>
    public override int[] OutputShape(int[][] inputs)
    {
        var key = string.Join(";", inputs.Select(s => Shapes.Format(s)));
        lock (shapes)
            if (shapes.TryGetValue(key, out var known)) return known;
        var shape = ShapeTrace.OutputShape(f, inputs);
        lock (shapes) shapes[key] = shape;
        return shape;
    }

    /// <summary>
    /// The same custom function for inputs that carry a batch on a leading axis (<paramref name="batched"/>[i]: whether
    /// input i does): f and the rule are vmapped, so the rule stays in force under Vmap.
    /// </summary>
    internal abstract override Primitive Batched(bool[] batched);

    /// <summary>Vmap over the batched inputs only.</summary>
    protected static int?[] InAxes(bool[] batched) => batched.Select(b => b ? (int?)0 : null).ToArray();

    protected Func<Tensor[], Tensor> BatchedFunction(bool[] batched) => x => Ad.VmapCore(a => [f(a)], x, InAxes(batched), [0])[0];

    /// <summary>
    /// Runs a user rule once per index of the <paramref name="lead"/> axes that JacFwd/JacRev put before each of
    /// <paramref name="mapped"/>, as one Vmap: the rule sees one tangent (cotangent) at a time, as in JAX.
    /// </summary>
    protected static Tensor[] OverLeadingAxes(int[] lead, Tensor[] mapped, Func<Tensor[], Tensor[]> rule)
    {
        if (lead.Length == 0) return rule(mapped);
        int count = Shapes.Size(lead);
        var flat = mapped.Select(m => Np.Reshape(m, [count, .. m.shape[lead.Length..]])).ToArray();
        var results = Ad.VmapCore(rule, flat, flat.Select(_ => (int?)0).ToArray(), outAxes: null);
        return results.Select(r => Np.Reshape(r, [.. lead, .. r.shape[1..]])).ToArray();
    }

    /// <summary>On numbers, the function itself (no trace is active below this level, so its body just computes).</summary>
    public override Tensor Eval(Tensor[] x, int[] outputShape) => f(x).Concrete();
}

/// <summary>
/// custom_jvp: f with a user JVP rule <c>(primals, tangents) ↦ output tangent</c>, linear in the tangents.
/// Forward mode calls the rule. Reverse mode transposes it: the rule's tangent map is traced in reverse mode at
/// tangent zero and pulled back, as JAX linearizes and transposes custom JVP rules. Rules are tensor code, so an
/// outer transformation differentiates the rule itself (Grad(Grad(f)) differentiates the rule once more).
/// </summary>
internal sealed class CustomJvpP(Func<Tensor[], Tensor> f, Func<Tensor[], Tensor[], Tensor> rule) : CustomCall("custom_jvp_call", f)
{
    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => throw new System.Diagnostics.UnreachableException();

    /// <summary>Tangents here are one basis vector each (<see cref="Jvp(Tensor[], Tensor, Tensor?[], Func{int, Tensor})"/> maps over JacFwd's axes), batched like their primals.</summary>
    internal override Primitive Batched(bool[] batched) => new CustomJvpP(BatchedFunction(batched), (x, dx) =>
        Ad.VmapCore(a => [rule(a[..x.Length], a[x.Length..])], [.. x, .. dx], [.. InAxes(batched), .. InAxes(batched)], null)[0]);

    /// <summary>
    /// Missing (zero) tangents are given as zeros: the rule sees one tangent per primal, of its primal's shape, one
    /// JacFwd basis vector at a time (the forward trace may have given lower-rank tangents extra size-1 axes).
    /// </summary>
    public override Tensor? Jvp(Tensor[] x, Tensor y, Tensor?[] dx, Func<int, Tensor> zeroTangent)
    {
        int k = Array.FindIndex(dx, t => t is not null);
        var lead = dx[k]!.shape[..(dx[k]!.Rank - x.Max(p => p.Rank))];
        var tangents = dx.Select((t, i) => t is null ? zeroTangent(i) : Np.Reshape(t, [.. lead, .. x[i].shape])).ToArray();
        return OverLeadingAxes(lead, tangents, t => [rule(x, t)])[0];
    }

    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct)
    {
        var zeros = x.Select(p => Np.Zeros(p.shape)).ToArray();
        var (_, pullback) = Ad.VjpCore(dx => [rule(x, dx)], zeros, [i]);
        return pullback([ct])[0];
    }
}

/// <summary>
/// custom_vjp: f with a forward pass <c>fwd(x) = (output, residuals)</c> and a backward pass
/// <c>bwd(residuals, output cotangent) = input cotangents</c>. Reverse mode at every level uses bwd (itself
/// differentiated by outer reverse levels). Forward mode is refused, as in JAX.
/// </summary>
/// <param name="f">The function (for shapes and, without <paramref name="forward"/>, evaluation).</param>
/// <param name="backward">bwd after fwd run again on the inputs: (x, y, ct) ↦ cotangents (nested levels, Vmap).</param>
/// <param name="forward">fwd, giving the output and bwd closed over the residuals: evaluation runs it, and the
/// backward pass of that evaluation's output uses the residuals kept with it, so fwd runs once.</param>
internal sealed class CustomVjpP(Func<Tensor[], Tensor> f, Func<Tensor[], Tensor, Tensor, Tensor[]> backward,
    Func<Tensor[], (Tensor Output, Func<Tensor, Tensor[]> Backward)>? forward = null) : CustomCall("custom_vjp_call", f)
{
    /// <summary>bwd with the residuals of the evaluation that computed each output (weakly: they go with the output).</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<Tensor, Func<Tensor, Tensor[]>> residuals = [];

    public override Tensor Eval(Tensor[] x, int[] outputShape)
    {
        if (forward is null) return base.Eval(x, outputShape);
        var (output, pullback) = forward(x);
        output = output.Concrete();
        residuals.AddOrUpdate(output, pullback);
        return output;
    }

    public override bool HasForwardRule => false;

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) =>
        throw new InvalidOperationException(
            "can't apply forward-mode autodiff (Jvp, JacFwd, Hessian) to a CustomVjp function: it has a reverse-mode rule only. " +
            "Use Grad/JacRev/Vjp (nested as you like), or give the function a CustomJvp rule instead.");

    /// <summary>
    /// The cotangent here is one basis vector (<see cref="Vjp(Tensor[], Tensor, Tensor, bool[])"/> maps over JacRev's axes), batched like the
    /// output. The cotangents of unbatched inputs (shared by every example) are summed over the batch.
    /// </summary>
    internal override Primitive Batched(bool[] batched) => new CustomVjpP(BatchedFunction(batched), (x, y, ct) =>
    {
        var cts = Ad.VmapCore(a => backward(a[..x.Length], Np.Zeros(y.shape[1..]), a[x.Length]), [.. x, ct], [.. InAxes(batched), 0], null);
        return cts.Select((c, i) => batched[i] ? c : Np.Sum(c, 0)).ToArray();
    });

    /// <summary>bwd gives the cotangents of all inputs at once: one run of it (and of fwd only when the output's residuals are not kept).</summary>
    public override Tensor?[] Vjp(Tensor[] x, Tensor y, Tensor ct, bool[] wanted)
    {
        Func<Tensor, Tensor[]> bwd = residuals.TryGetValue(y, out var kept) ? kept : c => backward(x, y, c);
        var cts = OverLeadingAxes(ct.shape[..(ct.Rank - y.Rank)], [ct], c => bwd(c[0]));
        if (cts.Length != x.Length)
            throw new ArgumentException($"CustomVjp: bwd returned {cts.Length} cotangent(s) for a function of {x.Length} argument(s); return one per argument.");
        return cts;
    }

    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => Vjp(x, y, ct, [.. x.Select((_, j) => j == i)])[i];
}

/// <summary>
/// checkpoint (rematerialisation): f as one equation whose reverse rule recomputes f's body instead of keeping
/// its intermediates on the tape. The tape of the enclosing reverse pass holds only f's inputs and output; the
/// backward pass re-traces f (one segment at a time) and pulls the cotangent back through that short tape.
/// Forward mode simply differentiates f's body.
/// </summary>
internal sealed class CheckpointP(Func<Tensor[], Tensor> f) : CustomCall("checkpoint", f)
{
    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => throw new System.Diagnostics.UnreachableException();

    public override Tensor? Jvp(Tensor[] x, Tensor y, Tensor?[] dx, Func<int, Tensor> zeroTangent)
    {
        int k = Array.FindIndex(dx, t => t is not null);
        var lead = dx[k]!.shape[..(dx[k]!.Rank - x.Max(p => p.Rank))];
        var tangents = dx.Select((t, i) => t is null ? null : Np.Reshape(t, [.. lead, .. x[i].shape])).ToArray();
        return Ad.JvpCore(a => [Function(a)], x, tangents, lead).Tangents[0];
    }

    /// <summary>Recomputes f once with a fresh tape and pulls the cotangent back through it to every wanted input.</summary>
    public override Tensor?[] Vjp(Tensor[] x, Tensor y, Tensor ct, bool[] wanted)
    {
        int[] argnums = [.. Enumerable.Range(0, x.Length).Where(i => wanted[i])];
        var cts = Ad.VjpCore(a => [Function(a)], x, argnums).Pullback([ct]);
        var result = new Tensor?[x.Length];
        for (int k = 0; k < argnums.Length; k++) result[argnums[k]] = cts[k];
        return result;
    }

    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => Vjp(x, y, ct, [.. x.Select((_, j) => j == i)])[i];

    internal override Primitive Batched(bool[] batched) => new CheckpointP(BatchedFunction(batched));
}
