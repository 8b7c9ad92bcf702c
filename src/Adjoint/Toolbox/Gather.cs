namespace Adjoint.Primitives;

/// <summary>
/// Shared layout of gather and scatter along one trailing axis: values (…, pre, n, post) and integer-valued indices
/// (…, pre, m, post), leading axes broadcast against each other. Index k of a line picks element idx[k] of the line.
/// </summary>
internal abstract class AlongIndices(int axis, int rank) : Primitive
{
    public int Axis => axis;
    public int Rank => rank;
    public override Param[] Params => [Param.Integer("axis", axis), Param.Integer("rank", rank, listed: false)];

    /// <summary>The leading shape of the result, and a check that the trailing shapes agree off the axis.</summary>
    protected int[] Lead(int[] values, int[] indices)
    {
        var lv = Shapes.Leading(values, rank, Name);
        var li = Shapes.Leading(indices, rank, Name);
        var tv = values[lv.Length..];
        var ti = indices[li.Length..];
        for (int d = 0; d < rank; d++)
            if (d != axis && tv[d] != ti[d])
                throw new ShapeException($"{Name}: values of shape {Shapes.Format(values)} and indices of shape {Shapes.Format(indices)} differ off axis {axis}.");
        return Shapes.Broadcast(lv, li, Name);
    }

    /// <summary>Calls <paramref name="pair"/>(value offset, index offset) for every index, with both arrays laid out over <paramref name="lead"/>.</summary>
    protected void ForEach(int[] lead, int[] trailingValues, int[] trailingIndices, Action<int, int, int> pair)
    {
        int outer = Shapes.Size(lead) * Shapes.Size(trailingValues.AsSpan(0, axis)), inner = Shapes.Size(trailingValues.AsSpan(axis + 1));
        int n = trailingValues[axis], m = trailingIndices[axis];
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < m; k++)
                for (int i = 0; i < inner; i++) pair((o * n) * inner + i, (o * m + k) * inner + i, n);
    }

    protected static int Index(double value, int n, string name)
    {
        int k = (int)value;
        if (k != value || k < -n || k >= n)
            throw new IndexOutOfRangeException($"{name}: index {value} is out of range for an axis of size {n}.");
        return k < 0 ? k + n : k;
    }

    /// <summary>The data of t broadcast over <paramref name="lead"/> (its trailing axes kept).</summary>
    protected double[] Over(Tensor t, int[] lead) => Lu.Broadcast(t, lead, rank);
}

/// <summary>
/// take_along_axis: out[…, k, …] = x[…, idx[…, k, …], …]. Linear in x: its JVP gathers the tangent, its transpose
/// scatter-adds the cotangent back (repeated indices accumulate). The indices have no derivative.
/// </summary>
internal sealed class GatherP(int axis, int rank) : AlongIndices(axis, rank)
{
    public override string Name => "gather";

    public override int[] OutputShape(int[][] s) => [.. Lead(s[0], s[1]), .. s[1][^Rank..]];

    public override Tensor Eval(Tensor[] x, int[] outputShape)
    {
        var lead = outputShape[..^Rank];
        var values = Over(x[0], lead);
        var indices = Over(x[1], lead);
        var result = Kernels.NewArray(Shapes.Size(outputShape));
        int inner = Shapes.Size(outputShape.AsSpan(outputShape.Length - Rank + Axis + 1));
        ForEach(lead, x[0].shape[^Rank..], x[1].shape[^Rank..], (line, at, n) =>
            result[at] = values[line + Index(indices[at], n, Name) * inner]);
        return new(outputShape, result);
    }

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => i == 0 ? Dispatch.Bind(this, dx, x[1]) : null;

    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) =>
        i == 0 ? Dispatch.Bind(new ScatterAddP(Axis, Rank, x[0].shape[^Rank..][Axis]), ct, x[1]) : null;
}

/// <summary>The transpose of <see cref="GatherP"/>: zeros with axis size n, each update added at its index. Linear in the updates.</summary>
internal sealed class ScatterAddP(int axis, int rank, int size) : AlongIndices(axis, rank)
{
    public override string Name => "scatter_add";
    public override Param[] Params => [.. base.Params, Param.Integer("size", size)];

    public override int[] OutputShape(int[][] s)
    {
        var full = (int[])s[0].Clone();
        full[^(Rank - Axis)] = size;
        return [.. Lead(full, s[1]), .. full[^Rank..]];
    }

    public override Tensor Eval(Tensor[] x, int[] outputShape)
    {
        var lead = outputShape[..^Rank];
        var updates = Over(x[0], lead);
        var indices = Over(x[1], lead);
        var result = Kernels.NewZeroedArray(Shapes.Size(outputShape));
        int inner = Shapes.Size(outputShape.AsSpan(outputShape.Length - Rank + Axis + 1));
        ForEach(lead, outputShape[^Rank..], x[1].shape[^Rank..], (line, at, n) =>
            result[line + Index(indices[at], n, Name) * inner] += updates[at]);
        return new(outputShape, result);
    }

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => i == 0 ? Dispatch.Bind(this, dx, x[1]) : null;
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => i == 0 ? Dispatch.Bind(new GatherP(Axis, Rank), ct, x[1]) : null;
}

/// <summary>The indices that sort each line along the axis (stable: ties keep their order, NaN last, as numpy). No derivative.</summary>
internal sealed class ArgsortP(int axis, int rank) : AlongAxis(axis, rank)
{
    public override string Name => "argsort";
    public override bool IsDifferentiable => false;

    public override Tensor Eval(Tensor[] x, int[] outputShape)
    {
        var source = x[0].Data;
        var result = Kernels.NewArray(source.Length);
        ForEachLine(outputShape, (start, stride, n) =>
        {
            var order = Enumerable.Range(0, n).OrderBy(k => source[start + k * stride], Comparer<double>.Create(NanLast)).ToArray();
            for (int k = 0; k < n; k++) result[start + k * stride] = order[k];
        });
        return new(outputShape, result);
    }

    private static int NanLast(double a, double b) => double.IsNaN(a) ? (double.IsNaN(b) ? 0 : 1) : double.IsNaN(b) ? -1 : a.CompareTo(b);

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => null;
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => null;
}
