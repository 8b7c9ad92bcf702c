using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests;

/// <summary>
/// The compiled block loop (<see cref="FusedLoop"/>) against the interpreted blocks and eager mode. The
/// images have 151 × 151 pixels: an odd count, so the last block ends with scalar pixels.
/// </summary>
public class FusedLoopTests
{
    private static readonly Models.Gauss Model = new(151);
    private static readonly Tensor Point = Array(0.1, -0.05, 0.9, 0.55, 0.1, 0.05);

    // Images of positive values (u in [0.05, 0.85], v in [0.55, 1.35]) and of coordinates in [-2, 2].
    private static readonly Tensor X = Model.Grid[1], Y = Model.Grid[0];
    private static readonly Tensor U = (X * X + Y * Y + 0.5) / 10, V = U + 0.5;
    private static readonly Tensor Params = Array(1.0, 0.1, 2.0);

    private static Tensor P(Tensor x) => x[0] * U + x[1] * X;
    private static Tensor Q(Tensor x) => x[2] * V - x[1] * Y;

    public static TheoryData<string> Functions =>
    [
        "neg", "exp", "log", "sin", "cos", "tan", "tanh", "sqrt", "abs", "sign", "square", "cube", "pow_const",
        "add", "sub", "mul", "div", "pow", "max", "min", "hypot", "lt", "le", "gt", "ge", "eq", "ne", "max-over-pixels",
        "split-sum", "calls",
        // The element-wise functions of numpy's surface (Toolbox/ElementWise.cs): scalar lane forms, run per element in the loop.
        "log1p", "expm1", "log2", "log10", "exp2", "sinh", "cosh", "asin", "acos", "atan", "asinh", "acosh", "atanh",
        "erf", "cbrt", "logistic", "softplus", "floor", "ceil", "round", "reciprocal", "clip", "relu",
        // Moves within a pixel: a flip along a lead axis, and stop_gradient (the identity on values).
        "rev (lead axis)", "stop_gradient",
    ];

    private static Tensor Function(string name, Tensor x)
    {
        Tensor p = P(x), q = Q(x);
        Tensor Select(Tensor condition) => Sum(Where(condition, p * p, q * p));
        return name switch
        {
            "neg" => Sum(-p * p), "exp" => Sum(Exp(p)), "log" => Sum(Log(p)), "sin" => Sum(Sin(p)), "cos" => Sum(Cos(p)),
            "tan" => Sum(Tan(p)), "tanh" => Sum(Tanh(p)), "sqrt" => Sum(Sqrt(p)), "abs" => Sum(Abs(p - 0.4) * q),
            "sign" => Sum(Sign(p - 0.4) * q * q), "square" => Sum(Pow(p, 2)), "cube" => Sum(Pow(p, 3)), "pow_const" => Sum(Pow(p, 2.5)),
            "add" => Sum((p + q) * p), "sub" => Sum((p - q) * q), "mul" => Sum(p * q), "div" => Sum(p / q), "pow" => Sum(Pow(p, q)),
            "max" => Sum(Maximum(p, q - 0.6)), "min" => Sum(Minimum(p, q - 0.6)), "hypot" => Sum(Hypot(p, q)),
            "lt" => Select(Less(p, q - 0.6)), "le" => Select(LessEqual(p, q - 0.6)), "gt" => Select(Greater(p, q - 0.6)),
            "ge" => Select(GreaterEqual(p, q - 0.6)), "eq" => Select(Equal(p, p * 1.0)), "ne" => Select(NotEqual(p, q)),
            "max-over-pixels" => Max(p * q) + Sum(p),
            // Sums of additions, subtractions and negations that nothing else uses go term by term into the accumulator.
            "split-sum" => Sum(-(p * q) - (q - p * p) + Exp(p)) + Sum(-q),
            // Calls (exp, log, sin, hypot) of calls, computed in the first loop and read from scratch by the second.
            "calls" => Sum(Exp(Sin(p)) * Log(q) + Hypot(p, Exp(q) * x[1])) + Sum(Cos(x[0] * U)),
            // p lies in about [−0.15, 1.05] and q in [0.9, 2.9]: inside every domain, away from the kinks.
            "log1p" => Sum(Log1p(p) * q), "expm1" => Sum(Expm1(p) * q), "log2" => Sum(Log2(q) * p), "log10" => Sum(Log10(q) * p),
            "exp2" => Sum(Exp2(p) * q), "sinh" => Sum(Sinh(p) * q), "cosh" => Sum(Cosh(p) * q), "asin" => Sum(Arcsin(0.5 * p) * q),
            "acos" => Sum(Arccos(0.5 * p) * q), "atan" => Sum(Arctan(p) * q), "asinh" => Sum(Arcsinh(p) * q),
            "acosh" => Sum(Arccosh(q + 0.2) * p), "atanh" => Sum(Arctanh(0.5 * p) * q), "erf" => Sum(Erf(2 * p) * q),
            "cbrt" => Sum(Cbrt(q) * p), "logistic" => Sum(Sigmoid(3 * p) * q), "softplus" => Sum(Softplus(3 * p - 1) * q),
            "floor" => Sum(Floor(3 * p) * q * q), "ceil" => Sum(Ceil(3 * p) * q * q), "round" => Sum(Round(3 * p) * q * q),
            // Compositions of the primitives above (1/x, minimum∘maximum, where).
            "reciprocal" => Sum(Reciprocal(q) * p), "clip" => Sum(Clip(p * q, 0.3, 1.2) * q), "relu" => Sum(Relu(p - 0.4) * q),
            "rev (lead axis)" => Sum(Sum(Flip(Stack(p, q * q), 0) * Stack(q, p), 0)), "stop_gradient" => Sum(StopGradient(p * q) * p * p + q),
            _ => throw new ArgumentException(name),
        };
    }

    /// <summary>
    /// Runs f's simplified graph compiled (512- and 256-bit) and interpreted; both must match eager to 1e-12
    /// relative. False when the graph is not run in blocks at all (e.g. a pixel depends on a max over all pixels).
    /// </summary>
    private static bool CheckAllWays(Func<Tensor, Tensor> f, Tensor x)
    {
        var graph = MakeGraph(f)(x).Simplify();
        var eager = f(x);
        double scale = eager.ToArray().Max(Math.Abs);
        if (BlockedProgram.TryCreate(graph) is not { } blocked) return false;
        var interpreted = blocked.Run([x], interpret: true)[0];
        Assertions.Close(eager, interpreted, 1e-12, 1e-12 * scale);
        foreach (bool use512 in new[] { true, false })
        {
            var program = BlockedProgram.TryCreate(graph, use512)!;
            Assert.True(program.IsCompiled);
            var compiled = program.Run([x])[0];
            Assertions.Close(interpreted, compiled, 1e-12, 1e-12 * scale);
            Assertions.Close(eager, compiled, 1e-12, 1e-12 * scale);
        }
        return true;
    }

    [Fact]
    public void GaussValueGradientAndHessianMatchTheInterpreterAndEager()
    {
        Assert.True(CheckAllWays(Model.Nll, Point));
        Assert.True(CheckAllWays(Grad(Model.Nll), Point));
        Assert.True(CheckAllWays(Hessian(Model.Nll), Point));
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void EveryElementwisePrimitiveHasTheInterpretersHessian(string name)
    {
        Assert.True(CheckAllWays(x => Function(name, x), Params));
        // The derivatives of max/min and of a max over pixels are not blocked (they compare every pixel with a reduction, or are constant).
        bool gradient = CheckAllWays(Grad((Tensor x) => Function(name, x)), Params);
        bool hessian = CheckAllWays(Hessian((Tensor x) => Function(name, x)), Params);
        Assert.True(name is "max" or "min" or "max-over-pixels" || (gradient && hessian));
    }

    [Fact]
    public void PixelOutputsAreWrittenByTheLoop()
    {
        // Two images (2 lanes per pixel) are an output over the pixels; the sum makes the graph blocked.
        Tensor[] Outputs(Tensor[] p) => [Stack(Model.Model(p[0]), Exp(Model.Model(p[0])) * p[0][2]), Sum(Model.Model(p[0]))];
        var graph = Capture(Outputs, [Point]).Simplify();
        var program = BlockedProgram.TryCreate(graph);
        Assert.NotNull(program);
        Assert.True(program.IsCompiled);
        var eager = Outputs([Point]);
        var compiled = program.Run([Point]);
        var interpreted = program.Run([Point], interpret: true);
        for (int k = 0; k < 2; k++)
        {
            Assertions.Close(eager[k], interpreted[k], 1e-12, 1e-12);
            Assertions.Close(eager[k], compiled[k], 1e-12, 1e-12);
        }
    }

    [Fact]
    public void WithoutDynamicCodeTheBlocksAreInterpretedAndGiveTheSameHessian()
    {
        // What a file-based app with PublishAot on gets: no compiled loop, the block interpreter instead.
        var graph = MakeGraph(Hessian(Model.Nll))(Point).Simplify();
        var interpreted = BlockedProgram.TryCreate(graph, compileLoop: false)!;
        var compiled = BlockedProgram.TryCreate(graph, compileLoop: true)!;
        Assert.False(interpreted.IsCompiled);
        Assert.True(compiled.IsCompiled);
        Assert.Contains("interpreted", interpreted.Describe());
        Assertions.Close(compiled.Run([Point])[0], interpreted.Run([Point])[0], 1e-12, 1e-12);
        Assert.Contains("#:property PublishAot=false", BlockedProgram.InterpretedWarning);
    }

    [Fact]
    public void TheGaussianHessianLoopIsBitwiseDeterministicForOneAndTwoThreads()
    {
        var program = BlockedProgram.TryCreate(MakeGraph(Hessian(Model.Nll))(Point).Simplify())!;
        Assert.True(program.IsCompiled);
        var parallel = program.Run([Point], interpret: false, maxThreads: 2)[0].ToArray();
        Assert.Equal(parallel, program.Run([Point], interpret: false, maxThreads: 1)[0].ToArray());
        Assert.Equal(parallel, program.Run([Point], interpret: false, maxThreads: 2)[0].ToArray());
    }

    /// <summary>How many pixel sums the compiled loop of f's graph accumulates (from its plan).</summary>
    private static int Accumulators(Func<Tensor, Tensor> f, Tensor x) =>
        int.Parse(System.Text.RegularExpressions.Regex.Match(MakeGraph(f)(x).Simplify().ExecutionPlan(), @"(\d+) accumulators").Groups[1].Value);

    [Fact]
    public void AHessianSumsOnlyTheTriangleItKeeps()
    {
        // Six parameters: JacFwd(JacRev) sums all 36 entries over the pixels, Hessian the 21 that it mirrors (LiveElements).
        Assert.Equal(15, Accumulators(JacFwd(JacRev(Model.Nll)), Point) - Accumulators(Hessian(Model.Nll), Point));
        Assert.True(CheckAllWays(Hessian(Model.Nll), Point));
    }

    [Fact]
    public void FactoringTheTangentChainsLeavesFewerOperationsAndTheSameHessian()
    {
        var graph = MakeGraph(Hessian(Model.Nll))(Point).Simplify();
        BlockedProgram factored = BlockedProgram.TryCreate(graph)!, plain = BlockedProgram.TryCreate(graph, factor: false)!;
        static int Operations(BlockedProgram p) =>
            int.Parse(System.Text.RegularExpressions.Regex.Match(p.Describe(), @"(\d+) operations on vectors").Groups[1].Value);
        Assert.True(Operations(factored) < 0.85 * Operations(plain), $"{Operations(factored)} operations factored, {Operations(plain)} not");
        // 1/(c·(1/D)) is D/c: the divisions left are 1/D and the derivative of hypot's 1/h.
        Assert.Contains("div×2", factored.Describe());
        var expected = plain.Run([Point])[0];
        Assertions.Close(expected, factored.Run([Point])[0], 1e-13, 1e-13 * expected.ToArray().Max(Math.Abs));
    }

    [Fact]
    public void SumsThatNoOutputReadsAreNotAccumulated()
    {
        Tensor Sums(Tensor x) => Stack(Sum(P(x) * P(x)), Sum(Q(x) * P(x)), Sum(Exp(Q(x))));
        // A select with a constant mask reads the chosen elements; a slice the ones it keeps; a matrix product all.
        Func<Tensor, Tensor>[] readers = [x => Where(Array(1.0, 0.0, 1.0), Sums(x), 7.0), x => Sums(x)[1..] * 2, x => Dot(Array(1.0, 0.0, 1.0), Sums(x))];
        Assert.Equal([2, 2, 3], readers.Select(f => Accumulators(f, Params)));
        Assert.All(readers, f => Assert.True(CheckAllWays(f, Params)));
    }

    [Fact]
    public void ThePlanSaysTheBodyIsCompiled() =>
        Assert.Contains("compiled into one SIMD loop", MakeGraph(Hessian(Model.Nll))(Point).Simplify().ExecutionPlan());
}
