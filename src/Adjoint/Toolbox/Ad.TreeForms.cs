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
}
