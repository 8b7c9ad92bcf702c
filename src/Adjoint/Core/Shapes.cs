namespace Adjoint;

/// <summary>Small helpers on shapes (int arrays, row-major).</summary>
internal static class Shapes
{
    public static readonly int[] Scalar = [];

    /// <summary>
    /// The number of elements. A shape with more elements than one .NET array can hold is an error here, where its size
    /// is computed: an int that wrapped around would make a tensor of the wrong size (or none) without a word.
    /// </summary>
    public static int Size(ReadOnlySpan<int> shape)
    {
        int size = 1;
        foreach (int d in shape)
        {
            long next = (long)size * d;
            if (next > Array.MaxLength) return shape.Contains(0) ? 0 : throw TooLarge(shape);
            size = (int)next;
        }
        return size;
    }

    private static ShapeException TooLarge(ReadOnlySpan<int> shape)
    {
        double elements = 1;
        foreach (int d in shape) elements *= d;
        return new ShapeException($"Shape {Format(shape)} has {elements:N0} elements ({elements * sizeof(double) / (1L << 30):N0} GiB of float64), " +
                                  $"more than one array can hold ({Array.MaxLength:N0} elements).");
    }

    /// <summary>Row-major strides in elements.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { strides[i] = s; s *= shape[i]; }
        return strides;
    }

    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>numpy's way of writing a shape: (2, 3), (3,), ().</summary>
    public static string Format(ReadOnlySpan<int> shape) => shape.Length switch
    {
        0 => "()",
        1 => $"({shape[0]},)",
        _ => "(" + string.Join(", ", shape.ToArray()) + ")",
    };

    /// <summary>numpy broadcasting: align trailing axes; a size-1 axis stretches.</summary>
    public static int[] Broadcast(int[] a, int[] b, string operation)
    {
        if (Equal(a, b)) return a;
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 1; i <= rank; i++)
        {
            int da = i <= a.Length ? a[^i] : 1, db = i <= b.Length ? b[^i] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ShapeException($"{operation}: shapes {Format(a)} and {Format(b)} cannot be broadcast together (axis -{i}: {da} vs {db}).");
            result[^i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Strides for reading <paramref name="shape"/> as if broadcast to <paramref name="target"/> (stride 0 on stretched axes).</summary>
    public static int[] BroadcastStrides(int[] shape, int[] target)
    {
        var own = Strides(shape);
        var strides = new int[target.Length];
        int offset = target.Length - shape.Length;
        for (int i = 0; i < shape.Length; i++)
            strides[offset + i] = shape[i] == 1 && target[offset + i] != 1 ? 0 : own[i];
        return strides;
    }

    /// <summary>Normalises an axis (negative counts from the end) and checks its range.</summary>
    public static int Axis(int axis, int rank, string operation)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw new ArgumentOutOfRangeException(nameof(axis), $"{operation}: axis {axis} is out of range for an array of rank {rank}.");
        return a;
    }

    public static int[] Concat(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        var r = new int[a.Length + b.Length];
        a.CopyTo(r);
        b.CopyTo(r.AsSpan(a.Length));
        return r;
    }

    /// <summary>
    /// <paramref name="actual"/> with its trailing axes <paramref name="from"/> replaced by
    /// <paramref name="to"/> (leading batch axes kept); the shape rule of reshape and broadcast.
    /// </summary>
    public static int[] ReplaceTrailing(int[] actual, int[] from, int[] to, string operation)
    {
        var lead = Leading(actual, from.Length, operation);
        if (!Equal(actual.AsSpan(lead.Length), from))
            throw new ShapeException($"{operation}: expected trailing shape {Format(from)}, got {Format(actual)}.");
        return Concat(lead, to);
    }

    /// <summary>The leading axes of <paramref name="actual"/> beyond the <paramref name="declaredRank"/> trailing ones.</summary>
    public static int[] Leading(int[] actual, int declaredRank, string operation)
    {
        if (actual.Length < declaredRank)
            throw new ShapeException($"{operation}: expected an array of rank at least {declaredRank}, got shape {Format(actual)}.");
        return actual[..(actual.Length - declaredRank)];
    }
}

/// <summary>Thrown when array shapes do not fit an operation. The message names the operation and the shapes.</summary>
public sealed class ShapeException(string message) : ArgumentException(message);
