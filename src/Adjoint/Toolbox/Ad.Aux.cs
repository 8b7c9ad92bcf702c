namespace Adjoint;

// has_aux for the transformations the generated overloads do not cover yet (Jvp, Vjp, Hessian), for functions of
// one array: f returns (value, aux); aux is returned as computed, not differentiated (JAX's has_aux).
public static partial class Ad
{
    /// <summary><c>jax.jvp(f, (x,), (t,), has_aux=True)</c>: f(x), J·t and the auxiliary output.</summary>
    public static (Tensor Value, Tensor Tangent, TAux Aux) Jvp<TAux>(Func<Tensor, (Tensor, TAux)> f, Tensor primal, Tensor tangent, bool hasAux = true)
    {
        CheckHasAux(hasAux);
        TAux aux = default!;
        var (ys, ts) = JvpCore(a => { var (v, x) = f(a[0]); aux = x; return [v]; }, [primal], [tangent], []);
        return (ys[0], ts[0], Finished(aux));
    }

    /// <summary><c>jax.vjp(f, x, has_aux=True)</c>: f(x), the pullback ȳ ↦ ȳᵀ·J and the auxiliary output.</summary>
    public static (Tensor Value, Func<Tensor, Tensor> Pullback, TAux Aux) Vjp<TAux>(Func<Tensor, (Tensor, TAux)> f, Tensor primal, bool hasAux = true)
    {
        CheckHasAux(hasAux);
        TAux aux = default!;
        var (ys, pullback) = VjpCore(a => { var (v, x) = f(a[0]); aux = x; return [v]; }, [primal], [0]);
        return (ys[0], ct => pullback([ct])[0], Finished(aux));
    }

    /// <summary><c>jax.hessian(f, has_aux=True)</c>: the Hessian of the value and the auxiliary output.</summary>
    public static Func<Tensor, (Tensor Hessian, TAux Aux)> Hessian<TAux>(Func<Tensor, (Tensor, TAux)> f, bool hasAux = true)
    {
        CheckHasAux(hasAux);
        return x =>
        {
            TAux aux = default!;
            var r = HessianCore(a => { var (v, au) = f(a[0]); aux = au; return v; }, [x], [0]);
            return (r[0][0], Finished(aux));
        };
    }
}
