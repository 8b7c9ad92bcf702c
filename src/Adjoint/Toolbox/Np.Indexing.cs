using Adjoint.Primitives;

namespace Adjoint;

public static partial class Np
{
    /// <summary>
    /// numpy's take_along_axis: out[…, k, …] = x[…, indices[…, k, …], …], indices (float64 holding integers, negative
    /// from the end) shaped like x except on the axis. The derivative is gathered the same way; repeated indices add
    /// their cotangents. Indices have no derivative.
    /// </summary>
    public static Tensor TakeAlongAxis(Tensor x, Tensor indices, int axis)
    {
        if (indices.Rank != x.Rank)
            throw new ShapeException($"take_along_axis: indices of shape {Shapes.Format(indices.shape)} must have the rank of x {Shapes.Format(x.shape)}.");
        return Bind(new GatherP(Shapes.Axis(axis, x.Rank, "take_along_axis"), x.Rank), x, indices);
    }

    /// <summary>
    /// numpy's take: the elements at <paramref name="indices"/> (any shape) along the axis (of the flattened array
    /// when null); the result's shape is x's with that axis replaced by the indices' shape. Integer-array indexing.
    /// </summary>
    public static Tensor Take(Tensor x, Tensor indices, int? axis = null)
    {
        if (axis is null) return Take(Reshape(x, x.Size), indices, 0);
        int a = Shapes.Axis(axis.Value, x.Rank, "take"), m = indices.Size;
        var flat = Reshape(indices, [.. Enumerable.Repeat(1, a), m, .. Enumerable.Repeat(1, x.Rank - a - 1)]);
        var spread = BroadcastTo(flat, [.. x.shape[..a], m, .. x.shape[(a + 1)..]]);
        return Reshape(TakeAlongAxis(x, spread, a), [.. x.shape[..a], .. indices.shape, .. x.shape[(a + 1)..]]);
    }

    /// <summary>The indices that sort x along the axis (stable, NaN last); no derivative.</summary>
    public static Tensor Argsort(Tensor x, int axis = -1) => Bind(new ArgsortP(Shapes.Axis(axis, x.Rank, "argsort"), x.Rank), x);

    /// <summary>
    /// x sorted along the axis. Its derivative moves with the values (the tangent is permuted as x is), as in JAX; at
    /// ties the stable order decides which tangent goes where.
    /// </summary>
    public static Tensor Sort(Tensor x, int axis = -1) => TakeAlongAxis(x, Argsort(x, axis), axis);
}
