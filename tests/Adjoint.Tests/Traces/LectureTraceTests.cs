using Adjoint;
using Adjoint.Traces;
using static Adjoint.Np;

namespace Adjoint.Tests.Traces;

/// <summary>
/// The lecture function f(x₁, x₂) = d·e (a = x₁/x₂, b = exp(x₂), c = sin(a), d = a − b, e = c + d)
/// traced at (1, 1): every number in the tables against the derivation by hand.
/// </summary>
public class LectureTraceTests
{
    private const double Tol = 1e-12;

    // The primal values by hand at (1, 1), v₁ … v₆ = a … g.
    private static readonly double A = 1, B = Math.E, C = Math.Sin(1), D = 1 - Math.E, E = Math.Sin(1) + 1 - Math.E, G = D * E;

    private static void Near(double expected, Tensor actual) => Assertions.Close(expected, actual.Item, Tol);

    [Fact]
    public void Forward_rows_follow_Griewank_Walther_numbering_and_names()
    {
        var trace = Ad.TraceForward(TraceExamples.LectureFunction, (1.0, 1.0), (1.0, 0.0));
        Assert.Equal(["v₋₁", "v₀", "v₁", "v₂", "v₃", "v₄", "v₅", "v₆", "y"], trace.Rows.Select(r => r.Variable));
        Assert.Equal(["x₁", "x₂", "a", "b", "c", "d", "e", "g", null], trace.Rows.Select(r => r.Name));
        Assert.Equal(
            ["v₋₁ = x₁", "v₀ = x₂", "v₁ = v₋₁ / v₀", "v₂ = exp(v₀)", "v₃ = sin(v₁)", "v₄ = v₁ − v₂", "v₅ = v₃ + v₄", "v₆ = v₄ · v₅", "y = v₆"],
            trace.Rows.Select(r => r.Operation));
        Assert.Equal("v̇₁ = v̇₋₁ / v₀ − v̇₀ · v₋₁ / v₀²", trace["a"].Rule);
        Assert.Equal("v̇₃ = v̇₁ · cos(v₁)", trace["c"].Rule);
        Assert.Equal("v̇₆ = v̇₄ · v₅ + v̇₅ · v₄", trace["g"].Rule);
    }

    [Fact]
    public void Forward_seeded_with_x1_matches_the_hand_derivation()
    {
        var trace = Ad.TraceForward(TraceExamples.LectureFunction, (1.0, 1.0), (1.0, 0.0));
        double[] values = [1, 1, A, B, C, D, E, G, G];
        double dd = 1, de = Math.Cos(1) + 1;
        double[] tangents = [1, 0, 1, 0, Math.Cos(1), dd, de, dd * E + D * de, dd * E + D * de];
        for (int i = 0; i < values.Length; i++)
        {
            Near(values[i], trace.Rows[i].Value);
            Near(tangents[i], trace.Rows[i].Derivative);
        }
        var (value, tangent) = Ad.Jvp(TraceExamples.LectureFunction, (1.0, 1.0), (1.0, 0.0));
        Near(value.Item, trace.Value);
        Near(tangent.Item, trace.Tangent);
    }

    [Fact]
    public void Forward_seeded_with_x2_matches_the_hand_derivation()
    {
        var trace = Ad.TraceForward(TraceExamples.LectureFunction, (1.0, 1.0), (0.0, 1.0));
        double dd = -1 - Math.E, de = -Math.Cos(1) - 1 - Math.E, dg = dd * E + D * de;
        double[] tangents = [0, 1, -1, Math.E, -Math.Cos(1), dd, de, dg, dg];
        for (int i = 0; i < tangents.Length; i++) Near(tangents[i], trace.Rows[i].Derivative);
        Near(Ad.Jvp(TraceExamples.LectureFunction, (1.0, 1.0), (0.0, 1.0)).Tangent.Item, trace.Tangent);
    }

    [Fact]
    public void Reverse_sweep_runs_step_by_step_with_accumulation_and_ends_with_the_gradient()
    {
        var trace = Ad.TraceReverse(TraceExamples.LectureFunction, 1.0, 1.0);
        double gBar = 1, eBar = D, dBar = E + D, cBar = D, aBar = dBar + cBar * Math.Cos(1), bBar = -dBar;
        double x1Bar = aBar, x2Bar = bBar * Math.E - aBar;
        (string Rule, double Value, AdjointStepKind Kind)[] expected =
        [
            ("v̄₆ = ȳ = 1", gBar, AdjointStepKind.Seed),
            ("v̄₄ = v̄₆ · v₅", E, AdjointStepKind.First),
            ("v̄₅ = v̄₆ · v₄", eBar, AdjointStepKind.First),
            ("v̄₃ = v̄₅", cBar, AdjointStepKind.First),
            ("v̄₄ = v̄₄ + v̄₅", dBar, AdjointStepKind.Accumulate),
            ("v̄₁ = v̄₄", dBar, AdjointStepKind.First),
            ("v̄₂ = −v̄₄", bBar, AdjointStepKind.First),
            ("v̄₁ = v̄₁ + v̄₃ · cos(v₁)", aBar, AdjointStepKind.Accumulate),
            ("v̄₀ = v̄₂ · exp(v₀)", bBar * Math.E, AdjointStepKind.First),
            ("v̄₋₁ = v̄₁ / v₀", x1Bar, AdjointStepKind.First),
            ("v̄₀ = v̄₀ − v̄₁ · v₋₁ / v₀²", x2Bar, AdjointStepKind.Accumulate),
            ("x̄₁ = v̄₋₁", x1Bar, AdjointStepKind.Gradient),
            ("x̄₂ = v̄₀", x2Bar, AdjointStepKind.Gradient),
        ];
        Assert.Equal(expected.Select(e => e.Rule), trace.Steps.Select(s => s.Rule));
        for (int k = 0; k < expected.Length; k++)
        {
            Near(expected[k].Value, trace.Steps[k].Value);
            Assert.Equal(expected[k].Kind, trace.Steps[k].Kind);
        }

        // The primal rows carry each variable's final adjoint.
        double[] adjoints = [x1Bar, x2Bar, aBar, bBar, cBar, dBar, eBar, gBar, gBar];
        for (int i = 0; i < adjoints.Length; i++) Near(adjoints[i], trace.Rows[i].Derivative);

        var (g1, g2) = Ad.Grad(TraceExamples.LectureFunction, argnums: (0, 1))(1.0, 1.0);
        Assertions.Close(g1, trace.Gradients[0], Tol, Tol);
        Assertions.Close(g2, trace.Gradients[1], Tol, Tol);
        Near(G, trace.Value);
    }

    [Fact]
    public void Name_is_the_identity_outside_a_trace()
    {
        var x = Array(1.0, 2.0);
        Assert.Same(x, Ad.Name("x", x));
        Near(G, TraceExamples.LectureFunction(1.0, 1.0));
    }

    [Fact]
    public void Forward_rejects_a_tangent_of_the_wrong_shape() =>
        Assert.Throws<ShapeException>(() => Ad.TraceForward(x => Sum(x), Array(1.0, 2.0), 1.0));
}
