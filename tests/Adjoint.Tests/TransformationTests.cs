using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests;

/// <summary>Transformations checked against derivatives worked out by hand.</summary>
public class TransformationTests
{
    // ------------------------------------------------------------------ the lecture function

    /// <summary>The reverse sweep of the lecture function, by hand (Griewank–Walther adjoints).</summary>
    private static (double X1, double X2) LectureAdjointsByHand(double x1, double x2)
    {
        double a = x1 / x2, b = Math.Exp(x2), c = Math.Sin(a), d = a - b, e = c + d;
        // g = d·e
        double eBar = d;
        double dBar = e + d;          // d feeds g directly (ē·… = e) and through e (ē = d)
        double cBar = eBar;
        double aBar = cBar * Math.Cos(a) + dBar;
        double bBar = -dBar;
        double x1Bar = aBar / x2;
        double x2Bar = -aBar * x1 / (x2 * x2) + bBar * Math.Exp(x2);
        return (x1Bar, x2Bar);
    }

    /// <summary>The forward sweep of the lecture function with tangents (ẋ1, ẋ2), by hand.</summary>
    private static double LectureTangentByHand(double x1, double x2, double dx1, double dx2)
    {
        double a = x1 / x2, b = Math.Exp(x2), c = Math.Sin(a), d = a - b, e = c + d;
        double da = (dx1 * x2 - x1 * dx2) / (x2 * x2);
        double db = b * dx2;
        double dc = Math.Cos(a) * da;
        double dd = da - db;
        double de = dc + dd;
        return dd * e + d * de;
    }

    [Fact]
    public void LectureGradientWithArgnumsTupleEqualsHandDerivedAdjoints()
    {
        var (g1, g2) = Grad(Models.Lecture, argnums: (0, 1))(1.0, 1.0);
        var (x1Bar, x2Bar) = LectureAdjointsByHand(1.0, 1.0);
        Assert.Equal(x1Bar, g1.Item, 1e-14);
        Assert.Equal(x2Bar, g2.Item, 1e-14);
        Assert.Empty(g1.Shape);
    }

    [Theory]
    [InlineData(0.5, 1.5)]
    [InlineData(-1.0, 0.7)]
    public void LectureGradientPerArgumentEqualsHandDerivedAdjoints(double x1, double x2)
    {
        var (x1Bar, x2Bar) = LectureAdjointsByHand(x1, x2);
        Assert.Equal(x1Bar, Grad(Models.Lecture, argnums: 0)(x1, x2).Item, 1e-13);
        Assert.Equal(x2Bar, Grad(Models.Lecture, argnums: 1)(x1, x2).Item, 1e-13);
        Assert.Equal(x1Bar, Grad(Models.Lecture)(x1, x2).Item, 1e-13);
    }

    [Theory]
    [InlineData(1.0, 1.0, 1.0, 0.0)]
    [InlineData(1.0, 1.0, 0.0, 1.0)]
    [InlineData(0.5, 1.5, -0.3, 2.0)]
    public void LectureJvpEqualsHandDerivedForwardSweep(double x1, double x2, double dx1, double dx2)
    {
        var (value, tangent) = Jvp(Models.Lecture, (x1, x2), (dx1, dx2));
        double a = x1 / x2, d = a - Math.Exp(x2);
        Assert.Equal(d * (Math.Sin(a) + d), value.Item, 1e-14);
        Assert.Equal(LectureTangentByHand(x1, x2, dx1, dx2), tangent.Item, 1e-13);
    }

    [Fact]
    public void LectureJvpAlongAxesEqualsTheGradient()
    {
        var (x1Bar, x2Bar) = LectureAdjointsByHand(1.0, 1.0);
        Assert.Equal(x1Bar, Jvp(Models.Lecture, (1.0, 1.0), (1.0, 0.0)).Tangent.Item, 1e-14);
        Assert.Equal(x2Bar, Jvp(Models.Lecture, (1.0, 1.0), (0.0, 1.0)).Tangent.Item, 1e-14);
    }

    [Fact]
    public void LectureVjpPullbackGivesTheAdjointsScaledByTheCotangent()
    {
        var (value, pullback) = Vjp(Models.Lecture, 1.0, 1.0);
        var (b1, b2) = pullback(2.0);
        var (x1Bar, x2Bar) = LectureAdjointsByHand(1.0, 1.0);
        Assert.Equal(Models.Lecture(1.0, 1.0).Item, value.Item, 1e-15);
        Assert.Equal(2 * x1Bar, b1.Item, 1e-14);
        Assert.Equal(2 * x2Bar, b2.Item, 1e-14);
    }

    // ------------------------------------------------------------------ nesting

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.7)]
    [InlineData(-2.3)]
    public void ThirdDerivativeOfSinIsMinusCos(double x)
    {
        var third = Grad(Grad(Grad(Sin)));
        Assert.Equal(-Math.Cos(x), third(x).Item, 1e-14);
    }

    [Fact]
    public void FourthDerivativeOfExpMixingModesIsExp()
    {
        Func<Tensor, Tensor> fwd(Func<Tensor, Tensor> f) => x => Jvp(f, x, 1.0).Tangent;
        var fourth = fwd(Grad(fwd(Grad(Exp))));
        Assert.Equal(Math.Exp(0.3), fourth(0.3).Item, 1e-14);
    }

    [Fact]
    public void PerturbationConfusionDoesNotHappen()
    {
        // d/dx [x · d/dy (x·y)] = d/dx [x · x] = 2x, which is 2 at x = 1 (y = 2 plays no part).
        Tensor y = 2.0;
        var d = Grad(x => x * Grad(yy => x * yy)(y))(1.0);
        Assert.Equal(2.0, d.Item, 1e-15);
    }

    [Fact]
    public void PerturbationConfusionDoesNotHappenInForwardMode()
    {
        Tensor Derivative(Func<Tensor, Tensor> f, Tensor at) => Jvp(f, at, 1.0).Tangent;
        var d = Derivative(x => x * Derivative(yy => x * yy, 2.0), 1.0);
        Assert.Equal(2.0, d.Item, 1e-15);
    }

    [Fact]
    public void JvpOfAVjpPullbackIsThePullbackOfTheTangent()
    {
        // The pullback is linear in the cotangent, so its JVP in direction w is pullback(w).
        var x = Array(0.3, -1.2, 2.0);
        var (_, pullback) = Vjp(v => Sin(v) * v, x);
        var u = Array(1.0, 2.0, -1.0);
        var w = Array(0.5, 0.25, 4.0);
        var (value, tangent) = Jvp(pullback, u, w);
        Assertions.Close(pullback(u), value);
        Assertions.Close(pullback(w), tangent);
        // By hand: d/dv (sin v · v) = cos v · v + sin v.
        Assertions.Close(w * (Cos(x) * x + Sin(x)), tangent, 1e-14, 1e-14);
    }

    [Fact]
    public void JvpOfAVjpWithRespectToThePointGivesSecondDerivatives()
    {
        // d/dx [u · f'(x)] · v with f(x) = sin x · x elementwise: u · f''(x) · v, f'' = 2 cos x − x sin x.
        var x = Array(0.3, -1.2, 2.0);
        var u = Array(1.0, 2.0, -1.0);
        var v = Array(0.5, 0.25, 4.0);
        var (_, tangent) = Jvp(p => Vjp(q => Sin(q) * q, p).Pullback(u), x, v);
        Assertions.Close(u * (2 * Cos(x) - x * Sin(x)) * v, tangent, 1e-14, 1e-14);
    }

    [Fact]
    public void HessianOfAFunctionOfAMatrixHasShapeInPlusIn()
    {
        // f(A) = Σ A² · c with fixed weights c: H[i,j,k,l] = 2 c[i,j] δ_ik δ_jl.
        var c = Array(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var h = Hessian(a => Sum(a * a * c))(Ones(2, 3));
        Assert.Equal([2, 3, 2, 3], h.Shape);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 2; k++)
                    for (int l = 0; l < 3; l++)
                        Assert.Equal(i == k && j == l ? 2 * c[i, j].Item : 0.0, h[i, j, k, l].Item);
    }

    // ------------------------------------------------------------------ Jacobians

    /// <summary>f: R³ → R², f(x) = (x0·x1, sin x2 + x0); J = [[x1, x0, 0], [1, 0, cos x2]].</summary>
    private static Tensor NonSquare(Tensor x) => Stack(x[0] * x[1], Sin(x[2]) + x[0]);

    [Fact]
    public void JacobiansOfANonSquareFunctionHaveShapeOutPlusIn()
    {
        var x = Array(2.0, 3.0, 0.5);
        var expected = Array(new double[,] { { 3, 2, 0 }, { 1, 0, Math.Cos(0.5) } });
        Assertions.Close(expected, JacFwd(NonSquare)(x));
        Assertions.Close(expected, JacRev(NonSquare)(x));
    }

    [Fact]
    public void JacobiansOfAWideFunctionHaveShapeOutPlusIn()
    {
        // f: R² → R⁴, f(x) = (x0², x0·x1, x1, e^x0).
        Tensor F(Tensor x) => Stack(x[0] * x[0], x[0] * x[1], x[1], Exp(x[0]));
        var x = Array(1.5, -2.0);
        var expected = Array(new double[,] { { 3, 0 }, { -2, 1.5 }, { 0, 1 }, { Math.Exp(1.5), 0 } });
        Assertions.Close(expected, JacFwd(F)(x));
        Assertions.Close(expected, JacRev(F)(x));
    }

    [Fact]
    public void JacobiansOfAMatrixVectorProductWithRespectToTheMatrix()
    {
        // y = W·v, ∂y_i/∂W_kl = δ_ik v_l: shape (2,) + (2, 3).
        var v = Array(1.0, -2.0, 3.0);
        var w = Array(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var expected = Zeros(2, 2, 3) + Stack(Stack(v, Zeros(3)), Stack(Zeros(3), v));
        Assertions.Close(expected, JacFwd(m => Dot(m, v))(w));
        Assertions.Close(expected, JacRev(m => Dot(m, v))(w));
    }

    [Fact]
    public void JacobiansOfAMatrixToMatrixFunction()
    {
        // Y = Aᵀ (3×2 from 2×3): ∂Y_ij/∂A_kl = δ_jk δ_il, shape (3, 2, 2, 3).
        var a = Arange(6).Reshape(2, 3);
        var jf = JacFwd(m => m.T * 2)(a);
        var jr = JacRev(m => m.T * 2)(a);
        Assert.Equal([3, 2, 2, 3], jf.Shape);
        Assertions.Close(jf, jr, 0, 0);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 2; j++)
                for (int k = 0; k < 2; k++)
                    for (int l = 0; l < 3; l++)
                        Assert.Equal(j == k && i == l ? 2.0 : 0.0, jf[i, j, k, l].Item);
    }

    [Fact]
    public void JacobiansOfColumnSumsOfSquares()
    {
        // y_l = Σ_i A_il², ∂y_l/∂A_ij = 2 A_ij δ_jl: shape (3,) + (2, 3).
        var a = Array(new double[,] { { 1, -2, 3 }, { 0.5, 4, -1 } });
        var j = JacRev(m => Sum(m * m, 0))(a);
        Assert.Equal([3, 2, 3], j.Shape);
        Assertions.Close(JacFwd(m => Sum(m * m, 0))(a), j);
        for (int l = 0; l < 3; l++)
            Assertions.Close(2 * a * Equal(Arange(3), (double)l), j[l]);
    }

    [Fact]
    public void JacobianOfAScalarFunctionIsTheGradientAndOfAScalarInputIsTheDerivative()
    {
        var x = Array(0.5, 1.5);
        Assertions.Close(Grad(Models.Toy)(x), JacFwd(Models.Toy)(x));
        Assertions.Close(Grad(Models.Toy)(x), JacRev(Models.Toy)(x));
        var curve = JacFwd(t => Stack(Cos(t), Sin(t)))(0.4);
        Assertions.Close(Array(-Math.Sin(0.4), Math.Cos(0.4)), curve);
        Assertions.Close(curve, JacRev(t => Stack(Cos(t), Sin(t)))(0.4));
    }

    [Fact]
    public void JacFwdRunsTheFunctionOnceForTheWholeBasis()
    {
        int calls = 0;
        Tensor F(Tensor x) { calls++; return Sin(x) * Sum(x); }
        var j = JacFwd(F)(Uniform([50], seed: 1));
        Assert.Equal(1, calls);
        Assert.Equal([50, 50], j.Shape);
    }

    [Fact]
    public void JacRevRunsTheFunctionOnceForTheWholeBasis()
    {
        int calls = 0;
        Tensor F(Tensor x) { calls++; return Sin(x) * Sum(x); }
        var x = Uniform([50], seed: 1);
        var j = JacRev(F)(x);
        Assert.Equal(1, calls);
        Assertions.Close(JacFwd(F)(x), j, 1e-14, 1e-14);
    }

    [Fact]
    public void HessianRunsTheFunctionOnce()
    {
        int calls = 0;
        Tensor F(Tensor x) { calls++; return Models.Toy(x); }
        Hessian(F)(Ones(20));
        Assert.Equal(1, calls);
    }

    // ------------------------------------------------------------------ argnums

    private static Tensor F2(Tensor a, Tensor b) => Sum(a * a * b);
    private static Tensor F3(Tensor a, Tensor b, Tensor c) => Sum(a * b * Sin(c));
    private static Tensor F4(Tensor a, Tensor b, Tensor c, Tensor d) => Sum(a * b * c * Exp(d));

    [Fact]
    public void ArgnumsPicksArgumentsOfATwoArgumentFunction()
    {
        var a = Array(1.0, 2.0);
        var b = Array(3.0, -1.0);
        // ∂/∂a Σ a² b = 2ab, ∂/∂b = a².
        Assertions.Close(2 * a * b, Grad(F2)(a, b));
        Assertions.Close(a * a, Grad(F2, argnums: 1)(a, b));
        var (gb, ga) = Grad(F2, argnums: (1, 0))(a, b);
        Assertions.Close(a * a, gb);
        Assertions.Close(2 * a * b, ga);
    }

    [Fact]
    public void ArgnumsPicksArgumentsOfAThreeArgumentFunction()
    {
        Tensor a = Array(1.0, 2.0), b = Array(3.0, -1.0), c = Array(0.5, 0.1);
        Assertions.Close(a * b * Cos(c), Grad(F3, argnums: 2)(a, b, c));
        var (ga, gc) = Grad(F3, argnums: (0, 2))(a, b, c);
        Assertions.Close(b * Sin(c), ga);
        Assertions.Close(a * b * Cos(c), gc);
        var (g0, g1, g2) = Grad(F3, argnums: (0, 1, 2))(a, b, c);
        Assertions.Close(b * Sin(c), g0);
        Assertions.Close(a * Sin(c), g1);
        Assertions.Close(a * b * Cos(c), g2);
        Assertions.Close(a * Sin(c), Grad(F3, argnums: -2)(a, b, c));
    }

    [Fact]
    public void ArgnumsPicksArgumentsOfAFourArgumentFunction()
    {
        Tensor a = Array(1.0, 2.0), b = Array(3.0, -1.0), c = Array(0.5, 0.1), d = Array(0.2, -0.3);
        Assertions.Close(a * b * c * Exp(d), Grad(F4, argnums: 3)(a, b, c, d));
        var (gb, gd) = Grad(F4, argnums: (1, 3))(a, b, c, d);
        Assertions.Close(a * c * Exp(d), gb);
        Assertions.Close(a * b * c * Exp(d), gd);
        var (h0, h1, h2) = Grad(F4, argnums: (2, 1, 0))(a, b, c, d);
        Assertions.Close(a * b * Exp(d), h0);
        Assertions.Close(a * c * Exp(d), h1);
        Assertions.Close(b * c * Exp(d), h2);
        var (k0, k1, k2, k3) = Grad(F4, argnums: (0, 1, 2, 3))(a, b, c, d);
        Assertions.Close(b * c * Exp(d), k0);
        Assertions.Close(a * c * Exp(d), k1);
        Assertions.Close(a * b * Exp(d), k2);
        Assertions.Close(a * b * c * Exp(d), k3);
    }

    [Fact]
    public void JacobiansWithArgnumsAgreeBetweenModes()
    {
        Tensor G(Tensor a, Tensor b, Tensor c) => a * Sum(b) + Sin(c);
        Tensor a = Array(1.0, 2.0), b = Array(3.0, -1.0, 0.5), c = Array(0.5, 0.1);
        var (fa, fb, fc) = JacFwd(G, argnums: (0, 1, 2))(a, b, c);
        var (ra, rb, rc) = JacRev(G, argnums: (0, 1, 2))(a, b, c);
        // ∂G/∂a = Σb·I, ∂G/∂b = a ⊗ 1, ∂G/∂c = diag(cos c).
        Assertions.Close(2.5 * Eye(2), fa);
        Assertions.Close(Reshape(a, 2, 1) * Ones(3), fb);
        Assertions.Close(Eye(2) * Cos(c), fc);
        Assertions.Close(fa, ra);
        Assertions.Close(fb, rb);
        Assertions.Close(fc, rc);
        Assertions.Close(fb, JacFwd(G, argnums: 1)(a, b, c));
        Assertions.Close(fc, JacRev(G, argnums: 2)(a, b, c));
        var (qa, qd) = JacFwd((p, q, r, s) => p * s, argnums: (0, 3))(a, b, c, Array(4.0, 5.0));
        Assertions.Close(Eye(2) * Array(4.0, 5.0), qa);
        Assertions.Close(Eye(2) * a, qd);
    }

    // ------------------------------------------------------------------ ValueAndGrad and hasAux

    [Fact]
    public void ValueAndGradGivesBothInOnePass()
    {
        int calls = 0;
        Tensor F(Tensor x) { calls++; return Models.Toy(x); }
        var x = Array(1.0, 0.0, 2.0);
        var (value, gradient) = ValueAndGrad(F)(x);
        Assert.Equal(1, calls);
        // Σ (x² − x³ − x) = (1 − 1 − 1) + 0 + (4 − 8 − 2) = −7; gradient 2x − 3x² − 1.
        Assert.Equal(-7.0, value.Item);
        Assertions.Close(2 * x - 3 * x * x - 1, gradient);
    }

    [Fact]
    public void ValueAndGradWithArgnumsTuple()
    {
        var (value, (g1, g2)) = ValueAndGrad(Models.Lecture, argnums: (0, 1))(1.0, 1.0);
        var (x1Bar, x2Bar) = LectureAdjointsByHand(1.0, 1.0);
        Assert.Equal(Models.Lecture(1.0, 1.0).Item, value.Item);
        Assert.Equal(x1Bar, g1.Item, 1e-14);
        Assert.Equal(x2Bar, g2.Item, 1e-14);
        var (v3, g3) = ValueAndGrad(F3, argnums: 1)(1.0, 2.0, 0.5);
        Assert.Equal(2 * Math.Sin(0.5), v3.Item, 1e-15);
        Assert.Equal(Math.Sin(0.5), g3.Item, 1e-15);
    }

    [Fact]
    public void GradWithAuxReturnsTheAuxiliaryValueUndifferentiated()
    {
        var x = Array(1.0, 2.0, 3.0);
        var (gradient, aux) = Grad((Tensor v) => (Sum(v * v), Sin(v)), hasAux: true)(x);
        Assertions.Close(2 * x, gradient);
        Assertions.Close(Sin(x), aux);
        Assert.Equal(Sin(x).ToString(), aux.ToString()); // a plain value, printable after the transformation
    }

    [Fact]
    public void AuxCanBeAnyType()
    {
        var (gradient, message) = Grad((Tensor v) => (Sum(Exp(v)), $"size {v.Size}"), hasAux: true)(Array(0.0, 1.0));
        Assertions.Close(Exp(Array(0.0, 1.0)), gradient);
        Assert.Equal("size 2", message);
    }

    [Fact]
    public void ValueAndGradWithAux()
    {
        var ((value, aux), gradient) = ValueAndGrad((Tensor a, Tensor b) => (Sum(a * b), a + b), argnums: 1, hasAux: true)(Array(1.0, 2.0), Array(3.0, 4.0));
        Assert.Equal(11.0, value.Item);
        Assertions.Close(Array(4.0, 6.0), aux);
        Assertions.Close(Array(1.0, 2.0), gradient);
    }

    [Fact]
    public void JacobiansWithAux()
    {
        var x = Array(1.0, 2.0);
        var (jf, auxF) = JacFwd((Tensor v) => (v * v, Sum(v)), hasAux: true)(x);
        var (jr, auxR) = JacRev((Tensor v) => (v * v, Sum(v)), hasAux: true)(x);
        Assertions.Close(Eye(2) * 2 * x, jf);
        Assertions.Close(jf, jr);
        Assert.Equal(3.0, auxF.Item);
        Assert.Equal(3.0, auxR.Item);
    }

    [Fact]
    public void HvpOfTheToyFunctionIsDiagonalTimesVector()
    {
        var x = Array(1.0, 0.0, -1.0);
        var v = Array(1.0, 2.0, 3.0);
        // H = diag(2 − 6x).
        Assertions.Close((2 - 6 * x) * v, Hvp(Models.Toy, x, v));
    }
}
