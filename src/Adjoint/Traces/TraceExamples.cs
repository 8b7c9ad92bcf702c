using System.Net;
using System.Text;
using static Adjoint.Np;

namespace Adjoint.Traces;

/// <summary>
/// A function with a point to trace it at: what <c>kit trace --example NAME</c> prints, and what the
/// notebooks show. <see cref="Report"/> gives the forward table once per input (seeded ẋⱼ = 1, the
/// others 0) and then the reverse table.
/// </summary>
public sealed class TraceExample
{
    private readonly Func<Tensor[], Tensor> function;

    /// <summary>An example of your own: <paramref name="function"/> of <c>point.Length</c> inputs, traced at <paramref name="point"/>.</summary>
    public TraceExample(string name, string description, Func<Tensor[], Tensor> function, params double[] point)
    {
        Name = name;
        Description = description;
        this.function = function;
        Point = point;
    }

    /// <summary>The name <c>--example</c> takes, e.g. <c>lecture</c>.</summary>
    public string Name { get; }

    /// <summary>The function in words and maths.</summary>
    public string Description { get; }

    /// <summary>The point the function is traced at.</summary>
    public IReadOnlyList<double> Point { get; }

    /// <summary>Evaluates the function (outside any trace: <see cref="Ad.Name"/> does nothing).</summary>
    public Tensor Evaluate(params Tensor[] inputs) => function(inputs);

    /// <summary>Forward mode at <see cref="Point"/>, seeded with ẋⱼ = 1 for input <paramref name="seed"/> and 0 for the others.</summary>
    public ForwardModeTrace Forward(int seed = 0)
    {
        if (seed < 0 || seed >= Point.Count)
            throw new ArgumentOutOfRangeException(nameof(seed), $"The example {Name} has {Point.Count} input(s); seed must be 0 to {Point.Count - 1}.");
        var seeds = Point.Select((_, j) => (Tensor)(j == seed ? 1.0 : 0.0)).ToArray();
        var trace = TraceRun.Forward(function, Inputs(), seeds);
        trace.Title = Name;
        return trace;
    }

    /// <summary>Reverse mode at <see cref="Point"/>: the backward sweep from ȳ = 1 to the gradient.</summary>
    public ReverseModeTrace Reverse()
    {
        var trace = TraceRun.Reverse(function, Inputs());
        trace.Title = Name;
        return trace;
    }

    private Tensor[] Inputs() => [.. Point.Select(p => (Tensor)p)];

    /// <summary>
    /// Every table of this example: forward mode seeded with each input in turn, then reverse mode.
    /// HTML comes as a complete page (it is meant to be saved to a file and opened).
    /// </summary>
    public string Report(TraceFormat format)
    {
        var traces = Enumerable.Range(0, Point.Count).Select(j => (EvaluationTrace)Forward(j)).Append(Reverse()).ToList();
        var body = string.Join("\n", traces.Select(t => t.Render(format)));
        var heading = $"{Name}: {Description}";
        return format switch
        {
            TraceFormat.Markdown => $"## {heading}\n\n{body}",
            TraceFormat.Html => new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .Append(WebUtility.HtmlEncode(Name)).Append("</title></head><body>\n<h2>").Append(WebUtility.HtmlEncode(heading))
                .Append("</h2>\n").Append(body).Append(traces[^1].Graph.ToSvg()).Append("</body></html>\n").ToString(),
            _ => $"{heading}\n\n{body}",
        };
    }

    public override string ToString() => $"{Name}: {Description}";
}

/// <summary>The built-in examples for <c>kit trace</c> and the course.</summary>
public static class TraceExamples
{
    /// <summary>
    /// The lecture's function f(x₁, x₂) = d·e with a = x₁/x₂, b = exp(x₂), c = sin(a), d = a − b,
    /// e = c + d, at (1, 1).
    /// </summary>
    public static TraceExample Lecture { get; } = new("lecture",
        "f(x₁, x₂) = d·e with a = x₁/x₂, b = exp(x₂), c = sin(a), d = a − b, e = c + d, at (1, 1)",
        x => LectureFunction(x[0], x[1]), 1.0, 1.0);

    /// <summary>Baydin et al.'s example f(x₁, x₂) = ln(x₁) + x₁·x₂ − sin(x₂) at (2, 5).</summary>
    public static TraceExample Baydin { get; } = new("baydin",
        "f(x₁, x₂) = ln(x₁) + x₁·x₂ − sin(x₂), at (2, 5) (Baydin et al. 2018, Tables 2 and 3)",
        x => Log(x[0]) + x[0] * x[1] - Sin(x[1]), 2.0, 5.0);

    /// <summary>x·x at 3: one input used twice, so its adjoint is accumulated.</summary>
    public static TraceExample Square { get; } = new("square", "f(x) = x·x, at 3 (a reused input: its adjoint accumulates)",
        x => x[0] * x[0], 3.0);

    /// <summary>All built-in examples.</summary>
    public static IReadOnlyList<TraceExample> All { get; } = [Lecture, Baydin, Square];

    /// <summary>The example with this name (case-insensitive), or null.</summary>
    public static TraceExample? Find(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The lecture's function, with its intermediates named as in the lecture.</summary>
    public static Tensor LectureFunction(Tensor x1, Tensor x2)
    {
        var a = Ad.Name("a", x1 / x2);
        var b = Ad.Name("b", Exp(x2));
        var c = Ad.Name("c", Sin(a));
        var d = Ad.Name("d", a - b);
        var e = Ad.Name("e", c + d);
        return Ad.Name("g", d * e);
    }
}
