using Complex = System.Numerics.Complex;
using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests.ComplexNumbers;

public class HolomorphicTests
{
    private static readonly ComplexTensor Z = ComplexTensor.Array(new(1.0, 2.0), new(-0.5, 0.3), new(0.2, -1.1));

    private static void Close(Complex[] expected, ComplexTensor actual, double tol = 1e-12)
    {
        var values = actual.ToArray();
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++)
            Assert.True(Complex.Abs(values[i] - expected[i]) <= tol * (1 + Complex.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {values[i]}");
    }

    private static Complex[] Diagonal(Complex[] d) =>
        [.. Enumerable.Range(0, d.Length * d.Length).Select(k => k / d.Length == k % d.Length ? d[k / d.Length] : Complex.Zero)];

    [Fact]
    public void HessianOfSumOfCubesIsDiagonalSixZ()
    {
        var h = Hessian((ComplexTensor z) => Sum(Pow(z, 3)), holomorphic: true)(Z);
        Assert.Equal([3, 3], h.Shape);
        Close(Diagonal([.. Z.ToArray().Select(z => 6 * z)]), h);
    }

    [Fact]
    public void AComplexHessianIsExactlySymmetric()
    {
        // Mixed partials z₀z₁·e^z: forward over reverse computes ∂²/∂z₀∂z₁ and ∂²/∂z₁∂z₀ separately; Hessian mirrors one.
        var h = Hessian((ComplexTensor z) => Sum(z[0] * z[1] * Exp(z) + Sin(z) * z[2]), holomorphic: true)(Z);
        Assert.Equal(h.Real.ToArray(), Np.Transpose(h.Real).ToArray());
        Assert.Equal(h.Imag.ToArray(), Np.Transpose(h.Imag).ToArray());
    }

    [Fact]
    public void JacobiansOfExpAreDiagonalExpZ()
    {
        var expected = Diagonal([.. Z.ToArray().Select(Complex.Exp)]);
        Close(expected, JacFwd(Exp, holomorphic: true)(Z));
        Close(expected, JacRev(Exp, holomorphic: true)(Z));
    }

    [Fact]
    public void HolomorphicGradIsTheComplexDerivative()
    {
        var z0 = new Complex(0.7, -0.4);
        var g = Grad((ComplexTensor z) => Sin(z) * Log(z), holomorphic: true)(z0);
        Close([Complex.Cos(z0) * Complex.Log(z0) + Complex.Sin(z0) / z0], g, 1e-12);
    }

    [Fact]
    public void FunctionsAgreeWithSystemNumerics()
    {
        var w = ComplexTensor.Array(new(0.3, 0.4), new(-1.2, 0.5), new(2.0, -0.7));
        var values = Z.ToArray();
        var ws = w.ToArray();
        Close([.. values.Select(Complex.Exp)], Exp(Z));
        Close([.. values.Select(z => Complex.Log(z))], Log(Z));
        Close([.. values.Select(Complex.Sin)], Sin(Z));
        Close([.. values.Select(Complex.Cos)], Cos(Z));
        Close([.. values.Select(z => Complex.Pow(z, 3))], Pow(Z, 3));
        Close([.. values.Select(z => Complex.Pow(z, -2))], Pow(Z, -2));
        Close([.. values.Select(z => Complex.Pow(z, 0.5))], Pow(Z, 0.5));
        Close([.. values.Zip(ws, Complex.Pow)], Pow(Z, w));
        Close([.. values.Zip(ws, (a, b) => a / b)], Z / w);
        Close([values.Zip(ws, (a, b) => a * b).Aggregate(Complex.Add)], Dot(Z, w));
        Close([.. values.Select(Complex.Conjugate)], Conj(Z));
        Assertions.Close(Array([.. values.Select(Complex.Abs)]), Abs(Z));
        Assertions.Close(Array([.. values.Select(z => z.Real)]), Real(Z));
        Assertions.Close(Array([.. values.Select(z => z.Imaginary)]), Imag(Z));
    }

    [Fact]
    public void GradOfARealFunctionOfAComplexInputFollowsJax()
    {
        // jax.grad(lambda z: jnp.abs(z) ** 2)(3 + 4j) == 6 - 8j: ∂f/∂x − i·∂f/∂y.
        var g = Grad((ComplexTensor z) => Sum(Pow(Abs(z), 2)))(ComplexTensor.Array(new Complex(3, 4)));
        Close([new(6, -8)], g);
    }

    [Fact]
    public void VjpCotangentsFollowJaxConventions()
    {
        // For a holomorphic f, vjp(ct) = ct · f'(z); here f(z) = a·z.
        var a = new Complex(0.5, 2.0);
        var (value, pullback) = Vjp((ComplexTensor z) => (ComplexTensor)a * z, (ComplexTensor)new Complex(1.0, 1.0));
        Close([a * new Complex(1.0, 1.0)], value);
        Close([new Complex(2.0, -1.0) * a], pullback(new Complex(2.0, -1.0)));
        // Jvp pushes complex tangents as they are: f'(z)·t.
        var (_, tangent) = Jvp((ComplexTensor z) => Exp(z), (ComplexTensor)new Complex(0.1, 0.2), (ComplexTensor)new Complex(0.0, 1.0));
        Close([Complex.Exp(new Complex(0.1, 0.2)) * Complex.ImaginaryOne], tangent);
    }

    [Fact]
    public void TreesMayHoldComplexLeaves()
    {
        Func<Dictionary<string, ComplexTensor>, ComplexTensor> f = p => Sum(p["u"] * p["u"] * p["v"]);
        var p0 = new Dictionary<string, ComplexTensor> { ["u"] = Z, ["v"] = ComplexTensor.Array(new(0.5, -1), new(1, 1), new(2, 0)) };
        var h = Hessian(f, holomorphic: true)(p0);
        var u = Z.ToArray();
        var v = p0["v"].ToArray();
        Close(Diagonal([.. v.Select(x => 2 * x)]), h["u"]["u"]);
        Close(Diagonal([.. u.Select(x => 2 * x)]), h["u"]["v"]);
        var g = Grad(f, holomorphic: true)(p0);
        Close([.. u.Zip(v, (x, y) => 2 * x * y)], g["u"]);
        Assert.Equal("{'u': *j, 'v': *j}", Tree.Flatten(p0).Def.ToString());
    }

    [Fact]
    public void HolomorphicWithARealInputNamesTheDtype()
    {
        var e = Assert.Throws<DTypeException>(() => Grad((Tensor x) => Sum(x), holomorphic: true)(Array(1.0, 2.0)));
        Assert.Equal("grad with holomorphic: true requires inputs with complex dtype (ComplexTensor), but got float64.", e.Message);
        Func<Dictionary<string, Tensor>, Tensor> f = p => Sum(p["a"]);
        e = Assert.Throws<DTypeException>(() => Hessian(f, holomorphic: true)(new Dictionary<string, Tensor> { ["a"] = 1.0 }));
        Assert.Contains("hessian with holomorphic: true requires inputs with complex dtype (ComplexTensor), but got float64 (at ['a'])", e.Message);
        e = Assert.Throws<DTypeException>(() => JacFwd((ComplexTensor z) => Abs(z), holomorphic: true)(Z));
        Assert.Contains("jacfwd with holomorphic: true requires outputs with complex dtype (ComplexTensor), but got float64", e.Message);
    }

    [Fact]
    public void ComplexValuesWithoutHolomorphicSayWhatToDo()
    {
        var e = Assert.Throws<DTypeException>(() => JacFwd((ComplexTensor z) => Exp(z))(Z));
        Assert.Equal("jacfwd requires real-valued inputs (float64), but got complex128. For holomorphic differentiation, pass holomorphic: true. " +
                     "For differentiation of non-holomorphic functions involving complex inputs, use Jvp directly.", e.Message);
        e = Assert.Throws<DTypeException>(() => JacRev((Tensor x) => ComplexTensor.FromReal(x) * (ComplexTensor)Complex.ImaginaryOne)(Array(1.0)));
        Assert.Contains("jacrev requires real-valued outputs (float64), but got complex128", e.Message);
        Assert.Contains("use Vjp directly", e.Message);
        e = Assert.Throws<DTypeException>(() => Grad((ComplexTensor z) => Sum(z))(Z));
        Assert.Contains("grad requires real-valued outputs", e.Message);
        e = Assert.Throws<DTypeException>(() => Hessian((ComplexTensor z) => Sum(Pow(z, 3)))(Z));
        Assert.Contains("hessian requires real-valued inputs", e.Message);
    }

    [Fact]
    public void ComplexTensorsPrintLikeNumpy()
    {
        Assert.Equal("[1.+2.j -0.5+0.3j]", ComplexTensor.Array(new(1, 2), new(-0.5, 0.3)).ToString());
        Assert.Equal("(1-2j)", ((ComplexTensor)new Complex(1, -2)).ToString());
    }

    [Fact]
    public void Arctan2HasCheckedFirstAndSecondDerivatives() =>
        CheckGrads(Arctan2, (Array(0.3, -1.2, 2.0), Array(-0.7, 0.4, 1.5)), order: 2, modes: ["fwd", "rev"]);

    [Fact]
    public void JitCompilesComplexTreeFunctions()
    {
        Func<ComplexTensor, ComplexTensor> f = z => Exp(z) * Sin(z);
        var jitted = Jit(f);
        var expected = f(Z).ToArray();
        Close(expected, jitted(Z));
        Close(expected, jitted(Z)); // from the cached graph
        Close(JacFwd(f, holomorphic: true)(Z).ToArray(), JacFwd(jitted, holomorphic: true)(Z));
    }
}
