namespace Adjoint;

/// <summary>
/// Forward mode. A tracer carries a primal value and a tangent; each primitive's JVP rule pushes
/// the tangents forward. A missing tangent is a symbolic zero: no work is done for it.
/// </summary>
/// <remarks>
/// Tangents may carry leading batch axes (<see cref="BatchShape"/>): JacFwd seeds all basis vectors
/// at once, so one pass gives the whole Jacobian. A tangent's shape is BatchShape + primal shape.
/// </remarks>
internal sealed class JvpTrace(int[] batchShape) : Trace
{
    public int[] BatchShape { get; } = batchShape;
    public override string Kind => "JVPTrace";

    /// <summary>Called for every primitive applied to this trace's tracers; may be observed by traces for tables.</summary>
    public Action<Primitive, Tensor[], JvpTracer>? OnEquation { get; init; }

    public Tensor Wrap(Tensor primal, Tensor? tangent) => tangent is null ? primal : new JvpTracer(this, primal, tangent);

    /// <summary>The (primal, tangent) of a value at this level; values from lower levels have a zero tangent.</summary>
    public (Tensor Primal, Tensor? Tangent) Unwrap(Tensor x) =>
        x is JvpTracer t && t.Trace == this ? (t.PrimalValue, t.Tangent) : (x, null);

    public override Tensor Process(Primitive primitive, Tensor[] inputs, int[] outputShape)
    {
        int n = inputs.Length;
        var primals = new Tensor[n];
        var tangents = new Tensor?[n];
        for (int i = 0; i < n; i++) (primals[i], tangents[i]) = Unwrap(inputs[i]);

        var y = Dispatch.Bind(primitive, primals);
        if (!primitive.IsDifferentiable || tangents.All(t => t is null)) return y;

        // Rules mix tangents with primals by broadcasting, which aligns trailing axes. Give each tangent
        // the rank of the widest primal so its batch axes stay in front.
        int rank = primals.Max(p => p.Rank);
        for (int i = 0; i < n; i++)
            if (tangents[i] is { } t && primals[i].Rank < rank)
                tangents[i] = Np.ReshapeTrailing(t, primals[i].shape, [.. Enumerable.Repeat(1, rank - primals[i].Rank), .. primals[i].shape]);

        var dy = primitive.Jvp(primals, y, tangents, i => Np.Zeros(Shapes.Concat(BatchShape, primals[i].shape)));
        if (dy is null) return y;
        if (!Shapes.Equal(dy.shape.AsSpan(BatchShape.Length), y.shape))
            dy = Np.BroadcastTrailing(dy, dy.shape[BatchShape.Length..], y.shape);
        var result = new JvpTracer(this, y, dy);
        OnEquation?.Invoke(primitive, inputs, result);
        return result;
    }
}

internal sealed class JvpTracer(JvpTrace trace, Tensor primal, Tensor tangent) : Tracer(trace, primal.shape)
{
    public Tensor PrimalValue { get; } = primal;
    public Tensor Tangent { get; } = tangent;
    public override Tensor? Primal => PrimalValue;
}
