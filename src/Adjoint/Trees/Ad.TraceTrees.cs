using Adjoint.Traces;

namespace Adjoint;

public static partial class Ad
{
    /// <summary>
    /// Forward mode step by step for a function of a tree (e.g. named parameters): the inputs are
    /// labelled by their leaf paths (<c>sigma</c>, <c>w.0</c>), the seed ẋ is a tree of the same structure.
    /// </summary>
    public static ForwardModeTrace TraceForward<TIn, TArg>(Func<TIn, Tensor> f, TArg x, TArg tangent) where TArg : TIn
    {
        var (leaves, def) = Tree.Flatten(x!);
        var (seeds, seedDef) = Tree.Flatten(tangent!);
        if (!def.Equals(seedDef))
            throw new ArgumentException($"TraceForward: the tangent has structure {seedDef}, but the argument has structure {def}; they must match.");
        return TraceRun.Forward(Labelled(f, def), leaves, seeds);
    }

    /// <summary>Reverse mode step by step for a function of a tree, the inputs labelled by their leaf paths.</summary>
    /// <remarks>TArg : TIn keeps calls such as <c>TraceReverse(F, 2.0)</c> on the flat overload (see Ad.Trees.cs).</remarks>
    public static ReverseModeTrace TraceReverse<TIn, TArg>(Func<TIn, Tensor> f, TArg x) where TArg : TIn
    {
        var (leaves, def) = Tree.Flatten(x!);
        return TraceRun.Reverse(Labelled(f, def), leaves);
    }

    /// <summary>f over flat leaves, naming each traced leaf by its path so the tables show it.</summary>
    private static Func<Tensor[], Tensor> Labelled<TIn>(Func<TIn, Tensor> f, TreeDef def)
    {
        var labels = def.LeafLabels().ToArray();
        return a => f(Tree.Rebuild<TIn>(def, a.Select((leaf, i) => Name(labels[i], leaf)), "function's argument"));
    }
}
