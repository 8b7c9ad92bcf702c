using static Adjoint.Np;

namespace Adjoint.Primitives;

/// <summary>
/// Matrix product over the last two axes, (…, m, k) @ (…, k, n) → (…, m, n), leading axes broadcast.
/// d(A B) = dA B + A dB; the cotangents are C̄ Bᵀ and Aᵀ C̄.
/// </summary>
internal sealed class MatMulP : Primitive
{
    public static readonly MatMulP Op = new();
    public override string Name => "dot_general";

    public override int[] OutputShape(int[][] s)
    {
        int[] a = s[0], b = s[1];
        if (a.Length < 2 || b.Length < 2 || a[^1] != b[^2])
            throw new ShapeException($"matmul: shapes {Shapes.Format(a)} and {Shapes.Format(b)} are not aligned (inner dimensions {(a.Length > 0 ? a[^1] : 0)} and {(b.Length > 1 ? b[^2] : 0)} differ).");
        return [.. Shapes.Broadcast(a[..^2], b[..^2], "matmul"), a[^2], b[^1]];
    }

    public override Tensor Eval(Tensor[] x, int[] outputShape) =>
        new(outputShape, Kernels.MatMul(x[0].Data, x[0].shape, x[1].Data, x[1].shape, outputShape));

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) =>
        i == 0 ? Dispatch.Bind(this, dx, x[1]) : Dispatch.Bind(this, x[0], dx);

    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) =>
        i == 0 ? Dispatch.Bind(this, ct, SwapLastAxes(x[1])) : Dispatch.Bind(this, SwapLastAxes(x[0]), ct);
}
