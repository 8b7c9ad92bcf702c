using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests.Toolbox;

/// <summary>StopGradient, CustomJvp and CustomVjp with JAX's documented examples and their nesting semantics.</summary>
public class CustomRuleTests
{
    /// <summary>JAX's custom_jvp example: log(1 + eˣ) with the stable derivative 1 − 1/(1 + eˣ).</summary>
    private static readonly Func<Tensor, Tensor> Log1pexp = MakeLog1pexp();

    private static Func<Tensor, Tensor> MakeLog1pexp()
    {
        Func<Tensor, Tensor> f = null!;
        f = CustomJvp(x => Log(1.0 + Exp(x)), (x, dx) => (f(x), (1.0 - 1.0 / (1.0 + Exp(x))) * dx));
        return f;
    }

    private static Tensor NaiveLog1pexp(Tensor x) => Log(1.0 + Exp(x));

    [Fact]
    public void CustomJvpGivesTheStableGradientWhereTheNaiveRuleGivesNaN()
    {
        // JAX's figures (float32 there: its naive rule fails at 100; in float64 eˣ overflows at 1000).
        Assert.Equal(1.0, Grad(Log1pexp)(100.0).Item);
        Assert.Equal(1.0, Grad(Log1pexp)(1000.0).Item);
        Assert.True(double.IsNaN(Grad(NaiveLog1pexp)(1000.0).Item));
        Assertions.Close(0.9525741268224334, Jit(Grad(Log1pexp))(3.0).Item);
        Assertions.Close(Array(0.5, 0.7310585786300049, 0.8807970779778823), Vmap(Jit(Grad(Log1pexp)))(Arange(3)));
    }

    [Fact]
    public void CustomJvpRuleIsUsedInEveryModeAndDifferentiatedByOuterLevels()
    {
        // A rule that is deliberately not f's derivative shows which one each transformation used: 3·dx.
        Func<Tensor, Tensor> f = CustomJvp(x => Sin(x), (x, dx) => (Sin(x), 3.0 * x * x * dx));
        Tensor x = Array(0.5, -1.0, 2.0);
        Assertions.Close(3.0 * x * x, Jvp(f, x, Ones(3)).Item2);
        Assertions.Close(3.0 * x * x, Grad(v => Sum(f(v)))(x));
        Assertions.Close(Diag(3.0 * x * x), JacFwd(f)(x));
        Assertions.Close(Diag(3.0 * x * x), JacRev(f)(x));
        // Second order: the outer level differentiates the rule 3x²·dx, giving 6x, in all four orderings.
        var hessian = Diag(6.0 * x);
        Assertions.Close(hessian, Hessian(v => Sum(f(v)))(x));
        Assertions.Close(hessian, JacRev(JacRev(v => Sum(f(v))))(x));
        Assertions.Close(hessian, JacFwd(JacFwd(v => Sum(f(v))))(x));
        Assertions.Close(hessian, JacRev(JacFwd(v => Sum(f(v))))(x));
        Assertions.Close(hessian, Jit(Hessian(v => Sum(f(v))))(x));
        // The primal is still f's.
        Assertions.Close(Sin(x), f(x));
    }

    [Fact]
    public void CustomJvpOfSeveralArgumentsGetsZerosForMissingTangents()
    {
        var f = CustomJvp((Tensor[] a) => a[0] * a[1], (Tensor[] p, Tensor[] t) => (p[0] * p[1], t[0] * p[1] + p[0] * t[1]));
        Func<Tensor, Tensor, Tensor> g = (a, b) => Sum(f([a, b]) * a);
        var (da, db) = Grad(g, argnums: (0, 1))(Array(1.0, 2.0), Array(3.0, 4.0));
        Assertions.Close(Array(6.0, 16.0), da);
        Assertions.Close(Array(1.0, 4.0), db);
        Assertions.Close(Array(3.0, 4.0), Grad((Tensor a) => Sum(f([a, Array(3.0, 4.0)])))(Array(1.0, 2.0)));
        CheckGrads(a => Sum(Sin(f([a[0], a[1]]))), [Array(0.3, -0.7), Array(1.1, 0.4)], order: 2);
    }

    /// <summary>JAX's custom_vjp example: the identity whose gradient is clipped to [−0.75, 0.75].</summary>
    private static readonly Func<Tensor, Tensor> ClipGradient =
        CustomVjp(x => x, x => (x, 0), (_, g) => Clip(g, -0.75, 0.75));

    [Fact]
    public void CustomVjpClipsTheGradient()
    {
        Func<Tensor, Tensor> clipSin = x => ClipGradient(Sin(x));
        var t = Linspace(0, 10, 7);
        Assertions.Close(Sin(t), Vmap(clipSin)(t));
        // The incoming cotangent 1 is clipped to 0.75, then sin's rule multiplies by cos t.
        Assertions.Close(0.75 * Cos(t), Vmap(Grad(clipSin))(t));
        Assertions.Close(0.75 * Cos(t), Jit(Vmap(Grad(clipSin)))(t));
        Assertions.Close(Cos(2.0) * 0.1, Grad((Tensor x) => 0.1 * clipSin(x))(2.0), 1e-14);
        Assertions.Close(Diag(0.75 * Cos(t)), JacRev(x => ClipGradient(Sin(x)))(t));
    }

    [Fact]
    public void CustomVjpBackwardIsDifferentiatedByAnOuterReverseLevel()
    {
        // bwd(x, g) = g·x³ is not f's derivative (x): Grad(Grad) differentiates bwd, giving 3x².
        var f = CustomVjp(x => x * x / 2.0, x => (x * x / 2.0, x), (x, g) => g * x * x * x);
        Assertions.Close(8.0, Grad(f)(2.0).Item);
        Assertions.Close(12.0, Grad(Grad(f))(2.0).Item);
        var error = Assert.Throws<InvalidOperationException>(() => Jvp(f, 2.0, 1.0));
        Assert.Contains("forward-mode", error.Message);
        Assert.Throws<InvalidOperationException>(() => Hessian(f)(2.0));
    }

    [Fact]
    public void CustomVjpRunsFwdAndBwdOnceForAllArguments()
    {
        // f(a, b) = Σ a·b with residuals (a, b): a Grad over both arguments runs fwd once (evaluation keeps the residuals
        // with the output) and bwd once (it gives both cotangents together), not once per argument.
        int forwardRuns = 0, backwardRuns = 0;
        var f = CustomVjp((Tensor[] x) => Sum(x[0] * x[1]),
            (Tensor[] x) => { forwardRuns++; return (Sum(x[0] * x[1]), (x[0], x[1])); },
            ((Tensor A, Tensor B) r, Tensor ct) => { backwardRuns++; return new[] { ct * r.B, ct * r.A }; });
        Tensor a = Array(1.0, 2.0), b = Array(3.0, 4.0);
        f([a, b]); // shapes traced once here, outside the counts below
        (forwardRuns, backwardRuns) = (0, 0);
        var (da, db) = Grad((Tensor p, Tensor q) => Sin(f([p, q])), argnums: (0, 1))(a, b);
        Assert.Equal((1, 1), (forwardRuns, backwardRuns));
        Assertions.Close(Math.Cos(11) * b, da, 1e-14);
        Assertions.Close(Math.Cos(11) * a, db, 1e-14);
        // Nested reverse levels differentiate fwd and bwd again, on their tracers: the same numbers as without the rule.
        CheckGrads(x => Sin(f([x[0], x[1]])), [a, b], order: 2, modes: ["rev"]);
    }

    [Fact]
    public void StopGradientIsAConstantForEveryTransformation()
    {
        Func<Tensor, Tensor> f = x => x * StopGradient(x * x);
        Assertions.Close(8.0, f(2.0).Item);
        Assertions.Close(4.0, Grad(f)(2.0).Item);
        Assertions.Close(4.0, Jvp(f, 2.0, 1.0).Item2.Item);
        Assertions.Close(0.0, Grad(Grad(f))(2.0).Item);
        Assertions.Close(Zeros(1, 1), Hessian((Tensor x) => Sum(f(x)))(Array(2.0)));
        Assertions.Close(4.0, Jit(Grad(f))(2.0).Item);
    }

    [Fact]
    public void CustomPrimitivesAppearInListingsAndRunUnderJit()
    {
        var listing = MakeGraph((Tensor x) => Sum(Log1pexp(x) + StopGradient(x) + ClipGradient(x)))(Ones(3)).ToString();
        Assert.Contains("custom_jvp_call", listing);
        Assert.Contains("custom_vjp_call", listing);
        Assert.Contains("stop_gradient", listing);
        var x = Array(-1.0, 0.5, 30.0);
        Assertions.Close(Grad((Tensor v) => Sum(Log1pexp(v)))(x), Jit(Grad((Tensor v) => Sum(Log1pexp(v))))(x));
    }

    [Fact]
    public void CustomRulesPassCheckGradsToOrderTwo()
    {
        var x = Array(-1.5, 0.2, 2.5);
        CheckGrads(v => Sum(Log1pexp(v) * v), x, order: 2);
    }
}
