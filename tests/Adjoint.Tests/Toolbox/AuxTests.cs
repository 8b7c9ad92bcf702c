using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests.Toolbox;

public class AuxTests
{
    private static (Tensor, Tensor) WithAux(Tensor x) => (Sum(Pow(x, 3)), Sin(x) * 2.0);

    [Fact]
    public void JvpVjpAndHessianReturnTheAuxiliaryOutputUndifferentiated()
    {
        var x = Array(1.0, -2.0);
        var (value, tangent, aux) = Jvp(WithAux, x, Array(1.0, 0.5));
        Assertions.Close(-7.0, value.Item);
        Assertions.Close(3.0 + 12.0 * 0.5, tangent.Item);
        Assertions.Close(Sin(x) * 2.0, aux);
        Assert.IsNotAssignableFrom<Tracer>(aux);

        var (v2, pullback, aux2) = Vjp(WithAux, x);
        Assertions.Close(-7.0, v2.Item);
        Assertions.Close(Array(6.0, 24.0), pullback(2.0));
        Assertions.Close(Sin(x) * 2.0, aux2);

        var (hessian, aux3) = Hessian<Tensor>(WithAux)(x);
        Assertions.Close(Array(new[,] { { 6.0, 0.0 }, { 0.0, -12.0 } }), hessian);
        Assertions.Close(Sin(x) * 2.0, aux3);
        Assert.IsNotAssignableFrom<Tracer>(aux3);
        Assert.Throws<ArgumentException>(() => Hessian<Tensor>(WithAux, hasAux: false));
    }

    /// <summary>f(a, b) = Σ a²·b³ with aux a·b: every transformation of a two-argument function takes hasAux.</summary>
    private static (Tensor, Tensor) TwoWithAux(Tensor a, Tensor b) => (Sum(a * a * Pow(b, 3)), a * b);
    private static Tensor Two(Tensor a, Tensor b) => TwoWithAux(a, b).Item1;

    [Fact]
    public void EveryTransformationOfSeveralArgumentsTakesHasAux()
    {
        Tensor a = Array(1.0, -2.0), b = Array(0.5, 1.5), da = Array(1.0, 0.5), db = Array(-1.0, 2.0);
        var aux = a * b;
        void SameAux(Tensor actual) { Assertions.Close(aux, actual); Assert.IsNotAssignableFrom<Tracer>(actual); }

        var (g, aux1) = Grad<Tensor>(TwoWithAux, argnums: 1)(a, b);
        Assertions.Close(Grad(Two, argnums: 1)(a, b), g);
        SameAux(aux1);
        var ((value, aux2), g0) = ValueAndGrad<Tensor>(TwoWithAux)(a, b);
        Assertions.Close(Two(a, b), value);
        Assertions.Close(Grad(Two)(a, b), g0);
        SameAux(aux2);
        var (jf, aux3) = JacFwd<Tensor>(TwoWithAux, argnums: 1)(a, b);
        Assertions.Close(JacRev(Two, argnums: 1)(a, b), jf);
        SameAux(aux3);
        var (jr, aux4) = JacRev<Tensor>(TwoWithAux)(a, b);
        Assertions.Close(JacFwd(Two)(a, b), jr);
        SameAux(aux4);
        foreach (int k in new[] { 0, 1 })
        {
            var (h, aux5) = Hessian<Tensor>(TwoWithAux, argnums: k)(a, b);
            Assertions.Close(Hessian(Two, argnums: k)(a, b), h);
            SameAux(aux5);
        }
        // Hessian wrt b: 6·a²·b on the diagonal.
        Assertions.Close(Diag(6.0 * a * a * b), Hessian<Tensor>(TwoWithAux, argnums: 1)(a, b).Hessian);

        var (v, tangent, aux6) = Jvp<Tensor>(TwoWithAux, (a, b), (da, db));
        Assertions.Close(Jvp(Two, (a, b), (da, db)).Tangent, tangent);
        Assertions.Close(Two(a, b), v);
        SameAux(aux6);
        var (_, pullback, aux7) = Vjp<Tensor>(TwoWithAux, a, b);
        var (ga, gb) = pullback(2.0);
        Assertions.Close(2.0 * Grad(Two)(a, b), ga);
        Assertions.Close(2.0 * Grad(Two, argnums: 1)(a, b), gb);
        SameAux(aux7);
        Assert.Throws<ArgumentException>(() => Jvp<Tensor>(TwoWithAux, (a, b), (da, db), hasAux: false));
        CheckGrads((x, y) => Hessian<Tensor>(TwoWithAux, argnums: 1)(x, y).Hessian[0, 0], (a, b), order: 2);
    }
}
