namespace Adjoint.Traces;

/// <summary>What a node of a <see cref="TraceGraph"/> stands for.</summary>
public enum TraceNodeKind
{
    /// <summary>An argument of the traced function: v₋ₙ₊₁ … v₀.</summary>
    Input,
    /// <summary>The result of one primitive: v₁, v₂, …</summary>
    Operation,
    /// <summary>A value that does not depend on the inputs (a number written in the code, or a comparison's result).</summary>
    Constant,
}

/// <summary>
/// One value of a traced function: an input, an intermediate or a constant, with the primitive that
/// made it, its operands, its value and (depending on the trace) its tangent or adjoint.
/// </summary>
public sealed class TraceNode
{
    internal TraceNode(TraceNodeKind kind, int? index, string id, string symbol, string operation,
                       Primitive? primitive, IReadOnlyList<TraceNode> operands, Tensor value)
    {
        Kind = kind;
        Index = index;
        Id = id;
        Symbol = symbol;
        Operation = operation;
        Op = primitive;
        Operands = operands;
        Value = value;
    }

    public TraceNodeKind Kind { get; }

    /// <summary>The Griewank–Walther index: −n+1 … 0 for the n inputs, 1, 2, … for operations; null for constants.</summary>
    public int? Index { get; }

    /// <summary>An identifier safe for Mermaid, DOT and SVG: x1, v3, c1.</summary>
    public string Id { get; }

    /// <summary>v₋₁, v₃, …; for a constant, its value.</summary>
    public string Symbol { get; }

    /// <summary>The name given with <see cref="Ad.Name"/> (inputs default to x₁, x₂, …), or null.</summary>
    public string? Name { get; internal set; }

    /// <summary>The right-hand side written out: <c>sin(v₁)</c>, <c>v₋₁ / v₀</c>; an input's name; a constant's value.</summary>
    public string Operation { get; }

    /// <summary>The primitive's name (<c>sin</c>, <c>div</c>, <c>reduce_sum</c>) for operations, else null.</summary>
    public string? Primitive => Op?.Name;

    /// <summary>The primitive itself, whose rules the tangent and adjoint steps are written from.</summary>
    internal Primitive? Op { get; }

    /// <summary>The primitive's parameters as a listing shows them (<c>axes=(0,)</c>), or empty.</summary>
    public string Parameters => Op?.Parameters ?? "";

    /// <summary>The operands of the operation, in order (the same node twice for <c>x · x</c>).</summary>
    public IReadOnlyList<TraceNode> Operands { get; }

    public int[] Shape => Value.Shape;

    /// <summary>The primal value.</summary>
    public Tensor Value { get; }

    /// <summary>The tangent (forward traces), else null.</summary>
    public Tensor? Tangent { get; internal set; }

    /// <summary>The adjoint ∂y/∂v at the end of the backward sweep (reverse traces), else null.</summary>
    public Tensor? Adjoint { get; internal set; }

    /// <summary>v₃ (c) when named, else v₃.</summary>
    public string Label => Name is null || Kind == TraceNodeKind.Constant ? Symbol : $"{Symbol} ({Name})";

    public override string ToString() => Kind == TraceNodeKind.Operation ? $"{Symbol} = {Operation}" : Label;
}

/// <summary>
/// The computational graph of a traced function: inputs, operations in evaluation order, the constants
/// they use, and the output. Values, and tangents or adjoints, sit on the nodes. Renders as Mermaid,
/// Graphviz DOT, or an SVG drawn by the library itself; a notebook shows the SVG (as image/svg+xml:
/// the kernel escapes a string displayed as text/html).
/// </summary>
[TypeFormatterSource(typeof(NotebookFormatterSource), PreferredMimeTypes = ["image/svg+xml", "text/plain"])]
public sealed class TraceGraph
{
    internal TraceGraph(IReadOnlyList<TraceNode> inputs, IReadOnlyList<TraceNode> operations, IReadOnlyList<TraceNode> constants, TraceNode output)
    {
        Inputs = inputs;
        Operations = operations;
        Constants = constants;
        Output = output;
    }

    public IReadOnlyList<TraceNode> Inputs { get; }

    /// <summary>The operations in the order they ran (v₁, v₂, …).</summary>
    public IReadOnlyList<TraceNode> Operations { get; }

    public IReadOnlyList<TraceNode> Constants { get; }

    /// <summary>The node the function returned (y).</summary>
    public TraceNode Output { get; }

    /// <summary>Every node: inputs, constants, then operations in evaluation order.</summary>
    public IEnumerable<TraceNode> Nodes => Inputs.Concat(Constants).Concat(Operations);

    /// <summary>A Mermaid flowchart (a <c>#!mermaid</c> cell in Polyglot Notebooks, or Markdown on GitHub).</summary>
    public string ToMermaid() => GraphRenderer.Mermaid(this);

    /// <summary>Graphviz DOT (<c>dot -Tsvg</c>).</summary>
    public string ToDot() => GraphRenderer.Dot(this);

    /// <summary>A self-contained SVG picture: layers by depth from the inputs, left to right.</summary>
    public string ToSvg() => GraphSvg.Render(this);
}
