namespace Adjoint.Primitives;

/// <summary>A primitive acting along one trailing axis (of arrays of declared rank <c>rank</c>); leading batch axes pass through.</summary>
internal abstract class AlongAxis(int axis, int rank) : Primitive
{
    public int Axis => axis;
    public int Rank => rank;
    public override Param[] Params => [Param.Integer("axis", axis), Param.Integer("rank", rank, listed: false)];
    public override int[] OutputShape(int[][] s) { Shapes.Leading(s[0], rank, Name); return s[0]; }

    /// <summary>Calls <paramref name="line"/> for each line along the axis: (data, offset of its first element, stride, length).</summary>
    protected void ForEachLine(int[] shape, Action<int, int, int> line)
    {
        int a = shape.Length - rank + axis;
        int inner = Shapes.Size(shape.AsSpan(a + 1)), outer = Shapes.Size(shape.AsSpan(0, a)), n = shape[a];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++) line(o * n * inner + i, inner, n);
    }
}

/// <summary>
/// Cumulative sum along an axis (from the end when <c>reverse</c>). Linear: the JVP is the cumulative sum of the
/// tangent; the transpose is the cumulative sum in the other direction.
/// </summary>
internal sealed class CumsumP(int axis, int rank, bool reverse) : AlongAxis(axis, rank)
{
    public override string Name => "cumsum";
    public override Param[] Params => [.. base.Params, Param.Flag("reverse", reverse)];

    public override Tensor Eval(Tensor[] x, int[] outputShape)
    {
        var source = x[0].Data;
        var result = Kernels.NewArray(source.Length);
        ForEachLine(outputShape, (start, stride, n) =>
        {
            double sum = 0;
            for (int k = 0; k < n; k++)
            {
                int at = start + (reverse ? n - 1 - k : k) * stride;
                result[at] = sum += source[at];
            }
        });
        return new(outputShape, result);
    }

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => Dispatch.Bind(this, dx);
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => Dispatch.Bind(new CumsumP(Axis, Rank, !reverse), ct);
}

/// <summary>Reverses the order of elements along an axis. Linear and its own transpose.</summary>
internal sealed class FlipP(int axis, int rank) : AlongAxis(axis, rank)
{
    public override string Name => "rev";
    internal override bool MovesElements => true;

    public override Tensor Eval(Tensor[] x, int[] outputShape)
    {
        var source = x[0].Data;
        var result = Kernels.NewArray(source.Length);
        ForEachLine(outputShape, (start, stride, n) =>
        {
            for (int k = 0; k < n; k++) result[start + k * stride] = source[start + (n - 1 - k) * stride];
        });
        return new(outputShape, result);
    }

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => Dispatch.Bind(this, dx);
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => Dispatch.Bind(this, ct);

    /// <summary>On blocks as it is when the flipped axis lies before the pixel axes (it then moves values within each pixel).</summary>
    internal override Primitive? OnBlocks(BlockShapes map, int[][] inputs) =>
        map.IsSpatial(inputs[0]) && inputs[0].Length - Rank + Axis < inputs[0].Length - map.Spatial.Length ? this : null;
}

/// <summary>
/// The index of the largest (or smallest) element along an axis, the first one at ties (numpy), as a float64
/// array with that axis removed. Integer-valued: no derivative. NaN counts as the extreme, as in numpy.
/// </summary>
internal sealed class ArgExtremeP(int axis, int rank, bool max) : AlongAxis(axis, rank)
{
    public override string Name => max ? "argmax" : "argmin";
    public override bool IsDifferentiable => false;
    public override Param[] Params => [.. base.Params, Param.Flag("max", max)];

    public override int[] OutputShape(int[][] s)
    {
        var lead = Shapes.Leading(s[0], Rank, Name);
        int a = lead.Length + Axis;
        if (s[0][a] == 0) throw new ShapeException($"{Name}: cannot take it over an empty axis (shape {Shapes.Format(s[0])}).");
        return [.. s[0][..a], .. s[0][(a + 1)..]];
    }

    public override Tensor Eval(Tensor[] x, int[] outputShape)
    {
        var source = x[0].Data;
        int a = x[0].Rank - Rank + Axis, inner = Shapes.Size(x[0].shape.AsSpan(a + 1));
        var result = Kernels.NewArray(Shapes.Size(outputShape));
        ForEachLine(x[0].shape, (start, stride, n) =>
        {
            int best = 0;
            for (int k = 1; k < n && !double.IsNaN(source[start + best * stride]); k++)
            {
                double v = source[start + k * stride], b = source[start + best * stride];
                if (double.IsNaN(v) || (max ? v > b : v < b)) best = k;
            }
            int outer = start / (n * inner), i = start % inner;
            result[outer * inner + i] = best;
        });
        return new(outputShape, result);
    }

    public override Tensor? Jvp(int i, Tensor[] x, Tensor y, Tensor dx) => null;
    public override Tensor? Vjp(int i, Tensor[] x, Tensor y, Tensor ct) => null;
}
