using Adjoint;
using static Adjoint.Ad;
using static Adjoint.Np;

namespace Adjoint.Tests.Toolbox;

public class TreeFormTests
{
    private static readonly Func<Dictionary<string, Tensor>, Tensor> Loss =
        p => Sum(Pow(p["w"], 2) * p["b"]) + Sum(Sin(p["b"]));

    private static Dictionary<string, Tensor> Point() => new() { ["w"] = Array(1.0, -2.0), ["b"] = Array(0.5) };

    [Fact]
    public void ValueAndGradHvpAndCheckGradsTakeTrees()
    {
        var (value, gradient) = ValueAndGrad(Loss)(Point());
        Assertions.Close(Loss(Point()), value);
        Assertions.Close(Array(1.0, -2.0), gradient["w"]);                  // 2·w·b
        Assertions.Close(Array(5.0 + Math.Cos(0.5)), gradient["b"]);          // Σw² + cos b

        var v = new Dictionary<string, Tensor> { ["w"] = Array(1.0, 0.0), ["b"] = Array(2.0) };
        var hv = Hvp(Loss, Point(), v);
        // H = [[2b, 0, 2w₁], [0, 2b, 2w₂], [2w₁, 2w₂, −sin b]] at w = (1, −2), b = 0.5.
        Assertions.Close(Array(1.0 + 4.0, 0.0 - 8.0), hv["w"], 1e-14);
        Assertions.Close(Array(2.0 - 2.0 * Math.Sin(0.5)), hv["b"], 1e-14);

        CheckGrads(Loss, Point(), order: 2);
        // A deliberately wrong reverse rule is caught through the tree form.
        var g = CustomVjp((Tensor[] a) => Loss(new() { ["w"] = a[0], ["b"] = a[1] }),
                          (Tensor[] a) => (Loss(new() { ["w"] = a[0], ["b"] = a[1] }), a), (Tensor[] a, Tensor ct) => new[] { ct * a[0], ct * a[1] });
        Func<Dictionary<string, Tensor>, Tensor> wrong = p => g([p["w"], p["b"]]);
        Assert.Throws<GradientCheckException>(() => CheckGrads(wrong, Point(), order: 1, modes: ["rev"]));
    }
}
