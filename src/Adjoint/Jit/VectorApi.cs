using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Adjoint;

/// <summary>
/// Builds expressions on Vector512&lt;double&gt; or Vector256&lt;double&gt;: the static methods of
/// <see cref="Vector512"/>/<see cref="Vector256"/> (or of <see cref="SimdMath"/>) found by name, and scalar
/// fallbacks per element.
/// </summary>
internal sealed class VectorApi
{
    public Type Vector { get; }
    public int Width { get; }
    /// <summary>Whether the CPU has vectors of this width (Vector256 is emulated on ARM64, for one).</summary>
    private bool Accelerated => Width == 8 ? Vector512.IsHardwareAccelerated : Vector256.IsHardwareAccelerated;
    private readonly Type api;
    private readonly Dictionary<(string, int), MethodInfo> methods = [];

    public VectorApi(bool use512)
    {
        (api, Vector, Width) = use512
            ? (typeof(Vector512), typeof(Vector512<double>), Vector512<double>.Count)
            : (typeof(Vector256), typeof(Vector256<double>), Vector256<double>.Count);
    }

    /// <summary>A static method of Vector512/Vector256 on vectors of doubles (the double overload, or the generic one made for double).</summary>
    public Expression Call(string name, params Expression[] args) => Expression.Call(Method(name, args.Select(a => a.Type).ToArray()), args);

    public MethodInfo Method(string name, Type[] types)
    {
        var key = (name + string.Join(",", types.Select(t => t.Name)), types.Length);
        lock (methods)
        {
            if (methods.TryGetValue(key, out var found)) return found;
            bool Fits(MethodInfo m) => m.GetParameters().Select(p => p.ParameterType).SequenceEqual(types);
            // SimdMath's functions first, where the CPU has vectors of this width: optimised from their first call,
            // where the runtime's start unoptimised. (Emulated, the runtime's per-element fallback is faster.)
            found = Accelerated ? typeof(SimdMath).GetMethods(BindingFlags.Public | BindingFlags.Static).FirstOrDefault(m => m.Name == name && Fits(m)) : null;
            if (found is not null) return methods[key] = found;
            var candidates = api.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == name).ToArray();
            found = candidates.Where(m => !m.IsGenericMethodDefinition).FirstOrDefault(Fits)
                ?? candidates.Where(m => m.IsGenericMethodDefinition && m.GetGenericArguments().Length == 1)
                             .Select(m => m.MakeGenericMethod(typeof(double))).FirstOrDefault(Fits)
                ?? throw new MissingMethodException(api.Name, name);
            return methods[key] = found;
        }
    }

    /// <summary>A lane function on vectors, as its <see cref="Lane.Vector"/> and <see cref="Lane.Form"/> say.</summary>
    public Expression Apply(Lane lane, Expression[] x) => lane.Form switch
    {
        VectorForm.Mask => Call("BitwiseAnd", Call(lane.Vector!, x[0], x[1]), Splat(1.0)),
        VectorForm.NegatedMask => Call("AndNot", Splat(1.0), Call(lane.Vector!, x[0], x[1])),
        // The mask selects where c = 0, so that NaN, which is ≠ 0, selects a (as the select primitive does).
        VectorForm.Select => Call(lane.Vector!, Call("Equals", x[0], Splat(0.0)), x[2], x[1]),
        _ when lane.Vector is { } method => Call(method, x),
        _ when lane.Arity == 1 => PerElement(a => lane.Scalar(a, 0, 0), x[0]),
        _ => PerElement((a, b) => lane.Scalar(a, b, 0), x[0], x[1]),
    };

    /// <summary>
    /// Whether the vector form is a call that the JIT does not inline (exp, log, hypot, per-element functions…):
    /// every vector live across it goes through memory, so the fused loop computes calls in a loop of their own.
    /// </summary>
    public static bool IsCall(Lane lane) => lane.Vector is null or "Exp" or "Log" or "Sin" or "Cos" or "Hypot";

    public Expression Splat(double value) => Splat(Expression.Constant(value));
    public Expression Splat(Expression scalar) => Call("Create", scalar);

    /// <summary>A vector of the array's elements from <paramref name="index"/> on.</summary>
    public Expression Load(Expression array, Expression index) => Call("Create", array, index);

    public Expression Store(Expression vector, Expression array, Expression index) => Call("CopyTo", vector, array, index);

    /// <summary>c − a·b in one fused instruction where the CPU has it (vfnmadd), else a product and a subtraction.</summary>
    public Expression MultiplySubtractFrom(Expression c, Expression a, Expression b) =>
        Width == 8 && Avx512F.IsSupported ? Expression.Call(typeof(Avx512F).GetMethod(nameof(Avx512F.FusedMultiplyAddNegated), [Vector, Vector, Vector])!, a, b, c)
        : Width == 4 && Fma.IsSupported ? Expression.Call(typeof(Fma).GetMethod(nameof(Fma.MultiplyAddNegated), [Vector, Vector, Vector])!, a, b, c)
        : Call("Subtract", c, Call("Multiply", a, b));

    public Expression HorizontalSum(Expression vector) => Call("Sum", vector);

    public Expression HorizontalMax(Expression vector) =>
        Expression.Call(typeof(VectorApi).GetMethod(nameof(MaxOfElements), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(Vector), vector);

    /// <summary>Functions without a vector form (tan, tanh, pow…): the scalar function on each element.</summary>
    public Expression PerElement(Func<double, double> f, Expression x) =>
        Expression.Call(Generic(nameof(EachElement), 1), x, Expression.Constant(f));

    public Expression PerElement(Func<double, double, double> f, Expression a, Expression b) =>
        Expression.Call(Generic(nameof(EachElement), 2), a, b, Expression.Constant(f));

    private MethodInfo Generic(string name, int vectors) =>
        typeof(VectorApi).GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
            .Single(m => m.Name == name && m.GetParameters().Length == vectors + 1).MakeGenericMethod(Vector);

    // The vector types are plain structs of Width doubles: reinterpret them as such.
    private static TVector EachElement<TVector>(TVector x, Func<double, double> f) where TVector : struct
    {
        ref double first = ref Unsafe.As<TVector, double>(ref x);
        for (int i = 0; i < Unsafe.SizeOf<TVector>() / sizeof(double); i++) Unsafe.Add(ref first, i) = f(Unsafe.Add(ref first, i));
        return x;
    }

    private static TVector EachElement<TVector>(TVector a, TVector b, Func<double, double, double> f) where TVector : struct
    {
        ref double x = ref Unsafe.As<TVector, double>(ref a);
        ref double y = ref Unsafe.As<TVector, double>(ref b);
        for (int i = 0; i < Unsafe.SizeOf<TVector>() / sizeof(double); i++) Unsafe.Add(ref x, i) = f(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i));
        return a;
    }

    private static double MaxOfElements<TVector>(TVector v) where TVector : struct
    {
        ref double first = ref Unsafe.As<TVector, double>(ref v);
        double max = first;
        for (int i = 1; i < Unsafe.SizeOf<TVector>() / sizeof(double); i++) max = Math.Max(max, Unsafe.Add(ref first, i));
        return max;
    }
}
