namespace Adjoint;

/// <summary>
/// One active transformation (a level of the interpreter stack). Each transformation (forward
/// mode, reverse mode, graph capture) wraps its inputs in its own tracers; <see cref="Dispatch.Bind"/>
/// hands every primitive to the highest level among its inputs. Values from lower levels are
/// constants at this level. That is what lets transformations nest without confusing perturbations.
/// </summary>
internal abstract class Trace
{
    public int Level { get; }
    public bool IsActive { get; private set; } = true;

    protected Trace() => Level = Dispatch.Enter(this);

    /// <summary>Applies <paramref name="primitive"/> to inputs of which at least one is a tracer of this trace.</summary>
    public abstract Tensor Process(Primitive primitive, Tensor[] inputs, int[] outputShape);

    /// <summary>Ends the transformation: its tracers must not be used afterwards.</summary>
    public void Exit()
    {
        Dispatch.Leave(this);
        IsActive = false;
    }

    /// <summary>
    /// Whether this trace also records operations on constants alone when their result is large (more than
    /// <see cref="Dispatch.LargeSize"/> elements), instead of letting them be computed: a compiler does, so that
    /// a basis vector broadcast over an image is made block by block rather than materialised.
    /// </summary>
    public virtual bool RecordsLargeConstants => false;

    /// <summary>Whether this trace keeps every intermediate value until it ends (reverse mode's tape).</summary>
    public virtual bool KeepsIntermediates => false;

    public abstract string Kind { get; }
    public override string ToString() => $"{Kind}(level={Level})";
}

/// <summary>A value being traced by a transformation. Its shape is the shape of the value it stands for.</summary>
internal abstract class Tracer(Trace trace, int[] shape) : Tensor(shape)
{
    public Trace Trace { get; } = trace;

    /// <summary>The value one level down (a concrete tensor or a tracer of a lower level), if this trace has one.</summary>
    public abstract Tensor? Primal { get; }

    public override string ToString() => Primal is { } p
        ? $"Traced<{Trace}> shape={Shapes.Format(shape)}, primal:\n{p}"
        : $"Traced<{Trace}> shape={Shapes.Format(shape)}";
}

/// <summary>The single dispatch point of the library: every tensor operation goes through <see cref="Bind"/>.</summary>
internal static class Dispatch
{
    [ThreadStatic] private static List<Trace>? active;

    internal static int Enter(Trace trace)
    {
        active ??= [];
        active.Add(trace);
        return active.Count;
    }

    /// <summary>Results larger than this (in elements) count as large: see <see cref="Trace.RecordsLargeConstants"/>.</summary>
    public const int LargeSize = 1 << 16;

    private static Trace? InnermostRecordingLargeConstants()
    {
        if (active is null) return null;
        for (int i = active.Count - 1; i >= 0; i--)
            if (active[i].RecordsLargeConstants) return active[i];
        return null;
    }

    /// <summary>Whether a transformation that started after <paramref name="trace"/> (and is still running) keeps every intermediate value.</summary>
    internal static bool KeptAbove(Trace trace)
    {
        for (int i = active!.Count - 1; i >= 0 && active[i] != trace; i--)
            if (active[i].KeepsIntermediates) return true;
        return false;
    }

    internal static void Leave(Trace trace)
    {
        if (active is null || active.Count == 0 || active[^1] != trace)
            throw new InvalidOperationException($"Transformations must end in the reverse order they started ({trace} is not the innermost).");
        active.RemoveAt(active.Count - 1);
    }

    public static Tensor Bind(Primitive primitive, params Tensor[] inputs)
    {
        var shapes = new int[inputs.Length][];
        Trace? top = null;
        for (int i = 0; i < inputs.Length; i++)
        {
            shapes[i] = inputs[i].shape;
            if (inputs[i] is not Tracer t) continue;
            if (!t.Trace.IsActive)
                throw new InvalidOperationException(
                    $"A traced value from a transformation that has already finished ({t.Trace}) was used in {primitive.Name}. " +
                    "This happens when a value computed inside Grad/Jvp/JacFwd/Jit is stored outside it (in a field or captured variable) and used later.");
            if (top is null || t.Trace.Level > top.Level) top = t.Trace;
        }
        var outputShape = primitive.OutputShape(shapes);
        if (top is not null) return top.Process(primitive, inputs, outputShape);
        // Under Jit, a large result of constants (say a basis vector broadcast over an image) is
        // recorded rather than computed, so the compiled program makes it block by block.
        if (Shapes.Size(outputShape) > LargeSize && InnermostRecordingLargeConstants() is { } recorder)
            return recorder.Process(primitive, inputs, outputShape);
        return primitive.Eval(inputs, outputShape);
    }
}
