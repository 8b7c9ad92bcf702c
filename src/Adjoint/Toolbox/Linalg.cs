using static Adjoint.Np;

namespace Adjoint.Primitives;

/// <summary>LU factorisation with partial pivoting of square matrices stored row-major (the eval of solve and slogdet).</summary>
internal static class Lu
{
    /// <summary>Factorises the n×n matrix in place (L below the diagonal, U on and above); returns the row order and the number of swaps.</summary>
    public static (int[] Rows, int Swaps) Factor(Span<double> a, int n)
    {
        var rows = Enumerable.Range(0, n).ToArray();
        int swaps = 0;
        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++) if (Math.Abs(a[r * n + c]) > Math.Abs(a[pivot * n + c])) pivot = r;
            if (pivot != c)
            {
                for (int j = 0; j < n; j++) (a[c * n + j], a[pivot * n + j]) = (a[pivot * n + j], a[c * n + j]);
                (rows[c], rows[pivot]) = (rows[pivot], rows[c]);
                swaps++;
            }
            if (a[c * n + c] == 0) continue; // singular: later solves give ±inf/NaN, as numpy's would not — JAX's do
            for (int r = c + 1; r < n; r++)
            {
                double factor = a[r * n + c] /= a[c * n + c];
                for (int j = c + 1; j < n; j++) a[r * n + j] -= factor * a[c * n + j];
            }
        }
        return (rows, swaps);
    }

    /// <summary>Solves LU x = P b for the k columns of b (n×k, row-major), writing x.</summary>
    public static void Solve(ReadOnlySpan<double> lu, int[] rows, ReadOnlySpan<double> b, Span<double> x, int n, int k)
    {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++)
            {
                double sum = b[rows[i] * k + j];
                for (int m = 0; m < i; m++) sum -= lu[i * n + m] * x[m * k + j];
                x[i * k + j] = sum;
            }
        for (int i = n - 1; i >= 0; i--)
            for (int j = 0; j < k; j++)
            {
                double sum = x[i * k + j];
                for (int m = i + 1; m < n; m++) sum -= lu[i * n + m] * x[m * k + j];
                x[i * k + j] = sum / lu[i * n + i];
            }
    }

    /// <summary>The data of t broadcast over the leading shape <paramref name="lead"/> (its last <paramref name="core"/> axes kept).</summary>
    public static double[] Broadcast(Tensor t, int[] lead, int core)
    {
        var target = Shapes.Concat(lead, t.shape.AsSpan(t.Rank - core));
        return Shapes.Equal(target, t.shape) ? t.Data : Kernels.Gather(t.Data, 0, Shapes.BroadcastStrides(t.shape, target), target);
    }
}

/// <summary>
/// solve(A, B) = A⁻¹B for stacks of square A (…, n, n) and B (…, n, k), leading axes broadcast. With X = A⁻¹B:
/// dX = A⁻¹(dB − dA X); the cotangents are B̄ = A⁻ᵀ X̄ and Ā = −B̄ Xᵀ. Rules use solve itself, so they differentiate again.
/// </summary>
internal sealed class SolveP : Primitive
{
    public static readonly SolveP Op = new();
    public override string Name => "solve";

    public override int[] OutputShape(int[][] s)
    {
        int[] a = s[0], b = s[1];
        if (a.Length < 2 || a[^1] != a[^2] || b.Length < 2 || b[^2] != a[^1])
            throw new ShapeException($"solve: needs square matrices A (…, n, n) and B (…, n, k); got shapes {Shapes.Format(a)} and {Shapes.Format(b)}.");
        return [.. Shapes.Broadcast(a[..^2], b[..^2], "solve"), b[^2], b[^1]];
    }

    public override Tensor Eval(Tensor[] x, int[] outputShape)
    {
        int n = outputShape[^2], k = outputShape[^1];
        var lead = outputShape[..^2];
        var a = Lu.Broadcast(x[0], lead, 2);
        var b = Lu.Broadcast(x[1], lead, 2);
        var result = Kernels.NewArray(Shapes.Size(outputShape));
        var lu = new double[n * n];
        for (int m = 0; m < Shapes.Size(lead); m++)
        {
            a.AsSpan(m * n * n, n * n).CopyTo(lu);
            var (rows, _) = Lu.Factor(lu, n);
            Lu.Solve(lu, rows, b.AsSpan(m * n * k, n * k), result.AsSpan(m * n * k, n * k), n, k);
        }
        return new(outputShape, result);
    }

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) =>
        i == 0 ? -Dispatch.Bind(this, x[0], MatMul(dx, y)) : Dispatch.Bind(this, x[0], dx);

    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct)
    {
        var cb = Dispatch.Bind(this, SwapLastAxes(x[0]), ct);
        return i == 1 ? cb : -MatMul(cb, SwapLastAxes(y));
    }
}

/// <summary>
/// log|det A| (or, with <c>sign</c>, the sign of det A: −1, 0 or 1, no derivative) of a stack of square matrices, by LU.
/// d log|det A| = tr(A⁻¹ dA); its cotangent is ḡ·A⁻ᵀ. Infinite/NaN at singular A, as in JAX.
/// </summary>
internal sealed class SlogdetP(bool sign) : Primitive
{
    public static readonly SlogdetP LogAbs = new(false), Sign = new(true);
    public override string Name => sign ? "slogdet_sign" : "slogdet_logabs";
    public override bool IsDifferentiable => !sign;

    public override int[] OutputShape(int[][] s)
    {
        if (s[0].Length < 2 || s[0][^1] != s[0][^2])
            throw new ShapeException($"slogdet: needs square matrices (…, n, n); got shape {Shapes.Format(s[0])}.");
        return s[0][..^2];
    }

    public override Tensor Eval(Tensor[] x, int[] outputShape)
    {
        int n = x[0].shape[^1];
        var data = x[0].Data;
        var result = Kernels.NewArray(Shapes.Size(outputShape));
        var lu = new double[n * n];
        for (int m = 0; m < result.Length; m++)
        {
            data.AsSpan(m * n * n, n * n).CopyTo(lu);
            var (_, swaps) = Lu.Factor(lu, n);
            double logAbs = 0, s = swaps % 2 == 0 ? 1 : -1;
            for (int i = 0; i < n; i++)
            {
                logAbs += Math.Log(Math.Abs(lu[i * n + i]));
                s *= Math.Sign(lu[i * n + i]);
            }
            result[m] = sign ? s : logAbs;
        }
        return new(outputShape, result);
    }

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx)
    {
        int n = x[0].shape[^1];
        return Sum(Dispatch.Bind(SolveP.Op, x[0], dx) * Eye(n), [-2, -1]);
    }

    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct)
    {
        int n = x[0].shape[^1];
        var inverseTransposed = Dispatch.Bind(SolveP.Op, SwapLastAxes(x[0]), Eye(n));
        return Reshape(ct, [.. ct.shape, 1, 1]) * inverseTransposed;
    }
}

/// <summary>
/// The Cholesky factor L (lower triangular, positive diagonal) of symmetric positive definite matrices, A = L Lᵀ;
/// NaN where A is not positive definite (as JAX). For symmetric dA: dL = L Φ(L⁻¹ dA L⁻ᵀ), Φ taking the lower
/// triangle with the diagonal halved; the VJP is that map's transpose, Ā = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹. Np's Cholesky
/// symmetrises its input first (JAX's symmetrize_input), so the rules only ever see symmetric directions.
/// </summary>
internal sealed class CholeskyP : Primitive
{
    public static readonly CholeskyP Op = new();
    public override string Name => "cholesky";

    public override int[] OutputShape(int[][] s) => s[0].Length >= 2 && s[0][^1] == s[0][^2] ? s[0]
        : throw new ShapeException($"cholesky: needs square matrices (…, n, n); got shape {Shapes.Format(s[0])}.");

    public override Tensor Eval(Tensor[] x, int[] outputShape)
    {
        int n = outputShape[^1];
        var a = x[0].Data;
        var l = Kernels.NewZeroedArray(a.Length);
        for (int m = 0; m < a.Length / Math.Max(1, n * n); m++)
        {
            int o = m * n * n;
            for (int i = 0; i < n; i++)
                for (int j = 0; j <= i; j++)
                {
                    double sum = a[o + i * n + j];
                    for (int k = 0; k < j; k++) sum -= l[o + i * n + k] * l[o + j * n + k];
                    l[o + i * n + j] = i == j ? (sum > 0 ? Math.Sqrt(sum) : double.NaN) : sum / l[o + j * n + j];
                }
        }
        return new(outputShape, l);
    }

    /// <summary>Φ as a mask: 1 below the diagonal, ½ on it, 0 above.</summary>
    private static Tensor Phi(int n)
    {
        var mask = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) mask[i * n + j] = i == j ? 0.5 : 1;
        return new Tensor([n, n], mask);
    }

    private static Tensor Solve(Tensor a, Tensor b) => Dispatch.Bind(SolveP.Op, a, b);

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx)
    {
        var inner = SwapLastAxes(Solve(y, SwapLastAxes(Solve(y, dx)))); // L⁻¹ dA L⁻ᵀ
        return MatMul(y, inner * Phi(y.shape[^1]));
    }

    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct)
    {
        var lt = SwapLastAxes(y);
        var inner = MatMul(lt, ct) * Phi(y.shape[^1]);
        return SwapLastAxes(Solve(lt, SwapLastAxes(Solve(lt, inner)))); // L⁻ᵀ Φ(Lᵀ L̄) L⁻¹
    }
}
