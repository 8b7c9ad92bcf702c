using Adjoint;
using CsCheck;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests;

/// <summary>
/// Jit's equation-by-equation programs take their intermediates from an arena kept between calls: a call must then
/// allocate only its results, and nothing a caller holds (a result, a value user code kept) may be overwritten by the
/// next call. Runs of element-wise equations on arrays of one size are fused into one loop, which must compute what the
/// equations compute one by one (up to rounding: the loop may use fused multiply-adds).
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

    [Fact]
    public void TheToyHessianRunsItsElementWiseEquationsAsOneLoop()
    {
        static Tensor Toy(Tensor x) => Sum(Pow(x, 2) - Pow(x, 3) - x);
        var x = Uniform([200], seed: 1);
        var graph = MakeGraph(JacFwd(JacRev(Toy)))(x).Simplify();
        var program = new EquationProgram(graph);
        Assert.Equal(1, program.Fusion.Loops);
        Assert.True(program.Fusion.Equations >= 5, $"{program.Fusion.Equations} equations fused:\n{graph}");
        Assert.Contains("transpose", program.Describe()); // JacFwd's final transpose is the loop's order, not a pass of its own
        Assertions.Close(Hessian(Toy)(x), program.Run([x])[0], 1e-13, 1e-13);
        Assertions.Close(new EquationProgram(graph, fuse: false).Run([x])[0], program.Run([x])[0], 1e-13, 1e-13);
    }

    [Fact]
    public void AnEquationBetweenTheElementWiseOnesThatDoesNotReadThemRunsBeforeTheLoop()
    {
        var w = Uniform([64, 64], seed: 3);
        Tensor F(Tensor x)
        {
            var a = Sin(x) * 2.0;        // [64, 64]: starts a run
            var m = MatMul(w, w);        // reads nothing of the run
            var b = a * m + Exp(a);      // joins it, reading m
            return MatMul(b, x) + b;     // needs the run's value
        }
        var x = Uniform([64, 64], seed: 4);
        var program = new EquationProgram(MakeGraph(F)(x).Simplify());
        Assert.Equal((1, 5), program.Fusion); // sin, ·2, ·m, exp, +; the last + is alone after the matrix product
        Assertions.Close(F(x), program.Run([x])[0], 1e-13, 1e-13);
    }

    /// <summary>
    /// Random element-wise programs over a (72, 72) image, a row, a column, a scalar and constants of each shape, with
    /// reshapes and transposes between them, and two results: Jit (fused) equals eager evaluation.
    /// </summary>
    [Fact]
    public void FusedLoopsComputeWhatTheEquationsCompute()
    {
        const int n = 72; // n² ≥ MinimumFusedSize
        var constants = new[] { Uniform([n, n], seed: 5), Uniform([n], seed: 6), Uniform([n, 1], seed: 7), Array(0.75) };
        Tensor Apply(int[] program, Tensor x, Tensor row, Tensor column, Tensor scalar)
        {
            var values = new List<Tensor> { x, row, column, scalar };
            values.AddRange(constants);
            for (int k = 0; k + 2 < program.Length; k += 3)
            {
                Tensor a = values[program[k + 1] % values.Count], b = values[program[k + 2] % values.Count];
                var product = a * b;
                values.Add((program[k] % 8) switch
                {
                    0 => a + b,
                    1 => a - b,
                    2 => product,
                    3 => a / (2.0 + Sin(b)),
                    4 => Tanh(a) + b,
                    5 => Reshape(Reshape(product, [.. product.Shape, 1]), product.Shape), // through a reshape and back
                    6 => product.Rank == 2 ? Transpose(product) : product,
                    _ => Exp(Sin(a)) * b,
                });
            }
            var image = values[^1] + x; // one result the size of the image, whatever the last value's shape
            return Concatenate([Reshape(image, -1), Reshape(values[^2] * 1.5, -1)], 0);
        }
        var inputs = new[] { Uniform([n, n], seed: 8, low: -1, high: 1), Uniform([n], seed: 9), Uniform([n, 1], seed: 10), Array(-0.5) };
        int fused = 0;
        Gen.Int[0, 1000].Array[6, 24].Sample(program =>
        {
            Tensor F(Tensor x, Tensor row, Tensor column, Tensor scalar) => Apply(program, x, row, column, scalar);
            Assertions.Close(F(inputs[0], inputs[1], inputs[2], inputs[3]), Jit(F)(inputs[0], inputs[1], inputs[2], inputs[3]), 1e-12, 1e-12);
            if (new EquationProgram(MakeGraph(F)(inputs[0], inputs[1], inputs[2], inputs[3]).Simplify()).Fusion.Loops > 0) fused++;
        }, iter: 100, threads: 1, print: program => string.Join(",", program));
        Assert.True(fused >= 25, $"only {fused} of 100 programs had a fused loop"); // typically 70–80
    }

    [Fact]
    public void ALoopThatEndsInATransposeReadsItsOperandsThroughThePermutation()
    {
        var constant = Uniform([90, 1, 70], seed: 13);
        // A full-size argument, a row, a column and constants (one with an extra axis of length 1), then a transpose
        // of two axes, or of three with one of length 1 (in each place).
        foreach (var (shape, axes) in new[] { (new[] { 90, 70 }, new[] { 1, 0 }), ([90, 1, 70], [2, 1, 0]), ([90, 1, 70], [1, 2, 0]), ([1, 90, 70], [2, 0, 1]) })
        {
            Tensor F(Tensor x, Tensor row, Tensor column)
            {
                var a = Reshape(Sin(x) * row + column, 90, 1, 70) * constant;
                return Transpose(Reshape(a - 2.0, shape), axes);
            }
            var (x, row, column) = (Uniform([90, 70], seed: 14), Uniform([70], seed: 15), Uniform([90, 1], seed: 16));
            var program = new EquationProgram(MakeGraph(F)(x, row, column).Simplify());
            Assert.Contains("transpose", program.Describe());
            Assert.Equal(1, program.Fusion.Loops);
            Assertions.Close(F(x, row, column), Jit(F)(x, row, column), 1e-15, 1e-15);
        }
    }

    [Fact]
    public void AValueReadAfterTheLoopKeepsItsOwnOrder()
    {
        // m is read again after the transpose: the loop cannot compute in the transposed order.
        Tensor F(Tensor x) { var m = Sin(x) * 3.0; return Transpose(m) + MatMul(m, x); }
        var x = Uniform([80, 80], seed: 17);
        var program = new EquationProgram(MakeGraph(F)(x).Simplify());
        Assert.DoesNotContain("transpose", program.Describe());
        Assertions.Close(F(x), Jit(F)(x), 1e-13, 1e-13);
    }

    [Fact]
    public void FusedLoopsKeepIeeeArithmetic()
    {
        // Where x is infinite or NaN, x·0 is NaN: the loop must not drop the product as a derivative's zero tangent.
        Tensor F(Tensor x) => Exp(x * 0.0) + 0.0 / (x - 1.0) + 1.0;
        var x = Uniform([80, 80], seed: 12).ToArray();
        (x[3], x[17], x[40], x[41]) = (double.PositiveInfinity, double.NaN, double.NegativeInfinity, 1.0);
        var input = Array(x, 80, 80);
        Assert.Equal(1, new EquationProgram(MakeGraph(F)(input).Simplify()).Fusion.Loops);
        Assert.Equal(F(input).ToArray(), Jit(F)(input).ToArray());
    }
}
