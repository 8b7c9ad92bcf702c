using Adjoint;
using static Adjoint.Np;

namespace Adjoint.Differential;

/// <summary>One operation of a random program: its name (as compare.py knows it), its arguments (indices into the values) and parameters.</summary>
internal sealed record Node(string Op, int[] Args, int[] Ints, double Real = 0, bool Flag = false);

/// <summary>
/// A random program: f(x, y) = the value of the last node. Values are numbered: x, y, the constants
/// (an image for the pixel programs), then the nodes in order.
/// </summary>
internal sealed record RandomProgram(int Id, bool Pixels, Tensor X, Tensor Y, Tensor[] Constants, Node[] Nodes, Tensor Tangent, Tensor Cotangent)
{
    public Tensor Evaluate(Tensor x, Tensor y)
    {
        var values = new List<Tensor> { x, y };
        values.AddRange(Constants);
        foreach (var node in Nodes) values.Add(Apply(node, node.Args.Select(a => values[a]).ToArray()));
        return values[^1];
    }

    /// <summary>Every operation through the public API (compare.py mirrors each with torch).</summary>
    public static Tensor Apply(Node n, Tensor[] a) => n.Op switch
    {
        "neg" => -a[0], "exp" => Exp(a[0]), "log" => Log(a[0]), "sin" => Sin(a[0]), "cos" => Cos(a[0]), "tan" => Tan(a[0]),
        "tanh" => Tanh(a[0]), "sqrt" => Sqrt(a[0]), "abs" => Abs(a[0]), "sign" => Sign(a[0]), "square" => Square(a[0]),
        "pow_const" => Pow(a[0], n.Real),
        "add" => a[0] + a[1], "sub" => a[0] - a[1], "mul" => a[0] * a[1], "div" => a[0] / a[1], "pow" => Pow(a[0], a[1]),
        "maximum" => Maximum(a[0], a[1]), "minimum" => Minimum(a[0], a[1]), "hypot" => Hypot(a[0], a[1]),
        "lt" => Less(a[0], a[1]), "le" => LessEqual(a[0], a[1]), "gt" => Greater(a[0], a[1]), "ge" => GreaterEqual(a[0], a[1]),
        "eq" => Equal(a[0], a[1]), "ne" => NotEqual(a[0], a[1]),
        "where" => Where(a[0], a[1], a[2]),
        "reshape" => Reshape(a[0], n.Ints), "broadcast" => BroadcastTo(a[0], n.Ints), "transpose" => Transpose(a[0], n.Ints),
        "slice" => Slice(a[0], n.Ints[0], n.Ints[1], n.Ints[2], n.Ints[3]),
        "concat" => Concatenate(a, n.Ints[0]), "stack" => Stack(a, n.Ints[0]), "index" => a[0][n.Ints[0]],
        "sum" => Sum(a[0], n.Ints.Length == 0 ? null : n.Ints[0], n.Flag),
        "max" => Max(a[0], n.Ints.Length == 0 ? null : n.Ints[0], n.Flag),
        "mean" => Mean(a[0], n.Ints.Length == 0 ? null : n.Ints[0], n.Flag),
        "matmul" => MatMul(a[0], a[1]), "dot" => Dot(a[0], a[1]),
        // issue 15's numpy functions (the element-wise ones have lane forms: pixel programs use them too)
        "log1p" => Log1p(a[0]), "expm1" => Expm1(a[0]), "log2" => Log2(a[0]), "log10" => Log10(a[0]), "exp2" => Exp2(a[0]),
        "sinh" => Sinh(a[0]), "cosh" => Cosh(a[0]), "arcsin" => Arcsin(a[0]), "arccos" => Arccos(a[0]), "arctan" => Arctan(a[0]),
        "arcsinh" => Arcsinh(a[0]), "arctanh" => Arctanh(a[0]), "erf" => Erf(a[0]),
        "arccosh" => Arccosh(1.1 + a[0] * a[0]), // shifted into its domain x ≥ 1 (random values rarely are there)
        "sigmoid" => Sigmoid(a[0]), "softplus" => Softplus(a[0]), "cbrt" => Cbrt(a[0]),
        "floor" => Floor(a[0]), "ceil" => Ceil(a[0]), "round" => Round(a[0]),
        "cumsum" => Cumsum(a[0], n.Ints[0]), "flip" => Flip(a[0], n.Ints[0]), "softmax" => Softmax(a[0], n.Ints[0]),
        "logsumexp" => Logsumexp(a[0], n.Ints.Length == 0 ? null : n.Ints[0]),
        "prod" => Prod(a[0], n.Ints.Length == 0 ? null : n.Ints[0]),
        "var" => Var(a[0], n.Ints.Length == 0 ? null : n.Ints[0]),
        _ => throw new ArgumentException(n.Op),
    };
}

/// <summary>
/// Builds random programs node by node. Each candidate node is evaluated on the program's point and kept only when
/// the point is well inside its domain: no kinks, ties or domain edges within a margin (|x| for abs, a − b for max
/// and comparisons, x &gt; 0 for log), so both implementations must agree on every derivative there.
/// </summary>
internal sealed class Generator(int seed)
{
    private readonly Random random = new(seed);

    private static readonly string[] Unary = ["neg", "exp", "log", "sin", "cos", "tan", "tanh", "sqrt", "abs", "sign", "square", "pow_const"];
    private static readonly string[] Binary = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "hypot"];
    private static readonly string[] Comparisons = ["lt", "le", "gt", "ge", "eq", "ne"];
    private static readonly string[] Structural = ["reshape", "broadcast", "transpose", "slice", "concat", "stack", "index"];
    private static readonly string[] Reductions = ["sum", "max", "mean"];
    private static readonly string[] ToolboxUnary = ["log1p", "expm1", "log2", "log10", "exp2", "sinh", "cosh", "arcsin", "arccos", "arctan",
                                                     "arcsinh", "arccosh", "arctanh", "erf", "sigmoid", "softplus", "cbrt", "floor", "ceil", "round"];
    private static readonly string[] ToolboxAxis = ["cumsum", "flip", "softmax", "logsumexp", "prod", "var"];
    private static readonly int[][] SmallShapes = [[3], [2, 3], [4], [2, 2]];

    public RandomProgram Next(int id)
    {
        bool pixels = id % 8 == 7; // every eighth program sums over a 128×128 image: Jit's fused loop and the GPU's pixel path
        while (true)
            if (TryProgram(id, pixels) is { } program) return program;
    }

    private Tensor Values(int[] shape, double low = -1.5, double high = 1.5) =>
        Uniform(shape, seed: random.Next(), low: low, high: high);

    private RandomProgram? TryProgram(int id, bool pixels)
    {
        var x = Values(pixels ? [3] : SmallShapes[random.Next(SmallShapes.Length)]);
        int[][] yShapes = [[], x.Shape, [x.Shape[^1]]];
        var y = Values(pixels ? [2] : yShapes[random.Next(yShapes.Length)]);
        Tensor[] constants = pixels ? [Values([128, 128], 0.5, 1.5)] : [];
        var values = new List<Tensor> { x, y };
        values.AddRange(constants);
        var dependsOnX = new List<bool> { true, false };
        dependsOnX.AddRange(constants.Select(_ => false));
        var nodes = new List<Node>();
        int target = random.Next(4, 11);

        if (pixels)
        {
            // Parameters enter the pixels as scalars: x[0], x[1], x[2], y[0], y[1].
            for (int i = 0; i < 3; i++) Add(new Node("index", [0], [i]), true);
            for (int i = 0; i < 2; i++) Add(new Node("index", [1], [i]), false);
        }

        void Add(Node node, bool onX)
        {
            nodes.Add(node);
            values.Add(RandomProgram.Apply(node, node.Args.Select(a => values[a]).ToArray()));
            dependsOnX.Add(onX);
        }

        for (int attempt = 0; nodes.Count < target + (pixels ? 5 : 0) && attempt < 400; attempt++)
        {
            var node = Candidate(values, pixels);
            if (node is null) continue;
            Tensor result;
            try { result = RandomProgram.Apply(node, node.Args.Select(a => values[a]).ToArray()); }
            catch (Exception e) when (e is ShapeException or ArgumentException) { continue; }
            if (!WellInside(node, node.Args.Select(a => values[a]).ToArray(), result)) continue;
            if (pixels && result.Size > 4 * 128 * 128) continue;
            if (!pixels && result.Size > 16) continue;
            Add(node, node.Args.Any(a => dependsOnX[a]));
        }
        if (pixels)
        {
            // The result: sums over the pixels of two pixel values (as a likelihood is).
            var images = Enumerable.Range(0, values.Count).Where(i => i >= 3 && values[i].Shape.SequenceEqual([128, 128]) && dependsOnX[i]).ToArray();
            if (images.Length == 0) return null;
            int first = Add2("sum", images[^1]), second = Add2("sum", images[random.Next(images.Length)]);
            Add(new Node("stack", [first, second], [0]), true);
            int Add2(string op, int arg) { Add(new Node(op, [arg], []), true); return values.Count - 1; }
        }
        if (!dependsOnX[^1] || values[^1].Size > 16 || values[^1].Size == 0) return null;
        var output = values[^1];
        return new RandomProgram(id, pixels, x, y, constants, [.. nodes],
            Tangent: Values(x.Shape), Cotangent: Values(output.Shape));
    }

    /// <summary>A random operation on random earlier values (the latest more often, for depth); null when it does not fit.</summary>
    private Node? Candidate(List<Tensor> values, bool pixels)
    {
        int Pick() => random.NextDouble() < 0.5 ? values.Count - 1 : random.Next(values.Count);
        string kind = Choose<string>(pixels ? ["unary", "binary", "binary", "where", "compare"] : ["unary", "unary", "binary", "binary", "where", "compare", "structural", "structural", "reduction", "matmul", "toolbox"]);
        int a = Pick(), b = Pick();
        var s = values[a].Shape;
        return kind switch
        {
            "unary" => (random.Next(3) == 0 ? Choose(ToolboxUnary) : Choose(Unary)) is var op && op == "pow_const"
                ? new Node(op, [a], [], Choose([3.0, -1.0, 0.5, 1.5, -2.0, 2.5, 0.0, 1.0])) : new Node(op, [a], []),
            "binary" when a != b => new Node(Choose(Binary), [a, b], []),
            "compare" when a != b => new Node(Choose(Comparisons), [a, b], []),
            "where" => values.Select((v, i) => (v, i)).Where(p => IsMask(p.v) && p.i > 1).Select(p => p.i).ToArray() is { Length: > 0 } masks && a != b
                ? new Node("where", [masks[random.Next(masks.Length)], a, b], []) : null,
            "reduction" when s.Length > 0 => random.Next(3) == 0
                ? new Node(Choose(Reductions), [a], [])
                : new Node(Choose(Reductions), [a], [random.Next(s.Length)], Flag: random.Next(2) == 0),
            "matmul" => new Node(random.Next(2) == 0 ? "matmul" : "dot", [a, b], []),
            "structural" => StructuralNode(a, b, s),
            "toolbox" => random.Next(2) == 0 ? new Node(Choose(ToolboxUnary), [a], [])
                : s.Length == 0 ? null
                : Choose(ToolboxAxis) is var op && op is "logsumexp" or "prod" or "var" && random.Next(3) == 0 ? new Node(op, [a], [])
                : new Node(op, [a], [random.Next(s.Length)]),
            _ => null,
        };
    }

    private static bool IsMask(Tensor t) => t.ToArray().All(v => v is 0 or 1);

    private Node? StructuralNode(int a, int b, int[] s) => Choose(Structural) switch
    {
        "reshape" when s.Length > 0 => new Node("reshape", [a], Choose(Factorisations(s.Aggregate(1, (p, d) => p * d)))),
        "broadcast" => new Node("broadcast", [a], [2, .. s]),
        "transpose" when s.Length == 2 => new Node("transpose", [a], [1, 0]),
        "slice" when s.Length > 0 && s[^1] >= 2 => random.Next(4) switch
        {
            0 => new Node("slice", [a], [s.Length - 1, 1, s[^1], 1]),
            1 => new Node("slice", [a], [s.Length - 1, 0, s[^1], 2]),
            2 => new Node("slice", [a], [s.Length - 1, s[^1] - 1, -s[^1] - 1, -1]), // x[n-1:-(n+1):-1] = x[::-1]
            _ => new Node("slice", [a], [s.Length - 1, s[^1] - 1, 0, -2]),          // x[n-1:0:-2]
        },
        "concat" when s.Length > 0 && a != b => new Node("concat", [a, b], [0]),
        "stack" when a != b => new Node("stack", [a, b], [0]),
        "index" when s.Length > 0 => new Node("index", [a], [random.Next(s[0])]),
        _ => null,
    };

    private static int[][] Factorisations(int n) =>
        [[n], .. Enumerable.Range(2, Math.Max(0, n - 2)).Where(d => n % d == 0).Select(d => new[] { d, n / d })];

    private T Choose<T>(T[] options) => options[random.Next(options.Length)];

    private const double Margin = 0.05;

    /// <summary>Whether the point is well inside the domain of the node's operation (and its result of moderate size).</summary>
    private static bool WellInside(Node n, Tensor[] a, Tensor result)
    {
        static double Min(Tensor t) => t.Size == 0 ? double.PositiveInfinity : t.ToArray().Min();
        static double Largest(Tensor t) => t.Size == 0 ? 0 : t.ToArray().Max(Math.Abs);
        static double Gap(Tensor p, Tensor q) => Min(Abs(p - q));
        var r = result.ToArray();
        if (r.Any(v => !double.IsFinite(v)) || Largest(result) > 1e3) return false;
        return n.Op switch
        {
            "log" or "sqrt" => Min(a[0]) > 0.1,
            "pow_const" => n.Real == Math.Floor(n.Real) ? Min(Abs(a[0])) > 0.2 : Min(a[0]) > 0.1,
            "abs" or "sign" => Min(Abs(a[0])) > Margin,
            "exp" or "expm1" or "exp2" or "sinh" or "cosh" => Largest(a[0]) < 4,
            "log1p" => Min(a[0]) > -0.9,
            "log2" or "log10" => Min(a[0]) > 0.1,
            "arcsin" or "arccos" or "arctanh" => Largest(a[0]) < 0.9,
            "cbrt" => Min(Abs(a[0])) > 0.1,
            // Piecewise constant: away from the jumps (integers; halves for round), where both sides agree on zero.
            "floor" or "ceil" => Min(Abs(a[0] - Round(a[0]))) > Margin,
            "round" => Min(Abs(a[0] - Floor(a[0]) - 0.5)) > Margin,
            "tan" => Min(Abs(Cos(a[0]))) > 0.3,
            "div" => Min(Abs(a[1])) > 0.2,
            "pow" => Min(a[0]) > 0.2 && Largest(a[1]) < 3,
            "maximum" or "minimum" or "lt" or "le" or "gt" or "ge" or "eq" or "ne" => Gap(a[0], a[1]) > Margin,
            "hypot" => Min(result) > 0.1,
            // The maximum is attained once (no tie within the margin) on every row reduced.
            "max" => n.Ints.Length == 0
                ? Sum(Less(Abs(a[0] - Max(a[0])), Margin)).Item == 1
                : Max(Sum(Less(Abs(a[0] - Max(a[0], n.Ints[0], true)), Margin), n.Ints[0])).Item == 1,
            _ => true,
        };
    }
}
