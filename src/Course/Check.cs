using System.Globalization;

namespace Course;

/// <summary>
/// Checks for exercise test cells. Each failure throws a <see cref="CheckFailedException"/>
/// whose message says what was checked, what was expected, what came out and by how much
/// they differ; the grader shows that message to the student.
/// </summary>
/// <remarks>
/// Tolerance: a value passes when |actual - expected| &lt;= tol * max(1, |expected|), i.e. the
/// tolerance is absolute near zero and relative for large values. NaN matches only NaN and
/// an infinity only the same infinity.
/// </remarks>
public static partial class Check
{
    public const double DefaultTolerance = 1e-9;

    /// <summary>Checks one number. <paramref name="what"/> names it in the message, e.g. "f'(2)".</summary>
    public static void Close(double actual, double expected, double tol = DefaultTolerance, string? what = null) =>
        CloseFlat([actual], [], [expected], [], tol, what);

    public static void Close(double[] actual, double[] expected, double tol = DefaultTolerance, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (actual is null) throw Fail(what, "expected an array, got null");
        CloseFlat(actual, [actual.Length], expected, [expected.Length], tol, what);
    }

    public static void Close(double[,] actual, double[,] expected, double tol = DefaultTolerance, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (actual is null) throw Fail(what, "expected a matrix, got null");
        CloseFlat(Flatten(actual), [actual.GetLength(0), actual.GetLength(1)], Flatten(expected), [expected.GetLength(0), expected.GetLength(1)], tol, what);
    }

    /// <summary>Checks exact equality (counts, flags, strings).</summary>
    public static void Equal<T>(T actual, T expected, string? what = null)
    {
        if (!EqualityComparer<T>.Default.Equals(actual, expected))
            throw Fail(what, $"expected {Show(expected)}, got {Show(actual)}");
    }

    public static void True(bool condition, string message)
    {
        if (!condition) throw new CheckFailedException(message);
    }

    /// <summary>Checks that <paramref name="action"/> throws <typeparamref name="TException"/> (or a subclass).</summary>
    public static void Throws<TException>(Action action, string? what = null) where TException : Exception
    {
        try { action(); }
        catch (TException) { return; }
        catch (Exception e) { throw Fail(what, $"expected {typeof(TException).Name}, but {e.GetType().Name} was thrown: {e.Message}"); }
        throw Fail(what, $"expected {typeof(TException).Name}, but nothing was thrown");
    }

    /// <summary>
    /// Runs <paramref name="check"/> for each input; a failure names the input that failed,
    /// e.g. <c>Check.ForEach([0.0, 1.0, 2.0], x => Check.Close(df(x), 2 * x, what: "f'(x)"))</c>.
    /// </summary>
    public static void ForEach<T>(IEnumerable<T> inputs, Action<T> check)
    {
        var index = 0;
        foreach (var input in inputs)
        {
            try { check(input); }
            catch (CheckFailedException e) { throw new CheckFailedException($"for input #{index} ({Show(input)}): {e.Message}"); }
            index++;
        }
    }

    /// <summary>
    /// The comparison behind every overload: row-major values plus a shape ([] for a scalar).
    /// New overloads (tensors, spans) flatten their data and call this.
    /// </summary>
    internal static void CloseFlat(ReadOnlySpan<double> actual, int[] actualShape, ReadOnlySpan<double> expected, int[] expectedShape, double tol, string? what)
    {
        if (!actualShape.AsSpan().SequenceEqual(expectedShape))
            throw Fail(what, $"shape mismatch: expected {ShapeText(expectedShape)}, got {ShapeText(actualShape)}");
        var failures = 0;
        var worst = -1;
        var worstDiff = -1.0;
        for (var i = 0; i < expected.Length; i++)
        {
            if (Matches(actual[i], expected[i], tol)) continue;
            failures++;
            var diff = Math.Abs(actual[i] - expected[i]);
            if (worst < 0 || !(diff <= worstDiff)) { worst = i; worstDiff = diff; }
        }
        if (failures == 0) return;
        var where = expectedShape.Length == 0 ? "" : $"at {IndexText(worst, expectedShape)}: ";
        var count = expected.Length > 1 ? $" ({failures} of {expected.Length} elements differ)" : "";
        throw Fail(what, $"{where}expected {Num(expected[worst])} ± {Short(tol * Math.Max(1, Math.Abs(expected[worst])))}, " +
                         $"got {Num(actual[worst])} (difference {Short(worstDiff)}){count}");
    }

    private static bool Matches(double actual, double expected, double tol) =>
        double.IsNaN(expected) ? double.IsNaN(actual)
        : double.IsInfinity(expected) ? actual == expected
        : Math.Abs(actual - expected) <= tol * Math.Max(1, Math.Abs(expected));

    private static CheckFailedException Fail(string? what, string message) =>
        new(what is null ? message : $"{what}: {message}");

    private static double[] Flatten(double[,] m) => m.Cast<double>().ToArray();

    private static string ShapeText(int[] shape) => shape.Length == 0 ? "a scalar" : $"shape [{string.Join(", ", shape)}]";

    private static string IndexText(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (var d = shape.Length - 1; d >= 0; d--) { index[d] = flat % shape[d]; flat /= shape[d]; }
        return $"[{string.Join(", ", index)}]";
    }

    // Values in full (so 4 and 4.0000001 never print alike), tolerances and differences short.
    private static string Num(double x) => x.ToString(CultureInfo.InvariantCulture);

    private static string Short(double x) => x.ToString("G3", CultureInfo.InvariantCulture);

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
