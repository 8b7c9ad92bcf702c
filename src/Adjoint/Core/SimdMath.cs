using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Adjoint;

/// <summary>
/// eˣ, log x and √(a² + b²) on vectors of doubles, for the eager kernels and Jit's fused loops alike.
/// <para>
/// Why not the runtime's Vector512.Exp, Log and Hypot: they are generic methods that no precompiled
/// image holds, so the JIT compiles them unoptimised first (tier 0) and optimises them only after about
/// 100 ms of use. Until then they run ~40× slower: the first exp over a 3000 × 3000 image took 200 ms
/// instead of 6, and the first call of Jit(Hessian) of the course's likelihood spent half its run in them.
/// These are compiled optimised from their first call (<see cref="MethodImplOptions.AggressiveOptimization"/>).
/// </para>
/// Each is written once, for either vector width, over <see cref="IVectorOps{TV}"/>.
/// </summary>
internal static class SimdMath
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Exp(Vector512<double> x) => Exp<Vector512<double>, Ops512>(x);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Exp(Vector256<double> x) => Exp<Vector256<double>, Ops256>(x);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Log(Vector512<double> x) => Log<Vector512<double>, Ops512>(x);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Log(Vector256<double> x) => Log<Vector256<double>, Ops256>(x);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<double> Hypot(Vector512<double> a, Vector512<double> b) => Hypot<Vector512<double>, Ops512>(a, b);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector256<double> Hypot(Vector256<double> a, Vector256<double> b) => Hypot<Vector256<double>, Ops256>(a, b);

    /// <summary>eˣ of every element.</summary>
    public static void Exp(ReadOnlySpan<double> x, Span<double> result) => EachElement<ExpFunction>(x, result);

    /// <summary>log x of every element.</summary>
    public static void Log(ReadOnlySpan<double> x, Span<double> result) => EachElement<LogFunction>(x, result);

    /// <summary>
    /// f of every element: whole vectors, then the last elements one by one. Vectors only at a width the CPU has:
    /// emulated vectors (Vector256 on ARM64) would be slower than the scalar function.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EachElement<TF>(ReadOnlySpan<double> x, Span<double> result) where TF : IUnaryFunction
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + Vector512<double>.Count <= x.Length; i += Vector512<double>.Count)
                TF.Of(Vector512.Create(x[i..])).CopyTo(result[i..]);
        if (Vector256.IsHardwareAccelerated)
            for (; i + Vector256<double>.Count <= x.Length; i += Vector256<double>.Count)
                TF.Of(Vector256.Create(x[i..])).CopyTo(result[i..]);
        for (; i < x.Length; i++) result[i] = TF.Of(x[i]);
    }

    /// <summary>A function at both vector widths and on one double (the elements after the last whole vector).</summary>
    private interface IUnaryFunction
    {
        static abstract Vector512<double> Of(Vector512<double> x);
        static abstract Vector256<double> Of(Vector256<double> x);
        static abstract double Of(double x);
    }

    private readonly struct ExpFunction : IUnaryFunction
    {
        public static Vector512<double> Of(Vector512<double> x) => Exp(x);
        public static Vector256<double> Of(Vector256<double> x) => Exp(x);
        public static double Of(double x) => Math.Exp(x);
    }

    private readonly struct LogFunction : IUnaryFunction
    {
        public static Vector512<double> Of(Vector512<double> x) => Log(x);
        public static Vector256<double> Of(Vector256<double> x) => Log(x);
        public static double Of(double x) => Math.Log(x);
    }

    /// <summary>√(a² + b²) of every pair of elements (b of length 1 pairs with each of a): whole vectors, then the last elements one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Hypot(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result)
    {
        bool broadcast = b.Length == 1;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + Vector512<double>.Count <= a.Length; i += Vector512<double>.Count)
                Hypot(Vector512.Create(a[i..]), broadcast ? Vector512.Create(b[0]) : Vector512.Create(b[i..])).CopyTo(result[i..]);
        if (Vector256.IsHardwareAccelerated)
            for (; i + Vector256<double>.Count <= a.Length; i += Vector256<double>.Count)
                Hypot(Vector256.Create(a[i..]), broadcast ? Vector256.Create(b[0]) : Vector256.Create(b[i..])).CopyTo(result[i..]);
        for (; i < a.Length; i++) result[i] = double.Hypot(a[i], broadcast ? b[0] : b[i]);
    }

    // 1.5·2⁵²: adding it to a double of magnitude below 2⁵¹ rounds it to an integer, which the low bits then hold.
    private const double RoundingShift = 6755399441055744.0;
    private const double Log2E = 1.4426950408889634; // 1 / ln 2
    // ln 2 in two parts (fdlibm's): the high part has 11 trailing zero bits, so k·Ln2High is exact for |k| < 2¹¹.
    private const double Ln2High = 6.93147180369123816490e-01, Ln2Low = 1.90821492927058770002e-10;
    // Constants, not static readonly fields: these functions are compiled optimised once, at their first call, and a
    // static readonly field of a class not yet initialised then is read from memory (and a loop over an array of them
    // stays a loop) for good. A process whose first call came from a compiled loop ran that loop 15-25% slower.
    private const double TwoTo500 = 3.273390607896142E+150, TwoTo600 = 4.149515568880993E+180, TwoTo54 = 18014398509481984.0;
    private const ulong RoundingShiftBits = 0x4338000000000000; // RoundingShift's bits
    private const double SmallestNormal = 2.2250738585072014E-308;
    // 1/n! for n = 13 down to 2: the Taylor series of eʳ − 1 − r, divided by r².
    private const double F13 = 1.0 / 6227020800, F12 = 1.0 / 479001600, F11 = 1.0 / 39916800, F10 = 1.0 / 3628800, F9 = 1.0 / 362880,
        F8 = 1.0 / 40320, F7 = 1.0 / 5040, F6 = 1.0 / 720, F5 = 1.0 / 120, F4 = 1.0 / 24, F3 = 1.0 / 6, F2 = 1.0 / 2;

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
        // Horner's scheme from 1/13! down to 1/2!, written out (a loop over an array would stay a loop).
        [MethodImpl(MethodImplOptions.AggressiveInlining)] static TV Step(TV q, TV r, double c) => TOps.MultiplyAdd(q, r, TOps.Splat(c));
        var q = Step(TOps.Splat(F13), r, F12);
        q = Step(q, r, F11); q = Step(q, r, F10); q = Step(q, r, F9); q = Step(q, r, F8); q = Step(q, r, F7);
        q = Step(q, r, F6); q = Step(q, r, F5); q = Step(q, r, F4); q = Step(q, r, F3); q = Step(q, r, F2);
        // 1 + r rounded to s, and what the rounding lost (exact, since 1 ≥ |r|), so that the sum rounds only once.
        var s = TOps.Add(TOps.Splat(1.0), r);
        var lost = TOps.Add(TOps.Subtract(TOps.Splat(1.0), s), r);
        var expR = TOps.Add(s, TOps.MultiplyAdd(TOps.Multiply(r, r), q, lost));
        // 2ᵏ in two factors, each a normal double, so that results in the subnormal range round once, at the end.
        var half = TOps.Floor(TOps.Multiply(k, TOps.Splat(0.5)));
        var result = TOps.Multiply(TOps.Multiply(expR, TOps.PowerOfTwo(half)), TOps.PowerOfTwo(TOps.Subtract(k, half)));
        return TOps.Select(TOps.IsNaN(x), x, result);
    }

    // fdlibm's log: 1/2 of the series of log((1 + s)/(1 − s)) = 2(s + s³/3 + …), fitted (Lg1 ≈ 2/3, Lg2 ≈ 2/5, …).
    private const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
        Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01, Lg7 = 1.479819860511658591e-01;
    // Moves the exponent's boundary from 1 to √2/2 (0x3fe6a09e… is √2/2's high word), so that 1 + f lands in [√2/2, √2).
    private const ulong ToSqrtHalf = (0x3ff00000UL - 0x3fe6a09eUL) << 32, SqrtHalfHigh = 0x3fe6a09eUL << 32, Mantissa = 0x000fffffffffffffUL;

    /// <summary>
    /// log x = k·ln 2 + log(1 + f) with x = 2ᵏ·(1 + f) and 1 + f in [√2/2, √2), log(1 + f) = f − f²/2 + s·(f²/2 + R(s²))
    /// with s = f/(2 + f): fdlibm's (and musl's) method, within one ulp. Subnormal x are scaled by 2⁵⁴ first;
    /// log 0 = −∞, log of a negative number NaN, log ∞ = ∞.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Log<TV, TOps>(TV x) where TOps : IVectorOps<TV>
    {
        var subnormal = TOps.GreaterThan(TOps.Splat(SmallestNormal), x);
        var scaled = TOps.Select(subnormal, TOps.Multiply(x, TOps.Splat(TwoTo54)), x);
        var bits = TOps.AddBits(scaled, ToSqrtHalf);
        // k = the exponent field − 1023, made a double exactly by the same rounding shift as Exp's.
        var exponentField = TOps.ShiftRightBits(bits, 52);
        var k = TOps.Subtract(TOps.Subtract(TOps.OrBits(exponentField, RoundingShiftBits), TOps.Splat(RoundingShift)), TOps.Splat(1023.0));
        k = TOps.Subtract(k, TOps.Select(subnormal, TOps.Splat(54.0), TOps.Splat(0.0)));
        var onePlusF = TOps.AddBits(TOps.AndBits(bits, Mantissa), SqrtHalfHigh);
        var f = TOps.Subtract(onePlusF, TOps.Splat(1.0));
        var halfF2 = TOps.Multiply(TOps.Splat(0.5), TOps.Multiply(f, f));
        var s = TOps.Divide(f, TOps.Add(TOps.Splat(2.0), f));
        var z = TOps.Multiply(s, s);
        var w = TOps.Multiply(z, z);
        var even = TOps.Multiply(w, TOps.MultiplyAdd(w, TOps.MultiplyAdd(w, TOps.Splat(Lg6), TOps.Splat(Lg4)), TOps.Splat(Lg2)));
        var odd = TOps.Multiply(z, TOps.MultiplyAdd(w, TOps.MultiplyAdd(w, TOps.MultiplyAdd(w, TOps.Splat(Lg7), TOps.Splat(Lg5)), TOps.Splat(Lg3)), TOps.Splat(Lg1)));
        var r = TOps.Add(odd, even);
        // s·(f²/2 + R) + k·ln2_lo − f²/2 + f + k·ln2_hi, in fdlibm's order
        var result = TOps.Add(TOps.Add(TOps.Subtract(TOps.MultiplyAdd(k, TOps.Splat(Ln2Low), TOps.Multiply(s, TOps.Add(halfF2, r))), halfF2), f),
            TOps.Multiply(k, TOps.Splat(Ln2High)));
        result = TOps.Select(TOps.Equal(x, TOps.Splat(0.0)), TOps.Splat(double.NegativeInfinity), result);
        result = TOps.Select(TOps.GreaterThan(TOps.Splat(0.0), x), TOps.Splat(double.NaN), result);
        result = TOps.Select(TOps.Equal(x, TOps.Splat(double.PositiveInfinity)), x, result);
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
        // Where no element needs scaling (nor is 0, ∞ or NaN), the same bits without the scaling and its division:
        // such vectors are nearly all vectors, and the Gaussian Hessian's fused loop ran 10% faster for it.
        if (TOps.AllWithin(big, 1 / TwoTo500, TwoTo500)) return TOps.Sqrt(TOps.MultiplyAdd(x, x, TOps.Multiply(y, y)));
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
        /// <summary>Whether low ≤ x ≤ high for every element (false where one is NaN).</summary>
        static abstract bool AllWithin(TV x, double low, double high);
        static abstract TV Or(TV a, TV b);
        /// <summary>mask ? a : b, element by element.</summary>
        static abstract TV Select(TV mask, TV a, TV b);
        /// <summary>2ⁿ for integer-valued n in [−1022, 1023]: n + 1023 in the exponent bits.</summary>
        static abstract TV PowerOfTwo(TV n);
        // On the bits of each element, as 64-bit integers.
        static abstract TV AddBits(TV a, ulong b);
        static abstract TV AndBits(TV a, ulong b);
        static abstract TV OrBits(TV a, ulong b);
        static abstract TV ShiftRightBits(TV a, int count);
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
        public static bool AllWithin(Vector512<double> x, double low, double high) =>
            Vector512.GreaterThanOrEqualAll(x, Vector512.Create(low)) && Vector512.LessThanOrEqualAll(x, Vector512.Create(high));
        public static Vector512<double> Or(Vector512<double> a, Vector512<double> b) => a | b;
        public static Vector512<double> Select(Vector512<double> mask, Vector512<double> a, Vector512<double> b) => Vector512.ConditionalSelect(mask, a, b);
        public static Vector512<double> PowerOfTwo(Vector512<double> n) =>
            Vector512.ShiftLeft((n + Vector512.Create(RoundingShift + 1023)).AsUInt64(), 52).AsDouble();
        public static Vector512<double> AddBits(Vector512<double> a, ulong b) => (a.AsUInt64() + Vector512.Create(b)).AsDouble();
        public static Vector512<double> AndBits(Vector512<double> a, ulong b) => (a.AsUInt64() & Vector512.Create(b)).AsDouble();
        public static Vector512<double> OrBits(Vector512<double> a, ulong b) => (a.AsUInt64() | Vector512.Create(b)).AsDouble();
        public static Vector512<double> ShiftRightBits(Vector512<double> a, int count) => Vector512.ShiftRightLogical(a.AsUInt64(), count).AsDouble();
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
        public static bool AllWithin(Vector256<double> x, double low, double high) =>
            Vector256.GreaterThanOrEqualAll(x, Vector256.Create(low)) && Vector256.LessThanOrEqualAll(x, Vector256.Create(high));
        public static Vector256<double> Or(Vector256<double> a, Vector256<double> b) => a | b;
        public static Vector256<double> Select(Vector256<double> mask, Vector256<double> a, Vector256<double> b) => Vector256.ConditionalSelect(mask, a, b);
        public static Vector256<double> PowerOfTwo(Vector256<double> n) =>
            Vector256.ShiftLeft((n + Vector256.Create(RoundingShift + 1023)).AsUInt64(), 52).AsDouble();
        public static Vector256<double> AddBits(Vector256<double> a, ulong b) => (a.AsUInt64() + Vector256.Create(b)).AsDouble();
        public static Vector256<double> AndBits(Vector256<double> a, ulong b) => (a.AsUInt64() & Vector256.Create(b)).AsDouble();
        public static Vector256<double> OrBits(Vector256<double> a, ulong b) => (a.AsUInt64() | Vector256.Create(b)).AsDouble();
        public static Vector256<double> ShiftRightBits(Vector256<double> a, int count) => Vector256.ShiftRightLogical(a.AsUInt64(), count).AsDouble();
    }
}
