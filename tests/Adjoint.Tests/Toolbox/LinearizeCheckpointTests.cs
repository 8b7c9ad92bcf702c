using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests.Toolbox;

public class LinearizeCheckpointTests
{
    private static Tensor Step(Tensor x) => Sin(x) * 1.1 + 0.1 * x * x;

    /// <summary>A deep chain: <paramref name="depth"/> steps, in checkpointed segments of <paramref name="segment"/> steps (0: none).</summary>
    private static Func<Tensor, Tensor> Chain(int depth, int segment)
    {
        Func<Tensor, Tensor> run(int steps) => x => { for (int i = 0; i < steps; i++) x = Step(x); return x; };
        if (segment == 0) return x => Sum(run(depth)(x));
        var piece = Checkpoint(run(segment));
        return x => { for (int i = 0; i < depth / segment; i++) x = piece(x); return Sum(x); };
    }

    private static readonly Tensor X = Linspace(-1, 1, 5);

    [Fact]
    public void CheckpointGivesTheSameDerivativesInEveryMode()
    {
        var plain = Chain(12, 0);
        var checkpointed = Chain(12, 4);
        Assertions.Close(plain(X), checkpointed(X));
        Assertions.Close(Grad(plain)(X), Grad(checkpointed)(X), 1e-13);
        Assertions.Close(Hessian(plain)(X), Hessian(checkpointed)(X), 1e-12, 1e-13);
        Assertions.Close(JacRev(Grad(plain))(X), JacRev(Grad(checkpointed))(X), 1e-12, 1e-13);
        Assertions.Close(Grad(plain)(X), Jit(Grad(checkpointed))(X), 1e-13);
        Assertions.Close(Vmap(Grad(plain))(Reshape(X, 5, 1)), Vmap(Grad(checkpointed))(Reshape(X, 5, 1)), 1e-13);
        Assert.Contains("checkpoint", MakeGraph(checkpointed)(X).ToString());
        CheckGrads(Chain(6, 3), X, order: 2);
    }

    /// <summary>The arrays the reverse pass keeps (distinct buffers on the tape) after the forward pass of f.</summary>
    private static int KeptArrays(Func<Tensor, Tensor> f, Tensor x)
    {
        var trace = new ReverseTrace();
        var input = trace.NewInput(x);
        try { f(input); }
        finally { trace.Exit(); }
        var kept = new HashSet<double[]>(ReferenceEqualityComparer.Instance);
        foreach (var eq in trace.Tape)
        {
            foreach (var p in eq.Primals) kept.Add(p.Data);
            kept.Add(eq.Output.PrimalValue.Data);
        }
        return kept.Count;
    }

    [Fact]
    public void CheckpointKeepsOnlySegmentBoundariesOnTheTape()
    {
        // 100 steps of 5 operations each: ~500 arrays kept without checkpoints, the 11 boundaries of 10 segments with.
        int plain = KeptArrays(Chain(100, 0), X), checkpointed = KeptArrays(Chain(100, 10), X);
        Assert.True(plain >= 400, $"plain chain kept {plain} arrays");
        Assert.True(checkpointed <= 12, $"checkpointed chain kept {checkpointed} arrays");
    }

    [Fact]
    public void CheckpointRecomputesOnceForAllArguments()
    {
        // A checkpointed function of three arguments: a Grad over all three runs its body once forward and once again
        // in the backward pass (one recomputation gives every cotangent), not once per argument.
        int runs = 0;
        var piece = Checkpoint((Tensor[] x) => { runs++; return Sum(Sin(x[0]) * x[1] * Exp(x[2])); });
        Tensor a = Array(0.3, -0.2), b = Array(1.5, 0.7), c = Array(0.1, 0.4);
        piece([a, b, c]); // shapes traced once here, outside the count below
        runs = 0;
        var (da, db, dc) = Grad((Tensor p, Tensor q, Tensor r) => piece([p, q, r]), argnums: (0, 1, 2))(a, b, c);
        Assert.Equal(2, runs);
        Assertions.Close(Cos(a) * b * Exp(c), da, 1e-14);
        Assertions.Close(Sin(a) * Exp(c), db, 1e-14);
        Assertions.Close(Sin(a) * b * Exp(c), dc, 1e-14);
        CheckGrads(x => piece([x[0], x[1], x[2]]), [a, b, c], order: 2);
    }

    [Fact]
    public void LinearizeGivesTheJvpWithoutRerunningThePrimal()
    {
        int calls = 0;
        Func<Tensor, Tensor> f = x => { calls++; return Sin(x) * Exp(x[0]) + Logsumexp(x); };
        var (y, jvp) = Linearize(f, X);
        Assertions.Close(f(X), y);
        var t = Array(0.3, -1.0, 2.0, 0.5, 0.1);
        var expected = Jvp(f, X, t).Item2;
        var jacobian = JacFwd(f)(X);
        calls = 0;
        Assertions.Close(expected, jvp(t), 1e-14);
        Assertions.Close(2.0 * expected, jvp(2.0 * t), 1e-14);
        // Linear, and a tensor function: its Jacobian is f's.
        Assertions.Close(jacobian, JacFwd(jvp)(Zeros(5)), 1e-14);
        Assertions.Close(jacobian, Jit(JacRev(jvp))(Ones(5)), 1e-14);
        Assert.Equal(0, calls); // jvp replays the recorded tangent operations, it never calls f
        Assert.Throws<ShapeException>(() => jvp(Ones(4)));
    }
}
