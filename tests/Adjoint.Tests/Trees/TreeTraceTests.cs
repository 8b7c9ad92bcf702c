using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests.Trees;

public class TreeTraceTests
{
    private static readonly Func<Dictionary<string, Tensor>, Tensor> Lecture = p => Models.Lecture(p["x1"], p["x2"]);
    private static readonly Dictionary<string, Tensor> Point = new() { ["x1"] = 1.5, ["x2"] = 0.5 };

    [Fact]
    public void ReverseTraceOfATreeFunctionLabelsInputsByPathAndMatchesTheFlatTrace()
    {
        var tree = TraceReverse(Lecture, Point);
        var flat = TraceReverse(Models.Lecture, Point["x1"], Point["x2"]);
        // The same table; the inputs are named by their keys (x1) where the flat trace numbers them (x₁).
        Assert.Equal(flat.ToText(), System.Text.RegularExpressions.Regex.Replace(tree.ToText(), "(x\u0304?)([12])", m => m.Groups[1].Value + (m.Groups[2].Value == "1" ? "₁" : "₂")));
        Assert.Contains("v₋₁ = x1", tree.ToText());
    }

    [Fact]
    public void ForwardTraceLabelsNestedLeaves()
    {
        Func<(Tensor, Dictionary<string, Tensor>), Tensor> f = x => x.Item1 * Sin(x.Item2["w"]);
        // The argument must have the function's tree type: (Tensor, …), not (double, …).
        var trace = TraceForward(f, ((Tensor)2.0, new Dictionary<string, Tensor> { ["w"] = 0.5 }), ((Tensor)1.0, new Dictionary<string, Tensor> { ["w"] = 0.0 }));
        var text = trace.ToText();
        Assert.Contains("0", text);
        Assert.Contains("1.w", text);
    }
}
