using System.Buffers;
using System.Linq.Expressions;
using Adjoint.Primitives;

namespace Adjoint;

/// <summary>
/// The fused block body of a <see cref="BlockedProgram"/> compiled into one SIMD loop over the pixels,
/// instead of interpreting it one primitive at a time over block-sized arrays.
/// </summary>
/// <remarks>
/// <para><b>The lane model.</b> Inside a block every body value has shape lead + (1, …, 1, m): for each
/// of the m pixels it holds L = Size(lead) numbers, its <i>lanes</i> (6 tangent directions of a Hessian,
/// or just 1). Body equations never mix pixels, so the whole body is a fixed program per pixel on
/// lanes. Which input lane an output lane reads is decided once, at compile time, by running the
/// primitive on a single pixel (block length 1) with lane numbers as data: broadcasting between lead
/// axes, reshape, transpose, slice, pad and concatenate all become lane maps; a sum or max over lead
/// axes adds or maxes lanes. Values that do not vary over the pixels (parameters computed before the
/// blocks, small constants) are <i>uniform</i>: one number per lane, broadcast to every pixel.</para>
/// <para><b>Lane program.</b> Each lane is a node: a compile-time constant, a uniform read once per block,
/// a load from an image, or an operation on other nodes. Building it folds constants, drops symbolic
/// zeros and ones (0·x = 0, x + 0 = x, as forward-mode AD treats zero tangents; this differs from IEEE
/// arithmetic only where x is infinite or NaN) and shares equal nodes, so one-hot tangent directions cost
/// only their non-zero lanes.</para>
/// <para><b>Code.</b> The live nodes become one System.Linq.Expressions lambda: uniform operations before
/// the loop; inside it, one Vector512 (or Vector256) local per live node, reused once dead so that the JIT
/// sees few locals; sums and maxes over the pixels accumulate into one vector per output lane, reduced
/// horizontally at the end of the block in a fixed order. The pixels after the last full vector
/// (only in the last block, as block lengths are multiples of 8) run through the same lane program with
/// scalar arithmetic. A block's result thus depends only on its pixels: deterministic for any thread count.
/// Products used once are fused into the addition or pixel sum that takes them (FusedMultiplyAdd).</para>
/// <para><b>Register pressure.</b> The JIT does not inline exp, log or hypot, and a call sends every live vector
/// through memory; so the calls run first, in a loop of their own that writes them to scratch arrays, and the main
/// loop (free of calls) computes one sum at a time, depth first, so that few values are alive at once.</para>
/// </remarks>
internal sealed partial class FusedLoop
{
    /// <summary>Lane programs larger than this are left to the interpreter (the JIT would give up optimising them).</summary>
    private const int MaximumNodes = 20_000;

    private enum Kind { Constant, Uniform, Load, Operation }

    /// <summary>One lane: Slot is the uniform's index or the loaded image's index; Offset the lane's start in that image.</summary>
    private sealed record Node(Kind Kind, double Value, int Slot, int Offset, Lane? Op, int[] Args, bool Varies);

    /// <summary>Pixel sums/maxes: output lane <see cref="Lane"/> of reduction <see cref="Reduction"/> accumulates node <see cref="Node"/> (subtracts it when <see cref="Negated"/>).</summary>
    private sealed record Accumulation(int Reduction, int Lane, int Node, bool IsMax, bool Negated = false);

    private sealed record Store(int Output, int Lane, int Node);

    private delegate void Kernel(double[][] images, double[] uniforms, double[][] outputs, double[] sums, double[][] scratch, int start, int count);

    private readonly List<Node> nodes = [];
    private readonly Dictionary<NodeKey, int> numbering = [];
    private readonly List<object> images = [];                      // atoms loaded per pixel (constants or variables)
    private readonly List<(object Atom, int Slot)> uniformSources = []; // atoms read once per call into the uniforms
    private int uniformCount;
    private readonly List<Accumulation> accumulations = [];
    private readonly List<Store> stores = [];
    private int[] reductionLanes = [];
    private readonly int pixels;
    private readonly int[] spatial;
    private Kernel kernel = null!;
    private int width;
    private int[] liveOrder = [];
    private int[] calls = [];

    /// <summary>What makes two nodes the same: their kind and value, or their function (with its constant operand) and arguments.</summary>
    private readonly record struct NodeKey(Kind Kind, long Bits, int Slot, int Offset, LaneCode? Code, double? Constant, int A0, int A1, int A2);

    // The lane functions the rewrites create, taken from their primitives.
    private static readonly Lane Add = AddP.Op.Lane!, Sub = SubP.Op.Lane!, Mul = MulP.Op.Lane!, Div = DivP.Op.Lane!,
        Neg = Primitives.Neg.Op.Lane!, Max = MaximumP.Op.Lane!;

    /// <summary>Whether 0·x and 0/x are 0 even where x may be infinite or NaN (see the remarks); else IEEE arithmetic.</summary>
    private readonly bool symbolicZeros;

    private FusedLoop(int[] spatial, bool symbolicZeros) => (this.spatial, pixels, this.symbolicZeros) = (spatial, Shapes.Size(spatial), symbolicZeros);

    /// <summary>
    /// Compiles the body and reduction equations (in program order) of a blocked graph, or returns null
    /// when one of them has no lane form (the interpreter then runs the blocks). <paramref name="readLanes"/>: for a pixel
    /// reduction, which of its lanes the program reads (the others are left 0, <see cref="LiveElements"/>); null for the
    /// other equations. <paramref name="symbolicZeros"/>: drop
    /// products with a constant zero as forward-mode AD drops zero tangents (true for derivative programs, where one-hot
    /// directions make most lanes zero); false keeps IEEE arithmetic (0·∞ is NaN), as eager evaluation computes.
    /// <paramref name="factor"/>: with symbolic zeros, refactor the tangent chains (<see cref="Factor"/>; false in tests, to compare).
    /// </summary>
    public static FusedLoop? TryCompile(Graph graph, int[] spatial, int[] bodyEquations, Func<int, bool[]?> readLanes, Graph.Variable[] spatialOutputs,
        bool use512, bool symbolicZeros = true, bool factor = true)
    {
        var loop = new FusedLoop(spatial, symbolicZeros);
        return loop.Build(graph, bodyEquations, readLanes, spatialOutputs, factor) && loop.nodes.Count <= MaximumNodes ? loop.Compile(use512) : null;
    }

    // ---- Building the lane program --------------------------------------------------------------

    private bool Build(Graph graph, int[] bodyEquations, Func<int, bool[]?> readLanes, Graph.Variable[] spatialOutputs, bool factor)
    {
        var onePixel = new BlockShapes(spatial, 1);
        var lanes = new Dictionary<Graph.Variable, int[]>();

        int[] Lanes(object atom) => atom is Graph.Variable v && lanes.TryGetValue(v, out var known) ? known : lanes[(Graph.Variable)atom] = Source(atom);
        int[] LanesOf(object atom) => atom is Tensor t ? Source(t) : Lanes(atom);

        var reductionSizes = new List<int>();
        foreach (int e in bodyEquations)
        {
            var eq = graph.Equations[e];
            var inputs = eq.Inputs.Select(LanesOf).ToArray();
            var inShapes = eq.Inputs.Select(a => onePixel.Map(a is Tensor t ? t.shape : ((Graph.Variable)a).Shape)).ToArray();
            var outShape = onePixel.Map(eq.Output.Shape);
            if (readLanes(e) is { } read)
            {
                // Over exactly the pixels: each lane of the input accumulates into the same lane of the output (if read).
                for (int l = 0; l < inputs[0].Length; l++)
                    if (read[l]) accumulations.Add(new(reductionSizes.Count, l, inputs[0][l], eq.Primitive is MaxP));
                reductionSizes.Add(inputs[0].Length);
                continue;
            }
            var single = eq.Primitive.OnBlocks(onePixel, eq.Inputs.Select(PixelPlan.ShapeOf).ToArray());
            if (single is null || Apply(single, inputs, inShapes, outShape) is not { } result) return false;
            lanes[eq.Output] = result;
        }
        reductionLanes = [.. reductionSizes];
        for (int k = 0; k < spatialOutputs.Length; k++)
        {
            var outputLanes = LanesOf(spatialOutputs[k]);
            for (int l = 0; l < outputLanes.Length; l++) stores.Add(new(k, l, outputLanes[l]));
        }
        if (symbolicZeros && factor) Factor();
        SplitSums();
        return true;
    }

    /// <summary>
    /// Σ(a + b) = Σa + Σb, Σ(a − b) = Σa − Σb and Σ(−a) = −Σa: a pixel sum takes the terms of an addition,
    /// subtraction or negation that nothing else uses straight into its accumulator (adding or subtracting
    /// each), so the loop never computes that addition or negation. The sum is rounded in another order.
    /// </summary>
    private void SplitSums()
    {
        var uses = UseCounts(LiveNodes());
        var split = new List<Accumulation>();
        void Take(Accumulation a)
        {
            var node = nodes[a.Node];
            bool onlyHere = !a.IsMax && node.Varies && uses[a.Node] == 1;
            if (onlyHere && IsNeg(a.Node, out int x)) Take(a with { Node = x, Negated = !a.Negated });
            else if (onlyHere && IsOp(a.Node, Add)) { Take(a with { Node = node.Args[0] }); Take(a with { Node = node.Args[1] }); }
            else if (onlyHere && IsOp(a.Node, Sub)) { Take(a with { Node = node.Args[0] }); Take(a with { Node = node.Args[1], Negated = !a.Negated }); }
            else split.Add(a);
        }
        foreach (var a in accumulations) Take(a);
        accumulations.Clear();
        accumulations.AddRange(split);
    }

    /// <summary>How often each node is read: by the given live nodes, the pixel reductions and the outputs.</summary>
    private int[] UseCounts(int[] live)
    {
        var uses = new int[nodes.Count];
        foreach (int id in live) foreach (int a in nodes[id].Args) uses[a]++;
        foreach (var a in accumulations) uses[a.Node]++;
        foreach (var st in stores) uses[st.Node]++;
        return uses;
    }

    /// <summary>The lanes of a value that comes from outside the body: an image, a uniform or a small constant.</summary>
    private int[] Source(object atom)
    {
        var shape = atom is Tensor t ? t.shape : ((Graph.Variable)atom).Shape;
        if (new BlockShapes(spatial, 1).IsSpatial(shape))
        {
            int image = images.FindIndex(a => ReferenceEquals(a, atom));
            if (image < 0) { image = images.Count; images.Add(atom); }
            return Enumerable.Range(0, Shapes.Size(shape) / pixels).Select(l => Leaf(Kind.Load, 0, image, l * pixels, true)).ToArray();
        }
        if (atom is Tensor constant) return constant.Data.Select(Constant).ToArray();
        int slot = uniformCount;
        uniformCount += Shapes.Size(shape);
        uniformSources.Add((atom, slot));
        return Enumerable.Range(slot, Shapes.Size(shape)).Select(s => Leaf(Kind.Uniform, 0, s, 0, false)).ToArray();
    }

    /// <summary>The output lanes of one body equation (its primitive's form on one pixel), or null when it has none.</summary>
    private int[]? Apply(Primitive single, int[][] inputs, int[][] inShapes, int[] outShape)
    {
        if (single.Lane is { } op)
        {
            // Element-wise with numpy broadcasting over the lead axes: which input lane each output lane reads.
            var maps = inShapes.Select(s => Kernels.BroadcastSources(s, outShape)).ToArray();
            int[] constant = op.Constant is { } c ? [Constant(c)] : [];
            return Enumerable.Range(0, Shapes.Size(outShape))
                .Select(l => Operation(op, [.. inputs.Select((lanes, i) => lanes[maps[i][l]]), .. constant])).ToArray();
        }
        if (single is Reduction r) return ReduceLanes(single, r is MaxP ? Max : Add, inputs[0], inShapes[0], outShape);
        // Structural: where each output lane comes from (the zeros a pad adds stay 0).
        var all = inputs.SelectMany(x => x).ToArray();
        return single.ElementSources(inShapes, outShape).Select(n => n == 0 ? Constant(0) : all[n - 1]).ToArray();
    }

    /// <summary>A sum or max over lead axes: find each input lane's output lane with one-hot inputs, then combine in lane order.</summary>
    private int[] ReduceLanes(Primitive single, Lane combine, int[] input, int[] inShape, int[] outShape)
    {
        var result = new int[Shapes.Size(outShape)];
        Array.Fill(result, -1);
        for (int l = 0; l < input.Length; l++)
        {
            var oneHot = new double[input.Length];
            oneHot[l] = 1;
            int target = Array.IndexOf(single.Eval([new Tensor(inShape, oneHot)], outShape).Data, 1.0);
            result[target] = result[target] < 0 ? input[l] : Operation(combine, result[target], input[l]);
        }
        return result;
    }

    private int Constant(double value) => Leaf(Kind.Constant, value, 0, 0, false);

    private int Leaf(Kind kind, double value, int slot, int offset, bool varies) =>
        Number(new NodeKey(kind, BitConverter.DoubleToInt64Bits(value), slot, offset, null, null, -1, -1, -1), () => new Node(kind, value, slot, offset, null, [], varies));

    private int Number(NodeKey key, Func<Node> create)
    {
        if (numbering.TryGetValue(key, out int id)) return id;
        nodes.Add(create());
        return numbering[key] = nodes.Count - 1;
    }

    private bool IsConstant(int node, out double value)
    {
        value = nodes[node].Value;
        return nodes[node].Kind == Kind.Constant;
    }

    private bool Is(int node, double value) => IsConstant(node, out double c) && c == value;

    /// <summary>op(args) with constants folded, symbolic zeros and ones dropped and equal nodes shared.</summary>
    private int Operation(Lane op, params int[] args)
    {
        if (args.All(a => nodes[a].Kind == Kind.Constant))
        {
            double Value(int i) => i < args.Length ? nodes[args[i]].Value : 0;
            return Constant(op.Scalar(Value(0), Value(1), Value(2)));
        }
        if (Simplified(op, args) is int same) return same;
        if (op.Commutative && args[0] > args[1]) args = [args[1], args[0]];
        int Arg(int i) => i < args.Length ? args[i] : -1;
        return Number(new NodeKey(Kind.Operation, 0, 0, 0, op.Code, op.Constant, Arg(0), Arg(1), Arg(2)),
            () => new Node(Kind.Operation, 0, 0, 0, op, args, args.Any(a => nodes[a].Varies)));
    }

    private bool IsNeg(int node, out int negated)
    {
        negated = nodes[node].Args.FirstOrDefault();
        return nodes[node].Op?.Code == LaneCode.Neg;
    }

    private bool IsOp(int node, Lane op) => nodes[node].Op?.Code == op.Code;

    /// <summary>Whether a node is 1/y.</summary>
    private bool IsReciprocal(int node, out int y)
    {
        y = nodes[node].Args.ElementAtOrDefault(1);
        return IsOp(node, Div) && Is(nodes[node].Args[0], 1);
    }

    /// <summary>
    /// Rewrites that make the loop cheaper: symbolic zeros and ones; a / b as a·(1/b), so that values sharing a
    /// denominator share one division (the slowest vector operation); negations moved outwards until they
    /// cancel or become subtractions. Each changes a result by at most a rounding.
    /// </summary>
    private int? Simplified(Lane op, int[] x) => op.Code switch
    {
        LaneCode.Mul when symbolicZeros && (Is(x[0], 0) || Is(x[1], 0)) => Constant(0),
        LaneCode.Mul when Is(x[0], 1) => x[1],
        LaneCode.Mul when Is(x[1], 1) => x[0],
        LaneCode.Mul when Is(x[0], -1) => Operation(Neg, x[1]),
        LaneCode.Mul when Is(x[1], -1) => Operation(Neg, x[0]),
        LaneCode.Mul when IsNeg(x[0], out int a) => Operation(Neg, Operation(Mul, a, x[1])),
        LaneCode.Mul when IsNeg(x[1], out int b) => Operation(Neg, Operation(Mul, x[0], b)),
        LaneCode.Add when Is(x[0], 0) => x[1],
        LaneCode.Add when Is(x[1], 0) => x[0],
        LaneCode.Add when IsNeg(x[1], out int b) => Operation(Sub, x[0], b),
        LaneCode.Add when IsNeg(x[0], out int a) => Operation(Sub, x[1], a),
        LaneCode.Sub when Is(x[1], 0) => x[0],
        LaneCode.Sub when Is(x[0], 0) => Operation(Neg, x[1]),
        LaneCode.Sub when IsNeg(x[1], out int b) => Operation(Add, x[0], b),
        LaneCode.Sub when IsNeg(x[0], out int a) => Operation(Neg, Operation(Add, a, x[1])),
        LaneCode.Div when symbolicZeros && Is(x[0], 0) => Constant(0),
        LaneCode.Div when Is(x[1], 1) => x[0],
        LaneCode.Div when IsNeg(x[1], out int b) => Operation(Neg, Operation(Div, x[0], b)),
        LaneCode.Div when !Is(x[0], 1) => Operation(Mul, x[0], Operation(Div, Constant(1), x[1])),
        // 1/(1/y) = y and 1/(u·(1/y)) = y/u, as the derivative of log(u/y) divides by u/y: a division saved each.
        LaneCode.Div when symbolicZeros && IsReciprocal(x[1], out int y) => y,
        LaneCode.Div when symbolicZeros && IsOp(x[1], Mul) && !nodes[nodes[x[1]].Args[0]].Varies && IsReciprocal(nodes[x[1]].Args[1], out int y) =>
            Operation(Mul, Operation(Div, Constant(1), nodes[x[1]].Args[0]), y),
        LaneCode.Div when symbolicZeros && IsOp(x[1], Mul) && !nodes[nodes[x[1]].Args[1]].Varies && IsReciprocal(nodes[x[1]].Args[0], out int y) =>
            Operation(Mul, Operation(Div, Constant(1), nodes[x[1]].Args[1]), y),
        LaneCode.Neg when IsNeg(x[0], out int a) => a,
        LaneCode.Neg when IsOp(x[0], Sub) => Operation(Sub, nodes[x[0]].Args[1], nodes[x[0]].Args[0]),
        LaneCode.Neg when IsOp(x[0], Mul) && IsConstant(nodes[x[0]].Args[0], out double c) => Operation(Mul, Constant(-c), nodes[x[0]].Args[1]),
        LaneCode.Neg when IsOp(x[0], Mul) && IsConstant(nodes[x[0]].Args[1], out double c) => Operation(Mul, nodes[x[0]].Args[0], Constant(-c)),
        LaneCode.Select when IsConstant(x[0], out double c) => c != 0 ? x[1] : x[2],
        LaneCode.Select when x[1] == x[2] => x[1],
        // Small integer powers by multiplication, as the eager kernel computes x²; others stay calls of Math.Pow.
        LaneCode.PowConst when Is(x[1], 1) => x[0],
        LaneCode.PowConst when Is(x[1], 2) => Operation(Mul, x[0], x[0]),
        LaneCode.PowConst when Is(x[1], 3) => Operation(Mul, Operation(Mul, x[0], x[0]), x[0]),
        LaneCode.PowConst when Is(x[1], -1) => Operation(Div, Constant(1), x[0]),
        _ => null,
    };

    // ---- Code generation ------------------------------------------------------------------------

    /// <summary>
    /// Compiles the lane program in named steps: plan the loops (which nodes each computes, in which order),
    /// then for each loop fuse multiply-adds and find last uses, emit it, and emit the horizontal reductions.
    /// </summary>
    private FusedLoop Compile(bool use512)
    {
        var api = new VectorApi(use512);
        width = api.Width;
        var (callsFirst, main) = PlanLoops();
        var code = new CodeGen(this, api);
        var loops = new List<Expression>();
        if (calls.Length > 0) loops.Add(code.Loop(callsFirst, last: false));
        loops.Add(code.Loop(main, last: true));
        kernel = code.Finish(loops);
        return this;
    }

    /// <summary>
    /// Calls (exp, hypot, …) are not inlined by the JIT, and every vector live across a call goes through memory.
    /// So a block runs two loops: the first computes only the calls (and what they need) into scratch arrays; the
    /// second, free of calls, reads them like images and does everything else, one sum at a time.
    /// </summary>
    private (int[] CallsFirst, int[] Main) PlanLoops()
    {
        liveOrder = LiveNodes();
        calls = liveOrder.Where(id => nodes[id].Varies && nodes[id].Op is { } op && VectorApi.IsCall(op)).ToArray();
        return (Ancestors(calls), ShortLived(LiveNodes(stopAt: calls), calls));
    }

    /// <summary>Fused multiply-adds of one loop: each addition → its product argument, and the products computed inside them.</summary>
    private sealed record Fusion(Dictionary<int, int> FusedInto, HashSet<int> Inlined);

    /// <summary>
    /// The kernel under construction: its parameters, locals and the statements before the loops, shared by the
    /// steps that emit each loop and the reductions.
    /// </summary>
    private sealed class CodeGen
    {
        private readonly FusedLoop loop;
        private readonly VectorApi api;
        private readonly ParameterExpression imagesP = Expression.Parameter(typeof(double[][]), "images");
        private readonly ParameterExpression uniformsP = Expression.Parameter(typeof(double[]), "uniforms");
        private readonly ParameterExpression outputsP = Expression.Parameter(typeof(double[][]), "outputs");
        private readonly ParameterExpression sumsP = Expression.Parameter(typeof(double[]), "sums");
        private readonly ParameterExpression scratchP = Expression.Parameter(typeof(double[][]), "scratch");
        private readonly ParameterExpression startP = Expression.Parameter(typeof(int), "start");
        private readonly ParameterExpression countP = Expression.Parameter(typeof(int), "count");
        private readonly List<ParameterExpression> variables = [];
        private readonly List<ParameterExpression> loopLocals = [];
        private readonly List<Expression> before = [];
        private readonly Expression[] value;
        private readonly ParameterExpression[] imageArrays;
        private readonly Dictionary<int, ParameterExpression> outputArrays, scratchArrays;
        private readonly ParameterExpression j, pixel;
        private readonly Accumulation[] accumulated;
        private readonly Dictionary<int, ParameterExpression> accumulators = [];

        public CodeGen(FusedLoop loop, VectorApi api)
        {
            (this.loop, this.api) = (loop, api);
            value = new Expression[loop.nodes.Count];
            imageArrays = loop.images.Select((_, k) => Local(typeof(double[]), $"image{k}")).ToArray();
            outputArrays = loop.stores.Select(s => s.Output).Distinct().ToDictionary(k => k, k => Local(typeof(double[]), $"output{k}"));
            scratchArrays = loop.calls.Select((id, k) => (id, k)).ToDictionary(c => c.id, c => Local(typeof(double[]), $"scratch{c.k}"));
            before.AddRange(imageArrays.Select((a, k) => Expression.Assign(a, Expression.ArrayIndex(imagesP, Expression.Constant(k)))));
            before.AddRange(outputArrays.Select(kv => Expression.Assign(kv.Value, Expression.ArrayIndex(outputsP, Expression.Constant(kv.Key)))));
            before.AddRange(loop.calls.Select((id, k) => Expression.Assign(scratchArrays[id], Expression.ArrayIndex(scratchP, Expression.Constant(k)))));
            j = Local(typeof(int), "j");
            pixel = Local(typeof(int), "pixel");

            // One accumulator per pixel reduction lane that has a term other than a constant zero of a sum.
            accumulated = loop.accumulations.Where(a => a.IsMax || !loop.Is(a.Node, 0)).ToArray();
            foreach (var a in accumulated.DistinctBy(loop.Flat))
            {
                accumulators[loop.Flat(a)] = Local(api.Vector, $"acc{loop.Flat(a)}");
                before.Add(Expression.Assign(accumulators[loop.Flat(a)], api.Splat(a.IsMax ? double.NegativeInfinity : 0.0)));
            }
        }

        private ParameterExpression Local(Type type, string name, List<ParameterExpression>? list = null)
        {
            var v = Expression.Variable(type, name);
            (list ?? variables).Add(v);
            return v;
        }

        /// <summary>a·b + c as one fused multiply-add where the product has no other use in this loop.</summary>
        private Fusion FuseMultiplyAdds(int[] order, Func<int, int[]> args, Func<int, bool> fromScratch, int[] uses)
        {
            var nodes = loop.nodes;
            bool Fusable(int id) => loop.IsOp(id, Mul) && nodes[id].Varies && uses[id] == 1;
            var fusedInto = new Dictionary<int, int>();
            foreach (int id in order)
                if (loop.IsOp(id, Add) && nodes[id].Varies && !fromScratch(id) && nodes[id].Args.FirstOrDefault(a => Fusable(a) && !fusedInto.ContainsValue(a), -1) is >= 0 and int product)
                    fusedInto[id] = product;
            return new Fusion(fusedInto, fusedInto.Values.ToHashSet());
        }

        /// <summary>The position in <paramref name="order"/> where each node is read for the last time (−1: never).</summary>
        private int[] LastUses(int[] order, Func<int, int[]> reads)
        {
            var lastUse = new int[loop.nodes.Count];
            Array.Fill(lastUse, -1);
            for (int position = 0; position < order.Length; position++)
                foreach (int a in reads(order[position])) lastUse[a] = position;
            return lastUse;
        }

        /// <summary>One loop over the pixels computing the nodes of <paramref name="order"/>; the last loop also accumulates and stores.</summary>
        public Expression Loop(int[] order, bool last)
        {
            var nodes = loop.nodes;
            var inLoop = new List<Expression> { Expression.Assign(pixel, Expression.Add(startP, j)) };
            var accumulationsOf = (last ? accumulated : []).ToLookup(a => a.Node);
            var storesOf = (last ? loop.stores : []).ToLookup(s => s.Node);
            bool FromScratch(int id) => last && scratchArrays.ContainsKey(id);
            int[] Args(int id) => FromScratch(id) ? [] : nodes[id].Args;

            var uses = new int[nodes.Count];
            foreach (int id in order) foreach (int a in Args(id)) uses[a]++;
            foreach (var a in accumulationsOf.SelectMany(g => g)) uses[a.Node]++;
            foreach (var st in storesOf.SelectMany(g => g)) uses[st.Node]++;
            foreach (int c in last ? [] : loop.calls) uses[c]++;
            var (fusedInto, inlined) = FuseMultiplyAdds(order, Args, FromScratch, uses);
            // A product used only by a pixel sum goes into its accumulator as a fused multiply-add too.
            bool IntoSum(int id) => loop.IsOp(id, Mul) && nodes[id].Varies && uses[id] == 1 && !inlined.Contains(id) && accumulationsOf[id].Any(a => !a.IsMax);
            int[] Reads(int id) => fusedInto.TryGetValue(id, out int product)
                ? [.. nodes[product].Args, .. nodes[id].Args.Where(a => a != product)]
                : inlined.Contains(id) ? [] : Args(id);

            // Loop locals are recycled after their last use so the JIT tracks (and enregisters) few of them.
            var lastUse = LastUses(order, Reads);
            var free = new Stack<ParameterExpression>(loopLocals);
            void Release(int node) { if (nodes[node].Varies) free.Push((ParameterExpression)value[node]); }
            void ReleaseDead(IEnumerable<int> reads, int position) { foreach (int a in reads.Distinct()) if (lastUse[a] == position) Release(a); }
            ParameterExpression LoopLocal() => free.Count > 0 ? free.Pop() : Local(api.Vector, $"v{loopLocals.Count}", loopLocals);

            // Sums, outputs and scratch arrays take a value right away; a value needed by nothing else is then dead.
            void EmitUses(int id)
            {
                foreach (var a in accumulationsOf[id])
                    inLoop.Add(Expression.Assign(accumulators[loop.Flat(a)], api.Call(a.IsMax ? "Max" : a.Negated ? "Subtract" : "Add", accumulators[loop.Flat(a)], value[id])));
                foreach (var s in storesOf[id])
                    inLoop.Add(api.Store(value[id], outputArrays[s.Output], Expression.Add(pixel, Expression.Constant(s.Lane * loop.pixels))));
                if (!last && scratchArrays.TryGetValue(id, out var scratch)) inLoop.Add(api.Store(value[id], scratch, j));
                if (lastUse[id] < 0) Release(id);
            }

            for (int position = 0; position < order.Length; position++)
            {
                int id = order[position];
                var node = nodes[id];
                if (inlined.Contains(id)) continue; // computed inside its fused multiply-add
                if (IntoSum(id))
                {
                    var a = accumulationsOf[id].Single();
                    var acc = accumulators[loop.Flat(a)];
                    inLoop.Add(Expression.Assign(acc, a.Negated
                        ? api.MultiplySubtractFrom(acc, value[node.Args[0]], value[node.Args[1]])
                        : api.Call("FusedMultiplyAdd", value[node.Args[0]], value[node.Args[1]], acc)));
                    ReleaseDead(node.Args, position);
                    continue;
                }
                if (fusedInto.TryGetValue(id, out int multiplied))
                {
                    var factors = nodes[multiplied].Args;
                    var local = LoopLocal();
                    inLoop.Add(Expression.Assign(local, api.Call("FusedMultiplyAdd", value[factors[0]], value[factors[1]], value[node.Args.First(a => a != multiplied)])));
                    value[id] = local;
                    ReleaseDead(Reads(id), position);
                    EmitUses(id);
                    continue;
                }
                if (!node.Varies && value[id] is not null) { EmitUses(id); continue; } // computed before the first loop
                Expression computed = node.Kind switch
                {
                    _ when FromScratch(id) => api.Load(scratchArrays[id], j),
                    Kind.Constant => api.Splat(node.Value),
                    Kind.Uniform => api.Splat(Expression.ArrayIndex(uniformsP, Expression.Constant(node.Slot))),
                    Kind.Load => api.Load(imageArrays[node.Slot], Expression.Add(pixel, Expression.Constant(node.Offset))),
                    _ => api.Apply(node.Op!, node.Args.Select(a => value[a]).ToArray()),
                };
                if (node.Kind == Kind.Constant) { value[id] = computed; } // the JIT embeds vector constants
                else if (!node.Varies)
                {
                    var local = Local(api.Vector, $"u{id}");
                    before.Add(Expression.Assign(local, computed));
                    value[id] = local;
                }
                else
                {
                    var local = LoopLocal();
                    inLoop.Add(Expression.Assign(local, computed));
                    value[id] = local;
                    ReleaseDead(Args(id), position);
                }
                EmitUses(id);
            }
            inLoop.Add(Expression.AddAssign(j, Expression.Constant(api.Width)));

            var vectorEnd = Expression.And(countP, Expression.Constant(-api.Width));
            var end = Expression.Label("end");
            return Expression.Block(Expression.Assign(j, Expression.Constant(0)),
                Expression.Loop(Expression.IfThenElse(Expression.LessThan(j, vectorEnd), Expression.Block(inLoop), Expression.Break(end)), end));
        }

        /// <summary>The kernel: the statements before the loops, the loops, then each accumulator reduced horizontally into sums.</summary>
        public Kernel Finish(List<Expression> loops)
        {
            var statements = new List<Expression>(before);
            statements.AddRange(loops);
            statements.AddRange(accumulated.DistinctBy(loop.Flat).Select(a => Expression.Assign(
                Expression.ArrayAccess(sumsP, Expression.Constant(loop.Flat(a))),
                a.IsMax ? api.HorizontalMax(accumulators[loop.Flat(a)]) : api.HorizontalSum(accumulators[loop.Flat(a)]))));
            statements.Add(Expression.Empty());
            var body = Expression.Block(variables.Concat(loopLocals), statements);
            return Expression.Lambda<Kernel>(body, imagesP, uniformsP, outputsP, sumsP, scratchP, startP, countP).Compile();
        }
    }

    /// <summary>
    /// The nodes of <paramref name="live"/> in the order that keeps few values alive at once: each sum's terms and
    /// each output in turn, computing what one needs (depth first) just before it, so that a lane is finished
    /// before the next starts, instead of all lanes advancing step by step (creation order).
    /// </summary>
    private int[] ShortLived(int[] live, int[] leaves)
    {
        var inLive = new bool[nodes.Count];
        foreach (int id in live) inLive[id] = true;
        var stop = leaves.ToHashSet();
        var order = new List<int>();
        var done = new bool[nodes.Count];
        void Visit(int id)
        {
            if (done[id] || !inLive[id]) return;
            done[id] = true;
            if (!stop.Contains(id)) foreach (int a in nodes[id].Args) Visit(a);
            order.Add(id);
        }
        foreach (var a in accumulations) Visit(a.Node);
        foreach (var st in stores) Visit(st.Node);
        return [.. order];
    }

    /// <summary>The given nodes and every node they are computed from, in creation order.</summary>
    private int[] Ancestors(int[] of)
    {
        var needed = new bool[nodes.Count];
        foreach (int id in of) needed[id] = true;
        for (int id = nodes.Count - 1; id >= 0; id--)
            if (needed[id]) foreach (int a in nodes[id].Args) needed[a] = true;
        return Enumerable.Range(0, nodes.Count).Where(id => needed[id]).ToArray();
    }

    /// <summary>The nodes that reach a pixel reduction or an output, in creation order (arguments first); those of <paramref name="stopAt"/> as leaves.</summary>
    private int[] LiveNodes(int[]? stopAt = null)
    {
        var live = new bool[nodes.Count];
        foreach (var a in accumulations) live[a.Node] = true;
        foreach (var s in stores) live[s.Node] = true;
        var leaves = (stopAt ?? []).ToHashSet();
        for (int id = nodes.Count - 1; id >= 0; id--)
            if (live[id] && !leaves.Contains(id)) foreach (int a in nodes[id].Args) live[a] = true;
        return Enumerable.Range(0, nodes.Count).Where(id => live[id]).ToArray();
    }

    private int Flat(Accumulation a)
    {
        int offset = 0;
        for (int r = 0; r < a.Reduction; r++) offset += reductionLanes[r];
        return offset + a.Lane;
    }

    /// <summary>The size of the loop, for <see cref="Graph.ExecutionPlan"/>.</summary>
    public string Describe()
    {
        var perPixel = liveOrder.Where(id => nodes[id].Varies).GroupBy(id => nodes[id].Op?.Name ?? "load")
            .OrderByDescending(g => g.Count()).Select(g => $"{g.Key}×{g.Count()}");
        return $"{liveOrder.Count(id => nodes[id].Varies)} operations on vectors of {width} pixels ({string.Join(", ", perPixel)}), " +
               $"{accumulations.Where(a => a.IsMax || !Is(a.Node, 0)).DistinctBy(Flat).Count()} accumulators, {calls.Length} calls computed first in a loop of their own, {liveOrder.Count(id => nodes[id].Kind == Kind.Operation && !nodes[id].Varies)} operations once per block";
    }

    // ---- Running --------------------------------------------------------------------------------

    /// <summary>The loop with this call's data: the images it reads, the uniforms and the output images.</summary>
    public Bound Bind(Func<object, Tensor> value, double[][] outputs)
    {
        var uniforms = new double[uniformCount];
        foreach (var (atom, slot) in uniformSources) value(atom).Data.CopyTo(uniforms, slot);
        return new Bound(this, images.Select(a => value(a).Data).ToArray(), uniforms, outputs);
    }

    internal sealed class Bound(FusedLoop loop, double[][] images, double[] uniforms, double[][] outputs)
    {
        /// <summary>One block: its partial result of every pixel reduction (one array per reduction), outputs written in place.</summary>
        public double[][] Run(int start, int count)
        {
            var sums = new double[loop.reductionLanes.Sum()];
            foreach (var a in loop.accumulations) if (a.IsMax) sums[loop.Flat(a)] = double.NegativeInfinity;
            // One scratch array per call (see Compile), lent by the shared pool: blocks run on any thread.
            var scratch = loop.calls.Select(_ => ArrayPool<double>.Shared.Rent(count)).ToArray();
            loop.kernel(images, uniforms, outputs, sums, scratch, start, count);
            foreach (var array in scratch) ArrayPool<double>.Shared.Return(array);
            int vectorEnd = count & -loop.width;
            if (vectorEnd < count) loop.RunScalar(images, uniforms, outputs, sums, start + vectorEnd, start + count);
            var result = new double[loop.reductionLanes.Length][];
            for (int r = 0, offset = 0; r < result.Length; offset += loop.reductionLanes[r++])
                result[r] = sums.AsSpan(offset, loop.reductionLanes[r]).ToArray();
            return result;
        }
    }

    /// <summary>The last few pixels: the same lane program, one pixel at a time in scalar arithmetic.</summary>
    private void RunScalar(double[][] images, double[] uniforms, double[][] outputs, double[] sums, int from, int to)
    {
        var values = new double[nodes.Count];
        for (int pixel = from; pixel < to; pixel++)
        {
            foreach (int id in liveOrder)
            {
                var n = nodes[id];
                double Arg(int i) => i < n.Args.Length ? values[n.Args[i]] : 0;
                values[id] = n.Kind switch
                {
                    Kind.Constant => n.Value,
                    Kind.Uniform => uniforms[n.Slot],
                    Kind.Load => images[n.Slot][n.Offset + pixel],
                    _ => n.Op!.Scalar(Arg(0), Arg(1), Arg(2)),
                };
            }
            foreach (var a in accumulations)
            {
                int k = Flat(a);
                sums[k] = a.IsMax ? Math.Max(sums[k], values[a.Node]) : a.Negated ? sums[k] - values[a.Node] : sums[k] + values[a.Node];
            }
            foreach (var s in stores) outputs[s.Output][s.Lane * pixels + pixel] = values[s.Node];
        }
    }
}
