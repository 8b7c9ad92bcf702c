using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using CsCheck;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests;

/// <summary>
/// SimdMath's vector eˣ, log and hypot, which the eager kernels and Jit's fused loops share: within one unit in the last
/// place of .NET's scalar functions at both vector widths, with their special values, and optimised from the first call.
/// </summary>
public class SimdMathTests
{
    private static long UlpsApart(double a, double b) =>
        a == b || (double.IsNaN(a) && double.IsNaN(b)) ? 0
        : double.IsNaN(a) || double.IsNaN(b) || Math.Sign(a) != Math.Sign(b) ? long.MaxValue
        : Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));

    /// <summary>f at both widths on the first 8 (512-bit) and the first 4 (256-bit) of xs, checked element by element.</summary>
    private static void CheckBothWidths(double[] a, double[] b, Func<Vector512<double>, Vector512<double>, Vector512<double>> wide,
        Func<Vector256<double>, Vector256<double>, Vector256<double>> narrow, Func<double, double, double> reference, long ulps)
    {
        var w = wide(Vector512.Create(a), Vector512.Create(b));
        var n = narrow(Vector256.Create(a), Vector256.Create(b));
        for (int i = 0; i < 8; i++)
        {
            double expected = reference(a[i], b[i]);
            Assert.True(UlpsApart(w[i], expected) <= ulps, $"512-bit at ({a[i]:R}, {b[i]:R}): {w[i]:R}, .NET gives {expected:R}");
            if (i < 4) Assert.True(UlpsApart(n[i], expected) <= ulps, $"256-bit at ({a[i]:R}, {b[i]:R}): {n[i]:R}, .NET gives {expected:R}");
        }
    }

    private static void CheckExp(double[] x, long ulps) =>
        CheckBothWidths(x, x, (v, _) => SimdMath.Exp(v), (v, _) => SimdMath.Exp(v), (a, _) => Math.Exp(a), ulps);

    [Fact]
    public void Exp_is_within_one_ulp_of_Math_Exp_over_its_whole_range() =>
        Gen.Double[-745.2, 709.8].Array[8].Sample(x => CheckExp(x, 1), iter: 20_000);

    [Fact]
    public void Exp_is_within_one_ulp_of_Math_Exp_near_zero() =>
        Gen.Double[-2, 2].Array[8].Sample(x => CheckExp(x, 1), iter: 20_000);

    [Fact]
    public void Exp_gets_the_special_values_overflow_and_subnormal_results_right()
    {
        // Exactly as Math.Exp: the limits of overflow (709.7827…) and of underflow (−745.13…), results in the
        // subnormal range (below 2.2e-308), ±0, ±∞ and NaN.
        double[] points = [0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 709.782712893384, 709.79, 1000,
            -708.39, -708.4, -720, -744.4, -745.13, -745.14, -1000, 1e-300, -1e-300, double.MaxValue, double.MinValue];
        foreach (var chunk in points.Chunk(8))
        {
            var x = chunk.Concat(Enumerable.Repeat(0.0, 8 - chunk.Length)).ToArray();
            CheckExp(x, 0);
        }
    }

    private static void CheckLog(double[] x, long ulps) =>
        CheckBothWidths(x, x, (v, _) => SimdMath.Log(v), (v, _) => SimdMath.Log(v), (a, _) => Math.Log(a), ulps);

    [Fact]
    public void Log_is_within_one_ulp_of_Math_Log_from_subnormal_to_the_largest_double() =>
        Gen.Select(Gen.Double[0, 1], Gen.Int[-323, 308], (m, e) => m * Math.Pow(10, e)).Array[8].Sample(x => CheckLog(x, 1), iter: 20_000);

    [Fact]
    public void Log_is_within_one_ulp_of_Math_Log_near_one() =>
        Gen.Double[0.5, 2].Array[8].Sample(x => CheckLog(x, 1), iter: 20_000);

    [Fact]
    public void Log_gets_the_special_values_right()
    {
        // Exactly as Math.Log: ±0 → −∞, negative → NaN, ∞ → ∞, NaN, 1 → 0, subnormals, the largest double.
        double[] points = [0.0, -0.0, -1.0, double.NegativeInfinity, double.PositiveInfinity, double.NaN, 1.0, 2.0,
            double.Epsilon, 1e-310, 2.2250738585072014E-308, double.MaxValue, Math.Sqrt(0.5), Math.Sqrt(2), 1 + 1e-15, 1 - 1e-16];
        foreach (var chunk in points.Chunk(8)) CheckLog(chunk, 0);
    }

    [Fact]
    public void Hypot_is_within_one_ulp_of_double_Hypot_at_every_magnitude()
    {
        // Magnitudes from subnormal to near overflow, and pairs of similar size (where the smaller one matters).
        var magnitude = Gen.Select(Gen.Double[-1, 1], Gen.Int[-320, 307], (m, e) => m * Math.Pow(10, e));
        Gen.Select(magnitude.Array[8], magnitude.Array[8], Gen.Double[-2, 2], (a, b, ratio) => (a, b, ratio)).Sample(t =>
        {
            var similar = t.a.Select(v => v * t.ratio).ToArray();
            CheckBothWidths(t.a, t.b, SimdMath.Hypot, SimdMath.Hypot, double.Hypot, 1);
            CheckBothWidths(t.a, similar, SimdMath.Hypot, SimdMath.Hypot, double.Hypot, 1);
        }, iter: 5_000);
    }

    [Fact]
    public void Hypot_takes_its_short_path_where_no_element_needs_scaling_and_it_gives_the_same_bits()
    {
        // Vectors whose elements all lie in [2⁻⁵⁰⁰, 2⁵⁰⁰] skip the scaling. Each element must come out the same as in a
        // vector that takes the scaled path (forced here by a 0 and a 1e300 in the other elements).
        var magnitude = Gen.Select(Gen.Double[-1, 1], Gen.Int[-140, 140], (m, e) => (Math.Abs(m) < 1e-9 ? 1 : m) * Math.Pow(10, e));
        Gen.Select(magnitude.Array[8], magnitude.Array[8], (a, b) => (a, b)).Sample(t =>
        {
            CheckBothWidths(t.a, t.b, SimdMath.Hypot, SimdMath.Hypot, double.Hypot, 1);
            var fast = SimdMath.Hypot(Vector512.Create(t.a), Vector512.Create(t.b));
            for (int i = 0; i < 8; i++)
            {
                var a = new double[8]; var b = new double[8];
                (a[i], b[i]) = (t.a[i], t.b[i]);
                a[(i + 1) % 8] = 1e300; // b stays 0 elsewhere: both force the scaled path
                Assert.Equal(BitConverter.DoubleToInt64Bits(fast[i]),
                    BitConverter.DoubleToInt64Bits(SimdMath.Hypot(Vector512.Create(a), Vector512.Create(b))[i]));
            }
        }, iter: 2_000);
    }

    [Fact]
    public void Hypot_gets_infinities_NaN_and_zeros_right()
    {
        // ∞ beats NaN (IEEE 754 hypot), NaN otherwise propagates, hypot(±0, ±0) = 0, no overflow near double.MaxValue.
        double[] a = [double.PositiveInfinity, double.NaN, double.NegativeInfinity, double.NaN, 0.0, -0.0, double.MaxValue, double.Epsilon];
        double[] b = [double.NaN, double.NegativeInfinity, 3.0, 2.0, -0.0, 0.0, double.MaxValue / 2, double.Epsilon];
        CheckBothWidths(a, b, SimdMath.Hypot, SimdMath.Hypot, double.Hypot, 0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(100)]
    public void The_span_kernels_cover_every_element(int length)
    {
        var x = Enumerable.Range(0, length).Select(i => i * 0.37 - 15).ToArray();
        var y = x.Select(v => v * 0.5 + 1).ToArray();
        var exp = new double[length];
        var log = new double[length];
        var hypot = new double[length];
        SimdMath.Exp(x, exp);
        SimdMath.Log(y, log);
        SimdMath.Hypot(x, y, hypot);
        var hypotWithScalar = new double[length];
        SimdMath.Hypot(x, [0.75], hypotWithScalar);
        for (int i = 0; i < length; i++)
        {
            Assert.True(UlpsApart(hypotWithScalar[i], double.Hypot(x[i], 0.75)) <= 1, $"hypot({x[i]:R}, 0.75) = {hypotWithScalar[i]:R}");
            Assert.True(UlpsApart(exp[i], Math.Exp(x[i])) <= 1, $"exp({x[i]:R}) = {exp[i]:R}");
            Assert.True(UlpsApart(log[i], Math.Log(y[i])) <= 1, $"log({y[i]:R}) = {log[i]:R}");
            Assert.True(UlpsApart(hypot[i], double.Hypot(x[i], y[i])) <= 1, $"hypot({x[i]:R}, {y[i]:R}) = {hypot[i]:R}");
        }
    }

    [Fact]
    public void Jit_and_eager_compute_exp_log_and_hypot_with_the_same_vector_code()
    {
        // The fused loop (8192 elements, whole vectors only) calls SimdMath as the eager kernels do (hypot with a scalar
        // too), so the two agree to the bit; the runtime's Vector512.Exp differs from SimdMath's in about a third of its results.
        Func<Tensor, Tensor> f = x => Exp(x * 0.5) + Hypot(x, x * 0.25 + 1.0) + Log(Hypot(x, 0.5)) + Hypot(0.25, x);
        var x = Array(Enumerable.Range(0, 8192).Select(i => Math.Sin(i) * 40).ToArray());
        var jitted = Jit(f);
        var expected = f(x).ToArray();
        Assert.Matches("into one (SIMD )?loop", MakeGraph(f)(x).Simplify().ExecutionPlan());
        Assert.Equal(expected, jitted(x).ToArray());
    }

    [Theory]
    [InlineData(nameof(SimdMath.Exp), 1)]
    [InlineData(nameof(SimdMath.Log), 1)]
    [InlineData(nameof(SimdMath.Hypot), 2)]
    [InlineData(nameof(SimdMath.Hypot), 3)]
    [InlineData("EachElement", 2)] // the loop of the span forms of Exp and Log
    public void Every_vector_function_and_loop_is_compiled_optimised_from_its_first_call(string name, int parameters)
    {
        // The reason SimdMath exists: without AggressiveOptimization these start in the JIT's unoptimised tier 0.
        var methods = typeof(SimdMath).GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(m => m.Name == name && m.GetParameters().Length == parameters)
            .Where(m => !m.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveInlining)) // the generic cores, inlined into these
            .ToArray();
        Assert.NotEmpty(methods);
        Assert.All(methods, m => Assert.True(m.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveOptimization), m.ToString()));
    }
    [Fact]
    public void Its_numbers_are_constants_with_the_values_they_name()
    {
        // Compiled optimised once, at the first call (see above), these functions must not read static readonly fields:
        // when the class is not yet initialised at that moment they stay memory reads for good (a process whose first
        // call came from Jit's loop ran it 15-25% slower). Constants instead, checked against what they stand for.
        var fields = typeof(SimdMath).GetFields(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static);
        Assert.DoesNotContain(fields, f => f.IsInitOnly);
        double Constant(string name) => (double)fields.Single(f => f.Name == name).GetRawConstantValue()!;
        Assert.Equal(Math.ScaleB(1.0, 500), Constant("TwoTo500"));
        Assert.Equal(Math.ScaleB(1.0, 600), Constant("TwoTo600"));
        Assert.Equal(Math.ScaleB(1.0, 54), Constant("TwoTo54"));
        Assert.Equal(BitConverter.DoubleToUInt64Bits(Constant("RoundingShift")), (ulong)fields.Single(f => f.Name == "RoundingShiftBits").GetRawConstantValue()!);
        for (int n = 2; n <= 13; n++)
            Assert.Equal(1.0 / Enumerable.Range(1, n).Aggregate(1.0, (f, m) => f * m), Constant($"F{n}"));
    }
}
