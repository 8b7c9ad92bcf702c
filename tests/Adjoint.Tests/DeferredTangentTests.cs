using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests;

/// <summary>
/// Forward mode over reverse mode computes a tangent only when something reads it (see JvpTrace.Process); forward mode
/// alone computes each tangent as it goes, so that it keeps no intermediate values.
/// </summary>
public class DeferredTangentTests
{
    /// <summary>x ↦ 2x with a forward rule that counts its runs.</summary>
    private static Func<Tensor, Tensor> Counted(Action counted) =>
        CustomJvp(x => 2.0 * x, (x, dx) => { counted(); return (2.0 * x, 2.0 * dx); });

    [Fact]
    public void UnderReverseModeAnUnreadTangentIsNeverComputed()
    {
        int runs = 0;
        var unused = Counted(() => runs++);
        Func<Tensor, Tensor> f = x => { _ = unused(x); return Sum(Pow(x, 3)); };
        var x = Array(1.0, 2.0);
        Assertions.Close(Diag(6 * x), JacFwd(JacRev(f))(x));
        Assert.Equal(0, runs);
    }

    [Fact]
    public void AloneForwardModeComputesEveryTangentAtOnce()
    {
        int runs = 0;
        var unused = Counted(() => runs++);
        Func<Tensor, Tensor> f = x => { _ = unused(x); return Sum(Pow(x, 3)); };
        Assertions.Close(Array(3.0, 12.0), JacFwd(f)(Array(1.0, 2.0)));
        Assert.Equal(1, runs);
    }

    [Fact]
    public void TheHessianTracesNoTangentOfTheFunctionsValue()
    {
        // Before deferral, JacFwd(JacRev(toy)) also pushed the basis through the forward pass up to Σ(...), the value
        // JacRev drops: a reduce_sum of a (200, 200) tangent to (200). Now only the gradient's tangent is traced.
        var graph = MakeGraph(JacFwd(JacRev(Models.Toy)))(Uniform([200], seed: 1));
        Assert.DoesNotContain(graph.Equations, e => e.Primitive.Name == "reduce_sum" && e.Output.Shape.Length == 1 && e.Output.Shape[0] == 200);
        Assertions.Close(Diag(2 - 6 * Uniform([200], seed: 1)), Jit(JacFwd(JacRev(Models.Toy)))(Uniform([200], seed: 1)));
    }

    [Fact]
    public void ALongChainIsForcedWithoutDeepRecursion()
    {
        // 100,000 deferred tangents in a chain, read at the end: forced with a stack, not recursion.
        Func<Tensor, Tensor> f = x =>
        {
            var y = x;
            for (int i = 0; i < 100_000; i++) y = y * 1.0;
            return Sum(y * y);
        };
        Assertions.Close(Array(new double[,] { { 2 } }), JacFwd(JacRev(f))(Array(3.0)));
    }
}
