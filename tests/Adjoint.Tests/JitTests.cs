using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests;

public class JitTests
{
    private static readonly Tensor GaussPoint = Array(0.1, -0.05, 0.9, 0.55, 0.1, 0.05);

    public static TheoryData<string> Functions => ["toy", "lecture", "rosenbrock", "gauss"];

    [Fact]
    public void A_jitted_function_keeps_a_bounded_number_of_programs_dropping_the_least_recently_called()
    {
        int compiles = 0, max = Ad.MaxProgramsPerFunction;
        var f = Jit((Tensor x) => Sum(Sin(x)), graph => { compiles++; return Ad.Compile(graph); });
        for (int n = 1; n <= max + 8; n++) Assert.Equal(Sum(Sin(Arange(n))).Item, f(Arange(n)).Item, 12);
        Assert.Equal(max + 8, compiles); // one program per shape; the first eight are dropped
        f(Arange(max + 8));
        f(Arange(10));
        Assert.Equal(max + 8, compiles); // still kept
        Assert.Equal(Sum(Sin(Arange(1))).Item, f(Arange(1)).Item, 12);
        Assert.Equal(max + 9, compiles); // dropped, compiled again (and n = 9, now the least recently called, dropped)
        f(Arange(9));
        Assert.Equal(max + 10, compiles);
    }

    private static (Func<Tensor, Tensor> F, Tensor X) Case(string name) => name switch
    {
        "toy" => (Models.Toy, Uniform([50], seed: 1)),
        "lecture" => (x => Models.Lecture(x[0], x[1]), Array(1.0, 1.0)),
        "rosenbrock" => (Models.Rosenbrock, Uniform([10], seed: 2, low: -1, high: 1)),
        "gauss" => (new Models.Gauss(20).Nll, GaussPoint),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Functions))]
    public void JitOfEveryTransformationEqualsEager(string name)
    {
        var (f, x) = Case(name);
        var transformations = new (string, Func<Func<Tensor, Tensor>, Func<Tensor, Tensor>>)[]
        {
            ("f", g => g), ("grad", Grad), ("jacfwd", JacFwd), ("jacrev", JacRev), ("hessian", Hessian),
            ("fwd-fwd", g => JacFwd(JacFwd(g))), ("rev-rev", g => JacRev(JacRev(g))), ("rev-fwd", g => JacRev(JacFwd(g))),
        };
        foreach (var (label, transform) in transformations)
        {
            var eager = transform(f)(x);
            var jitted = Jit(transform(f))(x);
            Assertions.Close(eager, jitted, 1e-12, 1e-12 * (1 + eager.ToArray().Max(Math.Abs)));
        }
    }

    // Found by the differential test: common-subexpression elimination once merged two reshapes of one
    // variable that differed only in their source shape, so third derivatives came out wrong (or threw).
    private static Tensor InverseSquaredNorm(Tensor x) => 1.0 / Dot(x, x);

    [Fact]
    public void JitOfAThirdDerivativeEqualsEagerAndIsSymmetric()
    {
        var x = Array(1.0, 2.0);
        var eager = JacFwd(Hessian(InverseSquaredNorm))(x);
        var jitted = Jit(JacFwd(Hessian(InverseSquaredNorm)))(x);
        Assertions.Close(eager, jitted, 1e-14, 1e-15);
        Assertions.Close(-0.0256, jitted[0, 1, 0].Item, 1e-12);
        Assertions.Close(-0.2304, jitted[1, 1, 1].Item, 1e-12);
        for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) for (int k = 0; k < 2; k++)
            Assertions.Close(jitted[i, j, k].Item, jitted[k, i, j].Item, 1e-14);
    }

    [Fact]
    public void JitOfForwardOverReverseOverReverseEqualsEager()
    {
        var x = Array(1.0, 2.0);
        var f = JacFwd(JacRev(JacRev(InverseSquaredNorm)));
        Assertions.Close(f(x), Jit(f)(x), 1e-14, 1e-15);
    }

    [Fact]
    public void JitOfASumOverNoAxesEqualsEager()
    {
        // Forward over forward mode sums a scalar (over no axes): once a crash when planning the blocks.
        Func<Tensor, Tensor> f = x => Sum(Exp(Sum(x, 1)[1]));
        var x = Uniform([2, 3], seed: 3);
        Assertions.Close(JacFwd(JacFwd(f))(x), Jit(JacFwd(JacFwd(f)))(x), 1e-14, 1e-15);
    }

    [Fact]
    public void TransformationsOfAJittedFunctionTraceThroughIt()
    {
        var (f, x) = Case("rosenbrock");
        Assertions.Close(Grad(f)(x), Grad(Jit(f))(x), 0, 0);
        Assertions.Close(Hessian(f)(x), Hessian(Jit(f))(x), 0, 0);
    }

    [Fact]
    public void ResultsAreBitwiseIdenticalAcrossCalls()
    {
        var h = Jit(Hessian(new Models.Gauss(20).Nll));
        var first = h(GaussPoint).ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(first, h(GaussPoint).ToArray());
    }

    [Fact]
    public void TracesOncePerShapeSignature()
    {
        int calls = 0;
        var f = Jit(x => { calls++; return Sum(Sin(x)); });
        f(Ones(3));
        f(Zeros(3));
        Assert.Equal(1, calls);
        f(Ones(4));
        Assert.Equal(2, calls);
        Assertions.Close(Sum(Sin(Array(1.0, 2.0, 3.0, 4.0))), f(Array(1.0, 2.0, 3.0, 4.0)));
    }

    [Fact]
    public void ClosedOverTensorsAreConstantsByReference()
    {
        var w = Array(1.0, 2.0, 3.0);
        var graph = MakeGraph(x => Sum(w * x))(Ones(3));
        Assert.Contains(w, graph.Equations.SelectMany(e => e.Inputs).OfType<Tensor>());
    }

    [Fact]
    public void MakeGraphPrintsAListing()
    {
        var graph = MakeGraph(x => Sum(Pow(Sin(x), 2) * 3.0))(Ones(3));
        Assert.Equal(
            "{ lambda ; a:f64[3]. let\n" +
            "    b:f64[3] = sin a\n" +
            "    c:f64[3] = integer_pow[y=2] b\n" +
            "    d:f64[3] = mul c 3.0\n" +
            "    e:f64[] = reduce_sum[axes=(0,)] d\n" +
            "  in (e) }", graph.ToString());
    }

    [Fact]
    public void SimplificationSharesThePrimalPassOfTheGaussianHessian()
    {
        var nll = new Models.Gauss(20).Nll;
        var raw = MakeGraph(Hessian(nll))(GaussPoint);
        var simplified = raw.Simplify();
        // Forward-over-reverse evaluates exp once in the primal pass; its JVP and VJP reuse the output.
        Assert.Equal(1, simplified.Count("exp"));
        // The likelihood's own value is not needed for its Hessian: dead-code elimination drops the log.
        Assert.Equal(1, raw.Count("log"));
        Assert.Equal(0, simplified.Count("log"));
        Assert.True(simplified.EquationCount < raw.EquationCount, $"{simplified.EquationCount} vs {raw.EquationCount}");
        Assertions.Close(Hessian(nll)(GaussPoint), new EquationProgram(simplified, fuse: false).Run([GaussPoint])[0], 1e-12, 1e-9);
    }

    [Fact]
    public void CommonSubexpressionsAreSharedAcrossSeparatelyTracedColumns()
    {
        // Six Hessian columns, each from its own forward pass: equal scalar constants created in
        // different passes must count as the same constant for the passes to be recognised as one.
        var nll = new Models.Gauss(8).Nll;
        Tensor ColumnByColumn(Tensor p) => Stack(Enumerable.Range(0, 6).Select(k => Jvp(Grad(nll), p, Eye(6)[k]).Tangent));
        var raw = MakeGraph(ColumnByColumn)(GaussPoint);
        Assert.Equal(6, raw.Count("exp"));
        Assert.Equal(1, raw.Simplify().Count("exp"));
        Assertions.Close(Hessian(nll)(GaussPoint), Jit(ColumnByColumn)(GaussPoint), 1e-12, 1e-9);
    }

    [Fact]
    public void ReadingValuesInsideJitIsAClearError()
    {
        var f = Jit(x => x * x.Item);
        var error = Assert.Throws<InvalidOperationException>(() => f(2.0));
        Assert.Contains("abstract", error.Message);
    }
}

public class BlockedJitTests
{
    // 150 × 150 = 22 500 pixels: large enough to run block by block.
    private static readonly Models.Gauss Model = new(150);
    private static readonly Tensor Point = Array(0.1, -0.05, 0.9, 0.55, 0.1, 0.05);

    [Fact]
    public void TheGaussianHessianRunsBlockByBlock()
    {
        var graph = MakeGraph(Hessian(Model.Nll))(Point).Simplify();
        Assert.NotNull(BlockedProgram.TryCreate(graph));
    }

    [Fact]
    public void BlockedResultsEqualEagerForValueGradientAndHessian()
    {
        Assertions.Close(Model.Nll(Point), Jit(Model.Nll)(Point), 1e-12, 0);
        Assertions.Close(Grad(Model.Nll)(Point), Jit(Grad(Model.Nll))(Point), 1e-11, 1e-9);
        var eager = Hessian(Model.Nll)(Point);
        Assertions.Close(eager, Jit(Hessian(Model.Nll))(Point), 1e-11, 1e-9 * eager.ToArray().Max(Math.Abs));
    }

    [Fact]
    public void TheExecutionPlanNamesTheFusedBlocks()
    {
        var plan = MakeGraph(Hessian(Model.Nll))(Point).Simplify().ExecutionPlan();
        Assert.StartsWith("block by block over pixels (150, 150) (22,500)", plan);
        Assert.Contains("fused block body", plan);
        Assert.Contains("exp×1", plan);
        Assert.StartsWith("equation by equation", MakeGraph(Models.Toy)(Ones(3)).Simplify().ExecutionPlan());
    }

    [Fact]
    public void LargeConstantsAreComputedInTheBlocksNotAtTraceTime()
    {
        // The six basis directions broadcast over the image would be 6 × 22 500 values each.
        var graph = MakeGraph(Hessian(Model.Nll))(Point);
        int largest = graph.Equations.SelectMany(e => e.Inputs).OfType<Tensor>().Max(t => t.Size);
        Assert.Equal(150 * 150, largest); // the grid and the observation themselves, nothing bigger
    }

    [Fact]
    public void PixelOutputsAreAssembledFromTheBlocks()
    {
        // The image is an output over the pixels; the sum over them makes Jit run the graph block by block.
        Func<Tensor, (Tensor, Tensor)> f = p => (Model.Model(p), Sum(Model.Model(p)));
        Assert.StartsWith("block by block", Capture(a => { var (image, sum) = f(a[0]); return [image, sum]; }, [Point]).Simplify().ExecutionPlan());
        var (image, sum) = Jit(f)(Point);
        Assertions.Close(Model.Model(Point), image, 1e-13, 0);
        Assertions.Close(Sum(Model.Model(Point)), sum, 1e-13, 0);
    }

    [Fact]
    public void InterpretedBlocksAreBitwiseIdenticalForOneAndManyThreads()
    {
        var program = BlockedProgram.TryCreate(MakeGraph(Hessian(Model.Nll))(Point).Simplify())!;
        var parallel = program.Run([Point], interpret: true, maxThreads: 2)[0].ToArray();
        Assert.Equal(parallel, program.Run([Point], interpret: true, maxThreads: 1)[0].ToArray());
        Assert.Equal(parallel, program.Run([Point], interpret: true, maxThreads: 2)[0].ToArray());
    }

    [Fact]
    public void AnImageMadeFromAFullSumIsComputedAfterTheBlocks()
    {
        // The second output has the pixels' shape but is made from the sum over them: it runs once, after the blocks
        // (before, a value was taken for per-pixel from its shape alone, and such a graph was not blocked at all).
        Func<Tensor, (Tensor, Tensor)> f = p => (Sum(Model.Model(p)), BroadcastTo(2 * Sum(Model.Model(p)), 150, 150));
        Assert.StartsWith("block by block", Capture(a => { var (sum, image) = f(a[0]); return [sum, image]; }, [Point]).Simplify().ExecutionPlan());
        var (sum, image) = Jit(f)(Point);
        Assertions.Close(Sum(Model.Model(Point)), sum, 1e-13, 0);
        Assertions.Close(BroadcastTo(2 * Sum(Model.Model(Point)), 150, 150), image, 1e-13, 0);
    }

    [Fact]
    public void APixelDependingOnAFullSumIsNotBlocked()
    {
        Tensor Normalised(Tensor p) => Sum(Pow(Model.Grid[0] * p[0] / Sum(Model.Grid[0] * p[0]), 2));
        var graph = MakeGraph(Normalised)(Point).Simplify();
        Assert.Null(BlockedProgram.TryCreate(graph));
        Assertions.Close(Normalised(Point), Jit(Normalised)(Point), 1e-12, 0);
    }
}
