using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;

namespace Adjoint;

/// <summary>One factor of a tree product: a structure and the shape of each of its leaves.</summary>
internal sealed record TreeFactor(TreeDef Def, int[][] UnitShapes)
{
    /// <summary>The factor of a primal tree (complex leaves have the shape of their parts).</summary>
    public static TreeFactor Of(TreeDef def, Tensor[] leaves)
    {
        var shapes = new List<int[]>();
        int next = 0;
        foreach (var unit in def.Units()) { shapes.Add(leaves[next].shape); next += unit.LeafCount; }
        return new(def, [.. shapes]);
    }

    /// <summary>The factor of one child (by key or position), or null.</summary>
    public TreeFactor? Child(object key)
    {
        int i = Def.IsUnit ? -1 : Def.ChildIndex(key);
        if (i < 0) return null;
        int offset = Def.Children.Take(i).Sum(c => c.UnitCount);
        return new(Def.Children[i], UnitShapes[offset..(offset + Def.Children[i].UnitCount)]);
    }
}

/// <summary>
/// Trees of tensors (JAX's pytrees): a tree is a <see cref="Tensor"/>, a <c>double</c>, a
/// <see cref="ComplexTensor"/>, an array or <c>List</c> of trees, a <c>ValueTuple</c> of trees, or a
/// <c>Dictionary&lt;string, tree&gt;</c> (keys taken in sorted order, as JAX does). Every
/// transformation of <see cref="Ad"/> accepts functions whose argument and result are trees.
/// </summary>
/// <remarks>
/// The static methods work on any tree. An instance is a read-only view of one (what JacFwd, JacRev
/// and Hessian of tree functions return): index it by key or position down to a leaf, which
/// converts to a <see cref="Tensor"/>: <c>Tensor haa = hessian["c"]["a"]["a"];</c>
/// </remarks>
public sealed partial class Tree
{
    // ------------------------------------------------------------------ static helpers

    /// <summary>The leaves of a tree in order (dictionary keys sorted; a complex leaf gives its real and imaginary parts) and its structure.</summary>
    /// <exception cref="ArgumentException">A node is of an unsupported type; the message names the type and the path.</exception>
    public static (Tensor[] Leaves, TreeDef Def) Flatten(object tree)
    {
        var leaves = new List<Tensor>();
        var def = TreeDef.Of(tree, "", leaves);
        return ([.. leaves], def);
    }

    /// <summary>
    /// Puts leaves back into the structure <paramref name="def"/>: containers are rebuilt with their
    /// original types; a leaf that was a double becomes a double again when its new value is a plain scalar.
    /// </summary>
    public static object Unflatten(TreeDef def, IEnumerable<Tensor> leaves)
    {
        var values = leaves.ToArray();
        if (values.Length != def.LeafCount)
            throw new ArgumentException($"Tree.Unflatten: the structure {def} has {def.LeafCount} leaves, but {values.Length} were given.");
        var units = new List<object>();
        int next = 0;
        foreach (var unit in def.Units())
            units.Add(unit.Kind == TreeDef.NodeKind.Complex ? new ComplexTensor(values[next++], values[next++]) : values[next++]);
        return FromUnits(def, units);
    }

    /// <summary>Rebuilds a tree from its leaves with complex ones whole; a double leaf gets back a double when its value is a plain scalar.</summary>
    internal static object FromUnits(TreeDef def, IReadOnlyList<object> units)
    {
        int next = 0;
        return def.Build(leaf => units[next++] switch
        {
            Adjoint.Tensor { Rank: 0 } t when leaf.Type == typeof(double) && t is not Tracer => t.Item,
            var value => value,
        });
    }

    /// <summary>A tree of the same structure with <paramref name="f"/> applied to every leaf (to both parts of a complex leaf).</summary>
    public static object Map(Func<Tensor, Tensor> f, object tree)
    {
        var (leaves, def) = Flatten(tree);
        return Unflatten(def, leaves.Select(f));
    }

    /// <summary>The JAX key path of every leaf in flattening order, e.g. <c>['c'][0]</c> (a complex leaf has one path).</summary>
    public static string[] Paths(object tree) => [.. Flatten(tree).Def.UnitPaths()];

    /// <summary>Flattens a function argument or result, rebuilding it typed; the error names the parameter when its type cannot hold traced values.</summary>
    internal static T Rebuild<T>(TreeDef def, IEnumerable<Tensor> leaves, string role) => Typed<T>(Unflatten(def, leaves), role);

    /// <summary>The tree as <typeparamref name="T"/>; the error says why a rebuilt tree may not fit.</summary>
    internal static T Typed<T>(object value, string role)
    {
        return value is T typed ? typed : throw new ArgumentException(
            $"The {role} has type {TreeDef.TypeName(typeof(T))}, which cannot hold the values the transformation passes " +
            $"(here a {TreeDef.TypeName(value.GetType())}): a leaf typed double cannot carry a traced value. Use Tensor leaves, e.g. Dictionary<string, Tensor>.");
    }

    // ------------------------------------------------------------------ the view

    /// <summary>The tree this view shows (nested containers of tensors).</summary>
    public object Value { get; }

    /// <summary>
    /// For Jacobians and Hessians: the structures whose tree product this tree is (f(x) ⊗ x, or
    /// f(x) ⊗ x ⊗ x), so that <see cref="ToMatrix"/> knows its rows and columns. Null otherwise.
    /// </summary>
    internal TreeFactor[]? Factors { get; }

    /// <summary>A view of <paramref name="value"/> (checked to be a tree).</summary>
    public Tree(object value) : this(value, null) => Flatten(value);

    internal Tree(object value, TreeFactor[]? factors) => (Value, Factors) = (value is Tree t ? t.Value : value, factors);

    /// <summary>The subtree under a dictionary key.</summary>
    public Tree this[string key] => Child(key, Value is IDictionary d && d.Contains(key) ? d[key] : null);

    /// <summary>The subtree at a position of an array, list or tuple.</summary>
    public Tree this[int index] => Child(index, Value switch
    {
        IList list when index >= 0 && index < list.Count => list[index],
        ITuple tuple when index >= 0 && index < tuple.Length => tuple[index],
        _ => null,
    });

    private Tree Child(object key, object? child)
    {
        if (child is null)
            throw new KeyNotFoundException($"Tree: no child {(key is string s ? $"'{s}'" : key)} in a tree of structure {Flatten(Value).Def}.");
        // Indexing walks down the first factor of a tree product; the remaining factors stay.
        TreeFactor[]? factors = null;
        if (Factors is [var first, .. var rest] && first.Child(key) is TreeFactor child1)
            factors = [child1, .. rest];
        return new Tree(child, factors);
    }

    /// <summary>Whether this is a single leaf (a tensor, double or complex tensor).</summary>
    public bool IsLeaf => Value is Adjoint.Tensor or double or ComplexTensor;

    /// <summary>The dictionary keys of this node, sorted (empty for other nodes).</summary>
    public IReadOnlyList<string> Keys => Value is IDictionary d ? [.. d.Keys.Cast<string>().Order(StringComparer.Ordinal)] : [];

    /// <summary>The leaf as a tensor; throws when this node is not a real leaf.</summary>
    public Tensor Tensor => Value switch
    {
        Adjoint.Tensor t => t,
        double d => d,
        _ => throw new InvalidOperationException($"Tree: this node is not a real tensor leaf but {Describe()}; index further (e.g. [\"key\"] or [0]).")
    };

    /// <summary>The leaf as a complex tensor; throws when this node is not a complex leaf.</summary>
    public ComplexTensor Complex => Value as ComplexTensor
        ?? throw new InvalidOperationException($"Tree: this node is not a complex leaf but {Describe()}.");

    public static implicit operator Tensor(Tree tree) => tree.Tensor;
    public static implicit operator ComplexTensor(Tree tree) => tree.Complex;

    private string Describe() => IsLeaf ? TreeDef.TypeName(Value.GetType()) : $"a {TreeDef.TypeName(Value.GetType())} of structure {Flatten(Value).Def}";

    /// <summary>
    /// A tree product of real leaves (a Jacobian f(x) ⊗ x, or the Hessian of a scalar function
    /// x ⊗ x) as one matrix with labelled rows and columns, e.g. a 6×6 table for six named parameters.
    /// </summary>
    public LabelledMatrix ToMatrix() => LabelledMatrix.FromProduct(this);

    /// <summary>Each leaf with its path and shape, then its values.</summary>
    public override string ToString()
    {
        if (IsLeaf) return Value.ToString()!;
        var (_, def) = Flatten(Value);
        var sb = new StringBuilder();
        var paths = def.UnitPaths().ToArray();
        var units = Units(Value).ToArray();
        for (int i = 0; i < units.Length; i++)
        {
            var shape = units[i] switch { Tensor t => t.shape, ComplexTensor z => z.Real.shape, _ => [] };
            sb.Append(paths[i]).Append(' ').Append(Shapes.Format(shape)).Append('\n');
            sb.Append(units[i]).Append('\n');
        }
        return sb.ToString().TrimEnd('\n');
    }

    /// <summary>The leaves (complex ones whole) of a tree in flattening order.</summary>
    internal static IEnumerable<object> Units(object tree)
    {
        var (leaves, def) = Flatten(tree);
        int next = 0;
        foreach (var unit in def.Units())
            if (unit.Kind == TreeDef.NodeKind.Complex) { yield return new ComplexTensor(leaves[next], leaves[next + 1]); next += 2; }
            else yield return leaves[next++];
    }
}
