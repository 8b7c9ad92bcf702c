using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Course;

/// <summary>
/// A pack of doubles processed together. One kernel, written once against this interface, is
/// compiled by the JIT for each width: <see cref="V512"/> (AVX-512), <see cref="VN"/>
/// (<see cref="Vector{T}"/>: AVX2, NEON, ...) and <see cref="V1"/> (one lane: the scalar tail).
/// </summary>
internal interface ISimd<T> where T : unmanaged, ISimd<T>
{
    static abstract int Count { get; }
    static abstract T Load(ReadOnlySpan<double> values);
    static abstract T Splat(double value);
    static abstract T operator +(T a, T b);
    static abstract T operator -(T a, T b);
    static abstract T operator *(T a, T b);
    static abstract T operator *(double a, T b);
    static abstract T operator /(T a, T b);
    static abstract T Exp(T x);
    static abstract T Log(T x);
    static abstract double Sum(T x);
}

/// <summary>Eight doubles in a <see cref="Vector512{T}"/>.</summary>
internal readonly struct V512(Vector512<double> v) : ISimd<V512>
{
    private readonly Vector512<double> v = v;
    public static int Count => Vector512<double>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Load(ReadOnlySpan<double> s) => new(Vector512.Create(s));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Splat(double x) => new(Vector512.Create(x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator +(V512 a, V512 b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator -(V512 a, V512 b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator *(V512 a, V512 b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator *(double a, V512 b) => new(a * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 operator /(V512 a, V512 b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Exp(V512 x) => new(Vector512.Exp(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Log(V512 x) => new(Vector512.Log(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sum(V512 x) => Vector512.Sum(x.v);
}

/// <summary>The platform's preferred vector width, <see cref="Vector{T}"/>.</summary>
internal readonly struct VN(Vector<double> v) : ISimd<VN>
{
    private readonly Vector<double> v = v;
    public static int Count => Vector<double>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static VN Load(ReadOnlySpan<double> s) => new(new Vector<double>(s));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static VN Splat(double x) => new(new Vector<double>(x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static VN operator +(VN a, VN b) => new(a.v + b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static VN operator -(VN a, VN b) => new(a.v - b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static VN operator *(VN a, VN b) => new(a.v * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static VN operator *(double a, VN b) => new(a * b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static VN operator /(VN a, VN b) => new(a.v / b.v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static VN Exp(VN x) => new(Vector.Exp(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static VN Log(VN x) => new(Vector.Log(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sum(VN x) => Vector.Sum(x.v);
}

/// <summary>One double: the scalar tail of a row.</summary>
internal readonly struct V1(double v) : ISimd<V1>
{
    private readonly double v = v;
    public static int Count => 1;
    public static V1 Load(ReadOnlySpan<double> s) => new(s[0]);
    public static V1 Splat(double x) => new(x);
    public static V1 operator +(V1 a, V1 b) => new(a.v + b.v);
    public static V1 operator -(V1 a, V1 b) => new(a.v - b.v);
    public static V1 operator *(V1 a, V1 b) => new(a.v * b.v);
    public static V1 operator *(double a, V1 b) => new(a * b.v);
    public static V1 operator /(V1 a, V1 b) => new(a.v / b.v);
    public static V1 Exp(V1 x) => new(Math.Exp(x.v));
    public static V1 Log(V1 x) => new(Math.Log(x.v));
    public static double Sum(V1 x) => x.v;
}

/// <summary>
/// Runs a row kernel over [0, n): full packs of the widest accelerated width, then the tail one
/// lane at a time. The split point depends only on n and the hardware, so results are reproducible.
/// </summary>
internal interface IRowKernel
{
    /// <summary>Adds the contributions of columns [start, end) into <paramref name="partial"/>; (end − start) is a multiple of T.Count.</summary>
    void Run<T>(int start, int end, Span<double> partial) where T : unmanaged, ISimd<T>;
}

internal static class Simd
{
    public static void Row<TKernel>(in TKernel kernel, int n, Span<double> partial) where TKernel : struct, IRowKernel
    {
        int full;
        if (Vector512.IsHardwareAccelerated)
        {
            full = n - n % V512.Count;
            kernel.Run<V512>(0, full, partial);
        }
        else
        {
            full = n - n % VN.Count;
            kernel.Run<VN>(0, full, partial);
        }
        kernel.Run<V1>(full, n, partial);
    }
}
