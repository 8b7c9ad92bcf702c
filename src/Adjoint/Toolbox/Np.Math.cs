using Adjoint.Primitives;

namespace Adjoint;

// numpy's element-wise functions beyond the core set, and the jax.nn activations. Each is one primitive
// (Toolbox/ElementWise.cs) or an exact composition of primitives; derivative conventions are JAX's.
public static partial class Np
{
    /// <summary>log(1 + x), accurate near 0; derivative 1/(1 + x).</summary>
    public static Tensor Log1p(Tensor x) => Bind(Elementwise.Log1p, x);
    /// <summary>eˣ − 1, accurate near 0; derivative eˣ.</summary>
    public static Tensor Expm1(Tensor x) => Bind(Elementwise.Expm1, x);
    public static Tensor Log2(Tensor x) => Bind(Elementwise.Log2, x);
    public static Tensor Log10(Tensor x) => Bind(Elementwise.Log10, x);
    public static Tensor Exp2(Tensor x) => Bind(Elementwise.Exp2, x);
    public static Tensor Sinh(Tensor x) => Bind(Elementwise.Sinh, x);
    public static Tensor Cosh(Tensor x) => Bind(Elementwise.Cosh, x);
    /// <summary>arcsin x on [−1, 1]; the derivative 1/√(1 − x²) is infinite at ±1 (as in JAX).</summary>
    public static Tensor Arcsin(Tensor x) => Bind(Elementwise.Arcsin, x);
    /// <summary>arccos x on [−1, 1]; the derivative −1/√(1 − x²) is infinite at ±1 (as in JAX).</summary>
    public static Tensor Arccos(Tensor x) => Bind(Elementwise.Arccos, x);
    public static Tensor Arctan(Tensor x) => Bind(Elementwise.Arctan, x);
    public static Tensor Arcsinh(Tensor x) => Bind(Elementwise.Arcsinh, x);
    /// <summary>arcosh x for x ≥ 1 (NaN below); the derivative is infinite at 1.</summary>
    public static Tensor Arccosh(Tensor x) => Bind(Elementwise.Arccosh, x);
    /// <summary>artanh x for |x| &lt; 1; ±∞ at ±1.</summary>
    public static Tensor Arctanh(Tensor x) => Bind(Elementwise.Arctanh, x);
    /// <summary>The error function (2/√π)∫₀ˣ e^(−t²) dt.</summary>
    public static Tensor Erf(Tensor x) => Bind(Elementwise.Erf, x);
    /// <summary>The real cube root (negative for negative x); its derivative is infinite at 0, as in JAX.</summary>
    public static Tensor Cbrt(Tensor x) => Bind(Elementwise.Cbrt, x);
    /// <summary>1/x.</summary>
    public static Tensor Reciprocal(Tensor x) => 1.0 / x;

    /// <summary>Rounds down. Piecewise constant: derivative zero everywhere (JAX's convention, also at the jumps).</summary>
    public static Tensor Floor(Tensor x) => Bind(Elementwise.Floor, x);
    /// <summary>Rounds up. Derivative zero (JAX's convention).</summary>
    public static Tensor Ceil(Tensor x) => Bind(Elementwise.Ceil, x);
    /// <summary>Rounds to the nearest integer, halves to even (numpy). Derivative zero (JAX's convention).</summary>
    public static Tensor Round(Tensor x) => Bind(Elementwise.Round, x);

    /// <summary>
    /// Clips to [lo, hi] as <c>jnp.clip</c>: minimum(hi, maximum(lo, x)). Derivative 1 inside, 0 outside and ½ at
    /// x = lo or x = hi exactly (the ties of maximum/minimum, JAX's convention).
    /// </summary>
    public static Tensor Clip(Tensor x, Tensor lo, Tensor hi) => Minimum(hi, Maximum(lo, x));

    /// <summary>The logistic sigmoid 1/(1 + e⁻ˣ) (jax.nn.sigmoid); derivative σ(1 − σ).</summary>
    public static Tensor Sigmoid(Tensor x) => Bind(Elementwise.Sigmoid, x);

    /// <summary>log(1 + eˣ) without overflow (jax.nn.softplus); derivative σ(x), ½ at 0.</summary>
    public static Tensor Softplus(Tensor x) => Bind(Elementwise.Softplus, x);

    /// <summary>max(x, 0) (jax.nn.relu). Derivative 1 for x &gt; 0 and 0 for x ≤ 0: 0 at the kink, as JAX defines it.</summary>
    public static Tensor Relu(Tensor x) => Where(Greater(x, 0.0), x, 0.0);

    /// <summary>
    /// log Σ exp(x) over the axis (all axes when null), computed as m + log Σ exp(x − m) with m = max x held
    /// constant (stop_gradient, as in JAX): exact, no overflow, derivative softmax(x) (also at ties of the max).
    /// </summary>
    public static Tensor Logsumexp(Tensor x, int? axis = null, bool keepdims = false)
    {
        int[]? axes = axis is { } a ? [a] : null;
        var m = Ad.StopGradient(Max(x, axes, keepdims: true));
        var result = m + Log(Sum(Exp(x - m), axes, keepdims: true));
        return keepdims ? result : Squeeze(result, axes ?? Enumerable.Range(0, x.Rank).ToArray());
    }

    /// <summary>softmax along the axis (the last by default, as jax.nn.softmax): exp(x − m)/Σ exp(x − m), m = max x held constant.</summary>
    public static Tensor Softmax(Tensor x, int axis = -1)
    {
        var e = Exp(x - Ad.StopGradient(Max(x, axis, keepdims: true)));
        return e / Sum(e, axis, keepdims: true);
    }
}
