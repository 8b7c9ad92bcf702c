using Adjoint.Primitives;

namespace Adjoint;

// numpy's reductions and shape operations beyond the core set: new primitives where needed (cumsum, flip,
// argmax/argmin in Toolbox/AxisPrimitives.cs), exact compositions of existing primitives elsewhere.
public static partial class Np
{
    /// <summary>Minimum over all elements or an axis: −max(−x), so ties share the derivative equally (JAX's reduce_min).</summary>
    public static Tensor Min(Tensor x, int? axis = null, bool keepdims = false) => -Max(-x, axis, keepdims);

    /// <summary>
    /// Product over all elements or an axis, as a tree of pairwise multiplications of slices: exact, and its
    /// derivative ∏_{j≠i} x_j is right also where some x_j are zero (no division by x).
    /// </summary>
    public static Tensor Prod(Tensor x, int? axis = null, bool keepdims = false)
    {
        if (axis is null)
        {
            var all = Prod(Reshape(x, x.Size), 0);
            return keepdims ? Reshape(all, Enumerable.Repeat(1, x.Rank).ToArray()) : all;
        }
        int a = Shapes.Axis(axis.Value, x.Rank, "prod");
        var t = x;
        while (t.shape[a] > 1)
        {
            int n = t.shape[a], half = n / 2;
            var product = Slice(t, a, 0, half) * Slice(t, a, half, 2 * half);
            t = n % 2 == 0 ? product : Concatenate([product, Slice(t, a, n - 1, n)], a);
        }
        if (t.shape[a] == 0) t = Ones([.. x.shape[..a], 1, .. x.shape[(a + 1)..]]);
        return keepdims ? t : Squeeze(t, a);
    }

    /// <summary>Variance over all elements or an axis: mean((x − mean x)²)·n/(n − ddof).</summary>
    public static Tensor Var(Tensor x, int? axis = null, bool keepdims = false, int ddof = 0)
    {
        int[]? axes = axis is { } a ? [a] : null;
        int n = axis is { } b ? x.shape[Shapes.Axis(b, x.Rank, "var")] : x.Size;
        var centred = x - Mean(x, axes, keepdims: true);
        return Sum(centred * centred, axes, keepdims) / (n - ddof);
    }

    /// <summary>Standard deviation √var; its derivative is infinite where the variance is 0 (as in JAX).</summary>
    public static Tensor Std(Tensor x, int? axis = null, bool keepdims = false, int ddof = 0) => Sqrt(Var(x, axis, keepdims, ddof));

    /// <summary>Cumulative sum along an axis (of the flattened array when null, as numpy).</summary>
    public static Tensor Cumsum(Tensor x, int? axis = null) => axis is { } a
        ? Bind(new CumsumP(Shapes.Axis(a, x.Rank, "cumsum"), x.Rank, reverse: false), x)
        : Cumsum(Reshape(x, x.Size), 0);

    /// <summary>Index of the largest element (first at ties) along an axis, or of the flattened array; no derivative.</summary>
    public static Tensor Argmax(Tensor x, int? axis = null) => ArgExtreme(x, axis, max: true);

    /// <summary>Index of the smallest element (first at ties) along an axis, or of the flattened array; no derivative.</summary>
    public static Tensor Argmin(Tensor x, int? axis = null) => ArgExtreme(x, axis, max: false);

    private static Tensor ArgExtreme(Tensor x, int? axis, bool max) => axis is { } a
        ? Bind(new ArgExtremeP(Shapes.Axis(a, x.Rank, max ? "argmax" : "argmin"), x.Rank, max), x)
        : ArgExtreme(Reshape(x, x.Size), 0, max);

    /// <summary>Removes the given axes, which must have size 1 (all size-1 axes when none are given).</summary>
    public static Tensor Squeeze(Tensor x, params int[] axes)
    {
        var drop = axes.Length == 0
            ? Enumerable.Range(0, x.Rank).Where(d => x.shape[d] == 1).ToArray()
            : axes.Select(a => Shapes.Axis(a, x.Rank, "squeeze")).ToArray();
        foreach (int d in drop)
            if (x.shape[d] != 1)
                throw new ShapeException($"squeeze: axis {d} of shape {Shapes.Format(x.shape)} has size {x.shape[d]}, not 1.");
        return Reshape(x, x.shape.Where((_, d) => !drop.Contains(d)).ToArray());
    }

    /// <summary>Reverses the order along an axis (all axes when null).</summary>
    public static Tensor Flip(Tensor x, int? axis = null)
    {
        if (axis is { } a) return Bind(new FlipP(Shapes.Axis(a, x.Rank, "flip"), x.Rank), x);
        for (int d = 0; d < x.Rank; d++) x = Flip(x, d);
        return x;
    }

    /// <summary>Rolls elements along an axis by <paramref name="shift"/> (of the flattened array when null); what leaves one end enters at the other.</summary>
    public static Tensor Roll(Tensor x, int shift, int? axis = null)
    {
        if (axis is null) return Reshape(Roll(Reshape(x, x.Size), shift, 0), x.shape);
        int a = Shapes.Axis(axis.Value, x.Rank, "roll"), n = x.shape[a];
        int s = n == 0 ? 0 : ((shift % n) + n) % n;
        return s == 0 ? x : Concatenate([Slice(x, a, n - s, n), Slice(x, a, 0, n - s)], a);
    }

    /// <summary>Repeats the whole array reps[d] times along each axis (numpy's tile; reps shorter than the rank apply to the last axes).</summary>
    public static Tensor Tile(Tensor x, params int[] reps)
    {
        if (reps.Length > x.Rank) x = Reshape(x, [.. Enumerable.Repeat(1, reps.Length - x.Rank), .. x.shape]);
        for (int k = 0; k < reps.Length; k++)
        {
            int d = x.Rank - reps.Length + k;
            if (reps[k] < 1) throw new ArgumentException($"tile: repetitions must be at least 1, got {reps[k]}.");
            if (reps[k] > 1) x = Concatenate(Enumerable.Repeat(x, reps[k]), d);
        }
        return x;
    }

    /// <summary>Repeats each element <paramref name="repeats"/> times along an axis (of the flattened array when null), as numpy's repeat.</summary>
    public static Tensor Repeat(Tensor x, int repeats, int? axis = null)
    {
        if (axis is null) return Repeat(Reshape(x, x.Size), repeats, 0);
        int a = Shapes.Axis(axis.Value, x.Rank, "repeat");
        var expanded = ExpandDims(x, a + 1);
        var shape = (int[])expanded.shape.Clone();
        shape[a + 1] = repeats;
        var result = x.shape.ToArray();
        result[a] *= repeats;
        return Reshape(BroadcastTo(expanded, shape), result);
    }

    /// <summary>Upper triangle of the last two axes: elements with column − row ≥ k kept, the others 0 (selected, so no NaN leaks).</summary>
    public static Tensor Triu(Tensor x, int k = 0) => Triangle(x, k, upper: true);

    /// <summary>Lower triangle of the last two axes: elements with column − row ≤ k kept, the others 0.</summary>
    public static Tensor Tril(Tensor x, int k = 0) => Triangle(x, k, upper: false);

    private static Tensor Triangle(Tensor x, int k, bool upper)
    {
        if (x.Rank < 2) throw new ShapeException($"{(upper ? "triu" : "tril")}: needs at least 2 axes, got shape {Shapes.Format(x.shape)}.");
        int rows = x.shape[^2], cols = x.shape[^1];
        var mask = new double[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) mask[i * cols + j] = (upper ? j - i >= k : j - i <= k) ? 1 : 0;
        return Where(new Tensor([rows, cols], mask), x, 0.0);
    }

    /// <summary>numpy's diag: of a vector, the square matrix with it on the diagonal; of a matrix, its main diagonal.</summary>
    public static Tensor Diag(Tensor x)
    {
        if (x.Rank == 1) return Where(Eye(x.shape[0]), x, 0.0);
        if (x.Rank != 2) throw new ShapeException($"diag: needs a vector or a matrix, got shape {Shapes.Format(x.shape)}.");
        int n = Math.Min(x.shape[0], x.shape[1]);
        if (n == 0) return Zeros(0);
        // Diagonal elements of a row-major matrix sit one row plus one column apart.
        var flat = Reshape(Slice(Slice(x, 0, 0, n), 1, 0, n), n * n);
        return Slice(flat, 0, 0, n * n, n + 1);
    }

    /// <summary>The sum of the main diagonal of a matrix.</summary>
    public static Tensor Trace(Tensor x) => Sum(Diag(x));

    /// <summary>The outer product of two vectors (flattened first, as numpy): result[i, j] = a_i b_j.</summary>
    public static Tensor Outer(Tensor a, Tensor b) => Reshape(a, a.Size, 1) * Reshape(b, 1, b.Size);
}
