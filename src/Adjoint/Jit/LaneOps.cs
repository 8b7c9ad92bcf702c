using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Adjoint.Primitives;

namespace Adjoint;

/// <summary>
/// One element-wise operation of a <see cref="FusedLoop"/> in its two forms: a scalar function (used to
/// fold constants at compile time and for the few pixels after the last full vector) and the
/// expression that computes it on a SIMD vector of pixels.
/// </summary>
internal sealed record LaneOp(string Name, int Arity, Func<double, double, double, double> Scalar,
    Func<VectorApi, Expression[], Expression> Vector, bool Commutative = false)
{
    /// <summary>Whether the vector form is a method call that the JIT does not inline (exp, log, hypot, per-element functions…).</summary>
    public bool IsCall => Name is "exp" or "log" or "sin" or "cos" or "tan" or "tanh" or "sign" or "pow" or "hypot"
        || (Name == "integer_pow" && Key is not ("pow1" or "pow2" or "pow3" or "pow-1"));

    /// <summary>Identifies the operation for common-subexpression keys (pow_const's exponent included).</summary>
    public string Key { get; init; } = Name;

    private static LaneOp Unary(string name, Func<double, double> f, string? vectorMethod = null) =>
        new(name, 1, (a, _, _) => f(a), (v, x) => vectorMethod is null ? v.PerElement(f, x[0]) : v.Call(vectorMethod, x[0]));

    private static LaneOp Binary(string name, Func<double, double, double> f, string? vectorMethod, bool commutative = false) =>
        new(name, 2, (a, b, _) => f(a, b), (v, x) => vectorMethod is null ? v.PerElement(f, x[0], x[1]) : v.Call(vectorMethod, x[0], x[1]), commutative);

    /// <summary>Comparisons give 1.0 or 0.0: the comparison's all-ones/all-zeros mask ANDed with 1.0.</summary>
    private static LaneOp Comparison(string name, Func<double, double, bool> test, string vectorMethod, bool negate = false) =>
        new(name, 2, (a, b, _) => test(a, b) ? 1 : 0, (v, x) =>
        {
            var mask = v.Call(vectorMethod, x[0], x[1]);
            return negate ? v.Call("AndNot", v.Splat(1.0), mask) : v.Call("BitwiseAnd", mask, v.Splat(1.0));
        }, Commutative: name is "eq" or "ne");

    public static readonly LaneOp Neg = Unary("neg", a => -a, "Negate");
    public static readonly LaneOp Add = Binary("add", (a, b) => a + b, "Add", true);
    public static readonly LaneOp Sub = Binary("sub", (a, b) => a - b, "Subtract");
    public static readonly LaneOp Mul = Binary("mul", (a, b) => a * b, "Multiply", true);
    public static readonly LaneOp Div = Binary("div", (a, b) => a / b, "Divide");
    public static readonly LaneOp Max = Binary("max", Math.Max, "Max", true);
    public static readonly LaneOp Min = Binary("min", Math.Min, "Min", true);

    /// <summary>select(c, a, b): a where c ≠ 0 (NaN counts as ≠ 0, as in <see cref="WhereP"/>), else b.</summary>
    public static readonly LaneOp Select = new("select", 3, (c, a, b) => c != 0 ? a : b,
        (v, x) => v.Call("ConditionalSelect", v.Call("Equals", x[0], v.Splat(0.0)), x[2], x[1]));

    private static readonly Dictionary<string, LaneOp> ByName = new LaneOp[]
    {
        Neg, Add, Sub, Mul, Div, Max, Min, Select,
        Unary("exp", Math.Exp, "Exp"), Unary("log", Math.Log, "Log"),
        Unary("sin", Math.Sin, "Sin"), Unary("cos", Math.Cos, "Cos"),
        Unary("tan", Math.Tan), Unary("tanh", Math.Tanh),
        Unary("sqrt", Math.Sqrt, "Sqrt"), Unary("abs", Math.Abs, "Abs"),
        Unary("sign", a => a > 0 ? 1 : a < 0 ? -1 : a),
        Binary("pow", Math.Pow, null), Binary("hypot", double.Hypot, "Hypot", true),
        Comparison("lt", (a, b) => a < b, "LessThan"), Comparison("le", (a, b) => a <= b, "LessThanOrEqual"),
        Comparison("gt", (a, b) => a > b, "GreaterThan"), Comparison("ge", (a, b) => a >= b, "GreaterThanOrEqual"),
        Comparison("eq", (a, b) => a == b, "Equals"), Comparison("ne", (a, b) => a != b, "Equals", negate: true),
    }.ToDictionary(op => op.Name);

    /// <summary>The lane operation of an element-wise primitive, or null when it has none.</summary>
    public static LaneOp? For(Primitive p) => p switch
    {
        PowConst c => PowConstant(c.Exponent),
        Primitives.Unary or Primitives.Binary or WhereP => ByName.GetValueOrDefault(p.Name),
        _ => null,
    };

    /// <summary>xᶜ: small integer powers by multiplication (as the interpreter does for c = 2), others by Math.Pow per element.</summary>
    private static LaneOp PowConstant(double c)
    {
        Func<VectorApi, Expression[], Expression> vector = c switch
        {
            1 => (v, x) => x[0],
            2 => (v, x) => v.Call("Multiply", x[0], x[0]),
            3 => (v, x) => v.Call("Multiply", v.Call("Multiply", x[0], x[0]), x[0]),
            -1 => (v, x) => v.Call("Divide", v.Splat(1.0), x[0]),
            _ => (v, x) => v.PerElement(a => Math.Pow(a, c), x[0]),
        };
        Func<double, double> scalar = c switch { 2 => a => a * a, 3 => a => a * a * a, -1 => a => 1 / a, _ => a => Math.Pow(a, c) };
        return new("integer_pow", 1, (a, _, _) => scalar(a), vector) { Key = $"pow{c:R}" };
    }
}

/// <summary>
/// Builds expressions on Vector512&lt;double&gt; or Vector256&lt;double&gt;: the static methods of
/// <see cref="Vector512"/>/<see cref="Vector256"/> found by name, and scalar fallbacks per element.
/// </summary>
internal sealed class VectorApi
{
    public Type Vector { get; }
    public int Width { get; }
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
            var candidates = api.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == name).ToArray();
            found = candidates.Where(m => !m.IsGenericMethodDefinition).FirstOrDefault(Fits)
                ?? candidates.Where(m => m.IsGenericMethodDefinition && m.GetGenericArguments().Length == 1)
                             .Select(m => m.MakeGenericMethod(typeof(double))).FirstOrDefault(Fits)
                ?? throw new MissingMethodException(api.Name, name);
            return methods[key] = found;
        }
    }

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
