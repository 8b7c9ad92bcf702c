using Adjoint;
using Adjoint.Traces;
using static Adjoint.Np;

namespace Adjoint.Tests.Traces;

/// <summary>Fan-out, constants and broadcasting: the rows where adjoints add up.</summary>
public class AccumulationTraceTests
{
    [Fact]
    public void A_reused_input_accumulates_both_contributions()
    {
        var trace = Ad.TraceReverse(x => x * x, 3.0);
        Assert.Equal(["v̄₁ = ȳ = 1", "v̄₀ = v̄₁ · v₀", "v̄₀ = v̄₀ + v̄₁ · v₀", "x̄ = v̄₀"], trace.Steps.Select(s => s.Rule));
        Assert.Equal([1.0, 3.0, 6.0, 6.0], trace.Steps.Select(s => s.Value.Item));
        Assert.Equal(AdjointStepKind.Accumulate, trace.Steps[2].Kind);
        Assert.Equal(Ad.Grad(x => x * x)(3.0).Item, trace.Gradients[0].Item);

        var forward = Ad.TraceForward(x => x * x, 3.0, 1.0);
        Assert.Equal("v̇₁ = v̇₀ · v₀ + v̇₀ · v₀", forward["v₁"].Rule);
        Assert.Equal(6.0, forward.Tangent.Item);
    }

    [Fact]
    public void Constants_appear_as_numbers_and_get_no_adjoint()
    {
        var trace = Ad.TraceReverse(x => 2.0 * x + (-3.0), 5.0);
        Assert.Equal(["v₀ = x", "v₁ = 2 · v₀", "v₂ = v₁ + (−3)", "y = v₂"], trace.Rows.Select(r => r.Operation));
        Assert.Equal(["v̄₂ = ȳ = 1", "v̄₁ = v̄₂", "v̄₀ = v̄₁ · 2", "x̄ = v̄₀"], trace.Steps.Select(s => s.Rule));
        Assert.Equal(2.0, trace.Gradients[0].Item);
        Assert.Equal(["2", "(−3)"], trace.Graph.Constants.Select(c => c.Symbol));

        var forward = Ad.TraceForward(x => 2.0 * x + (-3.0), 5.0, 1.0);
        Assert.Equal("v̇₁ = v̇₀ · 2", forward["v₁"].Rule);
        Assert.Equal("v̇₂ = v̇₁", forward["v₂"].Rule);
    }

    [Fact]
    public void A_broadcast_input_sums_its_contributions_and_accumulates()
    {
        // x is a scalar stretched over w's three elements, twice: through x·w and through + x.
        var w = Array(1.0, 2.0, 3.0);
        Tensor F(Tensor x) => Sum(x * w + x);
        var trace = Ad.TraceReverse(F, 0.5);
        Assert.Equal(["v₀ = x", "v₁ = v₀ · [1, 2, 3]", "v₂ = v₁ + v₀", "v₃ = sum(v₂)", "y = v₃"], trace.Rows.Select(r => r.Operation));
        Assert.Equal(
            ["v̄₃ = ȳ = 1", "v̄₂ = broadcast(v̄₃)", "v̄₁ = v̄₂", "v̄₀ = Σ(v̄₂)", "v̄₀ = v̄₀ + Σ(v̄₁ · [1, 2, 3])", "x̄ = v̄₀"],
            trace.Steps.Select(s => s.Rule));
        Assertions.Close(Ones(3), trace.Steps[1].Value);
        Assert.Equal(3.0, trace.Steps[3].Value.Item);
        Assert.Equal(9.0, trace.Steps[4].Value.Item);
        Assert.Equal(Ad.Grad(F)(0.5).Item, trace.Gradients[0].Item);
    }

    [Fact]
    public void An_unused_input_has_a_zero_gradient()
    {
        var trace = Ad.TraceReverse((x, y) => Sin(x), 1.0, 2.0);
        Assert.Equal("x̄₂ = 0", trace.Steps[^1].Rule);
        Assert.Equal(0.0, trace.Gradients[1].Item);
    }

    [Fact]
    public void Three_and_four_arguments_are_numbered_from_v_minus_n_plus_1()
    {
        var trace = Ad.TraceReverse((a, b, c, d) => a * b + c * d, 1.0, 2.0, 3.0, 4.0);
        Assert.Equal(["v₋₃", "v₋₂", "v₋₁", "v₀"], trace.Rows.Take(4).Select(r => r.Variable));
        Assert.Equal([2.0, 1.0, 4.0, 3.0], trace.Gradients.Select(g => g.Item));
        var forward = Ad.TraceForward((a, b, c) => a * b * c, (1.0, 2.0, 3.0), (1.0, 1.0, 1.0));
        Assert.Equal(6.0 + 3.0 + 2.0, forward.Tangent.Item);
    }
}
