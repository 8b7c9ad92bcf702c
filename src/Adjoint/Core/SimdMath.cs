using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Adjoint;

/// <summary>
/// eˣ and √(a² + b²) on vectors of doubles, for the eager kernels and Jit's fused loops alike.
/// <para>
/// Why not the runtime's Vector512.Exp and Vector512.Hypot: they are generic methods that no precompiled
/// image holds, so the JIT compiles them unoptimised first (tier 0) and optimises them only after about
/// 100 ms of use. Until then they run ~40× slower: the first exp over a 3000 × 3000 image took 200 ms
/// instead of 6, and the first call of Jit(Hessian) of the course's likelihood spent half its run in them.
/// These are compiled optimised from their first call (<see cref="MethodImplOptions.AggressiveOptimization"/>).
/// </para>
/// Both are written once, for either vector width, over <see cref="IVectorOps{TV}"/>.
/// </summary>
internal static class SimdMath
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Exp(Vector512<double> x) => Exp<Vector512<double>, Ops512>(x);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Exp(Vector256<double> x) => Exp<Vector256<double>, Ops256>(x);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Hypot(Vector512<double> a, Vector512<double> b) => Hypot<Vector512<double>, Ops512>(a, b);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Hypot(Vector256<double> a, Vector256<double> b) => Hypot<Vector256<double>, Ops256>(a, b);

    /// <summary>eˣ of every element: whole vectors, then the last elements one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Exp(ReadOnlySpan<double> x, Span<double> result)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + Vector512<double>.Count <= x.Length; i += Vector512<double>.Count)
                Exp(Vector512.Create(x[i..])).CopyTo(result[i..]);
        for (; i + Vector256<double>.Count <= x.Length; i += Vector256<double>.Count)
            Exp(Vector256.Create(x[i..])).CopyTo(result[i..]);
        for (; i < x.Length; i++) result[i] = Math.Exp(x[i]);
    }

    /// <summary>√(a² + b²) of every pair of elements: whole vectors, then the last elements one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Hypot(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + Vector512<double>.Count <= a.Length; i += Vector512<double>.Count)
                Hypot(Vector512.Create(a[i..]), Vector512.Create(b[i..])).CopyTo(result[i..]);
        for (; i + Vector256<double>.Count <= a.Length; i += Vector256<double>.Count)
            Hypot(Vector256.Create(a[i..]), Vector256.Create(b[i..])).CopyTo(result[i..]);
        for (; i < a.Length; i++) result[i] = double.Hypot(a[i], b[i]);
    }

    // 1.5·2⁵²: adding it to a double of magnitude below 2⁵¹ rounds it to an integer, which the low bits then hold.
    private const double RoundingShift = 6755399441055744.0;
    // ln 2 in two parts (fdlibm's): the high part has 11 trailing zero bits, so k·Ln2High is exact for |k| < 2¹¹.
    private const double Log2E = 1.4426950408889634; // 1 / ln 2
    private const double Ln2High = 6.93147180369123816490e-01, Ln2Low = 1.90821492927058770002e-10;
    private static readonly double TwoTo500 = Math.ScaleB(1.0, 500), TwoTo600 = Math.ScaleB(1.0, 600);
    // 1/n! for n = 13 down to 2: the Taylor series of eʳ − 1 − r, divided by r².
    private static readonly double[] InverseFactorials =
        [.. Enumerable.Range(2, 12).Reverse().Select(n => 1.0 / Enumerable.Range(1, n).Aggregate(1.0, (f, m) => f * m))];

    /// <summary>
    /// eˣ = 2ᵏ·eʳ with k = round(x / ln 2) and r = x − k·ln 2, |r| ≤ ln 2 / 2. eʳ by its Taylor series to r¹³ (the
    /// first term left out is below 5·10⁻¹⁸), summed as (1 + r) + r²·q with the rounding of 1 + r carried: within one
    /// ulp of Math.Exp, and equal to it for 96% of random arguments (the runtime's Vector512.Exp: 64%).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Exp<TV, TOps>(TV x) where TOps : IVectorOps<TV>
    {
        // Beyond these bounds eˣ is 0 or ∞ anyway; within them k stays in [−1076, 1024].
        var clamped = TOps.Min(TOps.Max(x, TOps.Splat(-746.0)), TOps.Splat(710.0));
        var k = TOps.Subtract(TOps.MultiplyAdd(clamped, TOps.Splat(Log2E), TOps.Splat(RoundingShift)), TOps.Splat(RoundingShift));
        var r = TOps.MultiplyAdd(k, TOps.Splat(-Ln2Low), TOps.MultiplyAdd(k, TOps.Splat(-Ln2High), clamped));
        var q = TOps.Splat(InverseFactorials[0]);
        for (int i = 1; i < InverseFactorials.Length; i++) q = TOps.MultiplyAdd(q, r, TOps.Splat(InverseFactorials[i]));
        // 1 + r rounded to s, and what the rounding lost (exact, since 1 ≥ |r|), so that the sum rounds only once.
        var s = TOps.Add(TOps.Splat(1.0), r);
        var lost = TOps.Add(TOps.Subtract(TOps.Splat(1.0), s), r);
        var expR = TOps.Add(s, TOps.MultiplyAdd(TOps.Multiply(r, r), q, lost));
        // 2ᵏ in two factors, each a normal double, so that results in the subnormal range round once, at the end.
        var half = TOps.Floor(TOps.Multiply(k, TOps.Splat(0.5)));
        var result = TOps.Multiply(TOps.Multiply(expR, TOps.PowerOfTwo(half)), TOps.PowerOfTwo(TOps.Subtract(k, half)));
        return TOps.Select(TOps.IsNaN(x), x, result);
    }

    /// <summary>
    /// √(a² + b²), scaled by 2∓⁶⁰⁰ when the larger magnitude is beyond 2±⁵⁰⁰ so that the squares neither
    /// overflow nor underflow (powers of two scale exactly). ∞ if either is infinite, even if the other is NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Hypot<TV, TOps>(TV a, TV b) where TOps : IVectorOps<TV>
    {
        var x = TOps.Abs(a);
        var y = TOps.Abs(b);
        var big = TOps.Max(x, y);
        var scale = TOps.Select(TOps.GreaterThan(big, TOps.Splat(TwoTo500)), TOps.Splat(1 / TwoTo600),
            TOps.Select(TOps.GreaterThan(TOps.Splat(1 / TwoTo500), big), TOps.Splat(TwoTo600), TOps.Splat(1.0)));
        var xs = TOps.Multiply(x, scale);
        var ys = TOps.Multiply(y, scale);
        var h = TOps.Divide(TOps.Sqrt(TOps.MultiplyAdd(xs, xs, TOps.Multiply(ys, ys))), scale);
        var sum = TOps.Add(x, y); // NaN if either is NaN, else ∞ if either is ∞
        h = TOps.Select(TOps.IsNaN(sum), sum, h);
        var infinity = TOps.Splat(double.PositiveInfinity);
        return TOps.Select(TOps.Or(TOps.Equal(x, infinity), TOps.Equal(y, infinity)), infinity, h);
    }

    /// <summary>The vector operations the functions above use, for one vector width.</summary>
    private interface IVectorOps<TV>
    {
        static abstract TV Splat(double value);
        static abstract TV Add(TV a, TV b);
        static abstract TV Subtract(TV a, TV b);
        static abstract TV Multiply(TV a, TV b);
        static abstract TV Divide(TV a, TV b);
        /// <summary>a·b + c, rounded once.</summary>
        static abstract TV MultiplyAdd(TV a, TV b, TV c);
        static abstract TV Min(TV a, TV b);
        static abstract TV Max(TV a, TV b);
        static abstract TV Abs(TV a);
        static abstract TV Sqrt(TV a);
        static abstract TV Floor(TV a);
        static abstract TV GreaterThan(TV a, TV b);
        static abstract TV Equal(TV a, TV b);
        static abstract TV IsNaN(TV a);
        static abstract TV Or(TV a, TV b);
        /// <summary>mask ? a : b, element by element.</summary>
        static abstract TV Select(TV mask, TV a, TV b);
        /// <summary>2ⁿ for integer-valued n in [−1022, 1023]: n + 1023 in the exponent bits.</summary>
        static abstract TV PowerOfTwo(TV n);
    }

    private readonly struct Ops512 : IVectorOps<Vector512<double>>
    {
        public static Vector512<double> Splat(double value) => Vector512.Create(value);
        public static Vector512<double> Add(Vector512<double> a, Vector512<double> b) => a + b;
        public static Vector512<double> Subtract(Vector512<double> a, Vector512<double> b) => a - b;
        public static Vector512<double> Multiply(Vector512<double> a, Vector512<double> b) => a * b;
        public static Vector512<double> Divide(Vector512<double> a, Vector512<double> b) => a / b;
        public static Vector512<double> MultiplyAdd(Vector512<double> a, Vector512<double> b, Vector512<double> c) => Vector512.FusedMultiplyAdd(a, b, c);
        public static Vector512<double> Min(Vector512<double> a, Vector512<double> b) => Vector512.Min(a, b);
        public static Vector512<double> Max(Vector512<double> a, Vector512<double> b) => Vector512.Max(a, b);
        public static Vector512<double> Abs(Vector512<double> a) => Vector512.Abs(a);
        public static Vector512<double> Sqrt(Vector512<double> a) => Vector512.Sqrt(a);
        public static Vector512<double> Floor(Vector512<double> a) => Vector512.Floor(a);
        public static Vector512<double> GreaterThan(Vector512<double> a, Vector512<double> b) => Vector512.GreaterThan(a, b);
        public static Vector512<double> Equal(Vector512<double> a, Vector512<double> b) => Vector512.Equals(a, b);
        public static Vector512<double> IsNaN(Vector512<double> a) => Vector512.IsNaN(a);
        public static Vector512<double> Or(Vector512<double> a, Vector512<double> b) => a | b;
        public static Vector512<double> Select(Vector512<double> mask, Vector512<double> a, Vector512<double> b) => Vector512.ConditionalSelect(mask, a, b);
        public static Vector512<double> PowerOfTwo(Vector512<double> n) =>
            Vector512.ShiftLeft((n + Vector512.Create(RoundingShift + 1023)).AsUInt64(), 52).AsDouble();
    }

    private readonly struct Ops256 : IVectorOps<Vector256<double>>
    {
        public static Vector256<double> Splat(double value) => Vector256.Create(value);
        public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;
        public static Vector256<double> Subtract(Vector256<double> a, Vector256<double> b) => a - b;
        public static Vector256<double> Multiply(Vector256<double> a, Vector256<double> b) => a * b;
        public static Vector256<double> Divide(Vector256<double> a, Vector256<double> b) => a / b;
        public static Vector256<double> MultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.FusedMultiplyAdd(a, b, c);
        public static Vector256<double> Min(Vector256<double> a, Vector256<double> b) => Vector256.Min(a, b);
        public static Vector256<double> Max(Vector256<double> a, Vector256<double> b) => Vector256.Max(a, b);
        public static Vector256<double> Abs(Vector256<double> a) => Vector256.Abs(a);
        public static Vector256<double> Sqrt(Vector256<double> a) => Vector256.Sqrt(a);
        public static Vector256<double> Floor(Vector256<double> a) => Vector256.Floor(a);
        public static Vector256<double> GreaterThan(Vector256<double> a, Vector256<double> b) => Vector256.GreaterThan(a, b);
        public static Vector256<double> Equal(Vector256<double> a, Vector256<double> b) => Vector256.Equals(a, b);
        public static Vector256<double> IsNaN(Vector256<double> a) => Vector256.IsNaN(a);
        public static Vector256<double> Or(Vector256<double> a, Vector256<double> b) => a | b;
        public static Vector256<double> Select(Vector256<double> mask, Vector256<double> a, Vector256<double> b) => Vector256.ConditionalSelect(mask, a, b);
        public static Vector256<double> PowerOfTwo(Vector256<double> n) =>
            Vector256.ShiftLeft((n + Vector256.Create(RoundingShift + 1023)).AsUInt64(), 52).AsDouble();
    }
}
