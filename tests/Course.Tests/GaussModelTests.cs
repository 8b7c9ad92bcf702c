using Course;
using CsCheck;

namespace Course.Tests;

public class GaussModelTests
{
    [Fact]
    public void Linspace_matches_numpy_endpoints_and_spacing()
    {
        var lin = GaussModel.Linspace(-2, 2, 5);
        Assert.Equal(new[] { -2.0, -1.0, 0.0, 1.0, 2.0 }, lin);
    }

    [Fact]
    public void Image_is_row_major_with_x_along_columns()
    {
        // An off-centre source: the brightest pixel must sit at column of x0 and row of y0.
        int n = 41;
        var p = new[] { 1.0, -0.5, 2.0, 0.3, 0.0, 0.0 };
        var image = GaussModel.Image(n, p);
        int best = Array.IndexOf(image, image.Max());
        var lin = GaussModel.Linspace(-2, 2, n);
        Assert.Equal(1.0, lin[best % n], 12);   // column j ↔ x
        Assert.Equal(-0.5, lin[best / n], 12);  // row i ↔ y
        Assert.Equal(2.0, image[best], 12);     // m = amp at the centre
        var matrix = GaussModel.ToMatrix(image, n);
        Assert.Equal(image[best], matrix[best / n, best % n]);
    }

    [Fact]
    public void An_image_side_whose_square_overflows_an_array_is_refused_with_the_limit()
    {
        // 100 000² wraps around in an int; it used to fail with an IndexOutOfRangeException deep in Image.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => GaussModel.Simulate(100_000));
        Assert.Contains("46,340", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussModel.Image(GaussModel.MaxSide + 1, GaussModel.TrueParameters));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussModel.Simulate(1));
    }

    [Fact]
    public void Model_follows_the_formula_at_a_point()
    {
        var p = new[] { 0.1, 0.2, 1.5, 0.7, 0.3, -0.2 };
        double dx = 0.5 - 0.1, dy = -0.4 - 0.2;
        double q = dx * dx + dy * dy + 0.3 * dx * dy - 0.2 * (dx * dx - dy * dy);
        Assert.Equal(1.5 * Math.Exp(-q / (2 * 0.49)), GaussModel.Model(0.5, -0.4, p), 15);
    }

    [Fact]
    public void Simulation_is_reproducible_and_seed_dependent()
    {
        var a = GaussModel.Simulate(30, seed: 7);
        var b = GaussModel.Simulate(30, seed: 7);
        var c = GaussModel.Simulate(30, seed: 8);
        Assert.Equal(a.Observation, b.Observation);
        Assert.NotEqual(a.Observation, c.Observation);
    }

    [Fact]
    public void Noise_has_the_requested_mean_and_spread()
    {
        const int count = 200_000;
        var z = NormalNoise.Sample(count, seed: 3, mean: 1.0, std: 0.5);
        double mean = z.Average(), std = Math.Sqrt(z.Average(v => (v - mean) * (v - mean)));
        // Standard errors: 0.5/√N for the mean, ≈ 0.5/√(2N) for the std; allow 5 of them.
        Assert.InRange(mean, 1.0 - 5 * 0.5 / Math.Sqrt(count), 1.0 + 5 * 0.5 / Math.Sqrt(count));
        Assert.InRange(std, 0.5 - 5 * 0.5 / Math.Sqrt(2 * count), 0.5 + 5 * 0.5 / Math.Sqrt(2 * count));
        // About 68.3% within one standard deviation.
        double inside = z.Count(v => Math.Abs(v - 1.0) < 0.5) / (double)count;
        Assert.InRange(inside, 0.6827 - 0.005, 0.6827 + 0.005);
    }

    [Fact]
    public void Noise_follows_the_documented_box_muller_recipe()
    {
        var z = NormalNoise.Sample(3, seed: 42);
        var rng = new Random(42);
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        double r = Math.Sqrt(-2 * Math.Log(u1));
        Assert.Equal(r * Math.Cos(2 * Math.PI * u2), z[0]);
        Assert.Equal(r * Math.Sin(2 * Math.PI * u2), z[1]);
        u1 = 1.0 - rng.NextDouble();
        u2 = rng.NextDouble();
        Assert.Equal(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2), z[2]);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(37)]   // not a multiple of any vector width: exercises the scalar tails
    [InlineData(64)]
    public void Simd_nll_equals_scalar_nll(int n)
    {
        var model = GaussModel.Simulate(n, seed: n);
        TestData.Parameters.Sample(p =>
        {
            double simd = model.Nll(p), scalar = model.NllScalar(p);
            Assert.True(Math.Abs(simd - scalar) <= 1e-12 * Math.Abs(scalar), $"simd {simd:R} scalar {scalar:R}");
        }, iter: 25);
    }

    [Fact]
    public void Nll_is_the_sum_of_per_pixel_cauchy_terms()
    {
        var model = new GaussModel([0.3, -1.0, 2.0, 0.0], 2, gamma: 0.7);
        var p = new[] { 0.0, 0.0, 1.0, 1.0, 0.0, 0.0 };
        double expected = 0;
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                double m = GaussModel.Model(model.Lin[j], model.Lin[i], p);
                double density = 1 / (Math.PI * 0.7) * 0.49 / ((model.Observation[i * 2 + j] - m) * (model.Observation[i * 2 + j] - m) + 0.49);
                expected -= Math.Log(density);
            }
        Assert.Equal(expected, model.NllScalar(p), 12);
        Assert.Equal(expected, model.Nll(p), 12);
    }

    [Fact]
    public void Residuals_are_observation_minus_model()
    {
        var model = GaussModel.Simulate(12, seed: 3);
        var p = new[] { 0.1, 0.0, 1.2, 0.4, 0.0, 0.1 };
        var r = model.Residuals(p);
        for (int i = 0; i < 12; i++)
            for (int j = 0; j < 12; j++)
                Assert.Equal(model.Observation[i * 12 + j] - GaussModel.Model(model.Lin[j], model.Lin[i], p), r[i * 12 + j]);
    }

    [Fact]
    public void Nll_serves_as_a_plain_function_for_finite_differences()
    {
        var model = GaussModel.Simulate(16, seed: 3);
        Func<double[], double> f = model.Nll;
        Assert.Equal(model.NllScalar(GaussModel.TrueParameters), f([.. GaussModel.TrueParameters]), 1e-9);
    }

    [Fact]
    public void Simd_nll_is_deterministic_across_runs_and_thread_counts()
    {
        var model = GaussModel.Simulate(101, seed: 1);
        var p = new[] { 0.1, -0.1, 0.9, 0.55, 0.05, 0.02 };
        double one = model.Nll(p, maxDegreeOfParallelism: 1);
        for (int k = 0; k < 5; k++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(one), BitConverter.DoubleToInt64Bits(model.Nll(p, 2)));
            Assert.Equal(BitConverter.DoubleToInt64Bits(one), BitConverter.DoubleToInt64Bits(model.Nll(p)));
        }
    }

    [Fact]
    public void Cauchy_resists_outliers_better_than_gaussian()
    {
        // Fit only amp by a 1-D grid search: outliers pull the Gaussian estimate far more.
        var clean = GaussModel.Simulate(40, seed: 2);
        var dirty = clean.WithOutliers(count: 40, value: 50.0, seed: 5);
        double BestAmp(Func<double[], double> nll) =>
            Enumerable.Range(0, 201).Select(k => 0.5 + k * 0.005)
                .MinBy(a => nll([0, 0, a, 0.5, 0, 0]));
        double cauchyShift = Math.Abs(BestAmp(dirty.NllScalar) - BestAmp(clean.NllScalar));
        double gaussShift = Math.Abs(BestAmp(p => dirty.GaussianNllScalar(p, 0.5)) - BestAmp(p => clean.GaussianNllScalar(p, 0.5)));
        Assert.True(cauchyShift < gaussShift, $"cauchy moved {cauchyShift}, gaussian {gaussShift}");
    }
}
