namespace Course;

/// <summary>
/// A known mistake for <see cref="Check.Close(double, double, double, string, Mistake[])"/>: the value a
/// wrong answer would give (computed by the test from the inputs) and a hint that names that mistake.
/// </summary>
/// <param name="Value">What the answer comes out as if the student made this mistake.</param>
/// <param name="Hint">Names the mistake, e.g. "x̄2 is missing the contribution through a = x1/x2".
/// Write it as a string literal in the test cell: the grader shows it for a hidden test only if the
/// solution's test cell contains it verbatim, so it can never carry a hidden input or expected value.</param>
public sealed record Mistake(double Value, string Hint);

public static partial class Check
{
    /// <summary>Marks the hint in a failure message; the grader looks for it after a hidden test fails.</summary>
    public const string HintMarker = "hint: ";

    /// <summary>
    /// Checks one number and, when it is wrong, diagnoses it: if it equals (within <paramref name="tol"/>)
    /// the value one of the <paramref name="mistakes"/> would give, the message names that mistake
    /// ("…: hint: &lt;the mistake&gt;"); otherwise (no match, or a value two different mistakes would give)
    /// it is the usual expected/got message, which says nothing about the cause. Each hint is therefore
    /// given only for the mistake it detects.
    /// </summary>
    public static void Close(double actual, double expected, double tol, string what, params Mistake[] mistakes)
    {
        if (Matches(actual, expected, tol)) return;
        // Only a mistake whose value differs from the right answer can be told apart from it, and a value that two
        // different mistakes would give names neither: a hint must name the mistake it detects and only that one.
        var hints = mistakes.Where(m => !Matches(m.Value, expected, tol) && Matches(actual, m.Value, tol)).Select(m => m.Hint).Distinct().ToList();
        if (hints.Count == 1)
            throw Fail(what, $"expected {Num(expected)}, got {Num(actual)}; {HintMarker}{hints[0]}");
        CloseFlat([actual], [], [expected], [], tol, what);
    }
}
