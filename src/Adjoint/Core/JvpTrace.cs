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
        var primals = inputs.Select(x => x is JvpTracer t && t.Trace == this ? t.PrimalValue : x).ToArray();
        var y = Dispatch.Bind(primitive, primals);
        if (!primitive.IsDifferentiable) return y;

        JvpTracer result;
        if (Dispatch.KeptAbove(this) && primitive.HasForwardRule)
        {
            // Under a transformation that keeps every intermediate anyway (reverse mode inside forward mode, as in
            // Hessian = JacFwd(JacRev)), a tangent is computed only when something reads it: the inner function's
            // forward pass makes values, its output first of all, whose tangents nothing needs. Deferring costs no
            // memory there, as the tape holds the same values; alone, forward mode stays eager and keeps nothing.
            // (A primitive without a forward rule still fails here and now, whether or not its tangent is read.)
            result = new JvpTracer(this, y, () => Tangent(primitive, primals, y, inputs) ?? Np.Zeros(Shapes.Concat(BatchShape, y.shape)), inputs);
        }
        else
        {
            if (Tangent(primitive, primals, y, inputs) is not { } dy) return y;
            result = new JvpTracer(this, y, dy);
        }
        OnEquation?.Invoke(primitive, inputs, result);
        return result;
    }

    /// <summary>The JVP rule applied to the inputs' tangents, as batch shape + output shape; null for a symbolic zero.</summary>
    private Tensor? Tangent(Primitive primitive, Tensor[] primals, Tensor y, Tensor[] inputs)
    {
        var tangents = inputs.Select(x => Unwrap(x).Tangent).ToArray();
        if (tangents.All(t => t is null)) return null;

        // Rules mix tangents with primals by broadcasting, which aligns trailing axes. Give each tangent
        // the rank of the widest primal so its batch axes stay in front.
        int rank = primals.Max(p => p.Rank);
        for (int i = 0; i < tangents.Length; i++)
            if (tangents[i] is { } t && primals[i].Rank < rank)
                tangents[i] = Np.ReshapeTrailing(t, primals[i].shape, [.. Enumerable.Repeat(1, rank - primals[i].Rank), .. primals[i].shape]);

        var dy = primitive.Jvp(primals, y, tangents, i => Np.Zeros(Shapes.Concat(BatchShape, primals[i].shape)));
        if (dy is not null && !Shapes.Equal(dy.shape.AsSpan(BatchShape.Length), y.shape))
            dy = Np.BroadcastTrailing(dy, dy.shape[BatchShape.Length..], y.shape);
        return dy;
    }
}

/// <summary>A primal value and its tangent, computed at once or, where <see cref="JvpTrace.Process"/> defers it, on first read.</summary>
internal sealed class JvpTracer : Tracer
{
    private Tensor? tangent;
    private Func<Tensor>? deferred;
    private Tensor[]? reads; // the inputs a deferred tangent is computed from

    public JvpTracer(JvpTrace trace, Tensor primal, Tensor tangent) : base(trace, primal.shape) =>
        (PrimalValue, this.tangent) = (primal, tangent);

    public JvpTracer(JvpTrace trace, Tensor primal, Func<Tensor> deferred, Tensor[] reads) : base(trace, primal.shape) =>
        (PrimalValue, this.deferred, this.reads) = (primal, deferred, reads);

    public Tensor PrimalValue { get; }
    public Tensor Tangent => tangent ?? Force();
    public override Tensor? Primal => PrimalValue;

    /// <summary>Computes a deferred tangent after the deferred tangents it reads, with a stack rather than recursion (chains can be long).</summary>
    private Tensor Force()
    {
        var pending = new Stack<JvpTracer>([this]);
        while (pending.TryPeek(out var next))
        {
            if (next.tangent is not null) { pending.Pop(); continue; }
            bool ready = true;
            foreach (var input in next.reads!)
                if (input is JvpTracer t && t.Trace == Trace && t.tangent is null) { pending.Push(t); ready = false; }
            if (!ready) continue;
            next.tangent = next.deferred!();
            (next.deferred, next.reads) = (null, null); // what it was computed from may now be collected
            pending.Pop();
        }
        return tangent!;
    }
}
