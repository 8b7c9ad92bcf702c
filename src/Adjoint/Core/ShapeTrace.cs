namespace Adjoint;

/// <summary>
/// Shape inference by tracing: runs a function on abstract values that carry only a shape, so the
/// output shape of a user function (a custom rule's primal, a Vmap body) is known without computing it.
/// </summary>
internal sealed class ShapeTrace : Trace
{
    public override string Kind => "ShapeTrace";

    public override Tensor Process(Primitive primitive, Tensor[] inputs, int[] outputShape) => new ShapeTracer(this, outputShape);

    /// <summary>The shape of f's output for inputs of the given shapes.</summary>
    public static int[] OutputShape(Func<Tensor[], Tensor> f, int[][] inputs)
    {
        var trace = new ShapeTrace();
        try { return (int[])f(inputs.Select(s => (Tensor)new ShapeTracer(trace, s)).ToArray()).shape.Clone(); }
        finally { trace.Exit(); }
    }
}

internal sealed class ShapeTracer(ShapeTrace trace, int[] shape) : Tracer(trace, shape)
{
    public override Tensor? Primal => null;
}
