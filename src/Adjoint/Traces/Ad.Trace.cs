using Adjoint.Traces;

namespace Adjoint;

public static partial class Ad
{
    /// <summary>
    /// Labels an intermediate value with the name a lecture gives it: <c>var a = Ad.Name("a", x1 / x2);</c>.
    /// Inside <see cref="TraceForward(Func{Tensor, Tensor}, Tensor, Tensor)"/> or <see cref="TraceReverse(Func{Tensor, Tensor}, Tensor)"/>
    /// the name appears in the tables and graphs; everywhere else it does nothing and returns <paramref name="value"/>.
    /// </summary>
    public static Tensor Name(string name, Tensor value)
    {
        NameScope.Current?.Set(value, name);
        return value;
    }

    // ------------------------------------------------------------ forward mode, step by step

    /// <summary>Forward mode step by step: every intermediate's value and tangent for the seed ẋ = <paramref name="tangent"/>.</summary>
    public static ForwardModeTrace TraceForward(Func<Tensor, Tensor> f, Tensor x, Tensor tangent) =>
        TraceRun.Forward(a => f(a[0]), [x], [tangent]);

    /// <summary>Forward mode step by step for a function of 2 arguments, seeded with (ẋ₁, ẋ₂) = <paramref name="tangents"/>.</summary>
    public static ForwardModeTrace TraceForward(Func<Tensor, Tensor, Tensor> f, (Tensor, Tensor) inputs, (Tensor, Tensor) tangents) =>
        TraceRun.Forward(a => f(a[0], a[1]), [inputs.Item1, inputs.Item2], [tangents.Item1, tangents.Item2]);

    /// <summary>Forward mode step by step for a function of 3 arguments.</summary>
    public static ForwardModeTrace TraceForward(Func<Tensor, Tensor, Tensor, Tensor> f, (Tensor, Tensor, Tensor) inputs, (Tensor, Tensor, Tensor) tangents) =>
        TraceRun.Forward(a => f(a[0], a[1], a[2]), [inputs.Item1, inputs.Item2, inputs.Item3], [tangents.Item1, tangents.Item2, tangents.Item3]);

    /// <summary>Forward mode step by step for a function of 4 arguments.</summary>
    public static ForwardModeTrace TraceForward(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, (Tensor, Tensor, Tensor, Tensor) inputs, (Tensor, Tensor, Tensor, Tensor) tangents) =>
        TraceRun.Forward(a => f(a[0], a[1], a[2], a[3]), [inputs.Item1, inputs.Item2, inputs.Item3, inputs.Item4], [tangents.Item1, tangents.Item2, tangents.Item3, tangents.Item4]);

    // ------------------------------------------------------------ reverse mode, step by step

    /// <summary>
    /// Reverse mode step by step: the primal trace, then the backward sweep from ȳ = 1 in the order it
    /// runs, ending with ∂y/∂x. (For an array output the seed is 1 for every element: the gradient of its sum.)
    /// </summary>
    public static ReverseModeTrace TraceReverse(Func<Tensor, Tensor> f, Tensor x) =>
        TraceRun.Reverse(a => f(a[0]), [x]);

    /// <summary>Reverse mode step by step for a function of 2 arguments, ending with ∂y/∂x₁ and ∂y/∂x₂.</summary>
    public static ReverseModeTrace TraceReverse(Func<Tensor, Tensor, Tensor> f, Tensor x1, Tensor x2) =>
        TraceRun.Reverse(a => f(a[0], a[1]), [x1, x2]);

    /// <summary>Reverse mode step by step for a function of 3 arguments.</summary>
    public static ReverseModeTrace TraceReverse(Func<Tensor, Tensor, Tensor, Tensor> f, Tensor x1, Tensor x2, Tensor x3) =>
        TraceRun.Reverse(a => f(a[0], a[1], a[2]), [x1, x2, x3]);

    /// <summary>Reverse mode step by step for a function of 4 arguments.</summary>
    public static ReverseModeTrace TraceReverse(Func<Tensor, Tensor, Tensor, Tensor, Tensor> f, Tensor x1, Tensor x2, Tensor x3, Tensor x4) =>
        TraceRun.Reverse(a => f(a[0], a[1], a[2], a[3]), [x1, x2, x3, x4]);
}
