using Adjoint;

namespace Adjoint.Tests;

internal static class Assertions
{
    /// <summary>Element-wise |actual − expected| ≤ atol + rtol·|expected|, with shapes equal.</summary>
    public static void Close(Tensor expected, Tensor actual, double rtol = 1e-12, double atol = 1e-12)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray();
        var a = actual.ToArray();
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(a[i] - e[i]) <= atol + rtol * Math.Abs(e[i]),
                $"element {i}: expected {e[i]:R}, got {a[i]:R} (shape {string.Join("x", expected.Shape)})");
    }

    public static void Close(double expected, double actual, double tol = 1e-12) =>
        Assert.True(Math.Abs(expected - actual) <= tol * (1 + Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");
}
