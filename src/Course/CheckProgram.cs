using Adjoint;

namespace Course;

public static partial class Check
{
    /// <summary>
    /// Checks that <paramref name="actual"/> computes the same program as <paramref name="expected"/>
    /// at <paramref name="x"/>: their traced listings (<see cref="Ad.MakeGraph(Func{Tensor, Tensor})"/>)
    /// are identical. Values alone cannot tell the four Hessian orderings apart (they all give the
    /// same matrix); the traced programs can.
    /// </summary>
    public static void SameProgram(Func<Tensor, Tensor> actual, Func<Tensor, Tensor> expected, Tensor x, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(actual);
        var mine = Ad.MakeGraph(actual)(x);
        var reference = Ad.MakeGraph(expected)(x);
        if (mine.ToString() == reference.ToString()) return;
        throw Fail(what, $"computes the right values, but not in the expected way: its traced program has " +
                         $"{mine.EquationCount} equations ({Summary(mine)}), the expected one {reference.EquationCount} ({Summary(reference)})");
    }

    private static string Summary(Graph g) =>
        string.Join(", ", new[] { "transpose", "dot_general", "mul", "add" }.Select(p => $"{p}×{g.Count(p)}"));
}
