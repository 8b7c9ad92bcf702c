using System.Globalization;

namespace Adjoint;

/// <summary>
/// An immutable float64 n-dimensional array (rank 0 is a scalar), stored row-major.
/// Inside a transformation (Grad, JacFwd, Jit, ...) the same type stands for a traced value, so
/// one function body serves both plain evaluation and every transformation.
/// </summary>
public partial class Tensor
{
    internal readonly int[] shape;
    private readonly double[]? data;

    internal Tensor(int[] shape, double[] data)
    {
        if (Shapes.Size(shape) != data.Length)
            throw new ShapeException($"Cannot make an array of shape {Shapes.Format(shape)} from {data.Length} values.");
        this.shape = shape;
        this.data = data;
    }

    /// <summary>For tracers, which have a shape but no data of their own.</summary>
    private protected Tensor(int[] shape) => this.shape = shape;

    /// <summary>The size of each axis (a copy).</summary>
    public int[] Shape => (int[])shape.Clone();

    /// <summary>The number of axes (numpy's ndim).</summary>
    public int Rank => shape.Length;

    /// <summary>The number of elements.</summary>
    public int Size => Shapes.Size(shape);

    /// <summary>The values, row-major. For a traced value, the values it currently stands for.</summary>
    internal double[] Data => data ?? Concrete().data!;

    /// <summary>The concrete tensor behind a traced value (its primal, followed down the levels).</summary>
    internal Tensor Concrete()
    {
        Tensor t = this;
        while (t.data is null)
            t = t is Tracer { Primal: { } primal } ? primal
                : throw new InvalidOperationException(
                    "This value is abstract (traced by Jit or MakeGraph): it has a shape but no numbers yet. " +
                    "Use tensor operations instead of reading its values (ToArray, Item, ToString) inside the traced function.");
        return t;
    }

    /// <summary>The value of a one-element array, e.g. a scalar loss.</summary>
    public double Item => Size == 1 ? Data[0]
        : throw new InvalidOperationException($"Item needs an array with one element, got shape {Shapes.Format(shape)}.");

    /// <summary>A copy of the values, row-major.</summary>
    public double[] ToArray() => (double[])Data.Clone();

    /// <summary>A copy of a rank-2 array as a C# matrix.</summary>
    public double[,] ToArray2D()
    {
        if (Rank != 2) throw new InvalidOperationException($"ToArray2D needs a rank-2 array, got shape {Shapes.Format(shape)}.");
        var result = new double[shape[0], shape[1]];
        var values = Data;
        for (int i = 0; i < shape[0]; i++)
            for (int j = 0; j < shape[1]; j++)
                result[i, j] = values[i * shape[1] + j];
        return result;
    }

    public static implicit operator Tensor(double value) => new(Shapes.Scalar, [value]);

    public static Tensor operator +(Tensor a, Tensor b) => Np.Add(a, b);
    public static Tensor operator -(Tensor a, Tensor b) => Np.Subtract(a, b);
    public static Tensor operator *(Tensor a, Tensor b) => Np.Multiply(a, b);
    public static Tensor operator /(Tensor a, Tensor b) => Np.Divide(a, b);
    public static Tensor operator -(Tensor a) => Np.Negative(a);
    public static Tensor operator <(Tensor a, Tensor b) => Np.Less(a, b);
    public static Tensor operator >(Tensor a, Tensor b) => Np.Greater(a, b);
    public static Tensor operator <=(Tensor a, Tensor b) => Np.LessEqual(a, b);
    public static Tensor operator >=(Tensor a, Tensor b) => Np.GreaterEqual(a, b);

    /// <summary>
    /// numpy-style indexing with C# indices and ranges: <c>x[0]</c>, <c>x[^1]</c>, <c>x[1..3]</c>,
    /// <c>a[.., .., 0]</c>. An integer index removes its axis; a range keeps it. Missing trailing axes are taken whole.
    /// </summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[params TensorIndex[] indices] => Np.Index(this, indices);

    /// <summary>The transpose (axes reversed), as numpy's <c>x.T</c>.</summary>
    public Tensor T => Np.Transpose(this);

    public Tensor Reshape(params int[] newShape) => Np.Reshape(this, newShape);
    public Tensor Sum() => Np.Sum(this);

    /// <summary>The values laid out like numpy's <c>str(array)</c>, e.g. <c>[[-4.  0.]\n [ 0.  2.]]</c>.</summary>
    public override string ToString() => ArrayFormat.Format(Data, shape);
}

/// <summary>One entry of a tensor index: an integer (drops the axis), an <see cref="System.Index"/> (<c>^1</c>), or a <see cref="System.Range"/>.</summary>
public readonly struct TensorIndex
{
    internal Index? Single { get; }
    internal Range Range { get; }

    private TensorIndex(Index single) { Single = single; Range = default; }
    private TensorIndex(Range range) { Single = null; Range = range; }

    public static implicit operator TensorIndex(int index) => new(index < 0 ? Index.FromEnd(-index) : Index.FromStart(index));
    public static implicit operator TensorIndex(Index index) => new(index);
    public static implicit operator TensorIndex(Range range) => new(range);

    public override string ToString() => Single?.ToString() ?? Range.ToString();
}

/// <summary>numpy's array printing: aligned columns, trailing dots on whole numbers, summarised when large.</summary>
internal static class ArrayFormat
{
    private const int Threshold = 1000, EdgeItems = 3, LineWidth = 75;

    public static string Format(double[] values, int[] shape)
    {
        if (shape.Length == 0) return Scalar(values[0]);
        bool summarise = values.Length > Threshold;
        var shown = summarise ? SummarisedValues(values, shape) : values;
        var formatter = ElementFormatter(shown);
        var sb = new System.Text.StringBuilder();
        Write(sb, values, shape, 0, 0, formatter, summarise, " ");
        return sb.ToString();
    }

    /// <summary>Python's repr of a float: shortest round-trip digits, always with a decimal point or exponent.</summary>
    public static string Scalar(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        var text = v.ToString("R", CultureInfo.InvariantCulture);
        int e = text.IndexOf('E');
        if (e >= 0)
        {
            int exponent = int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
            return $"{text[..e]}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
        }
        return text.Contains('.') ? text : text + ".0";
    }

    private static double[] SummarisedValues(double[] values, int[] shape)
    {
        // Only the edge items of each axis are printed; the format is chosen from those.
        var picked = new List<double>();
        void Walk(int axis, int offset, int stride)
        {
            int n = shape[axis], inner = stride / n;
            IEnumerable<int> idx = n > 2 * EdgeItems ? Enumerable.Range(0, EdgeItems).Concat(Enumerable.Range(n - EdgeItems, EdgeItems)) : Enumerable.Range(0, n);
            foreach (int i in idx)
                if (axis == shape.Length - 1) picked.Add(values[offset + i]);
                else Walk(axis + 1, offset + i * inner, inner);
        }
        Walk(0, 0, values.Length);
        return [.. picked];
    }

    private static Func<double, string> ElementFormatter(double[] values)
    {
        var finite = values.Where(double.IsFinite).Select(Math.Abs).ToArray();
        double max = finite.Length > 0 ? finite.Max() : 0;
        double minNonZero = finite.Where(v => v > 0).DefaultIfEmpty(0).Min();
        bool scientific = max >= 1e8 || (minNonZero > 0 && (minNonZero < 1e-4 || max / minNonZero > 1e3));
        var texts = values.Select(v => double.IsFinite(v) ? (scientific ? Sci(v) : Fixed(v)) : (double.IsNaN(v) ? "nan" : v > 0 ? "inf" : "-inf")).ToArray();
        // Align on the decimal point: pad the integer part left and the fraction right.
        int left = 0, right = 0;
        foreach (var t in texts)
        {
            int dot = DotIndex(t);
            left = Math.Max(left, dot);
            right = Math.Max(right, t.Length - dot);
        }
        return v =>
        {
            var t = double.IsFinite(v) ? (scientific ? Sci(v) : Fixed(v)) : (double.IsNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");
            int dot = DotIndex(t);
            return new string(' ', left - dot) + t + new string(' ', right - (t.Length - dot));
        };
    }

    private static int DotIndex(string t)
    {
        int dot = t.IndexOf('.');
        return dot < 0 ? t.Length : dot;
    }

    private static string Fixed(double v)
    {
        var s = Math.Round(v, 8).ToString("0.########", CultureInfo.InvariantCulture);
        if (s == "-0") s = "0";
        return s.Contains('.') ? s : s + ".";
    }

    private static string Sci(double v)
    {
        var s = v.ToString("0.########e+00", CultureInfo.InvariantCulture);
        int e = s.IndexOf('e');
        var mantissa = s[..e];
        if (!mantissa.Contains('.')) mantissa += ".";
        return mantissa + s[e..];
    }

    private static void Write(System.Text.StringBuilder sb, double[] values, int[] shape, int axis, int offset,
                              Func<double, string> format, bool summarise, string indent)
    {
        int n = shape[axis];
        int stride = Shapes.Size(shape.AsSpan(axis + 1));
        bool skip = summarise && n > 2 * EdgeItems;
        sb.Append('[');
        if (axis == shape.Length - 1)
        {
            int lineStart = sb.Length - 1 - indent.Length + 1;
            for (int i = 0; i < n; i++)
            {
                if (skip && i == EdgeItems) { sb.Append("..., "); i = n - EdgeItems; }
                var text = format(values[offset + i]);
                if (i > 0 && sb.Length - lineStart + text.Length + 2 > LineWidth)
                {
                    sb.Append('\n').Append(indent);
                    lineStart = sb.Length - indent.Length;
                }
                else if (i > 0 && !(skip && i == n - EdgeItems && sb[^1] == ' ')) sb.Append(' ');
                sb.Append(text);
            }
        }
        else
        {
            string separator = "\n" + new string('\n', shape.Length - axis - 2) + indent;
            for (int i = 0; i < n; i++)
            {
                if (i > 0) sb.Append(separator);
                if (skip && i == EdgeItems) { sb.Append("..." ).Append(separator); i = n - EdgeItems; }
                Write(sb, values, shape, axis + 1, offset + i * stride, format, summarise, indent + " ");
            }
        }
        sb.Append(']');
    }
}
