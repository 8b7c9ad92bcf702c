using System.Globalization;
using Adjoint.Primitives;

namespace Adjoint.Traces;

/// <summary>
/// Writes primitives as the maths a lecture would write: <c>v₁ / v₀</c>, <c>sin(v₁)</c>, <c>v₄ · v₅</c>,
/// and their derivative rules (<c>v̇₁ · cos(v₁)</c>, <c>v̄₃ · cos(v₁)</c>). One rule text serves both
/// modes: forward mode multiplies the incoming tangent by ∂y/∂x, reverse mode the outgoing adjoint.
/// </summary>
internal static class MathText
{
    private const string Subscripts = "₀₁₂₃₄₅₆₇₈₉", Superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    /// <summary>v₋₁, v₀, v₃: the Griewank–Walther name of variable <paramref name="index"/>.</summary>
    public static string Variable(int index) => "v" + Digits(index, Subscripts, '₋');

    /// <summary>x₁, x₂ for a function of several arguments, x for a function of one.</summary>
    public static string InputName(int argument, int count) => count == 1 ? "x" : "x" + Digits(argument + 1, Subscripts, '₋');

    /// <summary>The tangent of a variable: v̇₃ (a combining dot over the first letter).</summary>
    public static string Dot(string symbol) => Accent(symbol, '\u0307');

    /// <summary>The adjoint of a variable: v̄₃ (a combining bar over the first letter).</summary>
    public static string Bar(string symbol) => Accent(symbol, '\u0304');

    private static string Accent(string symbol, char mark) => symbol.Length == 0 ? symbol : symbol[..1] + mark + symbol[1..];

    private static string Digits(int n, string digits, char minus) =>
        string.Concat(n.ToString(CultureInfo.InvariantCulture).Select(c => c == '-' ? minus : digits[c - '0']));

    /// <summary>A number as a table shows it: six significant digits, an ASCII minus so it can be copied.</summary>
    public static string Number(double v) =>
        double.IsNaN(v) ? "nan" : double.IsInfinity(v) ? (v > 0 ? "inf" : "-inf")
        : v.ToString("G6", CultureInfo.InvariantCulture).Replace("E", "e");

    /// <summary>A value: a number, a small array in full (<c>[1, 2, 3]</c>), or a larger one summarised.</summary>
    public static string Value(Tensor t)
    {
        var data = t.Data;
        if (t.Rank == 0) return Number(data[0]);
        if (t.Size <= 6) return Nested(data, t.shape, 0, 0);
        return $"[{string.Join(", ", data.Take(3).Select(Number))}, …] shape {Shapes.Format(t.shape)}";
    }

    private static string Nested(double[] data, int[] shape, int axis, int offset)
    {
        if (axis == shape.Length) return Number(data[offset]);
        int stride = Shapes.Size(shape.AsSpan(axis + 1));
        return "[" + string.Join(", ", Enumerable.Range(0, shape[axis]).Select(i => Nested(data, shape, axis + 1, offset + i * stride))) + "]";
    }

    /// <summary>A constant operand as it appears inside a formula: negative numbers in brackets, <c>v₁ · (−2)</c>.</summary>
    public static string Constant(Tensor t)
    {
        var text = t.Size <= 6 ? Value(t) : $"const{Shapes.Format(t.shape)}";
        return text.StartsWith('-') ? $"(−{text[1..]})" : text;
    }

    /// <summary>The right-hand side of <c>y = primitive(x…)</c>, with operands already written as text.</summary>
    public static string Operation(Primitive p, string[] x) => p switch
    {
        AddP => $"{x[0]} + {x[1]}",
        SubP => $"{x[0]} − {x[1]}",
        MulP => $"{x[0]} · {x[1]}",
        DivP => $"{x[0]} / {x[1]}",
        Neg => $"−{x[0]}",
        PowP => $"{x[0]}^{x[1]}",
        PowConst c => Power(x[0], c.Exponent),
        SqrtP => $"√{x[0]}",
        AbsP => $"|{x[0]}|",
        MatMulP => $"{x[0]} @ {x[1]}",
        WhereP => $"where({x[0]}, {x[1]}, {x[2]})",
        Compare c => $"{x[0]} {c.Symbol} {x[1]}",
        SumP s => $"sum({x[0]}{AxesText(s)})",
        MaxP m => $"max({x[0]}{AxesText(m)})",
        MaximumP or MinimumP or HypotP => $"{p.Name}({x[0]}, {x[1]})",
        // Structural operations (reshape, broadcast, slice, …) keep their parameters: they matter for shapes.
        _ => p.Parameters.Length == 0 ? $"{p.Name}({string.Join(", ", x)})" : $"{p.Name}({string.Join(", ", x)}; {p.Parameters})",
    };

    private static string AxesText(Reduction r) => r.Axes.Length == r.Rank && !r.KeepDims ? "" : $"; {r.Parameters}";


    /// <summary>x², x³ with superscripts for small integer powers, x^0.5 otherwise.</summary>
    public static string Power(string x, double exponent) =>
        exponent == Math.Floor(exponent) && Math.Abs(exponent) < 10
            ? x + Digits((int)exponent, Superscripts, '⁻')
            : $"{x}^{Number(exponent)}";

    /// <summary>
    /// The contribution of input <paramref name="i"/> through one primitive: the incoming derivative
    /// <paramref name="d"/> (a tangent v̇ᵢ in forward mode, the output's adjoint v̄ in reverse mode)
    /// times ∂y/∂xᵢ, written out (<c>v̇₀ · cos(v₀)</c>, <c>−v̄₁ · v₋₁ / v₀²</c>). For element-wise
    /// primitives the two modes read the same; matrix products and structural operations differ
    /// (reverse mode applies the transpose).
    /// </summary>
    public static string Contribution(Primitive p, int i, string d, string[] x, string y, bool reverse) => p switch
    {
        AddP => d,
        SubP => i == 0 ? d : $"−{d}",
        MulP => $"{d} · {x[1 - i]}",
        DivP => i == 0 ? $"{d} / {x[1]}" : $"−{d} · {x[0]} / {Power(x[1], 2)}",
        Neg => $"−{d}",
        ExpP => $"{d} · exp({x[0]})",
        LogP => $"{d} / {x[0]}",
        SinP => $"{d} · cos({x[0]})",
        CosP => $"−{d} · sin({x[0]})",
        TanP => $"{d} · (1 + tan²({x[0]}))",
        TanhP => $"{d} · (1 − tanh²({x[0]}))",
        SqrtP => $"{d} / (2√{x[0]})",
        AbsP => $"{d} · sign({x[0]})",
        PowConst c => c.Exponent switch
        {
            1 => d,
            2 => $"{d} · 2 · {x[0]}",
            _ => $"{d} · {Number(c.Exponent)} · {Power(x[0], c.Exponent - 1)}",
        },
        PowP => i == 0 ? $"{d} · {x[1]} · {x[0]}^({x[1]} − 1)" : $"{d} · {y} · log({x[0]})",
        MatMulP => (i, reverse) switch
        {
            (0, false) => $"{d} @ {x[1]}",
            (_, false) => $"{x[0]} @ {d}",
            (0, true) => $"{d} @ {x[1]}ᵀ",
            _ => $"{x[0]}ᵀ @ {d}",
        },
        // The adjoint of a sum is the output's adjoint copied back over the summed axes.
        SumP when reverse => $"broadcast({d})",
        // Other linear operations (reshape, broadcast, transpose, slice, …): forward mode applies the
        // operation to the tangent, reverse mode its transpose.
        SumP or ReshapeP or BroadcastP or TransposeP or SliceP or PadP => reverse ? $"{p.Name}ᵀ({d})" : Operation(p, [d]),
        _ => $"{d} · ∂{y}/∂{x[i]}",
    };

    /// <summary>Adds terms as a person writes them: <c>a + b</c>, and <c>a − b</c> for a term that starts with a minus.</summary>
    public static string Sum(IEnumerable<string> terms)
    {
        var result = "";
        foreach (var term in terms)
            result = result.Length == 0 ? term
                : term.StartsWith('−') ? $"{result} − {term[1..]}"
                : $"{result} + {term}";
        return result.Length == 0 ? "0" : result;
    }
}
