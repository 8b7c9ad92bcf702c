using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Adjoint;

/// <summary>
/// A traced program, like a jaxpr: inputs, a list of equations (one primitive each) and outputs.
/// <see cref="ToString"/> prints the listing so a student can see what Grad or Hessian turned a
/// function into; <see cref="Simplify"/> is what <c>Ad.Jit</c> runs before executing it. A notebook
/// shows the listing (not the kernel's tree view of the object).
/// </summary>
[Traces.TypeFormatterSource(typeof(GraphFormatterSource), PreferredMimeTypes = ["text/plain"])]
public sealed class Graph
{
    internal sealed record Variable(int Id, int[] Shape);

    /// <summary>output = primitive(inputs); each input is a <see cref="Variable"/> or a constant <see cref="Tensor"/>.</summary>
    internal sealed record Equation(Primitive Primitive, object[] Inputs, Variable Output);

    internal Variable[] Inputs { get; }
    internal Equation[] Equations { get; }
    internal object[] Outputs { get; }

    internal Graph(Variable[] inputs, Equation[] equations, object[] outputs) =>
        (Inputs, Equations, Outputs) = (inputs, equations, outputs);

    /// <summary>The number of equations (primitive applications).</summary>
    public int EquationCount => Equations.Length;

    /// <summary>How many equations apply the primitive of that name (e.g. "exp").</summary>
    public int Count(string primitive) => Equations.Count(e => e.Primitive.Name == primitive);

    /// <summary>
    /// The simplified program: constants folded, common subexpressions shared (the forward passes of a
    /// Hessian's basis directions share one primal pass), trivial identities removed (x·1, x + 0), dead code dropped.
    /// </summary>
    public Graph Simplify()
    {
        var replaced = new Dictionary<Variable, object>();
        var seen = new Dictionary<EquationKey, Variable>();
        var kept = new List<Equation>();
        object Resolve(object atom) => atom is Variable v && replaced.TryGetValue(v, out var r) ? r : atom;

        foreach (var eq in Equations)
        {
            var inputs = eq.Inputs.Select(Resolve).ToArray();
            if (inputs.All(a => a is Tensor) && Shapes.Size(eq.Output.Shape) <= MaximumFoldedSize)
            {
                replaced[eq.Output] = eq.Primitive.Eval([.. inputs.Cast<Tensor>()], eq.Output.Shape);
                continue;
            }
            if (Identity(eq.Primitive, inputs, eq.Output.Shape) is { } same)
            {
                replaced[eq.Output] = same;
                continue;
            }
            var key = new EquationKey(eq.Primitive, inputs);
            if (seen.TryGetValue(key, out var existing)) { replaced[eq.Output] = existing; continue; }
            seen[key] = eq.Output;
            kept.Add(eq with { Inputs = inputs });
        }
        var outputs = Outputs.Select(Resolve).ToArray();
        return new Graph(Inputs, DeadCodeRemoved(kept, outputs), outputs);
    }

    /// <summary>
    /// What makes two equations compute the same value: equal primitives (all parameters) on the same
    /// inputs. Variables are the same by reference; small constants (scalars, basis vectors) when their
    /// shapes and bits are equal; large ones (images) by reference, not to compare megabytes.
    /// </summary>
    private sealed class EquationKey(Primitive primitive, object[] inputs) : IEquatable<EquationKey>
    {
        private const int ComparedByValue = 64;
        private readonly Primitive primitive = primitive;
        private readonly object[] inputs = inputs;

        public bool Equals(EquationKey? other) =>
            other is not null && primitive.Equals(other.primitive) && inputs.Length == other.inputs.Length
            && inputs.Zip(other.inputs).All(pair => SameAtom(pair.First, pair.Second));

        private static bool SameAtom(object a, object b) => (a, b) switch
        {
            (Tensor { Size: <= ComparedByValue } x, Tensor { Size: <= ComparedByValue } y) =>
                Shapes.Equal(x.shape, y.shape) && MemoryMarshal.Cast<double, long>(x.Data).SequenceEqual(MemoryMarshal.Cast<double, long>(y.Data)),
            _ => ReferenceEquals(a, b),
        };

        public override bool Equals(object? obj) => Equals(obj as EquationKey);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.Add(primitive);
            foreach (var atom in inputs)
                if (atom is Tensor { Size: <= ComparedByValue } t) hash.AddBytes(MemoryMarshal.AsBytes(t.Data.AsSpan()));
                else hash.Add(RuntimeHelpers.GetHashCode(atom));
            return hash.ToHashCode();
        }
    }

    /// <summary>Folding a broadcast of a constant over a whole image would materialise it: fold only small results.</summary>
    internal const int MaximumFoldedSize = Dispatch.LargeSize;

    /// <summary>x·1, 1·x, x + 0, 0 + x, x − 0 with a scalar constant and no broadcasting: the result is x itself (the lane's identity element).</summary>
    private static object? Identity(Primitive p, object[] inputs, int[] shape)
    {
        if (p.Lane is not { Identity: { } e } lane) return null;
        bool IsIdentity(object a) => a is Tensor { Size: 1 } t && t.Data[0] == e;
        bool Fits(object a) => a is Variable v && Shapes.Equal(v.Shape, shape);
        if (IsIdentity(inputs[1]) && Fits(inputs[0])) return inputs[0];
        if (lane.Commutative && IsIdentity(inputs[0]) && Fits(inputs[1])) return inputs[1];
        return null;
    }

    private static Equation[] DeadCodeRemoved(List<Equation> equations, object[] outputs)
    {
        var live = new HashSet<Variable>(outputs.OfType<Variable>());
        var result = new List<Equation>();
        for (int i = equations.Count - 1; i >= 0; i--)
        {
            if (!live.Contains(equations[i].Output)) continue;
            result.Add(equations[i]);
            foreach (var v in equations[i].Inputs.OfType<Variable>()) live.Add(v);
        }
        result.Reverse();
        return [.. result];
    }

    /// <summary>
    /// How <c>Ad.Jit</c> executes this graph: block by block over its pixels (which equations run
    /// once before, inside each fused block, as per-block reductions, and after), or equation by equation (with its
    /// runs of element-wise equations fused into loops).
    /// Call it on the simplified graph: <c>MakeGraph(f)(x).Simplify().ExecutionPlan()</c>.
    /// </summary>
    public string ExecutionPlan() =>
        BlockedProgram.TryCreate(this)?.Describe()
        ?? $"equation by equation: {EquationCount} equations (no reduction over a large trailing block of axes, or not element-wise over it){new EquationProgram(this).Describe()}";

    /// <summary>The listing, in the style of <c>jax.make_jaxpr</c>.</summary>
    public override string ToString()
    {
        var names = new Dictionary<Variable, string>();
        var constants = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        string Name(Variable v) => names.TryGetValue(v, out var n) ? n : names[v] = Letters(names.Count);
        string Type(int[] shape) => $"f64[{string.Join(",", shape)}]";
        string Atom(object a) => a switch
        {
            Variable v => Name(v),
            Tensor { Rank: 0 } t => ArrayFormat.Scalar(t.Data[0]),
            Tensor t => constants.TryGetValue(t, out var c) ? c : constants[t] = $"c{constants.Count}",
            _ => "?",
        };

        var body = new StringBuilder();
        foreach (var v in Inputs) Name(v);
        foreach (var eq in Equations)
        {
            var args = string.Join(" ", eq.Inputs.Select(Atom));
            body.Append($"    {Name(eq.Output)}:{Type(eq.Output.Shape)} = {eq.Primitive} {args}\n");
        }
        var outs = string.Join(", ", Outputs.Select(Atom));
        var header = string.Join(" ", constants.Select(kv => $"{kv.Value}:{Type(kv.Key.shape)}"));
        var ins = string.Join(" ", Inputs.Select(v => $"{Name(v)}:{Type(v.Shape)}"));
        return $"{{ lambda {header}{(header.Length > 0 ? " " : "")}; {ins}. let\n{body}  in ({outs}) }}";
    }

    /// <summary>a, b, …, z, ba, bb, … as jaxpr names its variables.</summary>
    private static string Letters(int index)
    {
        var s = "";
        do { s = (char)('a' + index % 26) + s; index /= 26; } while (index > 0);
        return s;
    }
}

/// <summary>The notebook formatter of <see cref="Graph"/>: its listing as plain text.</summary>
public sealed class GraphFormatterSource
{
    public IEnumerable<object> CreateTypeFormatters() =>
        [new Traces.NotebookFormatter("text/plain", instance => instance is Graph graph ? graph.ToString() : null)];
}
