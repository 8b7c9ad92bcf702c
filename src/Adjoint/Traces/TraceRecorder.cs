namespace Adjoint.Traces;

/// <summary>
/// Collects the names given with <see cref="Ad.Name"/> while a trace runs. Names are keyed by the
/// tensor object (a tracer), so they are looked up once the trace is complete.
/// </summary>
internal sealed class NameScope : IDisposable
{
    [ThreadStatic] private static NameScope? current;
    private readonly NameScope? outer;
    private readonly Dictionary<Tensor, string> names = new(ReferenceEqualityComparer.Instance);

    private NameScope() => outer = current;

    /// <summary>The innermost running trace's scope, or null outside any trace.</summary>
    public static NameScope? Current => current;

    public static NameScope Begin() => current = new NameScope();

    public void Set(Tensor value, string name) => names[value] = name;

    public string? Get(Tensor value) => names.GetValueOrDefault(value);

    public void Dispose() => current = outer;
}

/// <summary>One primitive application as a trace saw it: output = primitive(inputs).</summary>
internal sealed record RecordedEquation(Primitive Primitive, Tensor[] Inputs, Tensor Output);

/// <summary>
/// Turns what a trace recorded (its input tracers, the equations, the output) into a <see cref="TraceGraph"/>,
/// numbering variables as Griewank and Walther do and writing each operation out.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly Dictionary<Tensor, TraceNode> nodes = new(ReferenceEqualityComparer.Instance);
    private readonly List<TraceNode> constants = [];
    private readonly Func<Tensor, Tensor> primalOf;

    /// <param name="primalOf">The value a tracer stands for (the trace's own tracers are not numbers).</param>
    public GraphBuilder(Func<Tensor, Tensor> primalOf) => this.primalOf = primalOf;

    /// <summary>The node of a traced tensor (input or operation output).</summary>
    public TraceNode this[Tensor t] => nodes[t];

    public TraceGraph Build(Tensor[] inputs, IEnumerable<RecordedEquation> equations, Tensor output, NameScope names)
    {
        var inputNodes = inputs.Select((x, j) =>
        {
            int index = j - inputs.Length + 1; // v₋ₙ₊₁ … v₀
            var name = names.Get(x) ?? MathText.InputName(j, inputs.Length);
            return Add(x, new TraceNode(TraceNodeKind.Input, index, $"x{j + 1}", MathText.Variable(index), name,
                                        null, [], primalOf(x)) { Name = name });
        }).ToList();

        var operations = new List<TraceNode>();
        foreach (var eq in equations)
        {
            var operands = eq.Inputs.Select(Operand).ToArray();
            int index = operations.Count + 1;
            var text = MathText.Operation(eq.Primitive, [.. operands.Select(o => o.Symbol)]);
            operations.Add(Add(eq.Output, new TraceNode(TraceNodeKind.Operation, index, $"v{index}", MathText.Variable(index), text,
                                                        eq.Primitive, operands, primalOf(eq.Output))
            { Name = names.Get(eq.Output) }));
        }
        return new TraceGraph(inputNodes, operations, constants, Operand(output));
    }

    private TraceNode Add(Tensor t, TraceNode node) => nodes[t] = node;

    /// <summary>A traced value's node, or a new constant node for a value the trace does not follow.</summary>
    private TraceNode Operand(Tensor t)
    {
        if (nodes.TryGetValue(t, out var node)) return node;
        var value = t.Concrete();
        var text = MathText.Constant(value);
        var constant = new TraceNode(TraceNodeKind.Constant, null, $"c{constants.Count + 1}", text, text, null, [], value);
        constants.Add(constant);
        return Add(t, constant);
    }
}
