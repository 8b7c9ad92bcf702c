using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests.Toolbox;

/// <summary>Slices with negative steps, against Python's x[start:stop:step] (the expected lists are Python's).</summary>
public class SliceStepTests
{
    private static readonly Tensor X = Arange(10);

    [Theory]
    [InlineData(null, null, -1, new double[] { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 })] // x[::-1]
    [InlineData(7, 1, -2, new double[] { 7, 5, 3 })]                         // x[7:1:-2]
    [InlineData(-2, null, -3, new double[] { 8, 5, 2 })]                     // x[-2::-3]
    [InlineData(null, -4, -1, new double[] { 9, 8, 7 })]                     // x[:-4:-1]
    [InlineData(20, -20, -4, new double[] { 9, 5, 1 })]                      // x[20:-20:-4], bounds clamped
    [InlineData(2, 5, -1, new double[0])]                                    // x[2:5:-1], empty
    [InlineData(-3, null, 1, new double[] { 7, 8, 9 })]                      // x[-3:]
    public void MatchesPythonSlicing(int? start, int? stop, int step, double[] expected) =>
        Assert.Equal(expected, Slice(X, 0, start, stop, step).ToArray());

    [Fact]
    public void ReversesAnyAxisAndItsDerivativeIsTheReversedCotangent()
    {
        var m = Reshape(Arange(6), 2, 3);
        Assert.Equal(new double[] { 2, 1, 0, 5, 4, 3 }, Slice(m, 1, step: -1).ToArray());
        Assert.Equal(new double[] { 3, 4, 5, 0, 1, 2 }, Slice(m, -2, step: -1).ToArray());
        // d/dx Σ w·x[::-2] puts w reversed on every other element, zeros between.
        var w = Array(1.0, 10.0, 100.0);
        Assertions.Close(Array(0.0, 100.0, 0.0, 10.0, 0.0, 1.0), Grad((Tensor x) => Sum(w * Slice(x, 0, step: -2)))(Arange(6)));
        Assertions.Close(Grad((Tensor x) => Sum(w * Slice(x, 0, step: -2)))(Arange(6)), Jit(Grad((Tensor x) => Sum(w * Slice(x, 0, step: -2))))(Arange(6)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Slice(X, 0, step: 0));
    }
}
