using Course;

namespace Kit.Tests;

/// <summary>The messages students see when a test cell's check fails.</summary>
public sealed class CheckTests
{
    private static string Failure(Action check) => Assert.Throws<CheckFailedException>(check).Message;

    [Fact]
    public void Close_passes_within_tolerance_relative_for_large_values()
    {
        Check.Close(1.0 + 1e-12, 1.0);
        Check.Close(1e6 + 1e-4, 1e6, tol: 1e-9);
        Check.Close(double.NaN, double.NaN);
        Check.Close(double.PositiveInfinity, double.PositiveInfinity);
    }

    [Fact]
    public void Scalar_message_shows_expected_tolerance_actual_and_difference()
        // The tolerance shown is the effective one: tol * max(1, |expected|).
    {
        Assert.Equal("f'(2): expected 4 ± 4E-06, got 4.5 (difference 0.5)", Failure(() => Check.Close(4.5, 4, tol: 1e-6, what: "f'(2)")));
        Assert.Contains("got NaN", Failure(() => Check.Close(double.NaN, 1)));
    }

    [Fact]
    public void A_known_mistake_is_named_only_when_the_answer_is_that_mistake()
    {
        var mistakes = new[] { new Mistake(0.5, "the product rule is u̇v + uv̇, not u̇·v̇"), new Mistake(-2.25, "equals the answer: never named") };
        Check.Close(-2.25, -2.25, 1e-9, "d(uv)", mistakes);
        Assert.Equal("d(uv): expected -2.25, got 0.5; hint: the product rule is u̇v + uv̇, not u̇·v̇",
            Failure(() => Check.Close(0.5, -2.25, 1e-9, "d(uv)", mistakes)));
        // Another wrong value gets the plain message, with no hint.
        Assert.Equal("d(uv): expected -2.25 ± 2.25E-09, got 3 (difference 5.25)", Failure(() => Check.Close(3, -2.25, 1e-9, "d(uv)", mistakes)));
        // A value two different mistakes would give is ambiguous: no hint.
        Assert.DoesNotContain("hint:", Failure(() => Check.Close(0.5, -2.25, 1e-9, "d(uv)", [.. mistakes, new Mistake(0.5, "another slip")])));
    }

    [Fact]
    public void Array_messages_name_the_worst_element_and_count()
    {
        Assert.Equal("grad: at [2]: expected 3 ± 3E-09, got 5 (difference 2) (2 of 3 elements differ)",
            Failure(() => Check.Close([1, 2.5, 5], [1, 2, 3], what: "grad")));
        Assert.Equal("shape mismatch: expected shape [3], got shape [2]", Failure(() => Check.Close([1.0, 2], [1.0, 2, 3])));
    }

    [Fact]
    public void Matrix_messages_use_row_and_column()
    {
        var expected = new double[,] { { 1, 2 }, { 3, 4 } };
        Assert.StartsWith("H: at [1, 0]: expected 3", Failure(() => Check.Close(new double[,] { { 1, 2 }, { 0, 4 } }, expected, what: "H")));
        Assert.Equal("shape mismatch: expected shape [2, 2], got shape [1, 2]", Failure(() => Check.Close(new double[,] { { 1, 2 } }, expected)));
    }

    [Fact]
    public void ForEach_names_the_failing_input()
    {
        var message = Failure(() => Check.ForEach([0.0, 1.0, 2.0], x => Check.Close(x * x, 2 * x, what: "f(x)")));
        Assert.Equal("for input #1 (1): f(x): expected 2 ± 2E-09, got 1 (difference 1)", message);
    }

    [Fact]
    public void Equal_and_Throws()
    {
        Check.Equal(3, 3);
        Assert.Equal("n: expected 10, got 9", Failure(() => Check.Equal(9, 10, "n")));
        Check.Throws<ArgumentException>(() => throw new ArgumentOutOfRangeException());
        Assert.Equal("expected ArgumentException, but nothing was thrown", Failure(() => Check.Throws<ArgumentException>(() => { })));
    }
}
