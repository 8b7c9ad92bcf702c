using Adjoint.Primitives;

namespace Adjoint;

public static partial class Ad
{
    /// <summary>
    /// <c>jax.lax.stop_gradient</c>: x itself, but a constant for every transformation: its derivative of
    /// every order is zero. E.g. <c>Grad(x =&gt; x * StopGradient(x))(3.0)</c> is 3, not 6.
    /// </summary>
    public static Tensor StopGradient(Tensor x) => Dispatch.Bind(StopGradientP.Op, x);

    /// <summary>
    /// <c>jax.custom_jvp</c>: f with a user JVP rule. <paramref name="jvp"/> takes the primals and one tangent per
    /// primal and returns (f(primals), output tangent), linear in the tangents. Every transformation uses the
    /// rule: forward mode calls it, reverse mode transposes it, and outer levels differentiate the rule's own
    /// tensor code (JAX's semantics for nesting). The output value is always f's; the rule's first result is not used.
    /// </summary>
    /// <remarks>
    /// Tangents may carry extra leading axes (JacFwd pushes a batch of tangents at once): write the rule with
    /// broadcasting operations, e.g. <c>dx * g(x)</c>, and it works for both.
    /// </remarks>
    public static Func<Tensor[], Tensor> CustomJvp(Func<Tensor[], Tensor> f, Func<Tensor[], Tensor[], (Tensor Primal, Tensor Tangent)> jvp)
    {
        var primitive = new CustomJvpP(f, (x, dx) => jvp(x, dx).Tangent);
        return args => Dispatch.Bind(primitive, args);
    }

    /// <summary>
    /// <c>jax.custom_jvp</c> for a function of one array. JAX's example: a stable log(1 + eˣ),
    /// <code>
    /// Func&lt;Tensor, Tensor&gt; log1pexp = null!;
    /// log1pexp = CustomJvp(x =&gt; Log(1.0 + Exp(x)), (x, dx) =&gt; (log1pexp(x), (1.0 - 1.0 / (1.0 + Exp(x))) * dx));
    /// Grad(log1pexp)(1000.0)   // 1.0, where the naive rule gives NaN
    /// </code>
    /// </summary>
    public static Func<Tensor, Tensor> CustomJvp(Func<Tensor, Tensor> f, Func<Tensor, Tensor, (Tensor Primal, Tensor Tangent)> jvp)
    {
        var g = CustomJvp((Tensor[] a) => f(a[0]), (Tensor[] x, Tensor[] dx) => jvp(x[0], dx[0]));
        return x => g([x]);
    }

    /// <summary>
    /// <c>jax.custom_vjp</c>: f with a user reverse-mode rule. <paramref name="fwd"/> returns (f(x), residuals);
    /// <paramref name="bwd"/> maps (residuals, output cotangent) to one cotangent per argument. Reverse mode at
    /// every level (Grad, JacRev, Vjp, Grad(Grad(f))) uses bwd, whose tensor code outer levels differentiate.
    /// Forward mode (Jvp, JacFwd, Hessian) is refused, as in JAX.
    /// </summary>
    /// <remarks>
    /// The cotangent may carry extra leading axes (JacRev pulls back a batch at once): write bwd with
    /// broadcasting operations. Evaluation runs fwd (not f) and keeps its residuals with the output, so a Grad runs fwd
    /// once and bwd once; nested reverse levels (Grad(Grad(f))) run fwd again on their tracers to differentiate it.
    /// </remarks>
    public static Func<Tensor[], Tensor> CustomVjp<TResiduals>(Func<Tensor[], Tensor> f, Func<Tensor[], (Tensor Output, TResiduals Residuals)> fwd,
                                                                Func<TResiduals, Tensor, Tensor[]> bwd)
    {
        var primitive = new CustomVjpP(f, (x, _, ct) => bwd(fwd(x).Residuals, ct),
            x => { var (y, residuals) = fwd(x); return (y, ct => bwd(residuals, ct)); });
        return args => Dispatch.Bind(primitive, args);
    }

    /// <summary>
    /// <c>jax.custom_vjp</c> for a function of one array. JAX's example, a gradient clipped to [−0.75, 0.75]:
    /// <code>
    /// var clip = CustomVjp(x =&gt; x, x =&gt; (x, 0), (_, g) =&gt; Clip(g, -0.75, 0.75));
    /// Grad(x =&gt; clip(Sin(x)))(t)   // 0.75·cos t
    /// </code>
    /// </summary>
    public static Func<Tensor, Tensor> CustomVjp<TResiduals>(Func<Tensor, Tensor> f, Func<Tensor, (Tensor Output, TResiduals Residuals)> fwd,
                                                              Func<TResiduals, Tensor, Tensor> bwd)
    {
        var g = CustomVjp((Tensor[] a) => f(a[0]), (Tensor[] a) => fwd(a[0]), (TResiduals r, Tensor ct) => new[] { bwd(r, ct) });
        return x => g([x]);
    }
}
