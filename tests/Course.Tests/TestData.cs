using Course;
using CsCheck;

namespace Course.Tests;

/// <summary>Shared generators and comparisons.</summary>
internal static class TestData
{
    /// <summary>Random parameter points around the truth where the model is well defined (sigma &gt; 0, q positive definite).</summary>
    public static readonly Gen<double[]> Parameters = Gen.Select(
        Gen.Double[-0.5, 0.5], Gen.Double[-0.5, 0.5], Gen.Double[0.5, 1.5],
        Gen.Double[0.3, 0.8], Gen.Double[-0.5, 0.5], Gen.Double[-0.3, 0.3])
        .Select(t => new[] { t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6 });

    /// <summary>max |a − b| relative to max |b| (matrices).</summary>
    public static double RelativeError(double[,] a, double[,] b)
    {
        double diff = 0, scale = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
            {
                diff = Math.Max(diff, Math.Abs(a[i, j] - b[i, j]));
                scale = Math.Max(scale, Math.Abs(b[i, j]));
            }
        return diff / scale;
    }

    /// <summary>max |a − b| relative to max |b| (vectors).</summary>
    public static double RelativeError(IReadOnlyList<double> a, IReadOnlyList<double> b) =>
        a.Zip(b, (x, y) => Math.Abs(x - y)).Max() / b.Max(Math.Abs);

    public static bool BitwiseEqual(double[,] a, double[,] b) =>
        a.Cast<double>().Zip(b.Cast<double>(), (x, y) => BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y)).All(e => e);
}
