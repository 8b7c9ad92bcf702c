using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests.Toolbox;

/// <summary>Each new primitive appears in MakeGraph's listing under its name and gives the same values, gradients and Hessians under Jit.</summary>
public class ToolboxJitTests
{
    private static readonly Tensor X = Array([0.3, -0.6, 0.45, 0.7, -0.2, 0.55], 2, 3);

    public static TheoryData<string, string> Primitives => new()
    {
        { "log1p", "log1p" }, { "expm1", "expm1" }, { "log2", "log2" }, { "log10", "log10" }, { "exp2", "exp2" },
        { "sinh", "sinh" }, { "cosh", "cosh" }, { "arcsin", "asin" }, { "arccos", "acos" }, { "arctan", "atan" },
        { "arcsinh", "asinh" }, { "arccosh", "acosh" }, { "arctanh", "atanh" }, { "erf", "erf" }, { "cbrt", "cbrt" },
        { "sigmoid", "logistic" }, { "softplus", "softplus" }, { "floor", "floor" }, { "ceil", "ceil" }, { "round", "round" },
        { "cumsum", "cumsum" }, { "flip", "rev" }, { "argmax", "argmax" }, { "argmin", "argmin" },
        { "solve", "solve" }, { "slogdet", "slogdet_logabs" }, { "det", "slogdet_sign" },
        { "sort", "argsort" }, { "take", "gather" }, { "take (scatter)", "scatter_add" },
        { "cholesky", "cholesky" },
        { "stop_gradient", "stop_gradient" }, { "logsumexp", "stop_gradient" },
    };

    private static Tensor Apply(string name, Tensor x) => name switch
    {
        "log1p" => Log1p(x), "expm1" => Expm1(x), "log2" => Log2(x + 1.0), "log10" => Log10(x + 1.0), "exp2" => Exp2(x),
        "sinh" => Sinh(x), "cosh" => Cosh(x), "arcsin" => Arcsin(x), "arccos" => Arccos(x), "arctan" => Arctan(x),
        "arcsinh" => Arcsinh(x), "arccosh" => Arccosh(x + 2.0), "arctanh" => Arctanh(x), "erf" => Erf(x), "cbrt" => Cbrt(x),
        "sigmoid" => Sigmoid(x), "softplus" => Softplus(x), "floor" => Floor(4.0 * x) * x, "ceil" => Ceil(4.0 * x) * x,
        "round" => Round(4.0 * x) * x, "cumsum" => Cumsum(x, 1), "flip" => Flip(x, 0), "argmax" => Argmax(x, 1) * x[.., 0],
        "argmin" => Argmin(x, 0) * x[0],
        "sort" => Sort(x) * Arange(3), "take" => Take(x, Array(2.0, 2.0, 0.0), 1),
        "take (scatter)" => Grad((Tensor v) => Sum(Sin(Take(v, Array(1.0, 1.0)))))(x),
        "solve" => Linalg.Solve(MatMul(x, x.T) + Eye(2), x), "slogdet" => Linalg.Slogdet(MatMul(x, x.T) + Eye(2)).LogAbsDet,
        "det" => Linalg.Det(MatMul(x.T, x) + Eye(3)), "cholesky" => Linalg.Cholesky(MatMul(x.T, x) + Eye(3)), "stop_gradient" => x * StopGradient(x), "logsumexp" => Logsumexp(x, 1),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Primitives))]
    public void ListedAndCompiled(string name, string primitive)
    {
        Func<Tensor, Tensor> f = x => Sum(Sin(Apply(name, x)));
        Assert.Contains($" {primitive}", MakeGraph(f)(X).ToString());
        Assertions.Close(f(X), Jit(f)(X), 1e-14, 1e-14);
        Assertions.Close(Grad(f)(X), Jit(Grad(f))(X), 1e-13, 1e-14);
        Assertions.Close(Hessian(f)(X), Jit(Hessian(f))(X), 1e-12, 1e-13);
    }

    [Fact]
    public void ValuesFollowNumpy()
    {
        Assertions.Close(Array(3.0, -2.0, 0.5), Log2(Array(8.0, 0.25, Math.Sqrt(2))), 1e-15);
        Assertions.Close(Array(0.0, 0.8427007929497149, -0.9953222650189527, 1.0), Erf(Array(0.0, 1.0, -2.0, 7.0)), 2e-16);
        Assertions.Close(Array(0.0, 2.0, 2.0, -2.0), Round(Array(0.5, 1.5, 2.5, -2.5)));
        Assertions.Close(Array(-2.0, 3.0), Cbrt(Array(-8.0, 27.0)));
        Assertions.Close(Array(1.0, 0.0), Argmax(Array([1.0, 5.0, 5.0, 9.0, 2.0, 9.0], 2, 3), 1)); // first of the ties
        Assertions.Close(Array(1.0, 3.0, 6.0), Cumsum(Array(1.0, 2.0, 3.0)));
        Assertions.Close(Array(24.0, 0.0), Prod(Array([1.0, 2.0, 3.0, 4.0, 5.0, 0.0, 7.0, 8.0], 2, 4), 1));
        // prod's gradient where an element is zero: the product of the others, not 0/0.
        Assertions.Close(Array(0.0, 0.0, 6.0), Grad((Tensor v) => Prod(v))(Array(2.0, 3.0, 0.0)));
        Assertions.Close(Array(1000.0 + Math.Log(2)), Array(Logsumexp(Array(1000.0, 1000.0)).Item), 1e-15);
        Assertions.Close(Array(0.5, 0.5), Grad((Tensor v) => Logsumexp(v))(Array(1000.0, 1000.0)));
    }

    [Fact]
    public void LinalgValuesAndDerivativesFollowNumpy()
    {
        var a = Array(new[,] { { 4.0, 1.0 }, { 2.0, 3.0 } });
        Assertions.Close(Array(new[,] { { 0.3, -0.1 }, { -0.2, 0.4 } }), Linalg.Inv(a), 1e-15, 1e-16);
        Assertions.Close(10.0, Linalg.Det(a).Item, 1e-15);
        Assertions.Close(-10.0, Linalg.Det(Flip(a, 0)).Item, 1e-15);
        Assertions.Close(Array(0.2, 0.2), Linalg.Solve(a, Array(1.0, 1.0)), 1e-15, 1e-16);
        Assertions.Close(5.0, Linalg.Norm(Array(3.0, 4.0)).Item);
        var spd = Array(new[,] { { 4.0, 2.0 }, { 2.0, 5.0 } });
        Assertions.Close(Array(new[,] { { 2.0, 0.0 }, { 1.0, 2.0 } }), Linalg.Cholesky(spd));
        Assert.True(double.IsNaN(Linalg.Cholesky(-spd)[0, 0].Item));
        // d det A / dA = det A · A⁻ᵀ (Jacobi's formula).
        Assertions.Close(10.0 * Linalg.Inv(a).T, Grad((Tensor m) => Linalg.Det(m))(a), 1e-14, 1e-15);
        var error = Assert.Throws<ShapeException>(() => Linalg.Solve(Ones(2, 3), Ones(2)));
        Assert.Contains($"got shapes {Shapes.Format([2, 3])}", error.Message);
    }

    [Fact]
    public void EinsumAndTensordotAgreeWithMatmul()
    {
        var a = Normal([2, 3, 4], seed: 1);
        var b = Normal([2, 4, 5], seed: 2);
        Assertions.Close(MatMul(a, b), Einsum("bij,bjk->bik", a, b), 1e-14, 1e-14);
        Assertions.Close(MatMul(a[0], b[0]), Einsum("ij,jk", a[0], b[0]), 1e-14, 1e-14);
        Assertions.Close(Transpose(MatMul(a[0], b[0])), Einsum("ij,jk->ki", a[0], b[0]), 1e-14, 1e-14);
        Assertions.Close(Trace(b[0][.., ..4]), Einsum("ii->", b[0][.., ..4]), 1e-14, 1e-14);
        Assertions.Close(Diag(b[0][.., ..4]), Einsum("ii->i", b[0][.., ..4]), 1e-14, 1e-14);
        Assertions.Close(Outer(a[0][0], b[0][0]), Einsum("i,j->ij", a[0][0], b[0][0]), 1e-14, 1e-14);
        Assertions.Close(Sum(a * a), Tensordot(a, a, 3), 1e-13);
        Assertions.Close(MatMul(a[1], b[1]), Tensordot(a[1], b[1], 1), 1e-14, 1e-14);
        Assert.Throws<ShapeException>(() => Einsum("ij,jk->ik", a[0], a[0]));
    }

    [Fact]
    public void SortTakeAndIndexingFollowNumpy()
    {
        var x = Array(new[,] { { 3.0, 1.0, 2.0 }, { 0.5, double.NaN, -1.0 } });
        Assertions.Close(Array(new[,] { { 1.0, 2.0, 0.0 }, { 2.0, 0.0, 1.0 } }), Argsort(x)); // NaN last
        Assertions.Close(Array(1.0, 2.0, 3.0), Sort(x[0]));
        Assertions.Close(Array(new[,] { { 2.0, 3.0 }, { 2.0, 1.0 } }), Take(x[0], Array(new[,] { { 2.0, 0.0 }, { -1.0, 1.0 } })));
        // Gradient of sort: each input receives the cotangent of the place it was sorted to.
        Assertions.Close(Array(30.0, 10.0, 20.0), Grad((Tensor v) => Sum(Sort(v) * Array(10.0, 20.0, 30.0)))(x[0]));
        // Repeated indices add up.
        Assertions.Close(Array(0.0, 0.0, 3.0), Grad((Tensor v) => Sum(Take(v, Array(2.0, 2.0, 2.0))))(x[0]));
        Assert.Throws<IndexOutOfRangeException>(() => Take(x[0], Array(3.0)));
        var y = Array(new[,] { { 3.0, 1.0, 2.0 }, { 0.5, 4.0, -1.0 } });
        Assertions.Close(Sort(y), Vmap((Tensor row) => Sort(row))(y));
        Assertions.Close(Transpose(Sort(y, 0)), Vmap((Tensor column) => Sort(column), inAxes: 1)(y));
    }

    [Fact]
    public void DerivativeConventionsAtKinksAreJaxs()
    {
        Assert.Equal(0.0, Grad(Relu)(0.0).Item);          // jax.nn.relu: 0 at 0
        Assert.Equal(0.5, Grad(Softplus)(0.0).Item);      // σ(0)
        Assert.Equal(0.0, Grad(Floor)(2.0).Item);         // zero derivative, also at the jump
        Assert.Equal(0.5, Grad((Tensor x) => Clip(x, 0.0, 1.0))(1.0).Item); // jnp.clip at the bound: ½ (minimum's tie)
        Assertions.Close(Array(0.5, 0.0, 0.5), Grad((Tensor v) => Min(v))(Array(1.0, 2.0, 1.0))); // ties share
        Assert.True(double.IsPositiveInfinity(Grad(Cbrt)(0.0).Item));
    }
}
