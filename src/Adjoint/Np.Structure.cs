using Adjoint.Primitives;

namespace Adjoint;

public static partial class Np
{
    /// <summary>Gives the array a new shape with the same number of elements; one size may be −1 (inferred).</summary>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        var target = (int[])shape.Clone();
        int unknown = System.Array.IndexOf(target, -1);
        if (unknown >= 0)
        {
            int known = target.Where((d, i) => i != unknown).Aggregate(1, (p, d) => p * d);
            if (known == 0 || x.Size % known != 0)
                throw new ShapeException($"reshape: cannot reshape an array of shape {Shapes.Format(x.shape)} into {Shapes.Format(shape)}.");
            target[unknown] = x.Size / known;
        }
        if (target.Any(d => d < 0) || Shapes.Size(target) != x.Size)
            throw new ShapeException($"reshape: cannot reshape an array of shape {Shapes.Format(x.shape)} ({x.Size} elements) into {Shapes.Format(shape)}.");
        return ReshapeTrailing(x, x.shape, target);
    }

    /// <summary>Broadcasts x to a shape, following numpy's rules.</summary>
    public static Tensor BroadcastTo(Tensor x, params int[] shape)
    {
        var result = Shapes.Broadcast(x.shape, shape, "broadcast_to");
        if (!Shapes.Equal(result, shape))
            throw new ShapeException($"broadcast_to: an array of shape {Shapes.Format(x.shape)} cannot be broadcast to {Shapes.Format(shape)}.");
        return BroadcastTrailing(x, x.shape, shape);
    }

    /// <summary>Permutes the axes (reverses them when none are given), like numpy's transpose.</summary>
    public static Tensor Transpose(Tensor x, params int[] axes)
    {
        var perm = axes.Length == 0 ? Enumerable.Range(0, x.Rank).Reverse().ToArray() : axes.Select(a => Shapes.Axis(a, x.Rank, "transpose")).ToArray();
        if (perm.Length != x.Rank || perm.Distinct().Count() != perm.Length)
            throw new ArgumentException($"transpose: axes {Shapes.Format(axes)} are not a permutation of the {x.Rank} axes of shape {Shapes.Format(x.shape)}.");
        return perm.SequenceEqual(Enumerable.Range(0, x.Rank)) ? x : Bind(new TransposeP(perm), x);
    }

    /// <summary>Moves one axis to a new position, keeping the order of the others.</summary>
    public static Tensor Moveaxis(Tensor x, int source, int destination)
    {
        int s = Shapes.Axis(source, x.Rank, "moveaxis"), d = Shapes.Axis(destination, x.Rank, "moveaxis");
        var order = Enumerable.Range(0, x.Rank).Where(a => a != s).ToList();
        order.Insert(d, s);
        return Transpose(x, [.. order]);
    }

    /// <summary>Inserts an axis of size 1 at the given position.</summary>
    public static Tensor ExpandDims(Tensor x, int axis)
    {
        int a = Shapes.Axis(axis, x.Rank + 1, "expand_dims");
        var shape = x.shape.ToList();
        shape.Insert(a, 1);
        return Reshape(x, [.. shape]);
    }

    /// <summary>Joins arrays along an existing axis.</summary>
    public static Tensor Concatenate(IEnumerable<Tensor> arrays, int axis = 0)
    {
        var list = arrays.ToArray();
        if (list.Length == 0) throw new ArgumentException("concatenate: need at least one array.");
        if (list.Any(t => t.Rank != list[0].Rank))
            throw new ShapeException($"concatenate: all arrays must have the same rank; got shapes {string.Join(", ", list.Select(t => Shapes.Format(t.shape)))}.");
        if (list[0].Rank == 0) throw new ShapeException("concatenate: zero-dimensional arrays cannot be concatenated; use Stack.");
        int a = Shapes.Axis(axis, list[0].Rank, "concatenate");
        return list.Length == 1 ? list[0] : Bind(new ConcatenateP(a, list[0].Rank), list);
    }

    /// <summary>Joins arrays of the same shape along a new axis.</summary>
    public static Tensor Stack(IEnumerable<Tensor> arrays, int axis = 0)
    {
        var list = arrays.ToArray();
        if (list.Length == 0) throw new ArgumentException("stack: need at least one array.");
        foreach (var t in list)
            if (!Shapes.Equal(t.shape, list[0].shape))
                throw new ShapeException($"stack: all arrays must have the same shape; got {Shapes.Format(list[0].shape)} and {Shapes.Format(t.shape)}.");
        int a = Shapes.Axis(axis, list[0].Rank + 1, "stack");
        return Concatenate(list.Select(t => ExpandDims(t, a)), a);
    }

    /// <summary>Stacks the given arrays along a new first axis.</summary>
    public static Tensor Stack(params Tensor[] arrays) => Stack(arrays, 0);

    /// <summary>Indexing with integers (drop the axis), C# indices (<c>^1</c>) and ranges (<c>1..3</c>, <c>..</c>).</summary>
    public static Tensor Index(Tensor x, params TensorIndex[] indices)
    {
        if (indices.Length > x.Rank)
            throw new IndexOutOfRangeException($"Too many indices ({indices.Length}) for an array of shape {Shapes.Format(x.shape)}.");
        int rank = x.Rank;
        var start = new int[rank];
        var stop = (int[])x.shape.Clone();
        var keep = new List<int>();
        for (int d = 0; d < rank; d++)
        {
            if (d >= indices.Length) { keep.Add(x.shape[d]); continue; }
            var index = indices[d];
            if (index.Single is { } single)
            {
                int i = single.GetOffset(x.shape[d]);
                if (i < 0 || i >= x.shape[d])
                    throw new IndexOutOfRangeException($"Index {single} is out of bounds for axis {d} of size {x.shape[d]} (shape {Shapes.Format(x.shape)}).");
                (start[d], stop[d]) = (i, i + 1);
            }
            else
            {
                var (offset, length) = ClampRange(index.Range, x.shape[d]);
                (start[d], stop[d]) = (offset, offset + length);
                keep.Add(length);
            }
        }
        var sliced = start.All(s => s == 0) && stop.SequenceEqual(x.shape)
            ? x
            : Bind(new SliceP(start, stop, Enumerable.Repeat(1, rank).ToArray()), x);
        return ReshapeTrailing(sliced, sliced.shape, [.. keep]);
    }

    /// <summary>Like Python slicing, out-of-range bounds are clamped rather than errors.</summary>
    private static (int Offset, int Length) ClampRange(Range range, int length)
    {
        int s = Math.Clamp(range.Start.IsFromEnd ? length - range.Start.Value : range.Start.Value, 0, length);
        int e = Math.Clamp(range.End.IsFromEnd ? length - range.End.Value : range.End.Value, 0, length);
        return (s, Math.Max(0, e - s));
    }

    /// <summary>
    /// Every <paramref name="step"/>-th element of one axis from start towards stop, Python's <c>x[start:stop:step]</c>:
    /// negative bounds count from the end, out-of-range bounds are clamped, a null bound is the end the step starts
    /// (or stops) at. A negative step walks backwards: <c>Slice(x, 0, step: -1)</c> is <c>x[::-1]</c>, a flip, then a
    /// forward slice of the flipped axis (so its derivative is the flip of a padded cotangent).
    /// </summary>
    public static Tensor Slice(Tensor x, int axis, int? start = null, int? stop = null, int step = 1)
    {
        int a = Shapes.Axis(axis, x.Rank, "slice");
        if (step == 0) throw new ArgumentOutOfRangeException(nameof(step), "slice: step cannot be zero.");
        int n = x.shape[a];
        if (step < 0)
        {
            // Python's bounds for a backward walk lie in [−1, n − 1] (−1: before the first element); element i of x
            // is element n − 1 − i of the flipped axis.
            int Backward(int? bound, int absent) => bound is { } b ? Math.Clamp(b < 0 ? b + n : b, -1, n - 1) : absent;
            return Slice(Flip(x, a), a, n - 1 - Backward(start, n - 1), n - 1 - Backward(stop, -1), -step);
        }
        var starts = new int[x.Rank];
        var stops = (int[])x.shape.Clone();
        var steps = Enumerable.Repeat(1, x.Rank).ToArray();
        int Forward(int? bound, int absent) => bound is { } b ? Math.Clamp(b < 0 ? b + n : b, 0, n) : absent;
        (starts[a], stops[a], steps[a]) = (Forward(start, 0), Forward(stop, n), step);
        return Bind(new SliceP(starts, stops, steps), x);
    }
}
