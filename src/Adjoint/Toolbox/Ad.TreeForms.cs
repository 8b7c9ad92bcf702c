namespace Adjoint;

// Trees (dictionaries, tuples, lists of tensors: Trees/Tree.cs) in ValueAndGrad, Hvp and CheckGrads. Like the other
// tree forms these are generic, so functions of one Tensor keep the flat overloads; give the function a tree type.
public static partial class Ad
{
    /// <summary>The value and the gradient (a tree of the argument's structure) of a scalar function of a tree, in one pass.</summary>
    public static Func<TIn, (Tensor Value, TIn Gradient)> ValueAndGrad<TIn>(Func<TIn, Tensor> f) => x =>
    {
        var (value, pullback) = Vjp<TIn, Tensor, TIn>(f, x);
        if (value.Rank != 0)
            throw new ShapeException($"value_and_grad requires a scalar-output function, but the output has shape {Shapes.Format(value.shape)}.");
        return (value, pullback(1.0));
    };

    /// <summary>The Hessian-vector product H·v of a scalar function of a tree, v a tree like x (forward over reverse, H never formed).</summary>
    public static TIn Hvp<TIn, TArg>(Func<TIn, Tensor> f, TArg x, TArg v) where TArg : TIn =>
        Jvp<TIn, TIn, TArg>(Grad<TIn>(f), x, v).Tangent;

    /// <summary><see cref="CheckGrads(Func{Tensor[], Tensor}, Tensor[], int, string[], double, double, double, int)"/> for a function of a tree: every leaf is checked.</summary>
    public static void CheckGrads<TIn>(Func<TIn, Tensor> f, TIn x, int order, string[]? modes = null,
                                       double eps = 1e-4, double atol = 1e-5, double rtol = 1e-5, int seed = 0)
    {
        var (leaves, def) = Tree.Flatten(x!);
        CheckGrads(a => f(Tree.Rebuild<TIn>(def, a, "argument")), leaves, order, modes, eps, atol, rtol, seed);
    }

    // argnums for functions of several trees (the generated Grad/JacFwd/JacRev/Hessian<T1, …> forms): the arguments not
    // chosen are held fixed, and the one-tree transformations run on the chosen argument, or on a tuple of them.

    private static Tree GradOfTrees(Func<object[], Tensor> f, object[] args, int[] argnums) =>
        new(Grad<object>(Partial(f, args, argnums))(Chosen(args, argnums)));

    private static Tree JacFwdOfTrees<TOut>(Func<object[], TOut> f, object[] args, int[] argnums) =>
        JacFwd<object, TOut>(Partial(f, args, argnums))(Chosen(args, argnums));

    private static Tree JacRevOfTrees<TOut>(Func<object[], TOut> f, object[] args, int[] argnums) =>
        JacRev<object, TOut>(Partial(f, args, argnums))(Chosen(args, argnums));

    private static Tree HessianOfTrees<TOut>(Func<object[], TOut> f, object[] args, int[] argnums) =>
        Hessian<object, TOut>(Partial(f, args, argnums))(Chosen(args, argnums));

    /// <summary>f as a function of the chosen argument (or of a ValueTuple of the chosen ones), the others fixed.</summary>
    private static Func<object, TOut> Partial<TOut>(Func<object[], TOut> f, object[] args, int[] argnums) => x =>
    {
        var all = (object[])args.Clone();
        if (argnums.Length == 1) all[argnums[0]] = x;
        else for (int k = 0; k < argnums.Length; k++) all[argnums[k]] = ((System.Runtime.CompilerServices.ITuple)x)[k]!;
        return f(all);
    };

    /// <summary>The chosen argument, or a ValueTuple of the chosen ones in argnums order.</summary>
    private static object Chosen(object[] args, int[] argnums)
    {
        if (argnums.Length == 1) return args[argnums[0]];
        var chosen = argnums.Select(i => args[i]).ToArray();
        var create = typeof(ValueTuple).GetMethods().Single(m => m.Name == nameof(ValueTuple.Create) && m.GetGenericArguments().Length == chosen.Length);
        return create.MakeGenericMethod([.. chosen.Select(c => c.GetType())]).Invoke(null, chosen)!;
    }
}
