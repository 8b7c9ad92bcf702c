using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests;

public class HessianTests
{
    [Fact]
    public void ToyHessianAtOneZero()
    {
        var h = Hessian(Models.Toy)(Array(1.0, 0.0));
        Assertions.Close(Array(new double[,] { { -4, 0 }, { 0, 2 } }), h);
        Assert.Equal("[[-4.  0.]\n [ 0.  2.]]", h.ToString());
    }

    [Fact]
    public void ToyHessianAtHundredOnesIsMinusFourIdentity()
    {
        var h = Hessian(Models.Toy)(Ones(100));
        Assertions.Close(-4 * Eye(100), h);
    }

    [Fact]
    public void ToyHessianAtRandomPointIsDiagonalTwoMinusSixX()
    {
        var x = Uniform([100], seed: 3);
        var expected = Eye(100) * (2 - 6 * x);
        Assertions.Close(expected, Hessian(Models.Toy)(x));
    }

    [Fact]
    public void HessianOfGAtOneTwo()
    {
        var h = Hessian(Models.G)(Array(1.0, 2.0));
        Assertions.Close(Array(new double[,] { { 6, -2 }, { -2, -480 } }), h);
    }

    public static TheoryData<string> Functions => ["toy", "lecture", "rosenbrock", "tanh", "gauss"];

    private static (Func<Tensor, Tensor> F, Tensor X) Case(string name) => name switch
    {
        "toy" => (Models.Toy, Uniform([200], seed: 1)),
        "lecture" => (x => Models.Lecture(x[0], x[1]), Array(1.0, 1.0)),
        "rosenbrock" => (Models.Rosenbrock, Uniform([10], seed: 2, low: -1, high: 1)),
        "tanh" => (TanhNet(), Normal([40], seed: 5)),
        "gauss" => (new Models.Gauss(50).Nll, Array(0.1, -0.05, 0.9, 0.55, 0.1, 0.05)),
        _ => throw new ArgumentException(name),
    };

    private static Func<Tensor, Tensor> TanhNet()
    {
        var w = Normal([30, 40], seed: 4, std: 0.3);
        return x => Sum(Pow(Tanh(Dot(w, x)), 2));
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void AllFourOrderingsAgree(string name)
    {
        var (f, x) = Case(name);
        var fwdRev = JacFwd(JacRev(f))(x);
        AssertMirrorsLowerTriangle(fwdRev, Hessian(f)(x));
        Assertions.Close(fwdRev, JacFwd(JacFwd(f))(x), 1e-12, 1e-12 * MaxAbs(fwdRev));
        Assertions.Close(fwdRev, JacRev(JacRev(f))(x), 1e-12, 1e-12 * MaxAbs(fwdRev));
        Assertions.Close(fwdRev, JacRev(JacFwd(f))(x), 1e-12, 1e-12 * MaxAbs(fwdRev));
        Assert.Equal([x.Size, x.Size], fwdRev.Shape);
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void HessianMatchesFiniteDifferencesOfTheGradient(string name)
    {
        var (f, x) = Case(name);
        var h = Hessian(f)(x);
        var grad = Grad(f);
        const double eps = 1e-5;
        var n = x.Size;
        for (int j = 0; j < Math.Min(n, 6); j++)
        {
            var e = Zeros(n).ToArray();
            e[j] = eps;
            var column = (grad(x + Array(e)) - grad(x - Array(e))) / (2 * eps);
            Assertions.Close(column, h[.., j], 1e-5, 1e-5 * (1 + MaxAbs(h)));
        }
    }

    [Fact]
    public void HessianIsExactlySymmetricWhereForwardOverReverseIsNot()
    {
        var nll = new Models.Gauss(50).Nll;
        var x = Array(0.1, -0.05, 0.9, 0.55, 0.1, 0.05);
        var fwdRev = JacFwd(JacRev(nll))(x);
        Assert.NotEqual(fwdRev.ToArray(), fwdRev.T.ToArray()); // its two triangles differ by rounding
        Assertions.Close(fwdRev, fwdRev.T, 1e-12, 1e-12 * MaxAbs(fwdRev));
        var h = Hessian(nll)(x);
        Assert.Equal(h.ToArray(), h.T.ToArray());
        AssertMirrorsLowerTriangle(fwdRev, h);
    }

    [Fact]
    public void HessianOfAVectorFunctionMirrorsEachOutputsBlock()
    {
        Tensor F(Tensor x) => Stack(Sum(Sin(x[..2] * x[1..])), Sum(Exp(x) * x[0]));
        var x = Array(0.3, -0.7, 1.1);
        var h = Hessian(F)(x);
        var fwdRev = JacFwd(JacRev(F))(x);
        Assert.Equal([2, 3, 3], h.Shape);
        for (int k = 0; k < 2; k++) AssertMirrorsLowerTriangle(fwdRev[k], h[k]);
    }

    [Fact]
    public void HvpEqualsHessianTimesVector()
    {
        var x = Uniform([7], seed: 9, low: -1, high: 1);
        var v = Normal([7], seed: 10);
        Assertions.Close(Dot(Hessian(Models.Rosenbrock)(x), v), Hvp(Models.Rosenbrock, x, v), 1e-12, 1e-9);
    }

    [Fact]
    public void HessianWithArgnumsTupleGivesBlocks()
    {
        Tensor F(Tensor a, Tensor b) => Sum(Pow(a, 2) * b) + Sum(Sin(b));
        var a = Array(1.0, 2.0);
        var b = Array(0.5, -1.0);
        var ((haa, hab), (hba, hbb)) = Hessian(F, argnums: (0, 1))(a, b);
        Assertions.Close(Eye(2) * (2 * b), haa);
        Assertions.Close(Eye(2) * (2 * a), hab);
        Assertions.Close(Eye(2) * (2 * a), hba);
        Assertions.Close(Eye(2) * -Sin(b), hbb);
        Assert.Equal(hba.ToArray(), hab.T.ToArray()); // the block above the diagonal mirrors the one below
    }

    [Fact]
    public void TheMirroredHessianDifferentiatesAsForwardOverReverse()
    {
        // mirror_lower's JVP (itself), its VJP (fold_upper) and fold_upper's own JVP and VJP, by higher derivatives.
        static Tensor F(Tensor x) => Sum(Sin(x * x[0]) * Exp(0.5 * x) + Pow(x, 3) * x[1]);
        var x = Array(0.3, -0.7, 1.1, 0.4);
        Func<Tensor, Tensor> fwdRev = JacFwd(JacRev((Func<Tensor, Tensor>)F)), hessian = Hessian((Func<Tensor, Tensor>)F);
        foreach (var (name, outer) in new (string, Func<Func<Tensor, Tensor>, Func<Tensor, Tensor>>)[]
            { ("JacFwd", JacFwd), ("JacRev", JacRev), ("JacFwd∘JacRev", g => JacFwd(JacRev(g))), ("JacRev∘JacRev", g => JacRev(JacRev(g))) })
        {
            var expected = outer(fwdRev)(x);
            Assertions.Close(expected, outer(hessian)(x), 1e-11, 1e-11 * MaxAbs(expected));
        }
        // Batched and compiled, the same mirror.
        var batch = Stack(x, x * 0.5, -x);
        var batched = Vmap(hessian)(batch);
        for (int b = 0; b < 3; b++) Assert.Equal(hessian(batch[b]).ToArray(), batched[b].ToArray());
        Assert.Equal(hessian(x).ToArray(), Jit(hessian)(x).ToArray());
    }

    /// <summary>h[p, q] is JacFwd(JacRev)'s entry at (max(p, q), min(p, q)), bit for bit: its lower triangle, mirrored.</summary>
    private static void AssertMirrorsLowerTriangle(Tensor fwdRev, Tensor h)
    {
        int n = fwdRev.Shape[0];
        Assert.Equal(fwdRev.Shape, h.Shape);
        for (int p = 0; p < n; p++)
            for (int q = 0; q < n; q++)
                Assert.Equal(fwdRev[Math.Max(p, q), Math.Min(p, q)].Item, h[p, q].Item);
    }

    private static double MaxAbs(Tensor t) => t.ToArray().Max(Math.Abs);
}
