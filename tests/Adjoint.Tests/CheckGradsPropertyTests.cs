using Adjoint;
using CsCheck;
using static Adjoint.Np;

namespace Adjoint.Tests;

/// <summary>
/// Property-based tests: every primitive and Np function passes <see cref="Ad.CheckGrads(Func{Tensor[], Tensor}, Tensor[], int, string[], double, double, double, int)"/>
/// to order 2 in forward and reverse mode at random points of a domain where it is smooth.
/// </summary>
public partial class CheckGradsPropertyTests
{
    private const int Iterations = 12;

    /// <summary>A function of some tensors and a generator of points where it is smooth.</summary>
    public sealed record Case(Gen<Tensor[]> Args, Func<Tensor[], Tensor> F);

    // ------------------------------------------------------------------ generators

    /// <summary>Uniform values in [lo, hi] of the given shape.</summary>
    private static Gen<Tensor> Uniform(double lo, double hi, params int[] shape) =>
        Gen.Double[lo, hi].Array[Math.Max(1, Shapes(shape))].Select(v => Array(v[..Shapes(shape)], shape));

    /// <summary>Values with |v| in [0.2, 2] and a random sign: away from the kink of Abs, Sign, Where(x &gt; 0, ...).</summary>
    private static Gen<Tensor> AwayFromZero(params int[] shape) =>
        Gen.Select(Gen.Double[0.2, 2].Array[Math.Max(1, Shapes(shape))], Gen.Bool.Array[Math.Max(1, Shapes(shape))],
            (m, negative) => Array(m.Select((v, i) => negative[i] ? -v : v).Take(Shapes(shape)).ToArray(), shape));

    /// <summary>
    /// Values in a random order whose pairwise gaps are at least 0.2 (a shuffled ladder 0.3·k plus
    /// noise below 0.1): no ties for Max, even after a finite-difference step.
    /// </summary>
    private static Gen<Tensor> Distinct(params int[] shape)
    {
        int n = Shapes(shape);
        return Gen.Select(Gen.Shuffle(Enumerable.Range(0, n).ToArray()), Gen.Double[0, 0.1].Array[n],
            (order, noise) => Array(order.Select((k, i) => 0.3 * k - 0.15 * n + noise[i]).ToArray(), shape));
    }

    private static int Shapes(int[] shape) => shape.Aggregate(1, (p, d) => p * d);

    private static Gen<Tensor[]> Args(params Gen<Tensor>[] gens) =>
        gens.Length switch
        {
            1 => gens[0].Select(a => new[] { a }),
            2 => Gen.Select(gens[0], gens[1], (a, b) => new[] { a, b }),
            3 => Gen.Select(gens[0], gens[1], gens[2], (a, b, c) => new[] { a, b, c }),
            _ => throw new ArgumentException("1 to 3 arguments"),
        };

    private static Case Unary(Func<Tensor, Tensor> f, Gen<Tensor> x) => new(Args(x), a => f(a[0]));
    private static Case Binary(Func<Tensor, Tensor, Tensor> f, Gen<Tensor> a, Gen<Tensor> b) => new(Args(a, b), x => f(x[0], x[1]));

    /// <summary>b = a + d with |d| ≥ 0.2: a and b never tie (for Maximum and Minimum).</summary>
    private static Case ApartPair(Func<Tensor, Tensor, Tensor> f, int[] aShape, int[] dShape) =>
        new(Gen.Select(Uniform(-2, 2, aShape), AwayFromZero(dShape), (a, d) => new[] { a, a + d }), x => f(x[0], x[1]));

    private static readonly int[] S = [], V3 = [3], V4 = [4], M23 = [2, 3], M31 = [3, 1], T234 = [2, 3, 4];

    /// <summary>The broadcasting combinations every binary function is checked on.</summary>
    private static readonly (string Name, int[] A, int[] B)[] ShapePairs =
    [
        ("same", M23, M23), ("(3,1)x(4,)", M31, V4), ("scalar x (2,3)", S, M23), ("(2,3) x scalar", M23, S), ("(2,3,4)x(3,1)", T234, M31),
    ];

    public static readonly Dictionary<string, Case> Cases = Build();

    private static Dictionary<string, Case> Build()
    {
        var c = new Dictionary<string, Case>
        {
            // element-wise, one argument
            ["negative"] = Unary(x => -x, Uniform(-2, 2, M23)),
            ["exp"] = Unary(Exp, Uniform(-2, 2, M23)),
            ["log"] = Unary(Log, Uniform(0.2, 3, M23)),
            ["sin"] = Unary(Sin, Uniform(-3, 3, M23)),
            ["cos"] = Unary(Cos, Uniform(-3, 3, M23)),
            ["tan"] = Unary(Tan, Uniform(-1.2, 1.2, M23)),
            ["tanh"] = Unary(Tanh, Uniform(-2, 2, M23)),
            ["sqrt"] = Unary(Sqrt, Uniform(0.2, 3, M23)),
            ["abs"] = Unary(Abs, AwayFromZero(M23)),
            ["sign times x"] = Unary(x => Sign(x) * Pow(x, 3), AwayFromZero(M23)),
            ["square"] = Unary(Square, Uniform(-2, 2, M23)),
            ["pow 3"] = Unary(x => Pow(x, 3), Uniform(-2, 2, M23)),
            ["pow 1"] = Unary(x => Pow(x, 1) * Sin(x), Uniform(-2, 2, M23)),
            ["pow 0"] = Unary(x => Pow(x, 0) * Sin(x), Uniform(-2, 2, M23)),
            ["pow 2.5"] = Unary(x => Pow(x, 2.5), Uniform(0.2, 3, M23)),
            ["pow -1.5"] = Unary(x => Pow(x, -1.5), Uniform(0.2, 3, M23)),
            ["scalar input"] = Unary(x => Sin(x) * Exp(x), Uniform(-2, 2, S)),
            // operators with doubles on either side
            ["x + 2"] = Unary(x => x + 2, Uniform(-2, 2, M23)),
            ["2 - x"] = Unary(x => 2 - x, Uniform(-2, 2, M23)),
            ["3 * x"] = Unary(x => 3 * x * x, Uniform(-2, 2, M23)),
            ["1 / x"] = Unary(x => 1 / x, AwayFromZero(M23)),
            ["x / 2"] = Unary(x => x * x / 2, Uniform(-2, 2, M23)),
            // selection
            ["where (x > 0)"] = Unary(x => Where(x > 0, x * x, Sin(x)), AwayFromZero(M23)),
            ["where (broadcast branches)"] = new(Args(AwayFromZero(V4), Uniform(-2, 2, M31), Uniform(-2, 2, V4)),
                x => Where(x[0] < 0, Exp(x[1]), x[2] * x[0])),
            ["where (comparisons of two arrays)"] = ApartPair((a, b) =>
                Where(LessEqual(a, b), a * b, a - b) + Where(GreaterEqual(a, b), Sin(a), 0.0) + Where(NotEqual(a, b), b, 1.0) * Where(Equal(a, b), 0.0, a),
                M23, M23),
            // reductions
            ["sum (all)"] = Unary(x => Sum(x * x), Uniform(-2, 2, T234)),
            ["sum (axis 0)"] = Unary(x => Sum(Sin(x), 0), Uniform(-2, 2, T234)),
            ["sum (axis -1, keepdims)"] = Unary(x => Sum(x * x, -1, keepdims: true), Uniform(-2, 2, T234)),
            ["sum (axes 0, 2)"] = Unary(x => Sum(x * x, [0, 2]), Uniform(-2, 2, T234)),
            ["sum (axes 0, 2, keepdims)"] = Unary(x => Sum(Exp(x), [2, 0], keepdims: true), Uniform(-2, 2, T234)),
            ["sum (axis 1 of a matrix)"] = Unary(x => Sum(x * x, 1), Uniform(-2, 2, M23)),
            ["sum (method)"] = Unary(x => (x * x).Sum(), Uniform(-2, 2, M23)),
            ["mean (all)"] = Unary(x => Mean(x * x), Uniform(-2, 2, T234)),
            ["mean (axis 1)"] = Unary(x => Mean(Sin(x), 1), Uniform(-2, 2, T234)),
            ["mean (axes 1, 2, keepdims)"] = Unary(x => Mean(x * x, [1, 2], keepdims: true), Uniform(-2, 2, T234)),
            ["max (all)"] = Unary(x => Max(x * x * x), Distinct(M23)),
            ["max (axis 0)"] = Unary(x => Max(x, 0), Distinct(M23)),
            ["max (axis 1, keepdims)"] = Unary(x => Max(x, 1, keepdims: true) * x, Distinct(M23)),
            ["max (axes 0, 2)"] = Unary(x => Max(Sin(x), [0, 2]), Distinct([2, 3, 2])),
            // structure
            ["reshape"] = Unary(x => Reshape(x * x, 3, 2), Uniform(-2, 2, M23)),
            ["reshape (-1)"] = Unary(x => Sin(x).Reshape(-1, 4), Uniform(-2, 2, T234)),
            ["transpose (reverse)"] = Unary(x => Transpose(x * x), Uniform(-2, 2, T234)),
            ["transpose (permutation)"] = Unary(x => Transpose(Sin(x), 2, 0, 1), Uniform(-2, 2, T234)),
            ["T"] = Unary(x => MatMul(x.T, x * x), Uniform(-2, 2, M23)),
            ["moveaxis"] = Unary(x => Moveaxis(x * x, 0, -1), Uniform(-2, 2, T234)),
            ["expand dims"] = Unary(x => ExpandDims(x * x, 1) * Array(1.0, 2.0).Reshape(2, 1, 1), Uniform(-2, 2, M23)),
            ["broadcast to ((3,) to (2,3))"] = Unary(x => BroadcastTo(x * x, 2, 3), Uniform(-2, 2, V3)),
            ["broadcast to ((3,1) to (2,3,4))"] = Unary(x => BroadcastTo(Sin(x), 2, 3, 4), Uniform(-2, 2, M31)),
            ["stack (axis 0)"] = Binary((a, b) => Stack(a * b, Sin(a), b), Uniform(-2, 2, M23), Uniform(-2, 2, M23)),
            ["stack (axis 1)"] = Binary((a, b) => Stack([a * b, Exp(b)], 1), Uniform(-2, 2, M23), Uniform(-2, 2, M23)),
            ["stack (axis -1)"] = Binary((a, b) => Stack([a * b, b], -1), Uniform(-2, 2, V3), Uniform(-2, 2, V3)),
            ["concatenate (axis 0)"] = Binary((a, b) => Concatenate([a * a, b, Sin(a)], 0), Uniform(-2, 2, M23), Uniform(-2, 2, [1, 3])),
            ["concatenate (axis 1)"] = Binary((a, b) => Concatenate([Sin(b), a * a], 1), Uniform(-2, 2, M23), Uniform(-2, 2, [2, 2])),
            ["concatenate (one input differentiated)"] = Unary(x => Concatenate([Ones(2), x * x]), Uniform(-2, 2, V3)),
            // indexing and slicing
            ["x[1..3]"] = Unary(x => Sin(x)[1..3], Uniform(-2, 2, [5])),
            ["x[^1]"] = Unary(x => (x * x)[^1], Uniform(-2, 2, [5])),
            ["x[0] (scalar)"] = Unary(x => x[0] * x[1], Uniform(-2, 2, [5])),
            ["x[-2]"] = Unary(x => Exp(x[-2]) * x, Uniform(-2, 2, [5])),
            ["a[.., 0]"] = Unary(x => (x * x)[.., 0], Uniform(-2, 2, M23)),
            ["a[1]"] = Unary(x => Sin(x)[1], Uniform(-2, 2, M23)),
            ["a[.., 1..]"] = Unary(x => (x * x)[.., 1..], Uniform(-2, 2, M23)),
            ["a[1.., ..^1, 2]"] = Unary(x => Sin(x)[1.., ..^1, 2], Uniform(-2, 2, T234)),
            ["slice with step"] = Unary(x => Slice(x * x, 0, 1, 7, 2), Uniform(-2, 2, [7])),
            ["slice with step (axis 1)"] = Unary(x => Slice(Sin(x), -1, 0, 4, 3), Uniform(-2, 2, T234)),
            ["rosenbrock (overlapping slices)"] = Unary(Models.Rosenbrock, Uniform(-1.5, 1.5, [5])),
            // linear algebra
            ["matmul (vector, vector)"] = Binary(MatMul, Uniform(-2, 2, V3), Uniform(-2, 2, V3)),
            ["matmul (matrix, vector)"] = Binary(MatMul, Uniform(-2, 2, M23), Uniform(-2, 2, V3)),
            ["matmul (vector, matrix)"] = Binary(MatMul, Uniform(-2, 2, [2]), Uniform(-2, 2, M23)),
            ["matmul (matrix, matrix)"] = Binary(MatMul, Uniform(-2, 2, M23), Uniform(-2, 2, [3, 4])),
            ["matmul (batched)"] = Binary(MatMul, Uniform(-2, 2, T234), Uniform(-2, 2, [4, 2])),
            ["matmul (batched, both)"] = Binary(MatMul, Uniform(-2, 2, [2, 2, 3]), Uniform(-2, 2, [2, 3, 2])),
            ["matmul (batched, broadcast leading)"] = Binary(MatMul, Uniform(-2, 2, [2, 1, 2, 3]), Uniform(-2, 2, [3, 3, 2])),
            ["matmul (batched matrix, vector)"] = Binary(MatMul, Uniform(-2, 2, T234), Uniform(-2, 2, V4)),
            ["dot (vector, vector)"] = Binary(Dot, Uniform(-2, 2, V4), Uniform(-2, 2, V4)),
            ["dot (matrix, vector)"] = Binary(Dot, Uniform(-2, 2, M23), Uniform(-2, 2, V3)),
            ["dot (matrix, matrix)"] = Binary(Dot, Uniform(-2, 2, M23), Uniform(-2, 2, [3, 2])),
            ["dot (scalar, matrix)"] = Binary(Dot, Uniform(-2, 2, S), Uniform(-2, 2, M23)),
            ["tanh layer"] = Binary((w, x) => Sum(Pow(Tanh(Dot(w, x)), 2)), Uniform(-1, 1, [3, 4]), Uniform(-1, 1, V4)),
            ["lecture function"] = Binary(Models.Lecture, Uniform(-2, 2, M23), Uniform(0.5, 2, M23)),
        };

        foreach (var (shapes, a, b) in ShapePairs)
        {
            c[$"add {shapes}"] = Binary((x, y) => x + y, Uniform(-2, 2, a), Uniform(-2, 2, b));
            c[$"subtract {shapes}"] = Binary((x, y) => x - y * y, Uniform(-2, 2, a), Uniform(-2, 2, b));
            c[$"multiply {shapes}"] = Binary((x, y) => x * y, Uniform(-2, 2, a), Uniform(-2, 2, b));
            c[$"divide {shapes}"] = Binary((x, y) => x / y, Uniform(-2, 2, a), AwayFromZero(b));
            // Bases from 0.5: with exponents to −2 the third derivative near 0.2 reaches ~10⁵, beyond what the
            // checks' second-order finite differences (eps 10⁻⁴) resolve within their tolerance (seed arbbWJHqUJz1).
            c[$"pow (tensor exponent) {shapes}"] = Binary(Pow, Uniform(0.5, 3, a), Uniform(-2, 2, b));
            c[$"maximum {shapes}"] = ApartPair(Maximum, a, b);
            c[$"minimum {shapes}"] = ApartPair(Minimum, a, b);
            c[$"hypot {shapes}"] = Binary(Hypot, AwayFromZero(a), AwayFromZero(b));
        }
        AddToolboxCases(c);
        return c;
    }

    /// <summary>The numpy functions and transformations of issue 15 (Toolbox/ToolboxPropertyCases.cs).</summary>
    static partial void AddToolboxCases(Dictionary<string, Case> c);

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void PassesCheckGradsToOrderTwoInBothModes(string name)
    {
        var (args, f) = Cases[name];
        args.Sample(x => Ad.CheckGrads(f, x, order: 2, modes: ["fwd", "rev"]), iter: Iterations, threads: 1,
            print: x => string.Join("; ", x.Select(t => $"shape ({string.Join(",", t.Shape)}) {t}")));
    }
}
