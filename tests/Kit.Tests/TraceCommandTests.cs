using Adjoint.Traces;
using Kit.Tests.Support;
using Kit.Tracing;

namespace Kit.Tests;

[Collection(InProcessKernel.Name)] // they redirect Console.Out, as the in-process kernel tests do: never in parallel with those
public class TraceCommandTests
{
    private static (int Code, string Output, string Errors) Capture(Func<int> run)
    {
        var (output, errors) = (new StringWriter(), new StringWriter());
        var (previousOut, previousError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(errors);
        try { return (run(), output.ToString(), errors.ToString()); }
        finally { Console.SetOut(previousOut); Console.SetError(previousError); }
    }

    [Fact]
    public void TracesTheLectureExampleWithBothSeedsAndTheReverseSweep()
    {
        var (code, output, _) = Capture(() => TraceCommand.Trace("lecture", TraceFormat.Text));
        Assert.Equal(0, code);
        Assert.Contains("seeded with ẋ₁ = 1, ẋ₂ = 0", output);
        Assert.Contains("seeded with ẋ₁ = 0, ẋ₂ = 1", output);
        Assert.Contains("-3.52348", output); // ∂fn/∂x₁ at (1, 1)
        Assert.Contains("10.5777", output);  // ∂fn/∂x₂
    }

    [Fact]
    public void TracesAFunctionGivenAsALambda()
    {
        // f = x1·sin(x2) + x1 at (1, 2): ∂f/∂x1 = sin 2 + 1, ∂f/∂x2 = cos 2, and x1 feeds two operations.
        var (code, output, _) = Capture(() => TraceCommand.TraceFunction("(x1, x2) => x1 * Sin(x2) + x1", "1,2", TraceFormat.Markdown));
        Assert.Equal(0, code);
        Assert.Contains("v̄₋₁ = v̄₋₁ + v̄₂ · v₁", output); // the accumulation row
        Assert.Contains((Math.Sin(2) + 1).ToString("G6", System.Globalization.CultureInfo.InvariantCulture), output);
        Assert.Contains(Math.Cos(2).ToString("G6", System.Globalization.CultureInfo.InvariantCulture), output);
    }

    [Fact]
    public void BadFunctionsAndPointsAreClearErrors()
    {
        var (code, _, errors) = Capture(() => TraceCommand.TraceFunction("x => Foo(x)", "1", TraceFormat.Text));
        Assert.Equal(2, code);
        Assert.Contains("'Foo' does not exist", errors);
        (code, _, errors) = Capture(() => TraceCommand.TraceFunction("x => x", "1,a", TraceFormat.Text));
        Assert.Equal(2, code);
        Assert.Contains("not a comma-separated list of numbers", errors);
        (code, _, errors) = Capture(() => TraceCommand.Trace("nope", TraceFormat.Text));
        Assert.Equal(2, code);
        Assert.Contains("no example named 'nope'", errors);
    }
}
