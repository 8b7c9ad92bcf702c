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

/// <summary>
/// numpy's array printing (<c>str(array)</c> with the default options: precision 8, floatmode
/// "maxprec", threshold 1000, edgeitems 3, linewidth 75), following numpy's FloatingFormat: every
/// element shows its shortest round-trip digits (at most 8 after the point), columns align on the
/// decimal point, and scientific notation is used when the largest magnitude is ≥ 1e8, the smallest
/// non-zero one is &lt; 1e-4, or their ratio exceeds 1000; then all mantissas get the same number of digits.
/// </summary>
internal static class ArrayFormat
{
    private const int Threshold = 1000, EdgeItems = 3, LineWidth = 75, Precision = 8;

    public static string Format(double[] values, int[] shape)
    {
        if (shape.Length == 0) return Scalar(values[0]);
        if (values.Length == 0) return "[]"; // numpy prints every empty array so
        bool summarise = values.Length > Threshold;
        var shown = summarise ? SummarisedValues(values, shape) : values;
        var formatter = ElementFormatter(shown);
        return Write(values, shape, 0, 0, formatter, summarise, " ", LineWidth);
    }

    /// <summary>Python's repr of a float: shortest round-trip digits, positional for 1e-4 ≤ |v| &lt; 1e16, else scientific.</summary>
    public static string Scalar(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return double.IsNegative(v) ? "-0.0" : "0.0";
        var (negative, digits, exponent) = Shortest(v, int.MaxValue);
        string sign = negative ? "-" : "";
        if (exponent < -4 || exponent >= 16)
            return sign + digits[0] + (digits.Length > 1 ? "." + digits[1..] : "") + ExponentText(exponent, 2);
        var (integer, fraction) = Positional(digits, exponent);
        return sign + integer + "." + (fraction.Length == 0 ? "0" : fraction);
    }

    /// <summary>
    /// The shortest decimal digits d₀d₁… (no leading or trailing zeros) and exponent e with
    /// |v| = d₀.d₁… × 10ᵉ that read back as v, cut to at most <paramref name="maxDigits"/> digits (rounded).
    /// </summary>
    private static (bool Negative, string Digits, int Exponent) Shortest(double v, int maxDigits)
    {
        string text = "";
        for (int k = 0; k < 17; k++)
        {
            text = Math.Abs(v).ToString("E" + Math.Min(k, maxDigits - 1), CultureInfo.InvariantCulture);
            if (k >= maxDigits - 1 || double.Parse(text, CultureInfo.InvariantCulture) == Math.Abs(v)) break;
        }
        int e = text.IndexOf('E');
        var digits = text[..e].Replace(".", "").TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        return (double.IsNegative(v), digits, int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>Splits digits d₀d₁… × 10ᵉ into the integer and fraction parts of its positional form.</summary>
    private static (string Integer, string Fraction) Positional(string digits, int exponent)
    {
        if (exponent < 0) return ("0", new string('0', -exponent - 1) + digits);
        if (digits.Length <= exponent + 1) return (digits + new string('0', exponent + 1 - digits.Length), "");
        return (digits[..(exponent + 1)], digits[(exponent + 1)..]);
    }

    private static string ExponentText(int exponent, int minDigits) =>
        "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString(CultureInfo.InvariantCulture).PadLeft(minDigits, '0');

    /// <summary>numpy's dragon4_positional with precision 8, unique, trim '.': e.g. "1.", "-0.5", "0.12345679".</summary>
    private static (string Integer, string Fraction) FixedParts(double v)
    {
        string sign = double.IsNegative(v) ? "-" : "";
        if (v == 0) return (sign + "0", "");
        var (_, digits, exponent) = Shortest(v, int.MaxValue);
        var (integer, fraction) = Positional(digits, exponent);
        if (fraction.Length > Precision)
        {
            // Round to 8 decimals (correctly, from the binary value), then drop trailing zeros.
            var rounded = Math.Abs(v).ToString("F" + Precision, CultureInfo.InvariantCulture);
            int dot = rounded.IndexOf('.');
            (integer, fraction) = (rounded[..dot], rounded[(dot + 1)..].TrimEnd('0'));
        }
        return (sign + integer, fraction);
    }

    /// <summary>numpy's dragon4_scientific with precision 8, unique: mantissa digits, and the exponent.</summary>
    private static (string Integer, string Fraction, int Exponent) ScientificParts(double v)
    {
        string sign = double.IsNegative(v) ? "-" : "";
        if (v == 0) return (sign + "0", "", 0);
        var (_, digits, exponent) = Shortest(v, Precision + 1);
        return (sign + digits[0], digits[1..], exponent);
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
        if (values.Length > 0) Walk(0, 0, values.Length);
        return [.. picked];
    }

    private static Func<double, string> ElementFormatter(double[] values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        var nonZero = finite.Where(v => v != 0).Select(Math.Abs).ToArray();
        bool scientific = nonZero.Length > 0 && (nonZero.Max() >= 1e8 || nonZero.Min() < 1e-4 || nonZero.Max() / nonZero.Min() > 1e3);

        int padLeft = 0, padRight = 0, precision = 0, expDigits = 2;
        Func<double, string> finiteFormat;
        if (scientific)
        {
            var parts = finite.Select(ScientificParts).ToArray();
            precision = parts.Max(p => p.Fraction.Length);
            expDigits = Math.Max(2, parts.Max(p => Math.Abs(p.Exponent).ToString(CultureInfo.InvariantCulture).Length));
            padLeft = parts.Max(p => p.Integer.Length);
            padRight = expDigits + 2 + precision;
            finiteFormat = v =>
            {
                var (integer, fraction, exponent) = ScientificParts(v);
                return integer.PadLeft(padLeft) + "." + fraction.PadRight(precision, '0') + ExponentText(exponent, expDigits);
            };
        }
        else
        {
            var parts = finite.Select(FixedParts).ToArray();
            padLeft = parts.Length > 0 ? parts.Max(p => p.Integer.Length) : 0;
            padRight = parts.Length > 0 ? parts.Max(p => p.Fraction.Length) : 0;
            finiteFormat = v =>
            {
                var (integer, fraction) = FixedParts(v);
                return integer.PadLeft(padLeft) + "." + fraction.PadRight(padRight);
            };
        }
        if (finite.Length != values.Length)
        {
            // Room for "nan", "inf" and "-inf" in the same column width (numpy's rule).
            int infLength = values.Any(double.IsNegativeInfinity) ? 4 : 3;
            padLeft = Math.Max(padLeft, Math.Max(3, infLength) - (padRight + 1));
        }
        return v => double.IsFinite(v)
            ? finiteFormat(v)
            : (double.IsNaN(v) ? "nan" : v > 0 ? "inf" : "-inf").PadLeft(padLeft + padRight + 1);
    }

    /// <summary>numpy's _formatArray: nested brackets, a hanging indent, lines wrapped at 75 characters, "..." for skipped items.</summary>
    private static string Write(double[] values, int[] shape, int axis, int offset, Func<double, string> format,
                                bool summarise, string hangingIndent, int width)
    {
        int n = shape[axis];
        int stride = Shapes.Size(shape.AsSpan(axis + 1));
        bool skip = summarise && n > 2 * EdgeItems;
        int[] items = skip ? [.. Enumerable.Range(0, EdgeItems), -1, .. Enumerable.Range(n - EdgeItems, EdgeItems)] : [.. Enumerable.Range(0, n)];
        string nextIndent = hangingIndent + " ";
        int nextWidth = width - 1; // room for ']'
        var s = new System.Text.StringBuilder();
        if (axis == shape.Length - 1)
        {
            int elementWidth = width - 1;
            var line = new System.Text.StringBuilder(hangingIndent);
            for (int k = 0; k < items.Length; k++)
            {
                var word = items[k] < 0 ? "..." : format(values[offset + items[k]]);
                // Wrap when the word does not fit, unless the line holds only the indent.
                if (line.Length + word.Length > elementWidth && line.Length > hangingIndent.Length)
                {
                    s.Append(line.ToString().TrimEnd()).Append('\n');
                    line.Clear().Append(hangingIndent);
                }
                line.Append(word);
                if (k < items.Length - 1) line.Append(' ');
            }
            s.Append(line);
        }
        else
        {
            string lineSeparator = new('\n', shape.Length - axis - 1);
            for (int k = 0; k < items.Length; k++)
            {
                s.Append(hangingIndent);
                s.Append(items[k] < 0 ? "..." : Write(values, shape, axis + 1, offset + items[k] * stride, format, summarise, nextIndent, nextWidth));
                if (k < items.Length - 1) s.Append(lineSeparator);
            }
        }
        return "[" + s.ToString(hangingIndent.Length, s.Length - hangingIndent.Length) + "]";
    }
}
