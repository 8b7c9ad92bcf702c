// Transformations of functions whose argument and result are trees (Tree.cs), including complex
// leaves and JAX's holomorphic: true. Each one flattens the argument into real tensors, calls the
// flat cores of Ad.cs, and rebuilds the result: Jacobians as the tree product f(x) ⊗ x, Hessians as
// f(x) ⊗ x ⊗ x, each leaf of shape (out…, in…) or (out…, in₁…, in₂…), as jax.jacfwd/jax.hessian.
//
// Overload resolution: these are generic (Func<TIn, TOut>), so for a function of one Tensor the
// non-generic overloads of Overloads/Ad.Overloads.g.cs keep being chosen (C# prefers non-generic), and a method
// group or an untyped lambda never infers TIn. Give the function a tree type to get these:
//     Func<Dictionary<string, Tensor>, Tensor> nll = p => ...;   Ad.Hessian(nll)(parameters)
// or a typed lambda: Ad.Grad((Dictionary<string, Tensor> p) => ...). The optional holomorphic
// parameter also keeps a Func<Tensor, (Tensor, TAux)> on the has_aux overloads: with both needing a
// default argument, C# picks the more specific Func<Tensor, (Tensor, TAux)>.
// NotInferredFromArguments: the forms that take the argument (Jvp, Vjp, TraceForward, TraceReverse)
// type it TArg : TIn, so TIn is inferred from the function only. Otherwise Jvp(Sin, 1.0, 1.0) would
// infer TIn = double from the argument and fail to convert Sin to Func<double, Tensor> (a compile
// error, not a fallback to the flat overload).
namespace Adjoint;

public static partial class Ad
{
    // ------------------------------------------------------------------ public forms

    /// <summary>Forward mode on trees: f(x) and the tangent J·t, both of f's result structure (complex tangents as they are).</summary>
    /// <remarks>TArg (the argument's own type, which must be a TIn) keeps <c>Jvp(Sin, 1.0, 1.0)</c> on the flat overload: see NotInferredFromArguments.</remarks>
    public static (TOut Value, TOut Tangent) Jvp<TIn, TOut, TArg>(Func<TIn, TOut> f, TArg primal, TArg tangent) where TArg : TIn
    {
        var (x, inDef) = Tree.Flatten(primal!);
        var (t, tangentDef) = Tree.Flatten(tangent!);
        if (!inDef.Equals(tangentDef))
            throw new ArgumentException($"jvp: the tangent has structure {tangentDef}, but the primal has structure {inDef}; they must match.");
        var flat = new TreeFunction<TIn, TOut>(f, inDef);
        var (ys, dys) = JvpCore(flat.Call, x, t, []);
        return (Tree.Rebuild<TOut>(flat.OutDef, ys, "result"), Tree.Rebuild<TOut>(flat.OutDef, dys, "result"));
    }

    /// <summary>
    /// Reverse mode on trees: f(x) and the pullback from a cotangent of f's result structure to one of
    /// x's. Complex cotangents follow JAX: the cotangent of z = x + iy is ∂L/∂x − i·∂L/∂y.
    /// </summary>
    public static (TOut Value, Func<TOut, TIn> Pullback) Vjp<TIn, TOut, TArg>(Func<TIn, TOut> f, TArg primal) where TArg : TIn
    {
        var (x, inDef) = Tree.Flatten(primal!);
        var flat = new TreeFunction<TIn, TOut>(f, inDef);
        var (ys, pullback) = VjpCore(flat.Call, x, [.. Enumerable.Range(0, x.Length)]);
        var outDef = flat.OutDef;
        TIn Pullback(TOut cotangent)
        {
            var (ct, ctDef) = Tree.Flatten(cotangent!);
            if (!outDef.Equals(ctDef))
                throw new ArgumentException($"vjp: the cotangent has structure {ctDef}, but the output has structure {outDef}; they must match.");
            return Tree.Rebuild<TIn>(inDef, Conjugated(pullback(Conjugated(ct, outDef)), inDef), "argument");
        }
        return (Tree.Rebuild<TOut>(outDef, ys, "result"), Pullback);
    }

    /// <summary>
    /// The gradient of a scalar function of a tree, as a tree of the argument's structure:
    /// <c>Grad(nll)(parameters)["sigma"]</c>. A complex argument gets ∂f/∂x − i·∂f/∂y (JAX's convention).
    /// </summary>
    public static Func<TIn, TIn> Grad<TIn>(Func<TIn, Tensor> f, bool holomorphic = false) => x => GradTree(f, x, holomorphic);

    /// <summary>The complex derivative ∂f/∂z of a holomorphic scalar function of a tree of complex tensors (pass holomorphic: true).</summary>
    public static Func<TIn, TIn> Grad<TIn>(Func<TIn, ComplexTensor> f, bool holomorphic = false) => x => GradTree(f, x, holomorphic);

    /// <summary>The Jacobian of a tree function by forward mode: the tree product f(x) ⊗ x, leaves of shape (out…, in…).</summary>
    public static Func<TIn, Tree> JacFwd<TIn, TOut>(Func<TIn, TOut> f, bool holomorphic = false) => x =>
    {
        var (leaves, inDef, flat) = Prepare(f, x, "jacfwd", holomorphic, forward: true, reverse: false);
        var blocks = ForwardJacobian(flat.Call, leaves, Layout(inDef), () => Layout(flat.OutDef));
        return new Tree(Product(flat.OutDef, inDef, blocks), [flat.OutFactor, TreeFactor.Of(inDef, leaves)]);
    };

    /// <summary>The Jacobian of a tree function by reverse mode: the tree product f(x) ⊗ x, leaves of shape (out…, in…).</summary>
    public static Func<TIn, Tree> JacRev<TIn, TOut>(Func<TIn, TOut> f, bool holomorphic = false) => x =>
    {
        var (leaves, inDef, flat) = Prepare(f, x, "jacrev", holomorphic, forward: false, reverse: true);
        var blocks = ReverseJacobian(flat.Call, leaves, Layout(inDef), () => Layout(flat.OutDef));
        return new Tree(Product(flat.OutDef, inDef, blocks), [flat.OutFactor, TreeFactor.Of(inDef, leaves)]);
    };

    /// <summary>
    /// The Hessian of a tree function, JacFwd(JacRev(f)): the tree product f(x) ⊗ x ⊗ x, each leaf of
    /// shape (out…, in₁…, in₂…), as jax.hessian. <c>Hessian(f)(x)["c"]["a"]["b"]</c> is ∂²c/∂a∂b. Like the Hessian
    /// of tensors it is exactly symmetric: ["c"]["a"]["b"] and ["c"]["b"]["a"] mirror each other (the blocks on and below
    /// the diagonal, in argument order, are the ones computed).
    /// </summary>
    public static Func<TIn, Tree> Hessian<TIn, TOut>(Func<TIn, TOut> f, bool holomorphic = false) => x =>
    {
        var (leaves, inDef, flat) = Prepare(f, x, "hessian", holomorphic, forward: true, reverse: true);
        var blocks = HessianBlocks(flat.Call, leaves, Layout(inDef), () => Layout(flat.OutDef))
            .Select((row, k) => MirroredUnits(row, flat.OutFactor.UnitShapes[k].Length)).ToArray();
        var inFactor = TreeFactor.Of(inDef, leaves);
        // Each (output, argument) leaf holds a tree of the argument's structure: the second derivatives.
        var nested = blocks.Select(row => row.Select(column => BuildUnits(inDef, i => column[i])).ToArray()).ToArray();
        return new Tree(Product(flat.OutDef, inDef, nested), [flat.OutFactor, inFactor, inFactor]);
    };

    // Complex functions of one complex tensor: the results are complex tensors, not trees.

    /// <summary>The complex derivative of a holomorphic scalar function (pass holomorphic: true).</summary>
    public static Func<ComplexTensor, ComplexTensor> Grad(Func<ComplexTensor, ComplexTensor> f, bool holomorphic = false) =>
        z => GradTree(f, z, holomorphic);

    /// <summary>The complex Jacobian ∂f/∂z of a holomorphic function by forward mode (pass holomorphic: true).</summary>
    public static Func<ComplexTensor, ComplexTensor> JacFwd(Func<ComplexTensor, ComplexTensor> f, bool holomorphic = false) =>
        z => JacFwd<ComplexTensor, ComplexTensor>(f, holomorphic)(z).Complex;

    /// <summary>The complex Jacobian ∂f/∂z of a holomorphic function by reverse mode (pass holomorphic: true).</summary>
    public static Func<ComplexTensor, ComplexTensor> JacRev(Func<ComplexTensor, ComplexTensor> f, bool holomorphic = false) =>
        z => JacRev<ComplexTensor, ComplexTensor>(f, holomorphic)(z).Complex;

    /// <summary>The complex Hessian ∂²f/∂z² of a holomorphic function (pass holomorphic: true).</summary>
    public static Func<ComplexTensor, ComplexTensor> Hessian(Func<ComplexTensor, ComplexTensor> f, bool holomorphic = false) =>
        z => Hessian<ComplexTensor, ComplexTensor>(f, holomorphic)(z).Complex;

    // ------------------------------------------------------------------ flat machinery

    /// <summary>
    /// A tree function seen as a flat one (real tensors in, real tensors out), remembering the
    /// structure of its result and checking it on every call.
    /// </summary>
    private sealed class TreeFunction<TIn, TOut>(Func<TIn, TOut> f, TreeDef inDef, Action<TreeDef, Tensor[]>? check = null)
    {
        private TreeDef? outDef;
        private TreeFactor? outFactor;

        public TreeDef OutDef => outDef ?? throw new InvalidOperationException("The function has not been called yet.");
        public TreeFactor OutFactor => outFactor!;

        public Tensor[] Call(Tensor[] leaves)
        {
            var (outputs, def) = Tree.Flatten(f(Tree.Rebuild<TIn>(inDef, leaves, "function's argument"))!);
            if (outDef is not null && !outDef.Equals(def))
                throw new InvalidOperationException($"The function returned a result of structure {def}, but earlier one of structure {outDef}.");
            check?.Invoke(def, outputs);
            (outDef, outFactor) = (def, TreeFactor.Of(def, outputs));
            return outputs;
        }
    }

    /// <summary>Where a leaf sits in a flat list of real tensors: its first index, and whether it is complex (two tensors).</summary>
    private readonly record struct Unit(int Index, bool IsComplex);

    private static Unit[] Layout(TreeDef def) => Layout(def.Units().Select(u => u.Kind == TreeDef.NodeKind.Complex));

    private static Unit[] Layout(IEnumerable<bool> complex)
    {
        int next = 0;
        return [.. complex.Select(c => { var unit = new Unit(next, c); next += c ? 2 : 1; return unit; })];
    }

    /// <summary>Flattens the argument, checks its dtypes, and wraps f with the checks of its result.</summary>
    private static (Tensor[] Leaves, TreeDef InDef, TreeFunction<TIn, TOut> Flat) Prepare<TIn, TOut>(
        Func<TIn, TOut> f, TIn x, string name, bool holomorphic, bool forward, bool reverse)
    {
        var (leaves, inDef) = Tree.Flatten(x!);
        CheckDtypes(name, inDef, holomorphic, complexNeedsHolomorphic: forward, "inputs", "Jvp");
        var flat = new TreeFunction<TIn, TOut>(f, inDef, (outDef, _) =>
            CheckDtypes(name, outDef, holomorphic, complexNeedsHolomorphic: reverse, "outputs", "Vjp"));
        return (leaves, inDef, flat);
    }

    /// <summary>
    /// JAX's rules: with holomorphic every input and output must be complex; without it, forward mode
    /// needs real inputs and reverse mode real outputs (a complex Jacobian is not one matrix then).
    /// </summary>
    private static void CheckDtypes(string name, TreeDef def, bool holomorphic, bool complexNeedsHolomorphic, string side, string direct)
    {
        var kinds = def.Units().Zip(def.UnitPaths(), (u, p) => (Complex: u.Kind == TreeDef.NodeKind.Complex, Path: p)).ToArray();
        string At(string path) => path.Length == 0 ? "" : $" (at {path})";
        if (holomorphic && kinds.FirstOrDefault(k => !k.Complex) is { Path: { } realPath })
            throw new DTypeException($"{name} with holomorphic: true requires {side} with complex dtype (ComplexTensor), but got float64{At(realPath)}.");
        if (!holomorphic && complexNeedsHolomorphic && kinds.FirstOrDefault(k => k.Complex) is { Path: { } complexPath })
            throw new DTypeException($"{name} requires real-valued {side} (float64), but got complex128{At(complexPath)}. " +
                $"For holomorphic differentiation, pass holomorphic: true. For differentiation of non-holomorphic functions involving complex {side}, use {direct} directly.");
    }

    /// <summary>Negates the imaginary parts of complex leaves: JAX's cotangent of x + iy is ∂/∂x − i∂/∂y.</summary>
    private static Tensor[] Conjugated(Tensor[] leaves, TreeDef def)
    {
        var result = (Tensor[])leaves.Clone();
        foreach (var unit in Layout(def))
            if (unit.IsComplex) result[unit.Index + 1] = -result[unit.Index + 1];
        return result;
    }

    /// <summary>
    /// Jacobian blocks [output leaf][argument leaf] by forward mode: one pass with the basis of every
    /// argument. A complex argument is pushed along its real axis only (for a holomorphic function
    /// that is the complex derivative); a complex output's tangent is its real + i·imaginary tangent.
    /// </summary>
    private static object[][] ForwardJacobian(Func<Tensor[], Tensor[]> f, Tensor[] leaves, Unit[] ins, Func<Unit[]> outs)
    {
        var blocks = JacFwdCore(f, leaves, [.. ins.Select(u => u.Index)]);
        return [.. outs().Select(o => ins.Select((_, j) => o.IsComplex
            ? (object)new ComplexTensor(blocks[o.Index][j], blocks[o.Index + 1][j])
            : blocks[o.Index][j]).ToArray())];
    }

    /// <summary>
    /// Jacobian blocks by reverse mode: one pass pulling back the basis of the real parts of the
    /// outputs (for a holomorphic function the imaginary parts add nothing: Cauchy–Riemann). A complex
    /// argument gets ∂/∂x − i·∂/∂y, which is f'(z) for a holomorphic f.
    /// </summary>
    private static object[][] ReverseJacobian(Func<Tensor[], Tensor[]> f, Tensor[] leaves, Unit[] ins, Func<Unit[]> outs)
    {
        int[] argnums = [.. ins.SelectMany(u => u.IsComplex ? new[] { u.Index, u.Index + 1 } : [u.Index])];
        var blocks = JacRevCore(a => { var y = f(a); return [.. outs().Select(o => y[o.Index])]; }, leaves, argnums);
        return [.. blocks.Select(row =>
        {
            int column = 0;
            return ins.Select(u => u.IsComplex ? (object)new ComplexTensor(row[column++], -row[column++]) : row[column++]).ToArray();
        })];
    }

    /// <summary>Hessian blocks [output][argument₁][argument₂] = JacFwd of the blocks of JacRev.</summary>
    private static object[][][] HessianBlocks(Func<Tensor[], Tensor[]> f, Tensor[] leaves, Unit[] ins, Func<Unit[]> outs)
    {
        Tensor[] Inner(Tensor[] a) => [.. ReverseJacobian(f, a, ins, outs).SelectMany(row => row).SelectMany(RealParts)];
        // A block of the inner Jacobian is complex where its argument is (see ReverseJacobian).
        Unit[] InnerLayout() => Layout(outs().SelectMany(_ => ins.Select(u => u.IsComplex)));
        var blocks = ForwardJacobian(Inner, leaves, ins, InnerLayout);
        return [.. blocks.Chunk(ins.Length)];
    }

    /// <summary>One output's Hessian blocks made exactly symmetric as <see cref="Mirrored"/> does (complex ones part by part).</summary>
    private static object[][] MirroredUnits(object[][] blocks, int outRank)
    {
        Tensor[][] Parts(Func<object, Tensor> part) => [.. blocks.Select(row => row.Select(part).ToArray())];
        if (blocks.All(row => row.All(b => b is Tensor))) return Mirrored(Parts(b => (Tensor)b), outRank);
        if (!blocks.All(row => row.All(b => b is ComplexTensor))) return blocks; // mixed real and complex arguments: as computed
        var (real, imag) = (Mirrored(Parts(b => ((ComplexTensor)b).Real), outRank), Mirrored(Parts(b => ((ComplexTensor)b).Imag), outRank));
        return [.. real.Select((row, i) => row.Select((r, j) => (object)new ComplexTensor(r, imag[i][j])).ToArray())];
    }

    private static Tensor[] RealParts(object unit) => unit is ComplexTensor z ? [z.Real, z.Imag] : [(Tensor)unit];

    /// <summary>The gradient: the one row of the reverse Jacobian of a scalar function, as a tree like x.</summary>
    private static TIn GradTree<TIn, TOut>(Func<TIn, TOut> f, TIn x, bool holomorphic)
    {
        var (leaves, inDef, flat) = Prepare(f, x, "grad", holomorphic, forward: false, reverse: true);
        var blocks = ReverseJacobian(flat.Call, leaves, Layout(inDef), () =>
        {
            if (flat.OutFactor.UnitShapes is not [[]])
                throw new ShapeException($"grad requires a scalar-output function, but the output has {(flat.OutDef.IsUnit ? "shape " + Shapes.Format(flat.OutFactor.UnitShapes[0]) : "structure " + flat.OutDef)}. Use JacRev or Vjp for non-scalar outputs, or reduce the output (e.g. Sum).");
            return Layout(flat.OutDef);
        });
        return Tree.Typed<TIn>(Tree.FromUnits(inDef, blocks[0]), "argument");
    }

    /// <summary>Builds a tree of structure <paramref name="def"/> whose leaf k is <paramref name="unit"/>(k).</summary>
    private static object BuildUnits(TreeDef def, Func<int, object> unit)
    {
        int next = 0;
        return def.Build(_ => unit(next++));
    }

    /// <summary>The tree product outer ⊗ inner: each leaf k of outer becomes a tree like inner with leaves blocks[k][·].</summary>
    private static object Product(TreeDef outer, TreeDef inner, object[][] blocks) =>
        BuildUnits(outer, k => BuildUnits(inner, j => blocks[k][j]));
}

/// <summary>A value of the wrong dtype for a transformation (JAX raises TypeError), e.g. a real input with holomorphic: true.</summary>
public sealed class DTypeException(string message) : ArgumentException(message);
