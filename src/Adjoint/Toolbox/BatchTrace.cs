namespace Adjoint;

/// <summary>
/// Vectorising map (<c>vmap</c>). A tracer stands for one example; the value it carries holds the whole batch
/// on a leading axis. Primitives already accept extra leading axes (their parameters describe trailing axes,
/// which is how JacFwd pushes a basis), so most of them run on the batched value as they are. Two things need
/// care: broadcasting aligns trailing axes, so a batched operand of lower rank than the result is given size-1
/// axes after its batch axis; and operations that combine operands axis by axis (concatenate, matmul) also get
/// the unbatched ones broadcast over the batch. Custom rules are re-made for the batch (<see cref="Primitive.Batched"/>).
/// </summary>
internal sealed class BatchTrace(int size) : Trace
{
    public int Size { get; } = size;
    public override string Kind => "BatchTrace";

    /// <summary>Wraps a value whose axis 0 is the batch.</summary>
    public Tensor Wrap(Tensor value) => new BatchTracer(this, value);

    /// <summary>The batched value (batch on axis 0) of a tracer of this trace, or null for a value from a lower level.</summary>
    public Tensor? Batched(Tensor x) => x is BatchTracer t && t.Trace == this ? t.Value : null;

    public override Tensor Process(Primitive primitive, Tensor[] inputs, int[] outputShape)
    {
        var batched = inputs.Select(x => Batched(x) is not null).ToArray();
        // A primitive with a batched form of its own (a custom rule) takes its inputs as they are.
        if (primitive.Batched(batched) is { } mapped)
            return Wrap(Dispatch.Bind(mapped, inputs.Select(x => Batched(x) ?? x).ToArray()));

        int rank = Math.Max(outputShape.Length, inputs.Max(x => x.Rank));
        var values = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i];
            // Size-1 axes after the batch axis, so that broadcasting lines up the example axes.
            int[] padded = inputs.Length == 1 ? x.shape : [.. Enumerable.Repeat(1, rank - x.Rank), .. x.shape];
            if (Batched(x) is { } value) values[i] = Np.ReshapeTrailing(value, value.shape, [Size, .. padded]);
            else values[i] = primitive.IsElementWise || inputs.Length == 1 ? x : Np.BroadcastTrailing(x, x.shape, [Size, .. padded]);
        }
        return Wrap(Dispatch.Bind(primitive, values));
    }
}

internal sealed class BatchTracer(BatchTrace trace, Tensor value) : Tracer(trace, value.shape[1..])
{
    public Tensor Value { get; } = value;
    public override Tensor? Primal => null;
}
