using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests;

/// <summary>
/// What the derivative is at kinks and ties, following JAX's rules: abs_p's JVP is
/// select(x ≥ 0, g, −g); max_p/min_p split the derivative ½/½ at ties (_balanced_eq); select_p
/// sends it to the chosen branch only; reduce_max shares it equally among the maxima.
/// </summary>
public class KinkConventionTests
{
    [Fact]
    public void AbsHasDerivativeOneAtZero()
    {
        Assertions.Close(Array(-1.0, 1.0, 1.0), Grad(x => Sum(Abs(x)))(Array(-2.0, 0.0, 3.0)));
        Assertions.Close(Array(-1.0, 1.0, 1.0), Jvp(Abs, Array(-2.0, 0.0, 3.0), Ones(3)).Tangent);
        Assert.Equal(0.0, Grad(Grad(Abs))(0.0).Item); // piecewise linear: no curvature
    }

    [Fact]
    public void MaximumAndMinimumSplitTheDerivativeAtTies()
    {
        var (da, db) = Grad((Tensor a, Tensor b) => Sum(Maximum(a, b)), argnums: (0, 1))(Array(1.0, 2.0, 3.0), Array(1.0, 5.0, 0.0));
        Assertions.Close(Array(0.5, 0.0, 1.0), da);
        Assertions.Close(Array(0.5, 1.0, 0.0), db);
        var (ma, mb) = Grad((Tensor a, Tensor b) => Sum(Minimum(a, b)), argnums: (0, 1))(Array(1.0, 2.0, 3.0), Array(1.0, 5.0, 0.0));
        Assertions.Close(Array(0.5, 1.0, 0.0), ma);
        Assertions.Close(Array(0.5, 0.0, 1.0), mb);
        // relu written as Maximum(x, 0): ½ at x = 0.
        Assert.Equal(0.5, Grad(x => Maximum(x, 0.0))(0.0).Item);
    }

    [Fact]
    public void WhereSendsTheDerivativeToTheSelectedBranchOnly()
    {
        // relu written with Where: derivative 0 at x = 0, where the condition x > 0 is false.
        Assertions.Close(Array(0.0, 0.0, 1.0), Grad(x => Sum(Where(x > 0, x, 0.0)))(Array(-1.0, 0.0, 2.0)));
        Assertions.Close(Array(0.0, 1.0, 1.0), Grad(x => Sum(Where(x >= 0, x, 0.0)))(Array(-1.0, 0.0, 2.0)));
    }

    [Fact]
    public void MaxReductionSharesTheDerivativeAmongTies()
    {
        Assertions.Close(Array(0.5, 0.0, 0.5), Grad(x => Max(x))(Array(3.0, 1.0, 3.0)));
        var perRow = Grad(x => Sum(Max(x, 1)))(Array(new double[,] { { 2, 2, 2 }, { 0, 4, 1 } }));
        Assertions.Close(Array(new double[,] { { 1.0 / 3, 1.0 / 3, 1.0 / 3 }, { 0, 1, 0 } }), perRow);
    }
}
