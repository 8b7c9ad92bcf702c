using Adjoint.Primitives;

namespace Adjoint;

/// <summary>
/// numpy-like functions on <see cref="Tensor"/>. With <c>using static Adjoint.Np;</c> code reads
/// like <c>jax.numpy</c>: <c>Sum(Pow(x, 2) - Sin(x))</c>. Every function works both on numbers and
/// inside transformations (Grad, JacFwd, Jit, ...).
/// </summary>
public static partial class Np
{
    private static Tensor Bind(Primitive p, params Tensor[] x) => Dispatch.Bind(p, x);

    // ---------------------------------------------------------------- element-wise

    public static Tensor Add(Tensor a, Tensor b) => Bind(AddP.Op, a, b);
    public static Tensor Subtract(Tensor a, Tensor b) => Bind(SubP.Op, a, b);
    public static Tensor Multiply(Tensor a, Tensor b) => Bind(MulP.Op, a, b);
    public static Tensor Divide(Tensor a, Tensor b) => Bind(DivP.Op, a, b);
    public static Tensor Negative(Tensor x) => Bind(Neg.Op, x);

    /// <summary>xᵖ for a constant exponent (x² is x·x; the derivative is p·xᵖ⁻¹).</summary>
    public static Tensor Pow(Tensor x, double exponent) => Bind(new PowConst(exponent), x);

    /// <summary>aᵇ element-wise, differentiable in both a and b.</summary>
    public static Tensor Pow(Tensor a, Tensor b) => Bind(PowP.Op, a, b);

    public static Tensor Square(Tensor x) => Pow(x, 2);
    public static Tensor Exp(Tensor x) => Bind(ExpP.Op, x);
    public static Tensor Log(Tensor x) => Bind(LogP.Op, x);
    public static Tensor Sin(Tensor x) => Bind(SinP.Op, x);
    public static Tensor Cos(Tensor x) => Bind(CosP.Op, x);
    public static Tensor Tan(Tensor x) => Bind(TanP.Op, x);
    public static Tensor Tanh(Tensor x) => Bind(TanhP.Op, x);
    public static Tensor Sqrt(Tensor x) => Bind(SqrtP.Op, x);

    /// <summary>|x|. Its derivative at the kink x = 0 is taken as 1 (the right-hand slope), as in JAX.</summary>
    public static Tensor Abs(Tensor x) => Bind(AbsP.Op, x);

    /// <summary>−1, 0 or 1 by the sign of x (NaN stays NaN). Derivative zero.</summary>
    public static Tensor Sign(Tensor x) => Bind(SignP.Op, x);

    /// <summary>√(a² + b²) without overflow. Its gradient at (0, 0) is taken as (0, 0).</summary>
    public static Tensor Hypot(Tensor a, Tensor b) => Bind(HypotP.Op, a, b);

    /// <summary>Element-wise maximum. At ties the derivative is split ½/½ between a and b, as in JAX.</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => Bind(MaximumP.Op, a, b);

    /// <summary>Element-wise minimum. At ties the derivative is split ½/½ between a and b, as in JAX.</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => Bind(MinimumP.Op, a, b);

    // Comparisons give 1.0 (true) or 0.0 (false); they have no derivative.
    public static Tensor Less(Tensor a, Tensor b) => Bind(Compare.Less, a, b);
    public static Tensor LessEqual(Tensor a, Tensor b) => Bind(Compare.LessEqual, a, b);
    public static Tensor Greater(Tensor a, Tensor b) => Bind(Compare.Greater, a, b);
    public static Tensor GreaterEqual(Tensor a, Tensor b) => Bind(Compare.GreaterEqual, a, b);
    public static Tensor Equal(Tensor a, Tensor b) => Bind(Compare.EqualTo, a, b);
    public static Tensor NotEqual(Tensor a, Tensor b) => Bind(Compare.NotEqualTo, a, b);

    /// <summary>
    /// a where the condition is non-zero, b elsewhere (all three broadcast). The derivative flows
    /// only into the selected branch, so <c>Where(x &gt; 0, x, 0)</c> has derivative 0 at x = 0 (JAX's convention).
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => Bind(WhereP.Op, condition, a, b);

    // ---------------------------------------------------------------- reductions

    /// <summary>Sum of all elements (a scalar), or over one axis.</summary>
    public static Tensor Sum(Tensor x, int? axis = null, bool keepdims = false) =>
        Sum(x, axis is { } a ? [a] : null, keepdims);

    /// <summary>Sum over the given axes (all axes when null).</summary>
    public static Tensor Sum(Tensor x, int[]? axes, bool keepdims = false) =>
        Reduce(x, axes, keepdims, "sum", (r, a, k) => new SumP(r, a, k));

    /// <summary>Mean over all elements, one axis, or several.</summary>
    public static Tensor Mean(Tensor x, int? axis = null, bool keepdims = false) =>
        Mean(x, axis is { } a ? [a] : null, keepdims);

    public static Tensor Mean(Tensor x, int[]? axes, bool keepdims = false)
    {
        var normalised = NormaliseAxes(x, axes, "mean");
        int count = normalised.Aggregate(1, (n, a) => n * x.shape[a]);
        return Sum(x, normalised, keepdims) / count;
    }

    /// <summary>Maximum over all elements, one axis, or several. Ties share the derivative equally (as in JAX).</summary>
    public static Tensor Max(Tensor x, int? axis = null, bool keepdims = false) =>
        Max(x, axis is { } a ? [a] : null, keepdims);

    public static Tensor Max(Tensor x, int[]? axes, bool keepdims = false) =>
        Reduce(x, axes, keepdims, "max", (r, a, k) => new MaxP(r, a, k));

    private static Tensor Reduce(Tensor x, int[]? axes, bool keepdims, string name, Func<int, int[], bool, Primitive> make)
    {
        var normalised = NormaliseAxes(x, axes, name);
        if (name == "max" && normalised.Any(a => x.shape[a] == 0))
            throw new ShapeException($"max: cannot reduce an empty axis (shape {Shapes.Format(x.shape)}).");
        return Bind(make(x.Rank, normalised, keepdims), x);
    }

    private static int[] NormaliseAxes(Tensor x, int[]? axes, string name)
    {
        var result = axes is null ? Enumerable.Range(0, x.Rank).ToArray() : axes.Select(a => Shapes.Axis(a, x.Rank, name)).Distinct().Order().ToArray();
        if (axes is not null && result.Length != axes.Length)
            throw new ArgumentException($"{name}: repeated axis in {Shapes.Format(axes)}.");
        return result;
    }

    // ---------------------------------------------------------------- linear algebra

    /// <summary>
    /// numpy's matmul: the product over the last two axes with leading axes broadcast; a 1-D
    /// first argument is a row vector and a 1-D second argument a column vector (and that axis is dropped).
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        if (a.Rank == 0 || b.Rank == 0)
            throw new ShapeException($"matmul: scalars are not allowed (shapes {Shapes.Format(a.shape)} and {Shapes.Format(b.shape)}); use * instead.");
        var a2 = a.Rank == 1 ? Reshape(a, 1, a.shape[0]) : a;
        var b2 = b.Rank == 1 ? Reshape(b, b.shape[0], 1) : b;
        var product = Bind(MatMulP.Op, a2, b2);
        var shape = product.shape.ToList();
        if (b.Rank == 1) shape.RemoveAt(shape.Count - 1);
        if (a.Rank == 1) shape.RemoveAt(shape.Count - (b.Rank == 1 ? 1 : 2));
        return shape.Count == product.Rank ? product : Reshape(product, [.. shape]);
    }

    /// <summary>numpy's dot for rank ≤ 2: inner product of vectors, matrix–vector and matrix–matrix products; scalars multiply.</summary>
    public static Tensor Dot(Tensor a, Tensor b)
    {
        if (a.Rank == 0 || b.Rank == 0) return a * b;
        if (a.Rank > 2 || b.Rank > 2)
            throw new ShapeException($"dot: only arrays of rank 1 or 2 are supported (shapes {Shapes.Format(a.shape)} and {Shapes.Format(b.shape)}); use MatMul for stacks of matrices.");
        return MatMul(a, b);
    }

    /// <summary>Swaps the last two axes (the matrix transpose of each matrix in a stack).</summary>
    internal static Tensor SwapLastAxes(Tensor t)
    {
        var perm = Enumerable.Range(0, t.Rank).ToArray();
        (perm[^1], perm[^2]) = (perm[^2], perm[^1]);
        return Bind(new TransposeP(perm), t);
    }

    // ---------------------------------------------------------------- helpers for rules (trailing-axis forms)

    /// <summary>Reshapes the trailing axes of <paramref name="t"/> from <paramref name="from"/> to <paramref name="to"/>, keeping leading (batch) axes.</summary>
    internal static Tensor ReshapeTrailing(Tensor t, int[] from, int[] to) =>
        Shapes.Equal(from, to) ? t : Bind(new ReshapeP(from, to), t);

    /// <summary>Broadcasts the trailing axes of <paramref name="t"/> from <paramref name="from"/> to <paramref name="to"/>.</summary>
    internal static Tensor BroadcastTrailing(Tensor t, int[] from, int[] to) =>
        Shapes.Equal(from, to) ? t : Bind(new BroadcastP(from, to), t);

    /// <summary>
    /// The transpose of broadcasting: sums the trailing axes of <paramref name="t"/> (shape
    /// <paramref name="from"/>) down to <paramref name="to"/>, over the axes that broadcasting added or stretched.
    /// </summary>
    internal static Tensor SumTrailingTo(Tensor t, int[] from, int[] to)
    {
        if (Shapes.Equal(from, to)) return t;
        int extra = from.Length - to.Length;
        if (extra < 0) return BroadcastTrailing(t, from, to);
        var axes = Enumerable.Range(0, from.Length).Where(d => d < extra || (to[d - extra] == 1 && from[d] != 1)).ToArray();
        var summed = axes.Length == 0 ? t : Bind(new SumP(from.Length, axes, true), t);
        var kept = from.Select((n, d) => axes.Contains(d) ? 1 : n).ToArray();
        return ReshapeTrailing(summed, kept, to);
    }
}
