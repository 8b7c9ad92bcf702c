namespace Adjoint;

/// <summary>
/// Reverse mode. The forward pass records every primitive on a tape (a Wengert list); the backward
/// sweep walks the tape from the end, applying each primitive's VJP rule and adding up the
/// cotangents of values that feed several operations (fan-out).
/// </summary>
internal sealed class ReverseTrace : Trace
{
    /// <summary>One recorded operation: output = primitive(inputs).</summary>
    internal sealed record Equation(Primitive Primitive, Tensor[] Inputs, Tensor[] Primals, ReverseTracer Output);

    private readonly List<Equation> tape = [];
    private int nextId;

    public IReadOnlyList<Equation> Tape => tape;
    public override string Kind => "ReverseTrace";
    public override bool KeepsIntermediates => true;

    public ReverseTracer NewInput(Tensor primal) => new(this, primal, nextId++);

    public Tensor Unwrap(Tensor x) => x is ReverseTracer t && t.Trace == this ? t.PrimalValue : x;

    public override Tensor Process(Primitive primitive, Tensor[] inputs, int[] outputShape)
    {
        var primals = inputs.Select(Unwrap).ToArray();
        var y = Dispatch.Bind(primitive, primals);
        if (!primitive.IsDifferentiable) return y; // a constant from here on
        var output = new ReverseTracer(this, y, nextId++);
        tape.Add(new Equation(primitive, inputs, primals, output));
        return output;
    }

    /// <summary>Called for each step of the backward sweep: (equation, input index, contribution, accumulated adjoint).</summary>
    public delegate void BackwardStep(Equation equation, int input, Tensor contribution, Tensor adjoint, bool accumulated);

    /// <summary>
    /// The backward sweep. <paramref name="cotangents"/> are the adjoints of <paramref name="outputs"/>
    /// (with the same leading batch shape); returns the adjoints of <paramref name="inputs"/>, null where zero.
    /// </summary>
    public Tensor?[] Backward(Tensor[] outputs, Tensor[] cotangents, ReverseTracer[] inputs, BackwardStep? observe = null)
    {
        var adjoint = new Tensor?[nextId];
        for (int k = 0; k < outputs.Length; k++)
            if (outputs[k] is ReverseTracer t && t.Trace == this)
                adjoint[t.Id] = adjoint[t.Id] is { } a ? a + cotangents[k] : cotangents[k];

        for (int e = tape.Count - 1; e >= 0; e--)
        {
            var eq = tape[e];
            if (adjoint[eq.Output.Id] is not { } ct) continue;
            adjoint[eq.Output.Id] = null; // no longer needed: let it be collected
            int batchRank = ct.Rank - eq.Output.Rank;
            var wanted = eq.Inputs.Select(x => x is ReverseTracer input && input.Trace == this).ToArray();
            var joint = eq.Primitive.Vjp(eq.Primals, eq.Output.PrimalValue, ct, wanted);
            for (int i = 0; i < eq.Inputs.Length; i++)
            {
                if (!wanted[i] || (joint is null ? eq.Primitive.Vjp(i, eq.Primals, eq.Output.PrimalValue, ct) : joint[i]) is not { } g) continue;
                var input = (ReverseTracer)eq.Inputs[i];
                // A broadcast input receives the sum of the cotangent over the broadcast axes.
                g = Np.SumTrailingTo(g, g.shape[batchRank..], input.shape);
                bool accumulated = adjoint[input.Id] is not null;
                adjoint[input.Id] = accumulated ? adjoint[input.Id]! + g : g;
                observe?.Invoke(eq, i, g, adjoint[input.Id]!, accumulated);
            }
        }
        return inputs.Select(x => adjoint[x.Id]).ToArray();
    }
}

internal sealed class ReverseTracer(ReverseTrace trace, Tensor primal, int id) : Tracer(trace, primal.shape)
{
    public Tensor PrimalValue { get; } = primal;
    public int Id { get; } = id;
    public override Tensor? Primal => PrimalValue;
}
