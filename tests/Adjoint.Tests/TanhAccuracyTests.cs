using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests;

/// <summary>tanh's derivative where tanh x rounds to nearly 1 (found by the differential test against PyTorch).</summary>
public class TanhAccuracyTests
{
    [Fact]
    public void DerivativesStayAccurateWhereTanhIsNearlyOne()
    {
        // 1 − tanh²(9) would keep only about 8 digits; 1/cosh²(9) keeps them all.
        Assert.Equal(1 / Math.Pow(Math.Cosh(9), 2), Grad(Tanh)(9.0).Item, 1e-22);
        // d³/dt³ tanh(c/(t·y)) at the differential test's program 36 (c = logsumexp of y), by mpmath at 50 digits.
        double c = Logsumexp(Array(1.2421547406083695, 0.24866199109175335, 0.5563918189408219)).Item, y = 0.5563918189408219;
        Func<Tensor, Tensor> f = t => Tanh(c / (t * y));
        var third = Grad(Grad(Grad(f)))(0.38120312051903626).Item;
        Assert.True(Math.Abs(third / -0.0029488995445497989 - 1) < 1e-12, $"third derivative {third:R}");
        Assert.Equal(third, Jit(Grad(Grad(Grad(f))))(0.38120312051903626).Item, 1e-15);
    }
}
