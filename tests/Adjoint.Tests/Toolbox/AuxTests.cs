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
}
