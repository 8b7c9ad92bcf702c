using Adjoint.Primitives;

namespace Adjoint;

public static partial class Ad
{
    /// <summary>
    /// <c>jax.checkpoint</c> (remat): the same function, but reverse mode keeps only its inputs and output and
    /// recomputes its intermediates during the backward pass. Wrap the segments of a deep chain to trade one extra
    /// forward evaluation per segment for memory: the tape then holds the segment boundaries plus one segment.
    /// </summary>
    public static Func<Tensor, Tensor> Checkpoint(Func<Tensor, Tensor> f)
    {
        var primitive = new CheckpointP(a => f(a[0]));
        return x => Dispatch.Bind(primitive, x);
    }

    /// <summary><c>jax.checkpoint</c> for a function of several arrays.</summary>
    public static Func<Tensor[], Tensor> Checkpoint(Func<Tensor[], Tensor> f)
    {
        var primitive = new CheckpointP(f);
        return args => Dispatch.Bind(primitive, args);
    }

    /// <summary>
    /// <c>jax.linearize</c>: f(x) and the linear map t ↦ J(x)·t. f runs once: its primal values are computed
    /// then, and the tangent operations (whose coefficients they are) are recorded and replayed for each t, so
    /// the map costs only the tangent work. The map is tensor code: it can be differentiated, vmapped, jitted.
    /// </summary>
    public static (Tensor Output, Func<Tensor, Tensor> Jvp) Linearize(Func<Tensor, Tensor> f, Tensor x)
    {
        // The tangent is a tracer of a recording trace below the forward trace: every tangent operation lands
        // on its tape with the primal values as constants.
        var recorder = new ReverseTrace();
        var tangent = recorder.NewInput(Np.Zeros(x.shape));
        Tensor y, dy;
        try
        {
            var (ys, dys) = JvpCore(a => [f(a[0])], [x], [tangent], []);
            (y, dy) = (ys[0], dys[0]);
        }
        finally { recorder.Exit(); }
        return (y, t =>
        {
            if (!Shapes.Equal(t.shape, x.shape))
                throw new ShapeException($"linearize: the tangent has shape {Shapes.Format(t.shape)}, but the primal has shape {Shapes.Format(x.shape)}; they must match.");
            return Replay(recorder, tangent, t, dy);
        });
    }

    /// <summary>Re-runs the recorded operations with <paramref name="value"/> in place of <paramref name="input"/>.</summary>
    private static Tensor Replay(ReverseTrace recorder, ReverseTracer input, Tensor value, Tensor output)
    {
        if (output is not ReverseTracer { } result || result.Trace != recorder) return output; // the tangent does not depend on t
        var values = new Dictionary<int, Tensor> { [input.Id] = value };
        Tensor Read(Tensor x) => x is ReverseTracer t && t.Trace == recorder ? values[t.Id] : x;
        foreach (var eq in recorder.Tape)
            values[eq.Output.Id] = Dispatch.Bind(eq.Primitive, eq.Inputs.Select(Read).ToArray());
        return values[result.Id];
    }
}
