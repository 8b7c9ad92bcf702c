namespace Adjoint.Traces;

/// <summary>
/// Runs a function under the library's own forward and reverse traces and watches them: the JVP
/// trace reports each equation through <see cref="JvpTrace.OnEquation"/>, the reverse trace keeps its
/// tape and reports each backward step to an observer. Nothing is recomputed: the tables show
/// exactly the numbers that <c>Ad.Jvp</c> and <c>Ad.Grad</c> compute.
/// </summary>
internal static class TraceRun
{
    public static ForwardModeTrace Forward(Func<Tensor[], Tensor> f, Tensor[] primals, Tensor[] seeds)
    {
        for (int j = 0; j < primals.Length; j++)
            if (!Shapes.Equal(primals[j].shape, seeds[j].shape))
                throw new ShapeException($"TraceForward: the tangent of argument {j} has shape {Shapes.Format(seeds[j].shape)}, but the argument has shape {Shapes.Format(primals[j].shape)}; they must match.");

        var equations = new List<RecordedEquation>();
        using var names = NameScope.Begin();
        var trace = new JvpTrace([]) { OnEquation = (p, inputs, output) => equations.Add(new(p, inputs, output)) };
        // Every input gets a tracer, even with a zero seed, so that every operation shows in the table.
        var inputs = primals.Select((p, j) => trace.Wrap(p, seeds[j])).ToArray();
        Tensor output;
        try { output = f(inputs); }
        finally { trace.Exit(); }

        var builder = new GraphBuilder(t => trace.Unwrap(t).Primal);
        var graph = builder.Build(inputs, equations, output, names);
        foreach (var constant in graph.Constants) constant.Tangent = Np.ZerosLike(constant.Value);
        foreach (var traced in inputs.Concat(equations.Select(e => e.Output)))
            builder[traced].Tangent = trace.Unwrap(traced).Tangent ?? Np.ZerosLike(builder[traced].Value);
        return ForwardModeTrace.Create(graph, seeds);
    }

    public static ReverseModeTrace Reverse(Func<Tensor[], Tensor> f, Tensor[] primals)
    {
        using var names = NameScope.Begin();
        var trace = new ReverseTrace();
        var inputs = primals.Select(trace.NewInput).ToArray();
        Tensor output;
        try { output = f(inputs); }
        finally { trace.Exit(); }

        var builder = new GraphBuilder(trace.Unwrap);
        var equations = trace.Tape.Select(e => new RecordedEquation(e.Primitive, e.Inputs, e.Output));
        var graph = builder.Build(inputs, equations, output, names);
        foreach (var node in graph.Nodes) node.Adjoint = Np.ZerosLike(node.Value);

        // The sweep starts from ȳ = 1 (for an array output: 1 for every element, the gradient of its sum).
        var y = graph.Output;
        var seed = Np.OnesLike(y.Value);
        y.Adjoint = seed;
        var steps = new List<AdjointStep> { new(MathText.Bar(y.Symbol), y.Name, $"{MathText.Bar(y.Symbol)} = ȳ = {MathText.Value(seed)}", seed, AdjointStepKind.Seed) };

        void Observe(ReverseTrace.Equation eq, int i, Tensor contribution, Tensor adjoint, bool accumulated)
        {
            var target = builder[eq.Inputs[i]];
            var source = builder[eq.Output];
            var term = MathText.Contribution(eq.Primitive, i, MathText.Bar(source.Symbol), [.. source.Operands.Select(o => o.Symbol)], source.Symbol, reverse: true);
            // A broadcast operand receives the sum of the contributions over the axes it was stretched along.
            if (!Shapes.Equal(target.Value.shape, source.Value.shape) && IsElementwise(eq.Primitive)) term = $"Σ({term})";
            var bar = MathText.Bar(target.Symbol);
            var rule = accumulated ? MathText.Sum([bar, term]) : term;
            target.Adjoint = adjoint;
            steps.Add(new(bar, target.Name, $"{bar} = {rule}", adjoint, accumulated ? AdjointStepKind.Accumulate : AdjointStepKind.First));
        }

        // Backward gives null for an input the output does not depend on: its gradient is 0.
        var adjoints = trace.Backward([output], [seed], inputs, Observe);
        var gradients = adjoints.Select((g, j) => g ?? Np.ZerosLike(primals[j])).ToArray();
        foreach (var (x, j) in graph.Inputs.Select((x, j) => (x, j)))
        {
            x.Adjoint = gradients[j];
            var gradient = MathText.Bar(x.Name!);
            var source = adjoints[j] is null ? "0" : MathText.Bar(x.Symbol);
            steps.Add(new(gradient, x.Name, $"{gradient} = {source}", gradients[j], AdjointStepKind.Gradient));
        }
        return ReverseModeTrace.Create(graph, steps, gradients);
    }

    private static bool IsElementwise(Primitive p) => p is Primitives.Binary or Primitives.WhereP;
}
