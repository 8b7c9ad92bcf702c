namespace Adjoint.Primitives;

/// <summary>
/// stop_gradient: the identity on values, a constant for every derivative (forward, reverse, any order).
/// Not differentiable, so the JVP and reverse traces treat its output as a constant.
/// </summary>
internal sealed class StopGradientP : Primitive
{
    public static readonly StopGradientP Op = new();
    public override string Name => "stop_gradient";
    public override bool IsDifferentiable => false;
    public override int[] OutputShape(int[][] inputs) => inputs[0];
    public override Tensor Eval(Tensor[] x, int[] outputShape) => x[0];
    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => null;
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => null;
}

/// <summary>
/// A user function bound as one primitive, so that every transformation sees a single equation and uses
/// the rule the user gave instead of differentiating the function's body. Each call of
/// <see cref="Ad.CustomJvp(Func{Tensor[], Tensor}, Func{Tensor[], Tensor[], ValueTuple{Tensor, Tensor}})"/> or
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

    /// <summary>On numbers, the function itself (no trace is active below this level, so its body just computes).</summary>
    public override Tensor Eval(Tensor[] x, int[] outputShape) => f(x).Concrete();
}

/// <summary>
/// custom_jvp: f with a user JVP rule <c>(primals, tangents) ↦ (output, output tangent)</c>, linear in the tangents.
/// Forward mode calls the rule. Reverse mode transposes it: the rule's tangent map is traced in reverse mode at
/// tangent zero and pulled back, as JAX linearizes and transposes custom JVP rules. Rules are tensor code, so an
/// outer transformation differentiates the rule itself (Grad(Grad(f)) differentiates the rule once more).
/// </summary>
internal sealed class CustomJvpP(Func<Tensor[], Tensor> f, Func<Tensor[], Tensor[], (Tensor, Tensor)> rule) : CustomCall("custom_jvp_call", f)
{
    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => throw new System.Diagnostics.UnreachableException();

    /// <summary>Missing (zero) tangents are given as zeros: the rule sees one tangent per primal, as in JAX.</summary>
    public override Tensor? Jvp(Tensor[] x, Tensor y, Tensor?[] dx, Func<int, Tensor> zeroTangent) =>
        rule(x, dx.Select((t, i) => t ?? zeroTangent(i)).ToArray()).Item2;

    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct)
    {
        var zeros = x.Select(p => Np.Zeros(p.shape)).ToArray();
        var (_, pullback) = Ad.VjpCore(dx => [rule(x, dx).Item2], zeros, [i]);
        return pullback([ct])[0];
    }
}

/// <summary>
/// custom_vjp: f with a forward pass <c>fwd(x) = (output, residuals)</c> and a backward pass
/// <c>bwd(residuals, output cotangent) = input cotangents</c>. Reverse mode at every level uses bwd (itself
/// differentiated by outer reverse levels). Forward mode is refused, as in JAX.
/// </summary>
internal sealed class CustomVjpP(Func<Tensor[], Tensor> f, Func<Tensor[], Tensor, Tensor[]> backward) : CustomCall("custom_vjp_call", f)
{
    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) =>
        throw new InvalidOperationException(
            "can't apply forward-mode autodiff (Jvp, JacFwd, Hessian) to a CustomVjp function: it has a reverse-mode rule only. " +
            "Use Grad/JacRev/Vjp (nested as you like), or give the function a CustomJvp rule instead.");

    /// <summary>bwd returns the cotangents of all inputs at once; they are recomputed per input (rules are cheap next to clarity).</summary>
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct)
    {
        var cts = backward(x, ct);
        if (cts.Length != x.Length)
            throw new ArgumentException($"CustomVjp: bwd returned {cts.Length} cotangent(s) for a function of {x.Length} argument(s); return one per argument.");
        return cts[i];
    }
}
