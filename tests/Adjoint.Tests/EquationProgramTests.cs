using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests;

/// <summary>
/// Jit's equation-by-equation programs take their intermediates from an arena kept between calls: a call must then
/// allocate only its results, and nothing a caller holds (a result, a value user code kept) may be overwritten by the
/// next call.
/// </summary>
public class EquationProgramTests
{
    /// <summary>A chain of ten (n, n) intermediates and a small result; not blocked (no large reduction).</summary>
    private static Tensor Chain(Tensor x)
    {
        var m = Outer(x, x);
        for (int i = 0; i < 10; i++) m = Sin(m) * 1.5 + m;
        return MatMul(m, x);
    }

    [Fact]
    public void ACallAllocatesItsResultsButNotItsIntermediates()
    {
        const int n = 200;
        var f = Jit(Chain);
        var x = Uniform([n], seed: 1);
        f(x); // trace, compile, and fill the arena
        long before = GC.GetAllocatedBytesForCurrentThread();
        var y = f(x);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assertions.Close(Chain(x), y, 1e-12, 1e-12);
        // Twenty (n, n) intermediates would be 6.4 MB; the call may allocate bookkeeping, not one of them.
        Assert.True(allocated < n * n * sizeof(double), $"a call allocated {allocated:N0} bytes");
    }

    [Fact]
    public void EarlierResultsSurviveLaterCalls()
    {
        // Results that are intermediates of each other, and one that only reshapes an intermediate.
        var f = Jit((Tensor x) => { var m = Outer(x, x) * 2.0; return (m, Reshape(m * 3.0, 4, -1)); });
        var a = Uniform([6], seed: 2);
        var b = Uniform([6], seed: 3);
        var (m1, r1) = f(a);
        var m1Copy = m1.ToArray();
        var r1Copy = r1.ToArray();
        f(b);
        f(b);
        Assert.Equal(m1Copy, m1.ToArray());
        Assert.Equal(r1Copy, r1.ToArray());
        Assertions.Close(Outer(a, a) * 6.0, Reshape(r1, 6, 6), 1e-15, 1e-15);
    }

    [Fact]
    public void ValuesThatUserCodeKeepsAreItsOwn()
    {
        var kept = new List<Tensor>();
        var logged = CustomJvp((Tensor x) => { var y = Exp(x); kept.Add(y); return y; }, (x, dx) => (Exp(x), Exp(x) * dx));
        var f = Jit((Tensor x) => Sum(logged(Outer(x, x) + 1.0)));
        var a = Uniform([5], seed: 4);
        f(a);
        var first = kept[^1].ToArray();
        f(Uniform([5], seed: 5));
        Assert.Equal(first, kept[^2].ToArray());
        Assertions.Close(Exp(Outer(a, a) + 1.0), kept[^2], 1e-15, 1e-15);
    }

    [Fact]
    public void ConcurrentCallersGetTheirOwnIntermediates()
    {
        // Two calls meet in the middle of the program (in user code), after each wrote its first intermediates.
        using var barrier = new Barrier(2);
        bool meet = false;
        var meetingPoint = CustomJvp((Tensor s) => { if (meet) barrier.SignalAndWait(TimeSpan.FromSeconds(20)); return s; }, (x, dx) => (x, dx));
        Tensor F(Tensor x)
        {
            var m = Sin(Outer(x, x)) * 2.0;
            return MatMul(m, x) * meetingPoint(Sum(x));
        }
        var f = Jit(F);
        var inputs = new[] { Uniform([50], seed: 10), Uniform([50], seed: 11) };
        var alone = inputs.Select(x => f(x).ToArray()).ToArray();
        meet = true;
        var together = new double[2][];
        var callers = Enumerable.Range(0, 2).Select(k => new Thread(() => together[k] = f(inputs[k]).ToArray())).ToArray();
        foreach (var t in callers) t.Start();
        foreach (var t in callers) t.Join();
        Assert.Equal(alone[0], together[0]);
        Assert.Equal(alone[1], together[1]);
        meet = false;
        Assertions.Close(F(inputs[1]), Array(alone[1], 50), 1e-12, 1e-12);
    }

    [Fact]
    public void LargeProgramsDoNotKeepAnArena()
    {
        var small = new EquationProgram(MakeGraph(Chain)(Zeros(100)).Simplify());
        var large = new EquationProgram(MakeGraph(Chain)(Zeros(1000)).Simplify()); // 11 × 10⁶ intermediate numbers
        Assert.True(small.KeepsArena);
        Assert.False(large.KeepsArena);
    }
}
