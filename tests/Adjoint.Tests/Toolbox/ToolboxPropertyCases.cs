using CsCheck;
using Adjoint;
using static Adjoint.Np;

namespace Adjoint.Tests;

// Property cases (CheckGrads to order 2, forward and reverse, at random points) for the numpy functions and
// transformations added for issue 15; they run in CheckGradsPropertyTests.PassesCheckGradsToOrderTwoInBothModes.
public partial class CheckGradsPropertyTests
{
    static partial void AddToolboxCases(Dictionary<string, Case> c)
    {
        // element-wise, each on a domain where it is smooth
        c["log1p"] = Unary(Log1p, Uniform(-0.8, 3, M23));
        c["expm1"] = Unary(Expm1, Uniform(-2, 2, M23));
        c["log2"] = Unary(Log2, Uniform(0.2, 3, M23));
        c["log10"] = Unary(Log10, Uniform(0.2, 3, M23));
        c["exp2"] = Unary(Exp2, Uniform(-2, 2, M23));
        c["sinh"] = Unary(Sinh, Uniform(-2, 2, M23));
        c["cosh"] = Unary(Cosh, Uniform(-2, 2, M23));
        c["arcsin"] = Unary(Arcsin, Uniform(-0.8, 0.8, M23));
        c["arccos"] = Unary(Arccos, Uniform(-0.8, 0.8, M23));
        c["arctan"] = Unary(Arctan, Uniform(-2, 2, M23));
        c["arcsinh"] = Unary(Arcsinh, Uniform(-2, 2, M23));
        c["arccosh"] = Unary(Arccosh, Uniform(1.2, 3, M23));
        c["arctanh"] = Unary(Arctanh, Uniform(-0.8, 0.8, M23));
        c["erf"] = Unary(Erf, Uniform(-2.5, 2.5, M23));
        c["cbrt"] = Unary(Cbrt, AwayFromZero(M23));
        // |x| ≥ 0.5: near 0.2 the third derivative 6/x⁴ is ~4000, and second-order finite differences failed once in CI's stead.
        c["reciprocal"] = Unary(Reciprocal, AwayFromZero(M23).Select(x => x * 2.5));
        c["floor/ceil/round times x"] = Unary(x => (Floor(x) + Ceil(x) + Round(x)) * x, Uniform(0.1, 0.4, M23));
        c["clip"] = Unary(x => Clip(x * x, 0.5, 2.0) * x, Uniform(0.2, 0.6, M23));
        c["sigmoid"] = Unary(Sigmoid, Uniform(-3, 3, M23));
        c["softplus"] = Unary(Softplus, Uniform(-3, 3, M23));
        c["relu"] = Unary(x => Relu(x) * x, AwayFromZero(M23));
        c["logsumexp"] = Unary(x => Logsumexp(x), Uniform(-2, 2, T234));
        c["logsumexp (axis 1, keepdims)"] = Unary(x => Logsumexp(x, 1, keepdims: true), Uniform(-2, 2, T234));
        c["softmax"] = Unary(x => Softmax(x), Uniform(-2, 2, M23));
        c["softmax (axis 0)"] = Unary(x => Softmax(x, 0), Uniform(-2, 2, M23));
        // reductions
        c["min (all)"] = Unary(x => Min(x * x * x), Distinct(M23));
        c["min (axis 1)"] = Unary(x => Min(x, 1), Distinct(M23));
        c["prod (all)"] = Unary(x => Prod(x), Uniform(-2, 2, M23));
        c["prod (axis 1 of 5, keepdims)"] = Unary(x => Prod(x, 1, keepdims: true), Uniform(-2, 2, [2, 5]));
        c["var"] = Unary(x => Var(x), Uniform(-2, 2, M23));
        c["var (axis 0, ddof 1)"] = Unary(x => Var(x, 0, ddof: 1), Uniform(-2, 2, [4, 3]));
        c["std (axis 1)"] = Unary(x => Std(x, 1), Distinct([2, 4]));
        c["cumsum"] = Unary(x => Cumsum(x * x), Uniform(-2, 2, M23));
        c["cumsum (axis 0)"] = Unary(x => Cumsum(Sin(x), 0), Uniform(-2, 2, T234));
        c["argmax/argmin weights"] = Unary(x => x * (Argmax(x, 1).Reshape(2, 1) + Argmin(x)), Distinct(M23));
        // shape operations
        c["squeeze"] = Unary(x => Squeeze(x * x), Uniform(-2, 2, [2, 1, 3]));
        c["slice, step −1 (x[::-1])"] = Unary(x => Slice(x * x, 1, step: -1) * x, Uniform(-2, 2, M23));
        c["slice, step −2 of 7 (x[5:0:-2])"] = Unary(x => Sin(Slice(x, 1, 5, 0, -2)) * Slice(x, 1, 0, 5, 2), Uniform(-2, 2, [2, 7]));
        c["flip"] = Unary(x => Flip(x * x, 1) * x, Uniform(-2, 2, M23));
        c["flip (all)"] = Unary(x => Flip(Sin(x)), Uniform(-2, 2, T234));
        c["roll"] = Unary(x => Roll(x * x, 2, 1) * x, Uniform(-2, 2, M23));
        c["roll (flat)"] = Unary(x => Roll(Sin(x), -1), Uniform(-2, 2, M23));
        c["tile"] = Unary(x => Tile(x * x, 2, 1, 2), Uniform(-2, 2, M23));
        c["repeat"] = Unary(x => Repeat(Sin(x), 2, 1), Uniform(-2, 2, M23));
        c["triu/tril"] = Unary(x => Triu(x * x, 1) + Tril(Sin(x)), Uniform(-2, 2, [3, 3]));
        c["diag (of a vector, of a matrix)"] = Unary(x => Diag(Diag(x * x) * x[0][..2]) * Trace(x[.., ..2]), Uniform(-2, 2, M23));
        c["outer"] = Binary((a, b) => Outer(Sin(a), b * b), Uniform(-2, 2, V3), Uniform(-2, 2, V4));
        // linear algebra, on well-conditioned matrices (I·3 + a perturbation)
        c["solve (matrix)"] = Binary((a, b) => Linalg.Solve(a + 3.0 * Eye(3), b), Uniform(-1, 1, [3, 3]), Uniform(-2, 2, [3, 2]));
        c["solve (vector, stacked)"] = Binary((a, b) => Linalg.Solve(a + 3.0 * Eye(3), b), Uniform(-1, 1, [2, 3, 3]), Uniform(-2, 2, [2, 3, 1]));
        c["inv"] = Unary(a => Linalg.Inv(a + 3.0 * Eye(3)), Uniform(-1, 1, [3, 3]));
        c["det"] = Unary(a => Linalg.Det(a + 2.0 * Eye(3)), Uniform(-1, 1, [2, 3, 3]));
        c["slogdet"] = Unary(a => Linalg.Slogdet(a - 2.0 * Eye(2)).LogAbsDet * Linalg.Slogdet(a - 2.0 * Eye(2)).Sign, Uniform(-0.5, 0.5, [2, 2]));
        c["cholesky"] = Unary(a => Linalg.Cholesky(MatMul(a, a.T) + Eye(3)), Uniform(-1, 1, [3, 3]));
        c["cholesky (stacked, not symmetric)"] = Unary(a => Linalg.Cholesky(a + 3.0 * Eye(2)), Uniform(-1, 1, [2, 2, 2]));
        c["norm (2, 1)"] = Unary(x => Linalg.Norm(x) + Sum(Linalg.Norm(x, 1.0, 1)), AwayFromZero(M23));
        c["norm (∞, axis 0)"] = Unary(x => Linalg.Norm(x + 5.0, double.PositiveInfinity, 0), Distinct(M23));
        c["tensordot (axes 1)"] = Binary((a, b) => Tensordot(Sin(a), b, 1), Uniform(-2, 2, M23), Uniform(-2, 2, [3, 2]));
        c["tensordot (pairs)"] = Binary((a, b) => Tensordot(a * a, b, [0, 2], [1, 0]), Uniform(-2, 2, T234), Uniform(-2, 2, [4, 2]));
        c["einsum (ij,jk->ik)"] = Binary((a, b) => Einsum("ij,jk->ik", a, Sin(b)), Uniform(-2, 2, M23), Uniform(-2, 2, [3, 4]));
        c["einsum (bij,bjk->bik)"] = Binary((a, b) => Einsum("bij,bjk->bik", a, b), Uniform(-2, 2, T234), Uniform(-2, 2, [2, 4, 2]));
        c["einsum (ii->, i,i, implicit)"] = Binary((a, b) => Einsum("ii", a * a) * Einsum("i,i", b, b) + Sum(Einsum("ij,j", a, b)), Uniform(-2, 2, [3, 3]), Uniform(-2, 2, V3));
        c["sort"] = Unary(x => Sort(x * x * x) * Arange(3), Distinct(M23));
        c["sort (axis 0)"] = Unary(x => Sort(Sin(x), 0) * Array(1.0, 2.0).Reshape(2, 1), Distinct(M23));
        c["take (repeated indices)"] = Unary(x => Take(Sin(x), Array(new[,] { { 2.0, 0.0 }, { 2.0, -1.0 } }), 1), Uniform(-2, 2, M23));
        c["take (flat)"] = Unary(x => Take(x * x, Array(5.0, 0.0, 5.0)), Uniform(-2, 2, M23));
        c["take_along_axis"] = Unary(x => TakeAlongAxis(Exp(x), Array(new[,] { { 1.0 }, { 0.0 } }), 0), Uniform(-2, 2, [2, 1]));
        // transformations
        c["vmap"] = Unary(x => Ad.Vmap((Tensor r) => Sum(Sin(r) * r[0]))(x), Uniform(-2, 2, [4, 3]));
        c["vmap (in axis 1, unmapped argument)"] = Binary((a, b) => Ad.Vmap((Tensor r, Tensor w) => Dot(r, w) * Sum(r), (1, null))(a, b), Uniform(-2, 2, M23), Uniform(-2, 2, [2]));
    }
}
