using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;

namespace Adjoint;

/// <summary>
/// The structure of a tree with its leaves taken out (JAX's PyTreeDef): which containers, in which
/// order, with which keys. <see cref="Tree.Flatten"/> gives it; <see cref="Tree.Unflatten"/> puts
/// leaves back. Printed as JAX prints one, e.g. <c>{'a': *, 'b': (*, [*, *])}</c>.
/// </summary>
/// <remarks>
/// A <see cref="ComplexTensor"/> is one leaf of the tree (as a complex array is in JAX), but it
/// flattens into two real tensors, its real and imaginary parts: the flat cores of <see cref="Ad"/>
/// only know real tensors, and differentiate through complex arithmetic written with real operations.
/// Methods that count "units" count a complex leaf once; methods that count leaves count it twice.
/// </remarks>
public sealed class TreeDef : IEquatable<TreeDef>
{
    internal enum NodeKind { Leaf, Complex, Sequence, Tuple, Dictionary }

    internal NodeKind Kind { get; }

    /// <summary>The node's runtime type: the container's type, or Tensor/double for a leaf.</summary>
    internal Type Type { get; }

    /// <summary>Dictionary keys in sorted (ordinal) order, as JAX sorts them; empty for other nodes.</summary>
    internal string[] Keys { get; }

    internal TreeDef[] Children { get; }

    /// <summary>The number of real tensors in a flattened tree of this structure (a complex leaf counts twice).</summary>
    public int LeafCount { get; }

    /// <summary>The number of leaves, counting a complex leaf once.</summary>
    internal int UnitCount { get; }

    internal TreeDef(NodeKind kind, Type type, string[] keys, TreeDef[] children)
    {
        (Kind, Type, Keys, Children) = (kind, type, keys, children);
        LeafCount = kind switch { NodeKind.Leaf => 1, NodeKind.Complex => 2, _ => children.Sum(c => c.LeafCount) };
        UnitCount = IsUnit ? 1 : children.Sum(c => c.UnitCount);
    }

    internal static readonly TreeDef TensorLeaf = new(NodeKind.Leaf, typeof(Tensor), [], []);
    internal static readonly TreeDef DoubleLeaf = new(NodeKind.Leaf, typeof(double), [], []);
    internal static readonly TreeDef ComplexLeaf = new(NodeKind.Complex, typeof(ComplexTensor), [], []);

    /// <summary>A leaf: a real tensor (or double), or a complex tensor.</summary>
    internal bool IsUnit => Kind is NodeKind.Leaf or NodeKind.Complex;

    /// <summary>The leaves (units) in flattening order.</summary>
    internal IEnumerable<TreeDef> Units() => IsUnit ? [this] : Children.SelectMany(c => c.Units());

    /// <summary>The JAX key path of each leaf (unit), e.g. <c>['c'][0]</c>; the root itself is the empty path.</summary>
    internal IEnumerable<string> UnitPaths(string prefix = "") =>
        IsUnit ? [prefix] : Children.SelectMany((c, i) => c.UnitPaths(prefix + Step(i)));

    /// <summary>A path as a short label: <c>['sigma']</c> → sigma, <c>['w'][1]</c> → w.1, the root alone → x.</summary>
    internal static string Label(string path)
    {
        var label = string.Join(".", path.Split('[', StringSplitOptions.RemoveEmptyEntries).Select(s => s.TrimEnd(']').Trim('\'')));
        return label.Length == 0 ? "x" : label;
    }

    /// <summary>A label for each real leaf (a complex leaf gives label.re and label.im).</summary>
    internal IEnumerable<string> LeafLabels() => Units().Zip(UnitPaths(), (unit, path) =>
        unit.Kind == NodeKind.Complex ? [Label(path) + ".re", Label(path) + ".im"] : new[] { Label(path) }).SelectMany(l => l);

    /// <summary>The path step to child <paramref name="i"/>: <c>['key']</c> or <c>[i]</c>.</summary>
    internal string Step(int i) => Kind == NodeKind.Dictionary ? $"['{Keys[i]}']" : $"[{i}]";

    /// <summary>The position of a child by key (dictionaries) or index (sequences, tuples); −1 when absent.</summary>
    internal int ChildIndex(object key) => (Kind, key) switch
    {
        (NodeKind.Dictionary, string k) => Array.IndexOf(Keys, k),
        (NodeKind.Sequence or NodeKind.Tuple, int i) when i >= 0 && i < Children.Length => i,
        _ => -1,
    };

    /// <summary>
    /// Rebuilds a tree of this structure; <paramref name="leaf"/> supplies the value of each leaf
    /// (unit), in order. Containers keep their type when the new values fit their element type
    /// (a Dictionary&lt;string, Tensor&gt; stays one); otherwise the same kind of container holding
    /// <c>object</c> is made (a tree product puts whole trees where tensors were).
    /// </summary>
    internal object Build(Func<TreeDef, object> leaf)
    {
        if (IsUnit) return leaf(this);
        var values = Children.Select(c => c.Build(leaf)).ToArray();
        return Kind switch
        {
            NodeKind.Sequence => BuildSequence(values),
            NodeKind.Tuple => BuildTuple(values),
            _ => BuildDictionary(values),
        };
    }

    private object BuildSequence(object[] values)
    {
        if (Type.IsArray)
        {
            var element = Fits(Type.GetElementType()!, values) ? Type.GetElementType()! : typeof(object);
            var array = Array.CreateInstance(element, values.Length);
            for (int i = 0; i < values.Length; i++) array.SetValue(values[i], i);
            return array;
        }
        var list = (IList)Activator.CreateInstance(Fits(ElementType(Type, 0), values) ? Type : typeof(List<object>))!;
        foreach (var v in values) list.Add(v);
        return list;
    }

    private object BuildTuple(object[] values)
    {
        var items = Type.GetGenericArguments();
        bool fits = values.Select((v, i) => items[i].IsInstanceOfType(v)).All(b => b);
        var type = fits ? Type : Type.GetGenericTypeDefinition().MakeGenericType(values.Select(_ => typeof(object)).ToArray());
        return Activator.CreateInstance(type, values)!;
    }

    private object BuildDictionary(object[] values)
    {
        var type = Fits(ElementType(Type, 1), values) ? Type : typeof(Dictionary<string, object>);
        var dictionary = (IDictionary)Activator.CreateInstance(type)!;
        for (int i = 0; i < values.Length; i++) dictionary.Add(Keys[i], values[i]);
        return dictionary;
    }

    private static bool Fits(Type element, object[] values) => values.All(element.IsInstanceOfType);

    /// <summary>Generic argument <paramref name="index"/> of a generic collection type (object if it has none).</summary>
    private static Type ElementType(Type type, int index)
    {
        var arguments = type.GetGenericArguments();
        return arguments.Length > index ? arguments[index] : typeof(object);
    }

    /// <summary>Reads the structure of a tree; <paramref name="path"/> names the node in error messages.</summary>
    internal static TreeDef Of(object? node, string path, List<Tensor> leaves)
    {
        switch (node)
        {
            case Tensor t:
                leaves.Add(t);
                return TensorLeaf;
            case double d:
                leaves.Add(d);
                return DoubleLeaf;
            case ComplexTensor z:
                leaves.Add(z.Real);
                leaves.Add(z.Imag);
                return ComplexLeaf;
            case Tree view:
                return Of(view.Value, path, leaves);
            case null:
                throw new ArgumentException($"Tree: null at path {Display(path)}; a tree is made of Tensor, double, ComplexTensor, arrays, lists, tuples and Dictionary<string, …>.");
        }
        var type = node.GetType();
        if (node is IDictionary dictionary)
        {
            if (!type.IsGenericType || type.GetGenericArguments()[0] != typeof(string))
                throw Unsupported(type, path, "dictionaries must have string keys");
            var keys = dictionary.Keys.Cast<string>().Order(StringComparer.Ordinal).ToArray();
            var children = keys.Select(k => Of(dictionary[k], path + $"['{k}']", leaves)).ToArray();
            return new TreeDef(NodeKind.Dictionary, type, keys, children);
        }
        if (node is ITuple tuple && type.IsValueType && type.IsGenericType)
        {
            if (tuple.Length > 7) throw Unsupported(type, path, "tuples of at most 7 items are supported");
            var children = Enumerable.Range(0, tuple.Length).Select(i => Of(tuple[i], path + $"[{i}]", leaves)).ToArray();
            return new TreeDef(NodeKind.Tuple, type, [], children);
        }
        if (node is Array { Rank: not 1 })
            throw Unsupported(type, path, "multi-dimensional C# arrays are not trees; make a Tensor with Np.Array");
        if (node is IList list && (type.IsArray || type.IsGenericType))
        {
            var children = Enumerable.Range(0, list.Count).Select(i => Of(list[i], path + $"[{i}]", leaves)).ToArray();
            return new TreeDef(NodeKind.Sequence, type, [], children);
        }
        throw Unsupported(type, path, null);
    }

    private static ArgumentException Unsupported(Type type, string path, string? why) => new(
        $"Tree: unsupported node of type {TypeName(type)} at path {Display(path)}" + (why is null ? "" : $" ({why})") +
        ". A tree is made of Tensor, double, ComplexTensor, arrays and List<…> of trees, ValueTuples of trees, and Dictionary<string, tree>.");

    internal static string Display(string path) => path.Length == 0 ? "(the root)" : path;

    /// <summary>A type as C# writes it: Dictionary&lt;string, Tensor&gt;, (Tensor, double), int[].</summary>
    internal static string TypeName(Type type)
    {
        if (type.IsArray) return TypeName(type.GetElementType()!) + "[]";
        if (type == typeof(double)) return "double";
        if (type == typeof(string)) return "string";
        if (type == typeof(int)) return "int";
        if (type == typeof(object)) return "object";
        if (!type.IsGenericType) return type.Name;
        var arguments = type.GetGenericArguments().Select(TypeName);
        if (type.FullName?.StartsWith("System.ValueTuple", StringComparison.Ordinal) == true) return "(" + string.Join(", ", arguments) + ")";
        return type.Name[..type.Name.IndexOf('`')] + "<" + string.Join(", ", arguments) + ">";
    }

    /// <summary>JAX's notation: <c>*</c> for a leaf, <c>(…)</c> tuples, <c>[…]</c> arrays and lists, <c>{'k': …}</c> dictionaries; a complex leaf is <c>*j</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Write(sb);
        return sb.ToString();
    }

    private void Write(StringBuilder sb)
    {
        switch (Kind)
        {
            case NodeKind.Leaf: sb.Append('*'); return;
            case NodeKind.Complex: sb.Append("*j"); return;
        }
        sb.Append(Kind switch { NodeKind.Tuple => '(', NodeKind.Sequence => '[', _ => '{' });
        for (int i = 0; i < Children.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            if (Kind == NodeKind.Dictionary) sb.Append('\'').Append(Keys[i]).Append("': ");
            Children[i].Write(sb);
        }
        if (Kind == NodeKind.Tuple && Children.Length == 1) sb.Append(',');
        sb.Append(Kind switch { NodeKind.Tuple => ')', NodeKind.Sequence => ']', _ => '}' });
    }

    /// <summary>
    /// Same kinds of containers (tuple, sequence, dictionary), keys and leaf kinds (real or complex), as
    /// JAX compares tree structures: the element types (Tensor or double, List or array) do not matter.
    /// </summary>
    public bool Equals(TreeDef? other) =>
        other is not null && Kind == other.Kind && Keys.SequenceEqual(other.Keys) &&
        Children.Length == other.Children.Length && Children.Zip(other.Children).All(p => p.First.Equals(p.Second));

    public override bool Equals(object? obj) => Equals(obj as TreeDef);
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
