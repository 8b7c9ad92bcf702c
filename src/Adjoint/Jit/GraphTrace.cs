namespace Adjoint;

/// <summary>
/// Graph capture: instead of computing, every primitive is recorded as an equation of a
/// <see cref="Graph"/>. Tracers here are abstract: they have a shape but no numbers. Constants the
/// function closes over enter the graph by reference (not copied).
/// </summary>
internal sealed class GraphTrace : Trace
{
    private readonly List<Graph.Equation> equations = [];
    private readonly List<Graph.Variable> inputs = [];
    private int nextId;

    public override string Kind => "GraphTrace";

    /// <summary>Large constant results are recorded too: <see cref="Graph.Simplify"/> folds only small ones.</summary>
    public override bool RecordsLargeConstants => true;

    public GraphTracer NewInput(int[] shape)
    {
        var v = new Graph.Variable(nextId++, shape);
        inputs.Add(v);
        return new GraphTracer(this, v);
    }

    public override Tensor Process(Primitive primitive, Tensor[] inputs, int[] outputShape)
    {
        var atoms = inputs.Select(x => x switch
        {
            GraphTracer t when t.Trace == this => (object)t.Variable,
            Tracer t => throw new InvalidOperationException(
                $"Jit/MakeGraph: {primitive.Name} uses a value traced by an outer transformation ({t.Trace}) that the function closes over. " +
                "Pass it to the jitted function as an argument instead."),
            _ => x,
        }).ToArray();
        var output = new Graph.Variable(nextId++, outputShape);
        equations.Add(new Graph.Equation(primitive, atoms, output));
        return new GraphTracer(this, output);
    }

    /// <summary>The recorded program with the given outputs (tracers of this trace, or constants).</summary>
    public Graph Finish(Tensor[] outputs) =>
        new([.. inputs], [.. equations], outputs.Select(o => o is GraphTracer t && t.Trace == this ? (object)t.Variable : o.Concrete()).ToArray());
}

internal sealed class GraphTracer(GraphTrace trace, Graph.Variable variable) : Tracer(trace, variable.Shape)
{
    public Graph.Variable Variable { get; } = variable;
    public override Tensor? Primal => null;
}
