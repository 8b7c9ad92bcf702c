namespace Course;

/// <summary>
/// Reproducible standard-normal numbers: <see cref="System.Random"/> seeded with an int, turned
/// into normals by the Box–Muller transform. The exact algorithm (so another library can match
/// it bit for bit):
/// <code>
/// var rng = new System.Random(seed);          // seeded: the portable legacy generator
/// for (int k = 0; k &lt; count; k += 2)
/// {
///     double u1 = 1.0 - rng.NextDouble();      // in (0, 1], so Log(u1) is finite
///     double u2 = rng.NextDouble();            // in [0, 1)
///     double r = Math.Sqrt(-2.0 * Math.Log(u1));
///     double t = 2.0 * Math.PI * u2;
///     z[k] = r * Math.Cos(t);                  // first of the pair
///     if (k + 1 &lt; count) z[k + 1] = r * Math.Sin(t);  // second (dropped if count is odd)
/// }
/// value = mean + std * z
/// </code>
/// </summary>
public static class NormalNoise
{
    /// <summary><paramref name="count"/> draws from Normal(<paramref name="mean"/>, <paramref name="std"/>²), in order.</summary>
    public static double[] Sample(int count, int seed, double mean = 0.0, double std = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var z = new double[count];
        var rng = new Random(seed);
        for (int k = 0; k < count; k += 2)
        {
            double u1 = 1.0 - rng.NextDouble();
            double u2 = rng.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            double t = 2.0 * Math.PI * u2;
            z[k] = mean + std * (r * Math.Cos(t));
            if (k + 1 < count) z[k + 1] = mean + std * (r * Math.Sin(t));
        }
        return z;
    }
}
