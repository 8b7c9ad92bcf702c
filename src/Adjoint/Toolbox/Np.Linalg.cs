using Adjoint.Primitives;

namespace Adjoint;

public static partial class Np
{
    /// <summary>
    /// numpy.linalg / jnp.linalg: solve, inv, det, slogdet, norm (stacks of matrices on the last two axes). Derivatives
    /// are JAX's (through solve), infinite or NaN at singular matrices.
    /// </summary>
    public static class Linalg
    {
        /// <summary>A⁻¹b for square A (…, n, n); b is (…, n, k) or a vector (n,) (then the result is a vector).</summary>
        public static Tensor Solve(Tensor a, Tensor b)
        {
            if (b.Rank == 1) return Reshape(Dispatch.Bind(SolveP.Op, a, Reshape(b, b.shape[0], 1)), [.. a.shape[..^2], b.shape[0]]);
            return Dispatch.Bind(SolveP.Op, a, b);
        }

        /// <summary>The inverse A⁻¹ (solve(A, I)); d(A⁻¹) = −A⁻¹ dA A⁻¹.</summary>
        public static Tensor Inv(Tensor a)
        {
            if (a.Rank < 2) throw new ShapeException($"inv: needs square matrices (…, n, n); got shape {Shapes.Format(a.shape)}.");
            return Dispatch.Bind(SolveP.Op, a, Eye(a.shape[^1]));
        }

        /// <summary>(sign, log|det A|) of each matrix, stable where det itself would overflow.</summary>
        public static (Tensor Sign, Tensor LogAbsDet) Slogdet(Tensor a) =>
            (Dispatch.Bind(SlogdetP.Sign, a), Dispatch.Bind(SlogdetP.LogAbs, a));

        /// <summary>det A = sign·exp(log|det A|); its derivative det A·tr(A⁻¹ dA).</summary>
        public static Tensor Det(Tensor a)
        {
            var (sign, logAbs) = Slogdet(a);
            return sign * Exp(logAbs);
        }

        /// <summary>
        /// The lower Cholesky factor L of symmetric positive definite matrices (A = L Lᵀ), of (A + Aᵀ)/2 as JAX
        /// (symmetrize_input); NaN where A is not positive definite.
        /// </summary>
        public static Tensor Cholesky(Tensor a)
        {
            if (a.Rank < 2) throw new ShapeException($"cholesky: needs square matrices (…, n, n); got shape {Shapes.Format(a.shape)}.");
            return Dispatch.Bind(CholeskyP.Op, (a + SwapLastAxes(a)) * 0.5);
        }

        /// <summary>
        /// The 2-norm of a vector or Frobenius norm of a matrix (ord null); for vectors also ord 1 (Σ|x|) and ∞
        /// (max |x|). Over all elements, or over <paramref name="axis"/>. The 2-norm's gradient at 0 is NaN, as in JAX.
        /// </summary>
        public static Tensor Norm(Tensor x, double? ord = null, int? axis = null, bool keepdims = false) => ord switch
        {
            null => Sqrt(Sum(x * x, axis, keepdims)),
            2 when x.Rank == 1 || axis is not null => Sqrt(Sum(x * x, axis, keepdims)),
            2 => throw new ArgumentException("norm: ord 2 of a matrix is the spectral norm, which is not supported; ord null gives the Frobenius norm."),
            1 => Sum(Abs(x), axis, keepdims),
            double.PositiveInfinity => Max(Abs(x), axis, keepdims),
            _ => throw new ArgumentException($"norm: ord {ord} is not supported (null, 1, 2 or ∞)."),
        };
    }
}
